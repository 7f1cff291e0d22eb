#include <memory>

#include <QComboBox>
#include <QDesktopServices>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

#include "EventConsole.h"
#include "EventStore.h"
#include "EventTableModel.h"
#include "WebhookEventParser.h"

using namespace wa;

namespace {

WebhookEvent makeEvent(WebhookEvent::Kind kind, const QString& id)
{
    WebhookEvent e;
    e.kind = kind;
    e.id = id;
    e.contact = QStringLiteral("16505551234");
    e.summary = WebhookEvent::kindName(kind) + QLatin1Char(' ') + id;
    e.signature = WebhookEvent::Signature::Valid;
    return e;
}

StoredRequest post(const QByteArray& body)
{
    StoredRequest request;
    request.receivedAt = 1764072000000;
    request.method = "POST";
    request.target = "/webhook";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    request.statusCode = 200;
    return request;
}

bool store(EventStore& s, const StoredRequest& request, const QList<WebhookEvent>& events)
{
    bool ok = false;
    s.enqueue(request, events, [&ok](bool stored, const QList<WebhookEvent>&) { ok = stored; });
    return s.flush() && ok;
}

// The events of one of the shared sample webhooks, stored with it as their request.
bool storeSample(EventStore& s, const QString& name)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/webhooks/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray body = file.readAll();
    const WebhookParseResult parsed = WebhookEventParser::parse(body);
    return parsed.ok() && store(s, post(body), parsed.events);
}

QList<QByteArray> readLines(const QString& fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast(); // after the last new line
    return lines;
}

QString idOf(const QByteArray& line)
{
    return QJsonDocument::fromJson(line).object().value(QStringLiteral("id")).toString();
}

// The link of a rich-text label as Qt reads it (entities decoded).
QString hrefOf(const QLabel* label)
{
    QTextDocument document;
    document.setHtml(label->text());
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            if (it.fragment().charFormat().isAnchor())
                return it.fragment().charFormat().anchorHref();
        }
    }
    return {};
}

} // namespace

// Takes the URLs QDesktopServices would open.
class UrlCatcher : public QObject
{
    Q_OBJECT

public:
    QList<QUrl> urls;

public slots:
    void open(const QUrl& url) { urls.append(url); }
};

class TestEventConsole : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void exportSelectedInTableOrder();
    void exportNothingSelected();
    void exportShownFollowsTheFilter();
    void exportShownManyPages();
    void exportUnwritable_data();
    void exportUnwritable();
    void selectedCount();
    void mapLinkForLocations();
    void mapLinkOpensWhenClicked();
    void curlOfAVerificationKeepsItsQuery();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::unique_ptr<EventStore> m_store;
};

void TestEventConsole::init()
{
    m_store = std::make_unique<EventStore>();
    QString error;
    QVERIFY2(m_store->open(QStringLiteral(":memory:"), &error), qPrintable(error));
}

void TestEventConsole::cleanup()
{
    m_store.reset();
}

void TestEventConsole::exportSelectedInTableOrder()
{
    QList<WebhookEvent> events;
    for (int i = 0; i < 5; ++i)
        events.append(makeEvent(WebhookEvent::Kind::Text, QStringLiteral("wamid.%1").arg(i)));
    QVERIFY(store(*m_store, post("{}"), events));
    EventConsole console(m_store.get());
    QCOMPARE(console.model()->rowCount(), 5);
    QItemSelectionModel* selection = console.table()->selectionModel();
    // chosen out of order: written in table order
    selection->select(console.model()->index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(console.model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QCOMPARE(console.selectedCount(), 2);
    const QString fileName = path(QStringLiteral("selected.jsonl"));
    QString error;
    QVERIFY2(console.exportJsonLines(fileName, EventConsole::ExportScope::Selected, &error), qPrintable(error));
    const QList<QByteArray> lines = readLines(fileName);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(idOf(lines.at(0)), QStringLiteral("wamid.1"));
    QCOMPARE(idOf(lines.at(1)), QStringLiteral("wamid.3"));
    // the line format of the table's JSON Lines record
    QCOMPARE(lines.at(0), console.model()->index(1, 0).data(EventTableModel::EventJsonRole).toString().toUtf8());

    // the two-argument form writes what is shown
    QVERIFY2(console.exportJsonLines(fileName, &error), qPrintable(error));
    QCOMPARE(readLines(fileName).size(), 5);
}

void TestEventConsole::exportNothingSelected()
{
    QVERIFY(store(*m_store, post("{}"), {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("wamid.1"))}));
    EventConsole console(m_store.get());
    const QString fileName = path(QStringLiteral("kept.jsonl"));
    QFile kept(fileName);
    QVERIFY(kept.open(QIODevice::WriteOnly));
    kept.write("old\n");
    kept.close();
    QString error;
    QVERIFY(!console.exportJsonLines(fileName, EventConsole::ExportScope::Selected, &error));
    QVERIFY2(error.contains(fileName) && error.contains(QStringLiteral("selected")), qPrintable(error));
    QCOMPARE(readLines(fileName), QList<QByteArray>{"old"}); // left as it was
}

void TestEventConsole::exportShownFollowsTheFilter()
{
    QVERIFY(store(*m_store, post("{}"),
                  {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("t1")),
                   makeEvent(WebhookEvent::Kind::Status, QStringLiteral("s1")),
                   makeEvent(WebhookEvent::Kind::Text, QStringLiteral("t2")),
                   makeEvent(WebhookEvent::Kind::Status, QStringLiteral("s2")),
                   makeEvent(WebhookEvent::Kind::Text, QStringLiteral("t3"))}));
    EventConsole console(m_store.get());
    console.kindFilter()->setCurrentIndex(console.kindFilter()->findText(QStringLiteral("status")));
    QCOMPARE(console.model()->rowCount(), 2);
    const QString fileName = path(QStringLiteral("shown.jsonl"));
    QString error;
    QVERIFY2(console.exportJsonLines(fileName, EventConsole::ExportScope::Shown, &error), qPrintable(error));
    const QList<QByteArray> lines = readLines(fileName);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(idOf(lines.at(0)), QStringLiteral("s1"));
    QCOMPARE(idOf(lines.at(1)), QStringLiteral("s2"));
    for (const QByteArray& line : lines)
        QCOMPARE(QJsonDocument::fromJson(line).object().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("status"));
}

