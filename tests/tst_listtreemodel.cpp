#include <memory>
#include <vector>

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QMimeData>
#include <QPoint>
#include <QSignalSpy>
#include <QTest>

#include "ComposerDocument.h"
#include "LimitsTable.h"
#include "ListTreeModel.h"
#include "MessageCodec.h"
#include "TextMetrics.h"

using namespace wa;

namespace {

const char* const kTakeout = "list-takeout-menu.json";
const char* const kProducts = "product-list.json";
const char* const kZhTw = "list-zh-TW-appointments.json";

// The takeout menu as shapes: section title[child ids].
const char* const kTakeoutShape = "Noodles[beef-noodle,dan-dan] Rice[lu-rou,chicken-rice]";
const char* const kProductsShape = "Coats[COAT-01,COAT-02,COAT-03] Scarves[SCARF-01,SCARF-02]";

QString u8(const char* text)
{
    return QString::fromUtf8(text);
}

QString samplePath(const QString& name)
{
    return QStringLiteral(WA_SAMPLES_DIR "/messages/") + name;
}

Message decodeText(const QByteArray& json)
{
    const DecodeResult decoded = MessageCodec::decode(json);
    return decoded.message.value_or(Message());
}

QJsonArray sectionsJson(const Message& message)
{
    return MessageCodec::toJson(message)
        .value(QLatin1String("interactive"))
        .toObject()
        .value(QLatin1String("action"))
        .toObject()
        .value(QLatin1String("sections"))
        .toArray();
}

// The JSON object of a section (row < 0) or of one of its children.
QJsonObject itemJson(const Message& message, int section, int row)
{
    const QJsonObject s = sectionsJson(message).at(section).toObject();
    if (row < 0)
        return s;
    const QJsonArray children = s.contains(QLatin1String("rows")) ? s.value(QLatin1String("rows")).toArray()
                                                                  : s.value(QLatin1String("product_items")).toArray();
    return children.at(row).toObject();
}

// "title[id,id] title[id]" from the JSON the document would send.
QString documentShape(const ComposerDocument& document)
{
    QStringList sections;
    for (const QJsonValue& value : sectionsJson(document.message())) {
        const QJsonObject section = value.toObject();
        QStringList children;
        for (const QJsonValue& row : section.value(QLatin1String("rows")).toArray())
            children << row.toObject().value(QLatin1String("id")).toString();
        for (const QJsonValue& item : section.value(QLatin1String("product_items")).toArray())
            children << item.toObject().value(QLatin1String("product_retailer_id")).toString();
        sections << section.value(QLatin1String("title")).toString() + QLatin1Char('[') +
                        children.join(QLatin1Char(',')) + QLatin1Char(']');
    }
    return sections.join(QLatin1Char(' '));
}

// The same shape, as the model shows it.
QString modelShape(const ListTreeModel& model)
{
    QStringList sections;
    const int childRole = model.isProductList() ? ListTreeModel::RetailerIdRole : ListTreeModel::IdRole;
    for (int i = 0; i < model.rowCount(); ++i) {
        const QModelIndex section = model.index(i, 0);
        QStringList children;
        for (int j = 0; j < model.rowCount(section); ++j)
            children << model.index(j, 0, section).data(childRole).toString();
        sections << section.data(ListTreeModel::TitleRole).toString() + QLatin1Char('[') +
                        children.join(QLatin1Char(',')) + QLatin1Char(']');
    }
    return sections.join(QLatin1Char(' '));
}

struct Edit
{
    QString key;
    Message before;
    Message after;
};

// A document, the model under QAbstractItemModelTester, and an edit handler standing in for the
// undo stack: it records every edit and (unless told not to) applies it as the undo stack would.
struct Fixture
{
    Fixture()
        : tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest)
    {
        document.setEditHandler([this](const QString& key, const Message& before, const Message& after) {
            edits.push_back(Edit{key, before, after});
            if (applyEdits)
                document.setMessage(after);
        });
    }

    bool load(const QString& sample)
    {
        QString error;
        const bool ok = document.load(samplePath(sample), &error);
        if (!ok)
            qWarning("%s", qPrintable(error));
        return ok;
    }

    QModelIndex at(int section, int row = -1) const
    {
        const QModelIndex s = model.index(section, 0);
        return row < 0 ? s : model.index(row, 0, s);
    }

    QString json() const { return QString::fromUtf8(document.toJson()); }

    ComposerDocument document;
    ListTreeModel model{&document};
    QAbstractItemModelTester tester;
    std::vector<Edit> edits;
    bool applyEdits = true;
};

// The spies a structural test watches.
struct Spies
{
    explicit Spies(ListTreeModel* model)
        : inserted(model, &QAbstractItemModel::rowsInserted)
        , removed(model, &QAbstractItemModel::rowsRemoved)
        , moved(model, &QAbstractItemModel::rowsMoved)
        , reset(model, &QAbstractItemModel::modelReset)
        , changed(model, &QAbstractItemModel::dataChanged)
    {
    }

    QSignalSpy inserted;
    QSignalSpy removed;
    QSignalSpy moved;
    QSignalSpy reset;
    QSignalSpy changed;
};

QModelIndex indexArg(const QList<QVariant>& arguments, int i)
{
    return arguments.at(i).value<QModelIndex>();
}

} // namespace

class TestListTreeModel : public QObject
{
    Q_OBJECT

private slots:
    void listStructureAndRoles();
    void untitledSectionPlaceholder();
    void productListMode();
    void otherTypesAreEmpty_data();
    void otherTypesAreEmpty();
    void flags();

    void setData_data();
    void setData();
    void setDataRejectsOtherRolesAndNoOps();
    void editKeys();

    void addSection_data();
    void addSection();
    void addRow_data();
    void addRow();
    void addRowAvoidsTakenIds();
    void duplicateRow();
    void duplicateSectionAndProduct();
    void duplicateKeepsIdLengthLimit();
    void remove_data();
    void remove();
    void move_data();
    void move();
    void persistentIndexesFollowChanges();

    void dragDrop_data();
    void dragDrop();
    void dropFromAnotherModelIsRejected();

    void generateIds_data();
    void generateIds();
    void generateIdsAcrossSectionsAndModes();

    void undoRestores_data();
    void undoRestores();
    void handlerThatDoesNotApply();

    void externalChange_data();
    void externalChange();
    void documentDestroyed();

    void indexForPath_data();
    void indexForPath();
};

// --- data and roles ------------------------------------------------------------------------------

