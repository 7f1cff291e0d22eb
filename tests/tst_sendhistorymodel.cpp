#include <memory>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include "SendHistory.h"
#include "SendHistoryModel.h"

using namespace wa;

namespace {

const QByteArray kList = R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",)"
                         R"("interactive":{"type":"list","body":{"text":"Menu"},"action":{"button":"Open"}}})";
const QByteArray kButton = R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",)"
                           R"("interactive":{"type":"button","body":{"text":"Deliver?"}}})";
const QByteArray kText = R"({"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}})";

ConnectionProfile profile()
{
    ConnectionProfile p;
    p.name = QStringLiteral("Production");
    p.kind = ConnectionProfile::Kind::CloudApi;
    p.baseUrl = QUrl(ConnectionProfile::kDefaultCloudBaseUrl);
    p.phoneNumberId = QStringLiteral("106540352242922");
    return p;
}

SendOutcome accepted(const QString& messageId)
{
    SendOutcome o;
    o.result = SendOutcome::Result::Accepted;
    o.messageId = messageId;
    return o;
}

SendOutcome apiError()
{
    SendOutcome o;
    o.result = SendOutcome::Result::ApiError;
    o.apiError.httpStatus = 400;
    o.apiError.code = 131047;
    o.apiError.message = QStringLiteral("(#131047) Re-engagement message");
    return o;
}

WebhookEvent status(const QString& messageId, const QString& value, const QJsonArray& errors = {})
{
    WebhookEvent e;
    e.kind = WebhookEvent::Kind::Status;
    e.id = messageId;
    e.timestamp = QDateTime::fromSecsSinceEpoch(1750030080, Qt::UTC);
    e.fields.insert(QStringLiteral("status"), value);
    if (!errors.isEmpty())
        e.fields.insert(QStringLiteral("errors"), errors);
    return e;
}

QString display(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

} // namespace

class TestSendHistoryModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void columns();
    void rowsNewestFirstWithRoles();
    void delivery_data();
    void delivery();
    void reloadsOnChange();
    void keepsTheNewest500();
    void timeText();
    void messageType_data();
    void messageType();
    void outlivesTheHistory();

private:
    std::unique_ptr<SendHistory> m_history;
};

void TestSendHistoryModel::init()
{
    m_history = std::make_unique<SendHistory>();
    QString error;
    QVERIFY2(m_history->open(QStringLiteral(":memory:"), &error), qPrintable(error));
}

void TestSendHistoryModel::cleanup()
{
    m_history.reset();
}

void TestSendHistoryModel::columns()
{
    SendHistoryModel model(m_history.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.columnCount(), 7);
    QCOMPARE(model.rowCount(), 0);
    QStringList headers;
    for (int column = 0; column < model.columnCount(); ++column)
        headers << model.headerData(column, Qt::Horizontal).toString();
    QCOMPARE(headers, (QStringList{QStringLiteral("Time"), QStringLiteral("Profile"), QStringLiteral("To"),
                                   QStringLiteral("Type"), QStringLiteral("Result"), QStringLiteral("Message ID"),
                                   QStringLiteral("Delivery")}));
}