// More events than one page of the export (and of the table): every one, once, in order.
void TestEventConsole::exportShownManyPages()
{
    constexpr int kEvents = 2 * EventConsole::kExportPageSize + 37;
    QList<WebhookEvent> events;
    for (int i = 0; i < kEvents; ++i)
        events.append(makeEvent(WebhookEvent::Kind::Text, QStringLiteral("wamid.%1").arg(i)));
    QVERIFY(store(*m_store, post("{}"), events));
    EventConsole console(m_store.get());
    QCOMPARE(console.model()->rowCount(), kEvents);
    const QString fileName = path(QStringLiteral("many.jsonl"));
    QString error;
    QVERIFY2(console.exportJsonLines(fileName, EventConsole::ExportScope::Shown, &error), qPrintable(error));
    const QList<QByteArray> lines = readLines(fileName);
    QCOMPARE(lines.size(), kEvents);
    for (int i : {0, EventConsole::kExportPageSize - 1, EventConsole::kExportPageSize, kEvents - 1})
        QCOMPARE(idOf(lines.at(i)), QStringLiteral("wamid.%1").arg(i));
}

void TestEventConsole::exportUnwritable_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<int>("scope");
    QTest::newRow("no such directory") << path(QStringLiteral("no-such-dir/x.jsonl"))
                                       << int(EventConsole::ExportScope::Shown);
    QTest::newRow("a file as the directory")
        << path(QStringLiteral("plain-file/x.jsonl")) << int(EventConsole::ExportScope::Selected);
    QTest::newRow("a directory") << m_dir.path() << int(EventConsole::ExportScope::Shown);
}