void TestListTreeModel::listStructureAndRoles()
{
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    QVERIFY(!f.model.isProductList());
    QCOMPARE(f.model.rowCount(), 2);
    QCOMPARE(f.model.columnCount(), 1);
    QCOMPARE(f.model.rowCount(f.at(0)), 2);
    QCOMPARE(f.model.rowCount(f.at(1)), 2);
    QCOMPARE(f.model.rowCount(f.at(1, 0)), 0);
    QCOMPARE(modelShape(f.model), u8(kTakeoutShape));

    const QModelIndex section = f.at(1);
    QCOMPARE(section.data().toString(), u8("Rice"));
    QCOMPARE(section.data(Qt::EditRole).toString(), u8("Rice"));
    QCOMPARE(section.data(ListTreeModel::KindRole).toInt(), int(ListTreeModel::SectionKind));
    QCOMPARE(section.data(ListTreeModel::PathRole).toString(), u8("interactive.action.sections[1]"));
    QCOMPARE(section.data(ListTreeModel::SectionIndexRole).toInt(), 1);
    QCOMPARE(section.data(ListTreeModel::RowIndexRole).toInt(), -1);
    QVERIFY(!section.parent().isValid());

    const QModelIndex row = f.at(0, 0);
    QCOMPARE(row.parent(), f.at(0));
    QCOMPARE(row.data().toString(), u8("Beef noodle soup"));
    QCOMPARE(row.data(ListTreeModel::TitleRole).toString(), u8("Beef noodle soup"));
    QCOMPARE(row.data(ListTreeModel::IdRole).toString(), u8("beef-noodle"));
    QCOMPARE(row.data(ListTreeModel::DescriptionRole).toString(), u8("Slow braised shank, NT$180"));
    QCOMPARE(row.data(ListTreeModel::KindRole).toInt(), int(ListTreeModel::RowKind));
    QVERIFY(!row.data(ListTreeModel::RetailerIdRole).isValid());

    const QModelIndex last = f.at(1, 1);
    QCOMPARE(last.data(ListTreeModel::PathRole).toString(), u8("interactive.action.sections[1].rows[1]"));
    QCOMPARE(last.data(ListTreeModel::SectionIndexRole).toInt(), 1);
    QCOMPARE(last.data(ListTreeModel::RowIndexRole).toInt(), 1);
    QCOMPARE(last.data(ListTreeModel::DescriptionRole).toString(), QString()); // absent in the sample
    QVERIFY(!f.model.index(2, 0, f.at(1)).isValid());
    QVERIFY(!f.model.index(0, 0, last).isValid());

    const QHash<int, QByteArray> names = f.model.roleNames();
    QCOMPARE(names.value(ListTreeModel::TitleRole), QByteArray("title"));
    QCOMPARE(names.value(ListTreeModel::RetailerIdRole), QByteArray("retailerId"));
    QCOMPARE(names.value(ListTreeModel::RowIndexRole), QByteArray("rowIndex"));
}

void TestListTreeModel::untitledSectionPlaceholder()
{
    Fixture f;
    f.document.setMessage(decodeText(R"({"type":"interactive","interactive":{"type":"list","action":{"sections":[
        {"title":"First","rows":[{"id":"a","title":"A"}]},{"rows":[{"id":"b","title":"B"}]},
        {"title":"","rows":[{"id":"c","title":"C"}]}]}}})"));
    QCOMPARE(f.model.rowCount(), 3);
    QCOMPARE(f.at(0).data().toString(), u8("First"));
    QCOMPARE(f.at(1).data().toString(), u8("(untitled section 2)"));
    QCOMPARE(f.at(1).data(Qt::EditRole).toString(), QString());
    QCOMPARE(f.at(2).data().toString(), u8("(untitled section 3)"));
}

void TestListTreeModel::productListMode()
{
    Fixture f;
    QVERIFY(f.load(u8(kProducts)));
    QVERIFY(f.model.isProductList());
    QCOMPARE(f.model.rowCount(), 2);
    QCOMPARE(f.model.rowCount(f.at(0)), 3);
    QCOMPARE(f.model.rowCount(f.at(1)), 2);
    QCOMPARE(modelShape(f.model), u8(kProductsShape));

    const QModelIndex item = f.at(0, 2);
    QCOMPARE(item.data().toString(), u8("COAT-03"));
    QCOMPARE(item.data(Qt::EditRole).toString(), u8("COAT-03"));
    QCOMPARE(item.data(ListTreeModel::RetailerIdRole).toString(), u8("COAT-03"));
    QCOMPARE(item.data(ListTreeModel::KindRole).toInt(), int(ListTreeModel::ProductKind));
    QCOMPARE(item.data(ListTreeModel::PathRole).toString(), u8("interactive.action.sections[0].product_items[2]"));
    QVERIFY(!item.data(ListTreeModel::IdRole).isValid());
    QCOMPARE(f.at(1).data().toString(), u8("Scarves"));
}

void TestListTreeModel::otherTypesAreEmpty_data()
{
    QTest::addColumn<QString>("sample");
    QTest::newRow("button") << u8("button-text-header.json");
    QTest::newRow("cta_url") << u8("cta-url.json");
    QTest::newRow("product") << u8("product.json");
    QTest::newRow("flow") << u8("flow.json");
}

void TestListTreeModel::otherTypesAreEmpty()
{
    QFETCH(QString, sample);
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    QCOMPARE(f.model.rowCount(), 2);
    QVERIFY(f.load(sample));
    QCOMPARE(f.model.rowCount(), 0);
    QVERIFY(!f.model.addSection().isValid());
    QVERIFY(!f.model.indexForPath(u8("interactive.action.sections[0]")).isValid());
    f.model.generateIds();
    QCOMPARE(f.edits.size(), size_t(0));
}

void TestListTreeModel::flags()
{
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    const Qt::ItemFlags section = f.model.flags(f.at(0));
    const Qt::ItemFlags row = f.model.flags(f.at(0, 1));
    QVERIFY(section.testFlag(Qt::ItemIsDragEnabled));
    QVERIFY(section.testFlag(Qt::ItemIsDropEnabled));
    QVERIFY(section.testFlag(Qt::ItemIsEditable));
    QVERIFY(row.testFlag(Qt::ItemIsDragEnabled));
    QVERIFY(!row.testFlag(Qt::ItemIsDropEnabled));
    QVERIFY(row.testFlag(Qt::ItemIsEditable));
    QVERIFY(row.testFlag(Qt::ItemNeverHasChildren));
    QCOMPARE(f.model.flags(QModelIndex()), Qt::ItemFlags(Qt::ItemIsDropEnabled));
    QCOMPARE(f.model.supportedDropActions(), Qt::DropActions(Qt::MoveAction));
    QCOMPARE(f.model.mimeTypes(), QStringList{ListTreeModel::mimeType()});
}

// --- editing fields --------------------------------------------------------------------------