void TestSendHistoryModel::rowsNewestFirstWithRoles()
{
    const QDateTime base = QDateTime::currentDateTimeUtc().addSecs(-600);
    const qint64 listId =
        m_history->record(profile(), QStringLiteral("111"), kList, accepted(QStringLiteral("wamid.1")), base);
    const qint64 errorId = m_history->record(profile(), QStringLiteral("222"), kButton, apiError(), base.addSecs(60));
    const qint64 textId = m_history->record(profile(), QStringLiteral("333"), kText,
                                            accepted(QStringLiteral("wamid.3")), base.addSecs(120));
    SendHistoryModel model(m_history.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 3);

    using M = SendHistoryModel;
    QCOMPARE(model.data(model.index(0, 0), M::RecordIdRole).toLongLong(), textId);
    QCOMPARE(model.data(model.index(1, 0), M::RecordIdRole).toLongLong(), errorId);
    QCOMPARE(model.data(model.index(2, 0), M::RecordIdRole).toLongLong(), listId);
    QCOMPARE(model.recordAt(1)->id, errorId);
    QVERIFY(!model.recordAt(3));

    QCOMPARE(display(model, 2, M::ProfileColumn), QStringLiteral("Production"));
    QCOMPARE(display(model, 2, M::ProfileColumn, Qt::ToolTipRole), QStringLiteral("Production (Cloud API)"));
    QCOMPARE(display(model, 2, M::RecipientColumn), QStringLiteral("111"));
    QCOMPARE(display(model, 2, M::TypeColumn), QStringLiteral("list"));
    QCOMPARE(display(model, 1, M::TypeColumn), QStringLiteral("button"));
    QCOMPARE(display(model, 0, M::TypeColumn), QStringLiteral("text"));
    QCOMPARE(display(model, 2, M::ResultColumn), QStringLiteral("Accepted: wamid.1"));
    QCOMPARE(display(model, 1, M::ResultColumn), QStringLiteral("Error 131047: (#131047) Re-engagement message"));
    QCOMPARE(display(model, 2, M::MessageIdColumn), QStringLiteral("wamid.1"));
    QCOMPARE(display(model, 1, M::MessageIdColumn), QString());
    QCOMPARE(display(model, 2, M::TimeColumn), SendHistoryModel::timeText(base));
    QCOMPARE(display(model, 2, M::TimeColumn, Qt::ToolTipRole),
             QDateTime::fromMSecsSinceEpoch(base.toMSecsSinceEpoch(), Qt::UTC).toString(Qt::ISODate));
    QVERIFY(display(model, 2, M::TimeColumn, Qt::ToolTipRole).endsWith(QLatin1Char('Z')));

    // Errors in red; accepted sends uncoloured.
    QCOMPARE(display(model, 1, M::ResultColumn, Qt::ForegroundRole), SendHistoryModel::kErrorColor);
    QVERIFY(!model.data(model.index(0, M::ResultColumn), Qt::ForegroundRole).isValid());

    QCOMPARE(model.data(model.index(2, 0), M::MessageIdRole).toString(), QStringLiteral("wamid.1"));
    QCOMPARE(model.data(model.index(2, 0), M::PayloadRole).toByteArray(), kList);
    QCOMPARE(model.data(model.index(2, 0), M::ResultRole).toInt(), int(SendOutcome::Result::Accepted));
    QCOMPARE(model.data(model.index(1, 0), M::ResultRole).toInt(), int(SendOutcome::Result::ApiError));
    // Before any status, Delivery is empty.
    QCOMPARE(display(model, 0, M::DeliveryColumn), QString());
    QVERIFY(!model.data(model.index(0, M::DeliveryColumn), Qt::ToolTipRole).isValid());
    QCOMPARE(model.data(model.index(0, 0), M::DeliveryStatusRole).toString(), QString());
}

void TestSendHistoryModel::delivery_data()
{
    QTest::addColumn<QStringList>("statuses");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("color");
    QTest::addColumn<QString>("tooltip");

    const QString at = QStringLiteral(" at 2025-06-15T23:28:00Z");
    QTest::newRow("sent") << QStringList{QStringLiteral("sent")} << QStringLiteral("\u2713 sent") << QString()
                          << QStringLiteral("sent") + at;
    QTest::newRow("delivered") << QStringList{QStringLiteral("sent"), QStringLiteral("delivered")}
                               << QStringLiteral("\u2713\u2713 delivered") << QString()
                               << QStringLiteral("delivered") + at;
    QTest::newRow("read") << QStringList{QStringLiteral("read"), QStringLiteral("delivered")}
                          << QStringLiteral("\u2713\u2713 read") << SendHistoryModel::kReadColor
                          << QStringLiteral("read") + at;
    QTest::newRow("failed") << QStringList{QStringLiteral("sent"), QStringLiteral("failed")}
                            << QStringLiteral("failed: 131047: Re-engagement message \u2014 24 hours have passed")
                            << SendHistoryModel::kErrorColor
                            << QStringLiteral("131047: Re-engagement message \u2014 24 hours have passed");
}