void TestEventConsole::exportUnwritable()
{
    QFETCH(QString, fileName);
    QFETCH(int, scope);
    QFile plain(path(QStringLiteral("plain-file")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    QVERIFY(store(*m_store, post("{}"), {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("wamid.1"))}));
    EventConsole console(m_store.get());
    console.table()->selectRow(0);
    QString error;
    QVERIFY(!console.exportJsonLines(fileName, static_cast<EventConsole::ExportScope>(scope), &error));
    QVERIFY2(error.contains(fileName), qPrintable(error));
    QVERIFY2(error.size() > fileName.size() + 16, qPrintable(error)); // and why
    QVERIFY(!QFileInfo(fileName).isFile());
}

void TestEventConsole::selectedCount()
{
    QList<WebhookEvent> events;
    for (int i = 0; i < 6; ++i)
        events.append(makeEvent(i % 2 ? WebhookEvent::Kind::Status : WebhookEvent::Kind::Text,
                                QStringLiteral("wamid.%1").arg(i)));
    QVERIFY(store(*m_store, post("{}"), events));
    EventConsole console(m_store.get());
    QCOMPARE(console.table()->selectionMode(), QAbstractItemView::ExtendedSelection);
    QSignalSpy changed(&console, &EventConsole::selectedCountChanged);
    QCOMPARE(console.selectedCount(), 0);
    console.table()->selectRow(0);
    QCOMPARE(console.selectedCount(), 1);
    // Shift+click extends the selection to a range, Ctrl+click adds one more row
    console.table()->selectionModel()->select(
        QItemSelection(console.model()->index(0, 0), console.model()->index(2, 0)),
        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    console.table()->selectionModel()->select(console.model()->index(4, 0),
                                              QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QCOMPARE(console.selectedCount(), 4);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(changed.last().at(0).toInt(), 4);
    // a new filter drops the selection, and says so
    console.kindFilter()->setCurrentIndex(console.kindFilter()->findText(QStringLiteral("status")));
    QCOMPARE(console.selectedCount(), 0);
    QCOMPARE(changed.last().at(0).toInt(), 0);
}

void TestEventConsole::mapLinkForLocations()
{
    QVERIFY(storeSample(*m_store, QStringLiteral("cloud-text.json")));
    QVERIFY(storeSample(*m_store, QStringLiteral("cloud-location.json")));
    QVERIFY(storeSample(*m_store, QStringLiteral("onprem-location.json")));
    // a location without coordinates has no map
    QJsonObject bare{{QStringLiteral("location"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Somewhere")}}}};
    WebhookEvent noCoordinates = makeEvent(WebhookEvent::Kind::Location, QStringLiteral("wamid.bare"));
    noCoordinates.fields = bare;
    QVERIFY(store(*m_store, post("{}"), {noCoordinates}));
    EventConsole console(m_store.get());
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));
    QCOMPARE(console.model()->rowCount(), 4);
    QVERIFY(!console.mapLink()->isVisible()); // nothing selected

    console.table()->selectRow(1); // the Guggenheim
    QVERIFY(console.mapLink()->isVisible());
    QVERIFY(console.mapLink()->openExternalLinks());
    const QString href = hrefOf(console.mapLink());
    QCOMPARE(href, QStringLiteral("https://www.openstreetmap.org/?mlat=40.782910059774&mlon=-73.959075808525"
                                  "#map=17/40.782910059774/-73.959075808525"));
    QCOMPARE(href, console.model()
                       ->eventAt(1)
                       ->event.fields.value(QStringLiteral("location"))
                       .toObject()
                       .value(QStringLiteral("map_url"))
                       .toString()); // the URL the detail shows
    QVERIFY(console.detail()->toPlainText().contains(href));

    console.table()->selectRow(0); // a text
    QVERIFY(!console.mapLink()->isVisible());

    console.table()->selectRow(2); // On-Premises location
    QVERIFY(console.mapLink()->isVisible());
    const QUrl other(hrefOf(console.mapLink()));
    QCOMPARE(other.host(), QStringLiteral("www.openstreetmap.org"));
    QVERIFY(other.query().contains(QStringLiteral("mlat=")));
    QVERIFY(other != QUrl(href));

    console.table()->selectRow(3); // no coordinates
    QVERIFY(!console.mapLink()->isVisible());

    console.table()->selectRow(1);
    QVERIFY(console.mapLink()->isVisible());
    console.kindFilter()->setCurrentIndex(console.kindFilter()->findText(QStringLiteral("text")));
    QVERIFY(!console.mapLink()->isVisible()); // the selection went with the filter
}

void TestEventConsole::mapLinkOpensWhenClicked()
{
    QVERIFY(storeSample(*m_store, QStringLiteral("cloud-location.json")));
    EventConsole console(m_store.get());
    console.resize(900, 400);
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));
    console.table()->selectRow(0);
    QLabel* link = console.mapLink();
    QVERIFY(link->isVisible());
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(QStringLiteral("https"), &catcher, "open");
    // on the middle of "Open", the start of the link
    const QPoint onLink(link->contentsRect().left() + link->fontMetrics().horizontalAdvance(QStringLiteral("Op")),
                        link->contentsRect().center().y());
    QTest::mouseClick(link, Qt::LeftButton, {}, onLink);
    QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
    QCOMPARE(catcher.urls.size(), 1);
    QCOMPARE(catcher.urls.first(), QUrl(hrefOf(link)));
}

void TestEventConsole::curlOfAVerificationKeepsItsQuery()
{
    StoredRequest verification;
    verification.method = "GET";
    verification.target = "/webhook?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444";
    verification.statusCode = 200;
    WebhookEvent event = makeEvent(WebhookEvent::Kind::Verification, QString());
    QVERIFY(store(*m_store, verification, {event}));
    EventConsole console(m_store.get());
    QVERIFY(console.curlForSelected().isEmpty()); // nothing selected
    console.table()->selectRow(0);
    const QString curl = console.curlForSelected();
    QVERIFY2(curl.contains(QStringLiteral("-X GET")), qPrintable(curl));
    QVERIFY2(curl.contains(QStringLiteral("?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444")),
             qPrintable(curl));
    QCOMPARE(console.selectedRequest().value_or(StoredRequest()).target, verification.target);
}

QTEST_MAIN(TestEventConsole)
#include "tst_eventconsole.moc"