void TestListTreeModel::setData_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("section");
    QTest::addColumn<int>("row"); // -1: the section itself
    QTest::addColumn<int>("role");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("field");    // the JSON key written
    QTest::addColumn<bool>("present");     // whether the key is in the JSON afterwards
    QTest::addColumn<QString>("expected"); // its value when present
    QTest::addColumn<QString>("display");  // Qt::DisplayRole afterwards

    const QString list = u8(kTakeout);
    QTest::newRow("section title") << list << 1 << -1 << int(ListTreeModel::TitleRole) << u8("Rice dishes")
                                   << u8("section:1:title") << u8("title") << true << u8("Rice dishes")
                                   << u8("Rice dishes");
    QTest::newRow("empty section title removes it")
        << list << 1 << -1 << int(Qt::EditRole) << QString() << u8("section:1:title") << u8("title") << false
        << QString() << u8("(untitled section 2)");
    QTest::newRow("row title (edit role)")
        << list << 1 << 0 << int(Qt::EditRole) << u8("Pork rice") << u8("row:1:0:title") << u8("title") << true
        << u8("Pork rice") << u8("Pork rice");
    QTest::newRow("empty row title stays (required)")
        << list << 0 << 1 << int(ListTreeModel::TitleRole) << QString() << u8("row:0:1:title") << u8("title") << true
        << QString() << QString();
    QTest::newRow("row id") << list << 1 << 0 << int(ListTreeModel::IdRole) << u8("pork") << u8("row:1:0:id")
                            << u8("id") << true << u8("pork") << u8("Braised pork rice");
    QTest::newRow("row description") << list << 1 << 1 << int(ListTreeModel::DescriptionRole) << u8("NT$90")
                                     << u8("row:1:1:description") << u8("description") << true << u8("NT$90")
                                     << u8("Chicken rice");
    QTest::newRow("empty description removes it")
        << list << 0 << 0 << int(ListTreeModel::DescriptionRole) << QString() << u8("row:0:0:description")
        << u8("description") << false << QString() << u8("Beef noodle soup");
    QTest::newRow("product retailer id") << u8(kProducts) << 1 << 1 << int(ListTreeModel::RetailerIdRole)
                                         << u8("SCARF-99") << u8("product:1:1:product_retailer_id")
                                         << u8("product_retailer_id") << true << u8("SCARF-99") << u8("SCARF-99");
    QTest::newRow("product (edit role)") << u8(kProducts) << 0 << 0 << int(Qt::EditRole) << u8("COAT-00")
                                         << u8("product:0:0:product_retailer_id") << u8("product_retailer_id") << true
                                         << u8("COAT-00") << u8("COAT-00");
}

void TestListTreeModel::setData()
{
    QFETCH(QString, sample);
    QFETCH(int, section);
    QFETCH(int, row);
    QFETCH(int, role);
    QFETCH(QString, value);
    QFETCH(QString, key);
    QFETCH(QString, field);
    QFETCH(bool, present);
    QFETCH(QString, expected);
    QFETCH(QString, display);

    Fixture f;
    QVERIFY(f.load(sample));
    const QModelIndex index = f.at(section, row);
    QVERIFY(index.isValid());
    Spies spies(&f.model);

    QVERIFY(f.model.setData(index, value, role));

    QCOMPARE(f.edits.size(), size_t(1));
    QCOMPARE(f.edits.front().key, key);
    const QJsonObject json = itemJson(f.document.message(), section, row);
    QCOMPARE(json.contains(field), present);
    if (present)
        QCOMPARE(json.value(field).toString(), expected);
    QCOMPARE(index.data(role).toString(), value);
    QCOMPARE(index.data(Qt::DisplayRole).toString(), display);
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(indexArg(spies.changed.first(), 0), index);
    QCOMPARE(spies.reset.count(), 0);
    // the other items are untouched
    QCOMPARE(f.at(0, 0).data(ListTreeModel::PathRole).toString(),
             u8("interactive.action.sections[0].") +
                 (f.model.isProductList() ? u8("product_items[0]") : u8("rows[0]")));
}

void TestListTreeModel::setDataRejectsOtherRolesAndNoOps()
{
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    const QString before = f.json();
    QVERIFY(!f.model.setData(f.at(0, 0), u8("X"), ListTreeModel::RetailerIdRole));
    QVERIFY(!f.model.setData(f.at(0), u8("X"), ListTreeModel::IdRole));
    QVERIFY(!f.model.setData(f.at(0, 0), u8("X"), ListTreeModel::PathRole));
    QVERIFY(!f.model.setData(QModelIndex(), u8("X"), Qt::EditRole));
    // setting what is already there is no edit (no empty undo step)
    QVERIFY(f.model.setData(f.at(0, 0), u8("beef-noodle"), ListTreeModel::IdRole));
    QCOMPARE(f.edits.size(), size_t(0));
    QCOMPARE(f.json(), before);
}

void TestListTreeModel::editKeys()
{
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    // typing into one field: the same key every time, so the undo stack merges it into one step
    QVERIFY(f.model.setData(f.at(0, 1), u8("D"), ListTreeModel::TitleRole));
    QVERIFY(f.model.setData(f.at(0, 1), u8("Da"), ListTreeModel::TitleRole));
    QCOMPARE(f.edits.size(), size_t(2));
    QCOMPARE(f.edits[0].key, u8("row:0:1:title"));
    QCOMPARE(f.edits[1].key, f.edits[0].key);
    // structural operations never merge, not even two of a kind in a row
    QVERIFY(f.model.addRow(f.at(0)).isValid());
    QVERIFY(f.model.addRow(f.at(0)).isValid());
    QVERIFY(f.model.moveDown(f.at(0, 0)));
    QVERIFY(f.model.moveDown(f.at(0, 1)));
    QCOMPARE(f.edits.size(), size_t(6));
    QStringList structural;
    for (size_t i = 2; i < f.edits.size(); ++i)
        structural << f.edits[i].key;
    structural.removeDuplicates();
    QCOMPARE(structural.size(), 4);
    QVERIFY(!structural.contains(f.edits[0].key));
}

// --- structural operations -------------------------------------------------------------------

void TestListTreeModel::addSection_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("shape");
    QTest::newRow("list") << u8(kTakeout) << u8(kTakeoutShape) + u8(" Section 3[row-5]");
    QTest::newRow("product_list") << u8(kProducts) << u8(kProductsShape) + u8(" Section 3[product-6]");
}

void TestListTreeModel::addSection()
{
    QFETCH(QString, sample);
    QFETCH(QString, shape);
    Fixture f;
    QVERIFY(f.load(sample));
    Spies spies(&f.model);

    const QModelIndex added = f.model.addSection();

    QVERIFY(added.isValid());
    QCOMPARE(added.row(), 2);
    QCOMPARE(added.data().toString(), u8("Section 3"));
    QCOMPARE(f.model.rowCount(added), 1);
    QCOMPARE(f.edits.size(), size_t(1));
    QCOMPARE(documentShape(f.document), shape);
    QCOMPARE(modelShape(f.model), shape);
    QCOMPARE(spies.inserted.count(), 1);
    QVERIFY(!indexArg(spies.inserted.first(), 0).isValid());
    QCOMPARE(spies.inserted.first().at(1).toInt(), 2);
    QCOMPARE(spies.inserted.first().at(2).toInt(), 2);
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.removed.count(), 0);

    // a second one gets the next free title
    QCOMPARE(f.model.addSection().data().toString(), u8("Section 4"));
}

void TestListTreeModel::addRow_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("section");
    QTest::addColumn<int>("row"); // -1: add to the section
    QTest::addColumn<int>("newRow");
    QTest::addColumn<QString>("newId");
    QTest::addColumn<QString>("shape");

    QTest::newRow("after the first row") << u8(kTakeout) << 0 << 0 << 1 << u8("row-5")
                                         << u8("Noodles[beef-noodle,row-5,dan-dan] Rice[lu-rou,chicken-rice]");
    QTest::newRow("at the end of a section") << u8(kTakeout) << 1 << -1 << 2 << u8("row-5")
                                             << u8("Noodles[beef-noodle,dan-dan] Rice[lu-rou,chicken-rice,row-5]");
    QTest::newRow("after the last row") << u8(kTakeout) << 1 << 1 << 2 << u8("row-5")
                                        << u8("Noodles[beef-noodle,dan-dan] Rice[lu-rou,chicken-rice,row-5]");
    QTest::newRow("product") << u8(kProducts) << 0 << 2 << 3 << u8("product-6")
                             << u8("Coats[COAT-01,COAT-02,COAT-03,product-6] Scarves[SCARF-01,SCARF-02]");
}