void TestSendHistoryModel::delivery()
{
    QFETCH(QStringList, statuses);
    QFETCH(QString, text);
    QFETCH(QString, color);
    QFETCH(QString, tooltip);
    m_history->record(profile(), QStringLiteral("1"), kList, accepted(QStringLiteral("wamid.1")));
    SendHistoryModel model(m_history.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QJsonArray errors{
        QJsonObject{{QStringLiteral("code"), 131047},
                    {QStringLiteral("title"), QStringLiteral("Re-engagement message")},
                    {QStringLiteral("error_data"),
                     QJsonObject{{QStringLiteral("details"), QStringLiteral("24 hours have passed")}}}}};
    for (const QString& value : statuses)
        m_history->applyStatuses(
            {status(QStringLiteral("wamid.1"), value, value == QLatin1String("failed") ? errors : QJsonArray())});
    const QModelIndex cell = model.index(0, SendHistoryModel::DeliveryColumn);
    QCOMPARE(model.data(cell).toString(), text);
    QCOMPARE(model.data(cell, Qt::ForegroundRole).toString(), color);
    QCOMPARE(model.data(cell, Qt::ToolTipRole).toString(), tooltip);
    QCOMPARE(model.data(cell, SendHistoryModel::DeliveryStatusRole).toString(),
             statuses.contains(QLatin1String("failed")) ? QStringLiteral("failed") : text.section(QLatin1Char(' '), 1));
}

void TestSendHistoryModel::reloadsOnChange()
{
    SendHistoryModel model(m_history.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    m_history->record(profile(), QStringLiteral("1"), kList, accepted(QStringLiteral("wamid.1")));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 1);
    m_history->record(profile(), QStringLiteral("2"), kText, accepted(QStringLiteral("wamid.2")));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(display(model, 0, SendHistoryModel::RecipientColumn), QStringLiteral("2"));

    QCOMPARE(m_history->applyStatuses({status(QStringLiteral("wamid.1"), QStringLiteral("delivered"))}), 1);
    QCOMPARE(reset.size(), 3);
    QCOMPARE(display(model, 1, SendHistoryModel::DeliveryColumn), QStringLiteral("\u2713\u2713 delivered"));
    // A duplicate changes nothing, and costs no reload.
    QCOMPARE(m_history->applyStatuses({status(QStringLiteral("wamid.1"), QStringLiteral("delivered"))}), 0);
    QCOMPARE(reset.size(), 3);
}

void TestSendHistoryModel::keepsTheNewest500()
{
    const QDateTime base = QDateTime::fromSecsSinceEpoch(1750000000, Qt::UTC);
    for (int i = 0; i < SendHistoryModel::kMaxRows + 5; ++i)
        QVERIFY(m_history->record(profile(), QString::number(i), kText, accepted(QStringLiteral("wamid.%1").arg(i)),
                                  base.addSecs(i)) > 0);
    SendHistoryModel model(m_history.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 500);
    QCOMPARE(display(model, 0, SendHistoryModel::RecipientColumn), QStringLiteral("504"));
    QCOMPARE(display(model, 499, SendHistoryModel::RecipientColumn), QStringLiteral("5"));
    QCOMPARE(m_history->count(), 505);
}

void TestSendHistoryModel::timeText()
{
    const QDateTime now = QDateTime(QDate(2025, 6, 15), QTime(18, 30, 0), Qt::LocalTime);
    QCOMPARE(SendHistoryModel::timeText(QDateTime(QDate(2025, 6, 15), QTime(9, 5, 7), Qt::LocalTime).toUTC(), now),
             QStringLiteral("09:05:07"));
    QCOMPARE(SendHistoryModel::timeText(QDateTime(QDate(2025, 6, 14), QTime(23, 59, 59), Qt::LocalTime).toUTC(), now),
             QStringLiteral("2025-06-14"));
    QCOMPARE(SendHistoryModel::timeText(QDateTime(QDate(2024, 1, 2), QTime(12, 0), Qt::LocalTime), now),
             QStringLiteral("2024-01-02"));
}

void TestSendHistoryModel::messageType_data()
{
    QTest::addColumn<QString>("sample"); // a file in samples/messages, or ""
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("type");

    QTest::newRow("list sample") << QStringLiteral("list-takeout-menu.json") << QByteArray() << QStringLiteral("list");
    QTest::newRow("button sample") << QStringLiteral("button-text-header.json") << QByteArray()
                                   << QStringLiteral("button");
    QTest::newRow("cta_url sample") << QStringLiteral("cta-url.json") << QByteArray() << QStringLiteral("cta_url");
    QTest::newRow("flow sample") << QStringLiteral("flow.json") << QByteArray() << QStringLiteral("flow");
    QTest::newRow("product_list sample") << QStringLiteral("product-list.json") << QByteArray()
                                         << QStringLiteral("product_list");
    QTest::newRow("text") << QString() << kText << QStringLiteral("text");
    QTest::newRow("template") << QString() << QByteArray(R"({"type":"template","template":{"name":"hello"}})")
                              << QStringLiteral("template");
    QTest::newRow("interactive without a type")
        << QString() << QByteArray(R"({"type":"interactive"})") << QStringLiteral("interactive");
    QTest::newRow("not JSON") << QString() << QByteArray("{not json") << QString();
    QTest::newRow("empty") << QString() << QByteArray() << QString();
}

void TestSendHistoryModel::messageType()
{
    QFETCH(QString, sample);
    QFETCH(QByteArray, payload);
    QFETCH(QString, type);
    if (!sample.isEmpty()) {
        QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + sample);
        QVERIFY(file.open(QIODevice::ReadOnly));
        payload = file.readAll();
    }
    QCOMPARE(SendHistoryModel::messageType(payload), type);
}

void TestSendHistoryModel::outlivesTheHistory()
{
    m_history->record(profile(), QStringLiteral("1"), kList, accepted(QStringLiteral("wamid.1")));
    SendHistoryModel model(m_history.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 1);
    m_history.reset();
    QCOMPARE(model.rowCount(), 1); // what it had stays until a reload
    model.reload();
    QCOMPARE(model.rowCount(), 0);
    SendHistoryModel none(nullptr);
    QCOMPARE(none.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestSendHistoryModel)
#include "tst_sendhistorymodel.moc"