void TestListTreeModel::addRow()
{
    QFETCH(QString, sample);
    QFETCH(int, section);
    QFETCH(int, row);
    QFETCH(int, newRow);
    QFETCH(QString, newId);
    QFETCH(QString, shape);

    Fixture f;
    QVERIFY(f.load(sample));
    Spies spies(&f.model);

    const QModelIndex added = f.model.addRow(f.at(section, row));

    QVERIFY(added.isValid());
    QCOMPARE(added.parent().row(), section);
    QCOMPARE(added.row(), newRow);
    const int idRole = f.model.isProductList() ? ListTreeModel::RetailerIdRole : ListTreeModel::IdRole;
    QCOMPARE(added.data(idRole).toString(), newId);
    if (!f.model.isProductList())
        QCOMPARE(added.data(ListTreeModel::TitleRole).toString(), u8("Row 5"));
    QCOMPARE(f.edits.size(), size_t(1));
    QCOMPARE(documentShape(f.document), shape);
    QCOMPARE(modelShape(f.model), shape);
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(indexArg(spies.inserted.first(), 0), f.at(section));
    QCOMPARE(spies.inserted.first().at(1).toInt(), newRow);
    QCOMPARE(spies.inserted.first().at(2).toInt(), newRow);
    QCOMPARE(spies.reset.count(), 0);
}

void TestListTreeModel::addRowAvoidsTakenIds()
{
    Fixture f;
    f.document.setMessage(decodeText(R"({"type":"interactive","interactive":{"type":"list","action":{"sections":[
        {"title":"S","rows":[{"id":"row-3","title":"Three"},{"id":"x","title":"Row 4"}]}]}}})"));
    const QModelIndex added = f.model.addRow(f.at(0));
    // row-3 is taken as an id, "Row 4" as a title
    QCOMPARE(added.data(ListTreeModel::IdRole).toString(), u8("row-5"));
    QCOMPARE(added.data(ListTreeModel::TitleRole).toString(), u8("Row 5"));
    QVERIFY(!f.model.addRow(QModelIndex()).isValid());
    QCOMPARE(f.edits.size(), size_t(1));
}

void TestListTreeModel::duplicateRow()
{
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    Spies spies(&f.model);

    const QModelIndex copy = f.model.duplicate(f.at(0, 0));
    QCOMPARE(copy, f.at(0, 1));
    QCOMPARE(copy.data(ListTreeModel::IdRole).toString(), u8("beef-noodle-copy"));
    QCOMPARE(copy.data(ListTreeModel::TitleRole).toString(), u8("Beef noodle soup"));
    QCOMPARE(copy.data(ListTreeModel::DescriptionRole).toString(), u8("Slow braised shank, NT$180"));
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(indexArg(spies.inserted.first(), 0), f.at(0));
    QCOMPARE(spies.inserted.first().at(1).toInt(), 1);

    const QModelIndex second = f.model.duplicate(f.at(0, 0));
    QCOMPARE(second.data(ListTreeModel::IdRole).toString(), u8("beef-noodle-copy-2"));
    const QString shape =
        u8("Noodles[beef-noodle,beef-noodle-copy-2,beef-noodle-copy,dan-dan] Rice[lu-rou,chicken-rice]");
    QCOMPARE(documentShape(f.document), shape);
    QCOMPARE(modelShape(f.model), shape);
    QCOMPARE(itemJson(f.document.message(), 0, 1).value(QLatin1String("description")).toString(),
             u8("Slow braised shank, NT$180"));
    QCOMPARE(f.edits.size(), size_t(2));
    QCOMPARE(spies.reset.count(), 0);
}

void TestListTreeModel::duplicateSectionAndProduct()
{
    {
        Fixture f;
        QVERIFY(f.load(u8(kTakeout)));
        Spies spies(&f.model);
        const QModelIndex copy = f.model.duplicate(f.at(0));
        QCOMPARE(copy, f.at(1));
        const QString shape =
            u8("Noodles[beef-noodle,dan-dan] Noodles[beef-noodle-copy,dan-dan-copy] Rice[lu-rou,chicken-rice]");
        QCOMPARE(documentShape(f.document), shape);
        QCOMPARE(modelShape(f.model), shape);
        QCOMPARE(spies.inserted.count(), 1);
        QVERIFY(!indexArg(spies.inserted.first(), 0).isValid());
        QCOMPARE(spies.inserted.first().at(1).toInt(), 1);
        QCOMPARE(f.edits.size(), size_t(1));
        // the rows after the new section know their new place
        QCOMPARE(f.at(2, 1).data(ListTreeModel::PathRole).toString(), u8("interactive.action.sections[2].rows[1]"));
    }
    {
        Fixture f;
        QVERIFY(f.load(u8(kProducts)));
        const QModelIndex copy = f.model.duplicate(f.at(1, 0));
        QCOMPARE(copy, f.at(1, 1));
        QCOMPARE(documentShape(f.document), u8("Coats[COAT-01,COAT-02,COAT-03] Scarves[SCARF-01,SCARF-01,SCARF-02]"));
    }
}

void TestListTreeModel::duplicateKeepsIdLengthLimit()
{
    const int max = LimitsTable::rule(Rule::RowIdLength).max;
    QVERIFY(max > 10);
    const QString longId(max, QLatin1Char('x'));
    QJsonObject row{{QLatin1String("id"), longId}, {QLatin1String("title"), u8("Long")}};
    QJsonObject section{{QLatin1String("title"), u8("S")}, {QLatin1String("rows"), QJsonArray{row}}};
    QJsonObject interactive{{QLatin1String("type"), u8("list")},
                            {QLatin1String("action"), QJsonObject{{QLatin1String("sections"), QJsonArray{section}}}}};
    Fixture f;
    f.document.setMessage(MessageCodec::fromJson(
        QJsonObject{{QLatin1String("type"), u8("interactive")}, {QLatin1String("interactive"), interactive}}));
    const QString first = f.model.duplicate(f.at(0, 0)).data(ListTreeModel::IdRole).toString();
    const QString second = f.model.duplicate(f.at(0, 0)).data(ListTreeModel::IdRole).toString();
    QCOMPARE(TextMetrics::codePoints(first), qsizetype(max));
    QCOMPARE(TextMetrics::codePoints(second), qsizetype(max));
    QVERIFY(first.endsWith(u8("-copy")));
    QVERIFY(second.endsWith(u8("-copy-2")));
    QVERIFY(first != longId && second != longId && first != second);
}

void TestListTreeModel::remove_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("section");
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("shape");

    QTest::newRow("row") << u8(kTakeout) << 0 << 1 << u8("Noodles[beef-noodle] Rice[lu-rou,chicken-rice]");
    QTest::newRow("last row") << u8(kTakeout) << 1 << 1 << u8("Noodles[beef-noodle,dan-dan] Rice[lu-rou]");
    QTest::newRow("section") << u8(kTakeout) << 0 << -1 << u8("Rice[lu-rou,chicken-rice]");
    QTest::newRow("product") << u8(kProducts) << 0 << 0 << u8("Coats[COAT-02,COAT-03] Scarves[SCARF-01,SCARF-02]");
}

void TestListTreeModel::remove()
{
    QFETCH(QString, sample);
    QFETCH(int, section);
    QFETCH(int, row);
    QFETCH(QString, shape);

    Fixture f;
    QVERIFY(f.load(sample));
    Spies spies(&f.model);

    QVERIFY(f.model.remove(f.at(section, row)));

    QCOMPARE(f.edits.size(), size_t(1));
    QCOMPARE(documentShape(f.document), shape);
    QCOMPARE(modelShape(f.model), shape);
    QCOMPARE(spies.removed.count(), 1);
    const QModelIndex parent = indexArg(spies.removed.first(), 0);
    QCOMPARE(parent.isValid(), row >= 0);
    if (row >= 0)
        QCOMPARE(parent.row(), section);
    QCOMPARE(spies.removed.first().at(1).toInt(), row >= 0 ? row : section);
    QCOMPARE(spies.reset.count(), 0);
    QVERIFY(!f.model.remove(QModelIndex()));
    QCOMPARE(f.edits.size(), size_t(1));
}

void TestListTreeModel::move_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("section");
    QTest::addColumn<int>("row"); // -1: the section
    QTest::addColumn<bool>("up");
    QTest::addColumn<bool>("moves");
    QTest::addColumn<QString>("shape");
    // rowsMoved: source parent section (-1 root), start, destination parent section, destination row
    QTest::addColumn<QList<int>>("signal");

    const QString list = u8(kTakeout);
    const QString unchanged = u8(kTakeoutShape);
    QTest::newRow("row down in its section")
        << list << 0 << 0 << false << true << u8("Noodles[dan-dan,beef-noodle] Rice[lu-rou,chicken-rice]")
        << QList<int>{0, 0, 0, 2};
    QTest::newRow("row up in its section")
        << list << 0 << 1 << true << true << u8("Noodles[dan-dan,beef-noodle] Rice[lu-rou,chicken-rice]")
        << QList<int>{0, 1, 0, 0};
    QTest::newRow("first row up to the section before")
        << list << 1 << 0 << true << true << u8("Noodles[beef-noodle,dan-dan,lu-rou] Rice[chicken-rice]")
        << QList<int>{1, 0, 0, 2};
    QTest::newRow("last row down to the section after")
        << list << 0 << 1 << false << true << u8("Noodles[beef-noodle] Rice[dan-dan,lu-rou,chicken-rice]")
        << QList<int>{0, 1, 1, 0};
    QTest::newRow("first row of all up") << list << 0 << 0 << true << false << unchanged << QList<int>();
    QTest::newRow("last row of all down") << list << 1 << 1 << false << false << unchanged << QList<int>();
    QTest::newRow("section down") << list << 0 << -1 << false << true
                                  << u8("Rice[lu-rou,chicken-rice] Noodles[beef-noodle,dan-dan]")
                                  << QList<int>{-1, 0, -1, 2};
    QTest::newRow("section up") << list << 1 << -1 << true << true
                                << u8("Rice[lu-rou,chicken-rice] Noodles[beef-noodle,dan-dan]")
                                << QList<int>{-1, 1, -1, 0};
    QTest::newRow("first section up") << list << 0 << -1 << true << false << unchanged << QList<int>();
    QTest::newRow("last section down") << list << 1 << -1 << false << false << unchanged << QList<int>();
    QTest::newRow("product up to the section before")
        << u8(kProducts) << 1 << 0 << true << true << u8("Coats[COAT-01,COAT-02,COAT-03,SCARF-01] Scarves[SCARF-02]")
        << QList<int>{1, 0, 0, 3};
}

void TestListTreeModel::move()
{
    QFETCH(QString, sample);
    QFETCH(int, section);
    QFETCH(int, row);
    QFETCH(bool, up);
    QFETCH(bool, moves);
    QFETCH(QString, shape);
    QFETCH(QList<int>, signal);

    Fixture f;
    QVERIFY(f.load(sample));
    Spies spies(&f.model);
    const QModelIndex index = f.at(section, row);
    const QString movedTitle = index.data(Qt::DisplayRole).toString();

    const bool result = up ? f.model.moveUp(index) : f.model.moveDown(index);

    QCOMPARE(result, moves);
    QCOMPARE(f.edits.size(), size_t(moves ? 1 : 0));
    QCOMPARE(documentShape(f.document), shape);
    QCOMPARE(modelShape(f.model), shape);
    QCOMPARE(spies.moved.count(), moves ? 1 : 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.reset.count(), 0);
    if (!moves)
        return;
    const QList<QVariant> args = spies.moved.first();
    const QModelIndex source = indexArg(args, 0);
    const QModelIndex destination = indexArg(args, 3);
    QCOMPARE(source.isValid() ? source.row() : -1, signal.at(0));
    QCOMPARE(args.at(1).toInt(), signal.at(1));
    QCOMPARE(args.at(2).toInt(), signal.at(1));
    QCOMPARE(destination.isValid() ? destination.row() : -1, signal.at(2));
    QCOMPARE(args.at(4).toInt(), signal.at(3));
    // the moved item's path follows it
    const QModelIndex found =
        f.model.match(f.model.index(0, 0), Qt::DisplayRole, movedTitle, 1, Qt::MatchExactly | Qt::MatchRecursive)
            .value(0);
    QVERIFY(found.isValid());
    QCOMPARE(f.model.indexForPath(found.data(ListTreeModel::PathRole).toString()), found);
}

void TestListTreeModel::persistentIndexesFollowChanges()
{
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    const QPersistentModelIndex chicken(f.at(1, 1));
    const QPersistentModelIndex luRou(f.at(1, 0));
    const QPersistentModelIndex danDan(f.at(0, 1));

    // moving a section carries its rows' indexes with it
    QVERIFY(f.model.moveUp(f.at(1)));
    QCOMPARE(chicken.parent().row(), 0);
    QCOMPARE(chicken.data(ListTreeModel::IdRole).toString(), u8("chicken-rice"));
    QCOMPARE(danDan.parent().row(), 1);
    QCOMPARE(danDan.data(ListTreeModel::IdRole).toString(), u8("dan-dan"));

    // a row moving to another section
    QVERIFY(f.model.moveDown(f.at(0, 1)));
    QCOMPARE(chicken.parent().row(), 1);
    QCOMPARE(chicken.row(), 0);
    QCOMPARE(chicken.data(ListTreeModel::IdRole).toString(), u8("chicken-rice"));

    // removing the section before
    QVERIFY(f.model.remove(f.at(0)));
    QCOMPARE(danDan.parent().row(), 0);
    QCOMPARE(danDan.data(ListTreeModel::IdRole).toString(), u8("dan-dan"));
    QVERIFY(!luRou.isValid());
}

// --- drag and drop ---------------------------------------------------------------------------

void TestListTreeModel::dragDrop_data()
{
    QTest::addColumn<QList<QPoint>>("items"); // x: section, y: row (-1 for the section)
    QTest::addColumn<int>("parentSection");   // -1: the root
    QTest::addColumn<int>("parentRow");       // -1: the section itself
    QTest::addColumn<int>("row");             // where in the parent (-1: on the parent)
    QTest::addColumn<bool>("canDrop");
    QTest::addColumn<bool>("dropped");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("moves");

    const QString unchanged = u8(kTakeoutShape);
    QTest::newRow("row to the top of another section")
        << QList<QPoint>{{1, 0}} << 0 << -1 << 0 << true << true
        << u8("Noodles[lu-rou,beef-noodle,dan-dan] Rice[chicken-rice]") << 1;
    QTest::newRow("row onto another section goes to its end")
        << QList<QPoint>{{0, 0}} << 1 << -1 << -1 << true << true
        << u8("Noodles[dan-dan] Rice[lu-rou,chicken-rice,beef-noodle]") << 1;
    QTest::newRow("row onto a row goes after it") << QList<QPoint>{{0, 0}} << 1 << 0 << -1 << true << true
                                                  << u8("Noodles[dan-dan] Rice[lu-rou,beef-noodle,chicken-rice]") << 1;
    QTest::newRow("row down in its section") << QList<QPoint>{{0, 0}} << 0 << -1 << 2 << true << true
                                             << u8("Noodles[dan-dan,beef-noodle] Rice[lu-rou,chicken-rice]") << 1;
    QTest::newRow("row where it is") << QList<QPoint>{{0, 0}} << 0 << -1 << 0 << true << false << unchanged << 0;
    QTest::newRow("two rows together") << QList<QPoint>{{0, 0}, {1, 1}} << 1 << -1 << 1 << true << true
                                       << u8("Noodles[dan-dan] Rice[lu-rou,beef-noodle,chicken-rice]") << 2;
    QTest::newRow("section to the top") << QList<QPoint>{{1, -1}} << -1 << -1 << 0 << true << true
                                        << u8("Rice[lu-rou,chicken-rice] Noodles[beef-noodle,dan-dan]") << 1;
    QTest::newRow("section to the end") << QList<QPoint>{{0, -1}} << -1 << -1 << -1 << true << true
                                        << u8("Rice[lu-rou,chicken-rice] Noodles[beef-noodle,dan-dan]") << 1;
    QTest::newRow("section with a row: the section moves")
        << QList<QPoint>{{0, 1}, {0, -1}} << -1 << -1 << 2 << true << true
        << u8("Rice[lu-rou,chicken-rice] Noodles[beef-noodle,dan-dan]") << 1;
    QTest::newRow("section into a section is refused")
        << QList<QPoint>{{0, -1}} << 1 << -1 << 0 << false << false << unchanged << 0;
    QTest::newRow("row onto the root is refused")
        << QList<QPoint>{{0, 0}} << -1 << -1 << 0 << false << false << unchanged << 0;
}

void TestListTreeModel::dragDrop()
{
    QFETCH(QList<QPoint>, items);
    QFETCH(int, parentSection);
    QFETCH(int, parentRow);
    QFETCH(int, row);
    QFETCH(bool, canDrop);
    QFETCH(bool, dropped);
    QFETCH(QString, shape);
    QFETCH(int, moves);

    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    QModelIndexList indexes;
    for (const QPoint& item : items)
        indexes << f.at(item.x(), item.y());
    const std::unique_ptr<QMimeData> mime(f.model.mimeData(indexes));
    QVERIFY(mime);
    QVERIFY(mime->hasFormat(ListTreeModel::mimeType()));
    const QModelIndex parent = parentSection < 0 ? QModelIndex() : f.at(parentSection, parentRow);
    Spies spies(&f.model);

    QCOMPARE(f.model.canDropMimeData(mime.get(), Qt::MoveAction, row, 0, parent), canDrop);
    QCOMPARE(f.model.dropMimeData(mime.get(), Qt::MoveAction, row, 0, parent), dropped);

    QCOMPARE(f.edits.size(), size_t(dropped ? 1 : 0)); // one drop, one undo step
    QCOMPARE(documentShape(f.document), shape);
    QCOMPARE(modelShape(f.model), shape);
    QCOMPARE(spies.moved.count(), moves);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.reset.count(), 0);
    // the view removes the dragged rows after a successful move drop: that must not remove anything
    QVERIFY(!f.model.removeRows(0, 1, f.at(0)));
    QCOMPARE(documentShape(f.document), shape);
}

void TestListTreeModel::dropFromAnotherModelIsRejected()
{
    Fixture a;
    Fixture b;
    QVERIFY(a.load(u8(kTakeout)));
    QVERIFY(b.load(u8(kTakeout)));
    const std::unique_ptr<QMimeData> mime(a.model.mimeData({a.at(0, 0)}));
    QVERIFY(mime);
    QVERIFY(a.model.canDropMimeData(mime.get(), Qt::MoveAction, 0, 0, a.at(1)));
    QVERIFY(!b.model.canDropMimeData(mime.get(), Qt::MoveAction, 0, 0, b.at(1)));
    QVERIFY(!b.model.dropMimeData(mime.get(), Qt::MoveAction, 0, 0, b.at(1)));
    QVERIFY(!a.model.dropMimeData(mime.get(), Qt::CopyAction, 0, 0, a.at(1)));
    QMimeData other;
    other.setText(u8("beef-noodle"));
    QVERIFY(!a.model.dropMimeData(&other, Qt::MoveAction, 0, 0, a.at(1)));
    QCOMPARE(a.edits.size() + b.edits.size(), size_t(0));
    QCOMPARE(documentShape(b.document), u8(kTakeoutShape));
}

// --- generated ids ---------------------------------------------------------------------------

void TestListTreeModel::generateIds_data()
{
    QTest::addColumn<QStringList>("titles");
    QTest::addColumn<QStringList>("ids");

    QTest::newRow("latin") << QStringList{u8("Beef noodle soup"), u8("Dan dan noodles")}
                           << QStringList{u8("beef-noodle-soup"), u8("dan-dan-noodles")};
    QTest::newRow("cjk") << QStringList{u8("上午 10:00"), u8("下午 2:00"), u8("上午 11:00")}
                         << QStringList{u8("上午-1000"), u8("下午-200"), u8("上午-1100")};
    QTest::newRow("same title") << QStringList{u8("Tea"), u8("tea"), u8("TEA")}
                                << QStringList{u8("tea"), u8("tea-2"), u8("tea-3")};
    QTest::newRow("punctuation and emoji") << QStringList{u8("🍜 Ramen & Gyoza!"), u8("Crème brûlée")}
                                           << QStringList{u8("ramen-gyoza"), u8("crème-brûlée")};
    QTest::newRow("combining marks") << QStringList{u8("नमस्ते दुनिया"), u8("Cre\xcc\x80me")}
                                     << QStringList{u8("नमस्ते-दुनिया"), u8("cre\xcc\x80me")};
    QTest::newRow("separators") << QStringList{u8("  Dan-dan   noodles "), u8("snake_case")}
                                << QStringList{u8("dan-dan-noodles"), u8("snake-case")};
    QTest::newRow("nothing usable") << QStringList{u8("!!!"), u8("🍜"), QString()}
                                    << QStringList{u8("row-1"), u8("row-2"), u8("row-3")};
    const int max = LimitsTable::rule(Rule::RowIdLength).max;
    QTest::newRow("longer than the limit")
        << QStringList{QString(max + 50, QLatin1Char('a')), QString(max + 50, QLatin1Char('a'))}
        << QStringList{QString(max, QLatin1Char('a')), QString(max - 2, QLatin1Char('a')) + u8("-2")};
}

void TestListTreeModel::generateIds()
{
    QFETCH(QStringList, titles);
    QFETCH(QStringList, ids);

    QJsonArray rows;
    for (int i = 0; i < titles.size(); ++i)
        rows.append(QJsonObject{{QLatin1String("id"), QStringLiteral("old-%1").arg(i)},
                                {QLatin1String("title"), titles.at(i)}});
    const QJsonObject interactive{
        {QLatin1String("type"), u8("list")},
        {QLatin1String("action"),
         QJsonObject{{QLatin1String("sections"),
                      QJsonArray{QJsonObject{{QLatin1String("title"), u8("S")}, {QLatin1String("rows"), rows}}}}}}};
    Fixture f;
    f.document.setMessage(MessageCodec::fromJson(
        QJsonObject{{QLatin1String("type"), u8("interactive")}, {QLatin1String("interactive"), interactive}}));
    Spies spies(&f.model);

    f.model.generateIds();

    QCOMPARE(f.edits.size(), size_t(1));
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.changed.count(), 1);
    QVERIFY(spies.changed.first().at(2).value<QList<int>>().contains(ListTreeModel::IdRole));
    const int max = LimitsTable::rule(Rule::RowIdLength).max;
    for (int i = 0; i < ids.size(); ++i) {
        QCOMPARE(f.at(0, i).data(ListTreeModel::IdRole).toString(), ids.at(i));
        QCOMPARE(itemJson(f.document.message(), 0, i).value(QLatin1String("id")).toString(), ids.at(i));
        QVERIFY(TextMetrics::codePoints(ids.at(i)) <= max);
    }
    // again: nothing changes, no undo step
    f.model.generateIds();
    QCOMPARE(f.edits.size(), size_t(1));
}

void TestListTreeModel::generateIdsAcrossSectionsAndModes()
{
    {
        Fixture f;
        QVERIFY(f.load(u8(kZhTw)));
        f.model.generateIds();
        QCOMPARE(f.edits.size(), size_t(1));
        const QString shape = u8("星期一[上午-1000,下午-200] 星期二[上午-1100]");
        QCOMPARE(documentShape(f.document), shape);
        QCOMPARE(modelShape(f.model), shape);
    }
    {
        // the same title in two sections: ids are unique in the whole message
        Fixture f;
        f.document.setMessage(decodeText(R"({"type":"interactive","interactive":{"type":"list","action":{"sections":[
            {"title":"A","rows":[{"id":"1","title":"Soup"}]},{"title":"B","rows":[{"id":"2","title":"Soup"}]}]}}})"));
        f.model.generateIds();
        QCOMPARE(documentShape(f.document), u8("A[soup] B[soup-2]"));
    }
    {
        Fixture f;
        QVERIFY(f.load(u8(kProducts)));
        f.model.generateIds(); // product items have no ids to generate
        QCOMPARE(f.edits.size(), size_t(0));
        QCOMPARE(documentShape(f.document), u8(kProductsShape));
    }
}

// --- undo ------------------------------------------------------------------------------------

void TestListTreeModel::undoRestores_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("operation");
    const QStringList listOperations{u8("add section"),       u8("add row"),      u8("duplicate row"),
                                     u8("duplicate section"), u8("remove row"),   u8("remove section"),
                                     u8("move row across"),   u8("move section"), u8("drop row"),
                                     u8("drop section"),      u8("generate ids"), u8("set title")};
    for (const QString& operation : listOperations)
        QTest::newRow(qPrintable(u8("list: ") + operation)) << u8(kTakeout) << operation;
    for (const QString& operation : {u8("add section"), u8("add row"), u8("move row across"), u8("remove row")})
        QTest::newRow(qPrintable(u8("product_list: ") + operation)) << u8(kProducts) << operation;
}

void TestListTreeModel::undoRestores()
{
    QFETCH(QString, sample);
    QFETCH(QString, operation);

    Fixture f;
    QVERIFY(f.load(sample));
    const QString before = f.json();
    const QString beforeShape = modelShape(f.model);

    bool done = false;
    if (operation == u8("add section")) {
        done = f.model.addSection().isValid();
    } else if (operation == u8("add row")) {
        done = f.model.addRow(f.at(0, 0)).isValid();
    } else if (operation == u8("duplicate row")) {
        done = f.model.duplicate(f.at(1, 1)).isValid();
    } else if (operation == u8("duplicate section")) {
        done = f.model.duplicate(f.at(0)).isValid();
    } else if (operation == u8("remove row")) {
        done = f.model.remove(f.at(1, 0));
    } else if (operation == u8("remove section")) {
        done = f.model.remove(f.at(1));
    } else if (operation == u8("move row across")) {
        done = f.model.moveUp(f.at(1, 0));
    } else if (operation == u8("move section")) {
        done = f.model.moveDown(f.at(0));
    } else if (operation == u8("drop row")) {
        const std::unique_ptr<QMimeData> mime(f.model.mimeData({f.at(0, 1)}));
        done = f.model.dropMimeData(mime.get(), Qt::MoveAction, 1, 0, f.at(1));
    } else if (operation == u8("drop section")) {
        const std::unique_ptr<QMimeData> mime(f.model.mimeData({f.at(0)}));
        done = f.model.dropMimeData(mime.get(), Qt::MoveAction, -1, 0, QModelIndex());
    } else if (operation == u8("generate ids")) {
        f.model.generateIds();
        done = true;
    } else if (operation == u8("set title")) {
        done = f.model.setData(f.at(0, 0), u8("New title"), ListTreeModel::TitleRole);
    }
    QVERIFY2(done, qPrintable(operation));

    QCOMPARE(f.edits.size(), size_t(1)); // one operation, one call of the handler: one undo step
    const QString after = f.json();
    QVERIFY(after != before);
    const QString afterShape = modelShape(f.model);
    QCOMPARE(afterShape, documentShape(f.document));

    // undo: the handler's `before` restores the JSON exactly, and the model follows
    f.document.setMessage(f.edits.front().before);
    QCOMPARE(f.json(), before);
    QCOMPARE(modelShape(f.model), beforeShape);
    QCOMPARE(modelShape(f.model), documentShape(f.document));
    // redo
    f.document.setMessage(f.edits.front().after);
    QCOMPARE(f.json(), after);
    QCOMPARE(modelShape(f.model), afterShape);
    QCOMPARE(f.edits.size(), size_t(1));
}

void TestListTreeModel::handlerThatDoesNotApply()
{
    // an undo stack that applies later (or refuses): the model shows what the document holds
    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    f.applyEdits = false;
    Spies spies(&f.model);

    QVERIFY(!f.model.addRow(f.at(0)).isValid());
    QVERIFY(!f.model.moveDown(f.at(0, 0)));
    QVERIFY(!f.model.setData(f.at(0, 0), u8("Other"), ListTreeModel::TitleRole));
    QCOMPARE(f.edits.size(), size_t(3));
    QCOMPARE(modelShape(f.model), u8(kTakeoutShape));
    QCOMPARE(f.at(0, 0).data().toString(), u8("Beef noodle soup"));
    QCOMPARE(spies.inserted.count() + spies.moved.count() + spies.changed.count() + spies.reset.count(), 0);

    // applying the recorded edit later: the model catches up
    f.document.setMessage(f.edits.front().after);
    QCOMPARE(spies.reset.count(), 1);
    QCOMPARE(modelShape(f.model), u8("Noodles[beef-noodle,dan-dan,row-5] Rice[lu-rou,chicken-rice]"));
}

// --- changes from elsewhere ------------------------------------------------------------------

void TestListTreeModel::externalChange_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<bool>("reset");
    QTest::addColumn<int>("dataChanged"); // dataChanged signals expected when there is no reset
    QTest::addColumn<QString>("shape");

    QTest::newRow("row title (form field)") << u8("row title") << false << 2 << u8(kTakeoutShape);
    QTest::newRow("section title") << u8("section title") << false << 2
                                   << u8("Mian[beef-noodle,dan-dan] Rice[lu-rou,chicken-rice]");
    QTest::newRow("rows swapped in a section")
        << u8("swap rows") << false << 2 << u8("Noodles[dan-dan,beef-noodle] Rice[lu-rou,chicken-rice]");
    QTest::newRow("body text only") << u8("body") << false << 0 << u8(kTakeoutShape);
    QTest::newRow("row added") << u8("add row") << true << 0
                               << u8("Noodles[beef-noodle,dan-dan,extra] Rice[lu-rou,chicken-rice]");
    QTest::newRow("section removed") << u8("remove section") << true << 0 << u8("Rice[lu-rou,chicken-rice]");
    QTest::newRow("type changed") << u8("type") << true << 0 << u8("Noodles[] Rice[]");
    QTest::newRow("other file opened") << u8("open") << true << 0 << u8(kProductsShape);
}

void TestListTreeModel::externalChange()
{
    QFETCH(QString, change);
    QFETCH(bool, reset);
    QFETCH(int, dataChanged);
    QFETCH(QString, shape);

    Fixture f;
    QVERIFY(f.load(u8(kTakeout)));
    f.document.setEditHandler({}); // another editor, the JSON pane, undo: not through this model
    const QPersistentModelIndex section(f.at(0));
    Spies spies(&f.model);

    auto rowsOf = [](Message& m, int s) -> std::vector<ListRow>& {
        return *(*m.interactive->action->sections)[static_cast<size_t>(s)].rows;
    };
    if (change == u8("row title")) {
        f.document.edit(u8("row:0:1:title"), [&](Message& m) { rowsOf(m, 0)[1].title = u8("Dan dan mian"); });
    } else if (change == u8("section title")) {
        f.document.edit(u8("section:0:title"),
                        [](Message& m) { (*m.interactive->action->sections)[0].title = u8("Mian"); });
    } else if (change == u8("swap rows")) {
        Message m = f.document.message();
        std::swap(rowsOf(m, 0)[0], rowsOf(m, 0)[1]);
        f.document.setMessage(m);
    } else if (change == u8("body")) {
        f.document.edit(u8("body"), [](Message& m) { m.interactive->body->text = u8("Hungry?"); });
    } else if (change == u8("add row")) {
        f.document.edit(u8("json"), [&](Message& m) {
            ListRow row;
            row.id = u8("extra");
            row.title = u8("Extra");
            rowsOf(m, 0).push_back(row);
        });
    } else if (change == u8("remove section")) {
        f.document.edit(u8("json"), [](Message& m) {
            m.interactive->action->sections->erase(m.interactive->action->sections->begin());
        });
    } else if (change == u8("type")) {
        f.document.edit(u8("type"), [](Message& m) { m.interactive->type = u8("product_list"); });
    } else if (change == u8("open")) {
        QVERIFY(f.load(u8(kProducts)));
    }

    QCOMPARE(spies.reset.count(), reset ? 1 : 0);
    QCOMPARE(spies.inserted.count() + spies.removed.count() + spies.moved.count(), 0);
    if (!reset) {
        QCOMPARE(spies.changed.count(), dataChanged);
        QVERIFY(section.isValid()); // the view keeps its state: nothing was reset
    } else {
        QVERIFY(!section.isValid());
    }
    QCOMPARE(modelShape(f.model), shape);
    if (change == u8("row title"))
        QCOMPARE(f.at(0, 1).data().toString(), u8("Dan dan mian"));
    if (change == u8("section title"))
        QCOMPARE(f.at(0).data().toString(), u8("Mian"));
}

void TestListTreeModel::documentDestroyed()
{
    auto* document = new ComposerDocument;
    ListTreeModel model(document);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY(document->load(samplePath(u8(kTakeout)), &error));
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    delete document;
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.addSection().isValid());
    QVERIFY(model.document() == nullptr);
}

// --- paths -----------------------------------------------------------------------------------

void TestListTreeModel::indexForPath_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("section"); // -1: no item
    QTest::addColumn<int>("row");     // -1: the section

    const QString list = u8(kTakeout);
    QTest::newRow("row field") << list << u8("interactive.action.sections[1].rows[0].title") << 1 << 0;
    QTest::newRow("row") << list << u8("interactive.action.sections[1].rows[1]") << 1 << 1;
    QTest::newRow("section") << list << u8("interactive.action.sections[1]") << 1 << -1;
    QTest::newRow("section field") << list << u8("interactive.action.sections[0].title") << 0 << -1;
    QTest::newRow("rows array") << list << u8("interactive.action.sections[1].rows") << 1 << -1;
    QTest::newRow("row out of range") << list << u8("interactive.action.sections[1].rows[7].id") << 1 << -1;
    QTest::newRow("section out of range") << list << u8("interactive.action.sections[5].rows[0]") << -1 << -1;
    QTest::newRow("two digits") << list << u8("interactive.action.sections[10]") << -1 << -1;
    QTest::newRow("sections array") << list << u8("interactive.action.sections") << -1 << -1;
    QTest::newRow("elsewhere") << list << u8("interactive.body.text") << -1 << -1;
    QTest::newRow("not a prefix") << list << u8("x.interactive.action.sections[0]") << -1 << -1;
    QTest::newRow("product") << u8(kProducts)
                             << u8("interactive.action.sections[1].product_items[1].product_retailer_id") << 1 << 1;
    QTest::newRow("rows in a product list") << u8(kProducts) << u8("interactive.action.sections[0].rows[0]") << 0 << -1;
}

void TestListTreeModel::indexForPath()
{
    QFETCH(QString, sample);
    QFETCH(QString, path);
    QFETCH(int, section);
    QFETCH(int, row);

    Fixture f;
    QVERIFY(f.load(sample));
    const QModelIndex found = f.model.indexForPath(path);
    if (section < 0) {
        QVERIFY(!found.isValid());
        return;
    }
    QCOMPARE(found, f.at(section, row));
    QVERIFY(path.startsWith(found.data(ListTreeModel::PathRole).toString()));
    QCOMPARE(f.model.pathForIndex(found), found.data(ListTreeModel::PathRole).toString());
}

QTEST_GUILESS_MAIN(TestListTreeModel)
#include "tst_listtreemodel.moc"
