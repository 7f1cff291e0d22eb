#include <memory>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include "SecretStore.h"
#include "SendHistory.h"
#include "WebhookEventParser.h"
#include "TestSamples.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::SendOutcome)
Q_DECLARE_METATYPE(wa::ConnectionProfile)
Q_DECLARE_METATYPE(wa::WebhookEvent)

namespace {

const QString kMessageId = QStringLiteral("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA");
const QByteArray kPayload = R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",)"
                            R"("type":"interactive","interactive":{"type":"button","body":{"text":"Deliver?"},)"
                            R"("action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes \u00e9"}}]}}})";

ConnectionProfile cloudProfile()
{
    ConnectionProfile p;
    p.name = QStringLiteral("Production \u00e9");
    p.kind = ConnectionProfile::Kind::CloudApi;
    p.baseUrl = QUrl(ConnectionProfile::kDefaultCloudBaseUrl);
    p.phoneNumberId = QStringLiteral("106540352242922");
    return p;
}

ConnectionProfile onPremProfile()
{
    ConnectionProfile p;
    p.name = QStringLiteral("Gateway");
    p.kind = ConnectionProfile::Kind::OnPremises;
    p.baseUrl = QUrl(QStringLiteral("https://wa-gateway.example:9090"));
    p.username = QStringLiteral("admin");
    return p;
}

HttpExchange exchange(const QString& step, int status, const QByteArray& responseBody, const QByteArray& auth)
{
    HttpExchange e;
    e.step = step;
    e.method = "POST";
    e.url = QUrl(QStringLiteral("https://graph.facebook.com/v23.0/106540352242922/messages"));
    e.requestHeaders = {{"Authorization", auth}, {"Content-Type", "application/json"}};
    e.requestBody = step == QLatin1String("message") ? kPayload : QByteArray();
    e.status = status;
    e.responseHeaders = {{"Content-Type", "application/json"}};
    e.responseBody = responseBody;
    e.elapsedMs = 120;
    return e;
}

SendOutcome accepted(const QString& messageId = kMessageId)
{
    SendOutcome o;
    o.result = SendOutcome::Result::Accepted;
    o.messageId = messageId;
    o.waId = QStringLiteral("16505551234");
    o.exchanges = {exchange(QStringLiteral("message"), 200,
                            R"({"messaging_product":"whatsapp","messages":[{"id":")" + messageId.toUtf8() + R"("}]})",
                            "Bearer \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
                            "1234")};
    o.elapsedMs = 130;
    return o;
}

SendOutcome apiError()
{
    SendOutcome o;
    o.result = SendOutcome::Result::ApiError;
    const QByteArray body = R"({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException",)"
                            R"("code":131047,"fbtrace_id":"AbCdEf"}})";
    o.exchanges = {
        exchange(QStringLiteral("message"), 400, body, "Bearer \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2")};
    o.apiError.httpStatus = 400;
    o.apiError.code = 131047;
    o.apiError.message = QStringLiteral("(#131047) Re-engagement message");
    o.apiError.explanation = QStringLiteral("More than 24 hours since the customer last wrote.");
    o.apiError.rawBody = body;
    return o;
}

SendOutcome loginFailed()
{
    SendOutcome o;
    o.result = SendOutcome::Result::ApiError;
    const QByteArray body = R"({"errors":[{"code":1005,"title":"Access denied","details":"Invalid credentials."}]})";
    o.exchanges = {
        exchange(QStringLiteral("login"), 401, body, "Basic \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2")};
    o.apiError.httpStatus = 401;
    o.apiError.code = 1005;
    o.apiError.title = QStringLiteral("Access denied");
    o.apiError.rawBody = body;
    return o;
}

SendOutcome onPremAccepted()
{
    SendOutcome o;
    o.result = SendOutcome::Result::Accepted;
    o.messageId = QStringLiteral("gBGGFlA5FpafAgkbAQA6xUgxiOM");
    o.exchanges = {
        exchange(QStringLiteral("login"), 200, R"({"users":[{"token":"redacted"}]})", "Basic \xe2\x80\xa2\xe2\x80\xa2"),
        exchange(QStringLiteral("contacts"), 200, R"({"contacts":[{"status":"valid"}]})", "Bearer \xe2\x80\xa2"),
        exchange(QStringLiteral("message"), 201, R"({"messages":[{"id":"gBGGFlA5FpafAgkbAQA6xUgxiOM"}]})",
                 "Bearer \xe2\x80\xa2"),
    };
    return o;
}

SendOutcome transportError()
{
    SendOutcome o;
    o.result = SendOutcome::Result::TransportError;
    o.transport = TransportFailure::ConnectionRefused;
    o.transportMessage = QStringLiteral("Connection refused by 127.0.0.1:9");
    HttpExchange e = exchange(QStringLiteral("message"), 0, QByteArray(), "Bearer \xe2\x80\xa2");
    o.exchanges = {e};
    return o;
}

SendOutcome inputError()
{
    SendOutcome o;
    o.result = SendOutcome::Result::InputError;
    o.inputMessage = QStringLiteral("Cloud API profile has no phone-number ID");
    return o;
}

WebhookEvent status(const QString& messageId, const QString& value, qint64 seconds,
                    const QJsonArray& errors = QJsonArray())
{
    WebhookEvent e;
    e.kind = WebhookEvent::Kind::Status;
    e.id = messageId;
    e.contact = QStringLiteral("16505551234");
    e.timestamp = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    e.fields.insert(QStringLiteral("status"), value);
    if (!errors.isEmpty())
        e.fields.insert(QStringLiteral("errors"), errors);
    e.summary = QStringLiteral("Status %1 of %2").arg(value, messageId);
    return e;
}

QList<WebhookEvent> sampleEvents(const QString& name)
{
    return WebhookEventParser::parse(TestSamples::webhook(name)).events;
}

} // namespace

class TestSendHistory : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void recordEachResult_data();
    void recordEachResult();
    void newestFirstWithLimitAndOffset();
    void statusesInAnyOrder_data();
    void statusesInAnyOrder();
    void statusesFromSamples();
    void failedWithItsError_data();
    void failedWithItsError();
    void duplicatesIgnored();
    void nonStatusEventsIgnored();
    void survivesReopening();
    void noSecretInAnyColumn();
    void badPathGivesAClearError_data();
    void badPathGivesAClearError();
    void refusesNewerOrForeignDatabases_data();
    void refusesNewerOrForeignDatabases();
    void notOpen();
    void ownConnections();
    void inMemory();

private:
    QString filePath(const QString& name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SendHistory> m_history;
};

void TestSendHistory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_history = std::make_unique<SendHistory>();
    QString error;
    QVERIFY2(m_history->open(filePath(QStringLiteral("history.sqlite")), &error), qPrintable(error));
    QVERIFY(m_history->isOpen());
}

void TestSendHistory::cleanup()
{
    m_history.reset();
    m_dir.reset();
}

void TestSendHistory::recordEachResult_data()
{
    QTest::addColumn<ConnectionProfile>("profile");
    QTest::addColumn<SendOutcome>("outcome");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("responseBody");

    const SendOutcome ok = accepted();
    QTest::newRow("accepted") << cloudProfile() << ok << 200 << ok.exchanges.last().responseBody;
    const SendOutcome error = apiError();
    QTest::newRow("API error") << cloudProfile() << error << 400 << error.apiError.rawBody;
    const SendOutcome login = loginFailed();
    QTest::newRow("API error at login") << onPremProfile() << login << 401 << login.apiError.rawBody;
    const SendOutcome onPrem = onPremAccepted();
    QTest::newRow("on-premises accepted") << onPremProfile() << onPrem << 201 << onPrem.exchanges.last().responseBody;
    QTest::newRow("transport error") << cloudProfile() << transportError() << 0 << QByteArray();
    QTest::newRow("input error") << cloudProfile() << inputError() << 0 << QByteArray();
}

void TestSendHistory::recordEachResult()
{
    QFETCH(ConnectionProfile, profile);
    QFETCH(SendOutcome, outcome);
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, responseBody);

    QSignalSpy changed(m_history.get(), &SendHistory::changed);
    const QDateTime sentAt = QDateTime::fromMSecsSinceEpoch(1750030070123, Qt::UTC);
    const qint64 id = m_history->record(profile, QStringLiteral("+1 650-555-1234"), kPayload, outcome, sentAt);
    QVERIFY2(id > 0, qPrintable(m_history->lastError()));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_history->count(), 1);

    const std::optional<SentRecord> found = m_history->find(id);
    QVERIFY(found);
    const SentRecord& r = *found;
    QCOMPARE(r.id, id);
    QCOMPARE(r.sentAt, sentAt);
    QCOMPARE(r.sentAt.timeSpec(), Qt::UTC);
    QCOMPARE(r.profileName, profile.name);
    QCOMPARE(r.profileKind, profile.kind);
    QCOMPARE(r.recipient, QStringLiteral("+1 650-555-1234"));
    QCOMPARE(r.payload, kPayload);
    QCOMPARE(r.result, outcome.result);
    QCOMPARE(r.httpStatus, httpStatus);
    QCOMPARE(r.responseBody, responseBody);
    QCOMPARE(r.messageId, outcome.messageId);
    QCOMPARE(r.summary, outcome.summary());
    QVERIFY(!r.summary.isEmpty());
    const QList<HttpExchange> exchanges = exchangesFromJson(QJsonDocument::fromJson(r.exchangesJson).array());
    QCOMPARE(exchanges.size(), outcome.exchanges.size());
    for (qsizetype i = 0; i < exchanges.size(); ++i) {
        QCOMPARE(exchanges.at(i).step, outcome.exchanges.at(i).step);
        QCOMPARE(exchanges.at(i).status, outcome.exchanges.at(i).status);
        QCOMPARE(exchanges.at(i).requestHeaders, outcome.exchanges.at(i).requestHeaders);
        QCOMPARE(exchanges.at(i).requestBody, outcome.exchanges.at(i).requestBody);
        QCOMPARE(exchanges.at(i).responseBody, outcome.exchanges.at(i).responseBody);
        QCOMPARE(exchanges.at(i).url, outcome.exchanges.at(i).url);
    }
    QVERIFY(r.deliveryStatus.isEmpty());
    QVERIFY(!r.deliveryAt.isValid());
    QVERIFY(r.deliveryError.isEmpty());

    // The same through records() and findByMessageId().
    const QList<SentRecord> all = m_history->records();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first().id, id);
    QCOMPARE(all.first().payload, kPayload);
    QCOMPARE(all.first().summary, outcome.summary());
    if (!outcome.messageId.isEmpty()) {
        const auto byMessage = m_history->findByMessageId(outcome.messageId);
        QVERIFY(byMessage);
        QCOMPARE(byMessage->id, id);
    }
    QVERIFY(!m_history->find(id + 1));
    QVERIFY(!m_history->findByMessageId(QStringLiteral("wamid.unknown")));
    QVERIFY(!m_history->findByMessageId(QString()));
}

void TestSendHistory::newestFirstWithLimitAndOffset()
{
    const QDateTime base = QDateTime::fromSecsSinceEpoch(1750030000, Qt::UTC);
    // Recorded out of order (a slow send finishes after a quick one that started later).
    const int order[] = {2, 0, 3, 1};
    for (int minute : order)
        QVERIFY(m_history->record(cloudProfile(), QString::number(minute), kPayload,
                                  accepted(QStringLiteral("wamid.%1").arg(minute)), base.addSecs(60 * minute)) > 0);
    QStringList recipients;
    for (const SentRecord& r : m_history->records())
        recipients << r.recipient;
    QCOMPARE(recipients,
             (QStringList{QStringLiteral("3"), QStringLiteral("2"), QStringLiteral("1"), QStringLiteral("0")}));
    recipients.clear();
    for (const SentRecord& r : m_history->records(2, 1))
        recipients << r.recipient;
    QCOMPARE(recipients, (QStringList{QStringLiteral("2"), QStringLiteral("1")}));
    QVERIFY(m_history->records(0).isEmpty());
    QVERIFY(m_history->records(10, 4).isEmpty());
    QCOMPARE(m_history->count(), 4);
}

void TestSendHistory::statusesInAnyOrder_data()
{
    QTest::addColumn<QStringList>("statuses");
    QTest::addColumn<bool>("beforeTheSend"); // the statuses arrive before record() is called
    QTest::addColumn<QString>("winner");

    const auto list = [](std::initializer_list<const char*> names) {
        QStringList out;
        for (const char* name : names)
            out << QString::fromLatin1(name);
        return out;
    };
    for (bool before : {false, true}) {
        const char* when = before ? " (before the send)" : "";
        QTest::addRow("sent%s", when) << list({"sent"}) << before << QStringLiteral("sent");
        QTest::addRow("sent delivered read%s", when)
            << list({"sent", "delivered", "read"}) << before << QStringLiteral("read");
        QTest::addRow("read before delivered%s", when)
            << list({"read", "delivered"}) << before << QStringLiteral("read");
        QTest::addRow("read without delivered%s", when) << list({"sent", "read"}) << before << QStringLiteral("read");
        QTest::addRow("delivered before sent%s", when)
            << list({"delivered", "sent"}) << before << QStringLiteral("delivered");
        QTest::addRow("failed after sent%s", when) << list({"sent", "failed"}) << before << QStringLiteral("failed");
        QTest::addRow("failed before sent%s", when) << list({"failed", "sent"}) << before << QStringLiteral("failed");
    }
}

void TestSendHistory::statusesInAnyOrder()
{
    QFETCH(QStringList, statuses);
    QFETCH(bool, beforeTheSend);
    QFETCH(QString, winner);

    qint64 id = 0;
    if (!beforeTheSend)
        id = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted());
    QSignalSpy changed(m_history.get(), &SendHistory::changed);
    qint64 winnerSeconds = 0;
    for (qsizetype i = 0; i < statuses.size(); ++i) {
        const qint64 seconds = 1750030070 + 10 * i;
        if (statuses.at(i) == winner)
            winnerSeconds = seconds;
        // One webhook each, as they come.
        QCOMPARE(m_history->applyStatuses({status(kMessageId, statuses.at(i), seconds)}), 1);
    }
    QCOMPARE(changed.size(), statuses.size());
    // Another message's status changes nothing of this one.
    QCOMPARE(m_history->applyStatuses({status(QStringLiteral("wamid.other"), QStringLiteral("failed"), 1)}), 1);
    if (beforeTheSend)
        id = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted());
    QVERIFY(id > 0);

    const auto r = m_history->find(id);
    QVERIFY(r);
    QCOMPARE(r->deliveryStatus, winner);
    QCOMPARE(r->deliveryAt, QDateTime::fromSecsSinceEpoch(winnerSeconds, Qt::UTC));
    QCOMPARE(m_history->records().first().deliveryStatus, winner);
    QCOMPARE(m_history->findByMessageId(kMessageId)->deliveryStatus, winner);
}

void TestSendHistory::statusesFromSamples()
{
    const qint64 id = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted());
    const qint64 onPremId =
        m_history->record(onPremProfile(), QStringLiteral("16315551234"), kPayload, onPremAccepted());
    QCOMPARE(m_history->applyStatuses(sampleEvents(QStringLiteral("cloud-status-sent.json"))), 1);
    QCOMPARE(m_history->find(id)->deliveryStatus, QStringLiteral("sent"));
    QCOMPARE(m_history->applyStatuses(sampleEvents(QStringLiteral("cloud-status-read.json"))), 1);
    QCOMPARE(m_history->applyStatuses(sampleEvents(QStringLiteral("cloud-status-delivered.json"))), 1);
    QCOMPARE(m_history->find(id)->deliveryStatus, QStringLiteral("read"));
    QCOMPARE(m_history->find(id)->deliveryAt, QDateTime::fromSecsSinceEpoch(1750030080, Qt::UTC));
    QCOMPARE(m_history->applyStatuses(sampleEvents(QStringLiteral("onprem-status.json"))), 1);
    QCOMPARE(m_history->find(onPremId)->deliveryStatus, QStringLiteral("read"));
}

void TestSendHistory::failedWithItsError_data()
{
    QTest::addColumn<QList<WebhookEvent>>("events");
    QTest::addColumn<QString>("error");

    QTest::newRow("Cloud API sample") << sampleEvents(QStringLiteral("cloud-status-failed.json"))
                                      << QStringLiteral("131047: Re-engagement message \u2014 Message failed to send "
                                                        "because more than 24 hours have passed since the customer "
                                                        "last replied to this number.");
    const QJsonArray onPrem{QJsonObject{{QStringLiteral("code"), 470},
                                        {QStringLiteral("title"), QStringLiteral("Re-engagement message")},
                                        {QStringLiteral("details"), QStringLiteral("Outside the 24-hour window")}}};
    QTest::newRow("On-Premises") << QList<WebhookEvent>{status(kMessageId, QStringLiteral("failed"), 1, onPrem)}
                                 << QStringLiteral("470: Re-engagement message \u2014 Outside the 24-hour window");
    const QJsonArray messageOnly{QJsonObject{{QStringLiteral("code"), 131026},
                                             {QStringLiteral("message"), QStringLiteral("Message undeliverable")}}};
    QTest::newRow("message without title")
        << QList<WebhookEvent>{status(kMessageId, QStringLiteral("failed"), 1, messageOnly)}
        << QStringLiteral("131026: Message undeliverable");
    const QJsonArray two{
        QJsonObject{{QStringLiteral("code"), 1}, {QStringLiteral("title"), QStringLiteral("A")}},
        QJsonObject{{QStringLiteral("code"), QStringLiteral("2")}, {QStringLiteral("title"), QStringLiteral("B")}}};
    QTest::newRow("two errors") << QList<WebhookEvent>{status(kMessageId, QStringLiteral("failed"), 1, two)}
                                << QStringLiteral("1: A; 2: B");
    QTest::newRow("no errors") << QList<WebhookEvent>{status(kMessageId, QStringLiteral("failed"), 1)} << QString();
}

void TestSendHistory::failedWithItsError()
{
    QFETCH(QList<WebhookEvent>, events);
    QFETCH(QString, error);
    const qint64 id = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted());
    QCOMPARE(m_history->applyStatuses({status(kMessageId, QStringLiteral("delivered"), 1)}), 1);
    QCOMPARE(m_history->applyStatuses(events), 1);
    const auto r = m_history->find(id);
    QCOMPARE(r->deliveryStatus, QStringLiteral("failed"));
    QCOMPARE(r->deliveryError, error);
}

void TestSendHistory::duplicatesIgnored()
{
    const qint64 id = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted());
    QSignalSpy changed(m_history.get(), &SendHistory::changed);
    const WebhookEvent delivered = status(kMessageId, QStringLiteral("delivered"), 100);
    QCOMPARE(m_history->applyStatuses({delivered}), 1);
    QCOMPARE(changed.size(), 1);
    // Meta retries: the same status again, even with another time, is not new.
    QCOMPARE(m_history->applyStatuses({delivered}), 0);
    QCOMPARE(m_history->applyStatuses({status(kMessageId, QStringLiteral("delivered"), 999)}), 0);
    QCOMPARE(changed.size(), 1);
    // Twice in one batch counts once.
    const WebhookEvent read = status(kMessageId, QStringLiteral("read"), 200);
    QCOMPARE(m_history->applyStatuses({read, read, delivered}), 1);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(m_history->find(id)->deliveryAt, QDateTime::fromSecsSinceEpoch(200, Qt::UTC));
    QCOMPARE(m_history->find(id)->deliveryStatus, QStringLiteral("read"));
}

void TestSendHistory::nonStatusEventsIgnored()
{
    const qint64 id = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted());
    QSignalSpy changed(m_history.get(), &SendHistory::changed);
    QList<WebhookEvent> events = sampleEvents(QStringLiteral("cloud-text.json"));
    events += sampleEvents(QStringLiteral("cloud-errors.json"));
    events += sampleEvents(QStringLiteral("cloud-button-reply.json"));
    QVERIFY(events.size() >= 3);
    WebhookEvent notAStatus = status(kMessageId, QStringLiteral("read"), 1);
    notAStatus.kind = WebhookEvent::Kind::Text; // an inbound message with our id and a "status" field
    events << notAStatus;
    events << status(QString(), QStringLiteral("read"), 1);     // a status without an id
    events << status(kMessageId, QStringLiteral("deleted"), 1); // not a delivery step
    events << status(kMessageId, QString(), 1);                 // no value
    QCOMPARE(m_history->applyStatuses(events), 0);
    QCOMPARE(m_history->applyStatuses({}), 0);
    QCOMPARE(changed.size(), 0);
    QVERIFY(m_history->find(id)->deliveryStatus.isEmpty());
}

void TestSendHistory::survivesReopening()
{
    const QDateTime sentAt = QDateTime::fromMSecsSinceEpoch(1750030070123, Qt::UTC);
    const qint64 first = m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, accepted(), sentAt);
    const qint64 second =
        m_history->record(cloudProfile(), QStringLiteral("16505551234"), kPayload, apiError(), sentAt.addSecs(1));
    QCOMPARE(m_history->applyStatuses(sampleEvents(QStringLiteral("cloud-status-failed.json"))), 1);
    m_history->close();
    QVERIFY(!m_history->isOpen());
    QVERIFY(m_history->records().isEmpty());

    // Another instance, as the next start of the app.
    SendHistory again;
    QString error;
    QVERIFY2(again.open(filePath(QStringLiteral("history.sqlite")), &error), qPrintable(error));
    QCOMPARE(again.count(), 2);
    const QList<SentRecord> records = again.records();
    QCOMPARE(records.size(), 2);
    QCOMPARE(records.at(0).id, second);
    QCOMPARE(records.at(1).id, first);
    QCOMPARE(records.at(1).sentAt, sentAt);
    QCOMPARE(records.at(1).deliveryStatus, QStringLiteral("failed"));
    QVERIFY(records.at(1).deliveryError.startsWith(QLatin1String("131047: ")));
    QCOMPARE(records.at(0).result, SendOutcome::Result::ApiError);
    // Ids go on from where they were.
    const qint64 third = again.record(cloudProfile(), QStringLiteral("1"), kPayload, inputError());
    QVERIFY(third > second);

    // The schema version is set, for later migrations.
    again.close();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(filePath(QStringLiteral("history.sqlite")));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version")) && query.next());
        QCOMPARE(query.value(0).toInt(), SendHistory::kSchemaVersion);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

// The history holds what was sent and answered; a secret never reaches it. A token that lives in
// the secret store and is used only redacted shows in no column of any row.
void TestSendHistory::noSecretInAnyColumn()
{
    const QString token = QStringLiteral("EAAGm0PX4ZCpsBAKZCZCsecret7f3a9d2e4b1c");
    MemorySecretStore secrets;
    const ConnectionProfile profile = cloudProfile();
    secrets.insert(profile.secretKey(), token);

    // As MessageSender builds it: the header sent had the token, the exchange keeps it redacted.
    SendOutcome outcome = accepted();
    const QByteArray redacted = (QStringLiteral("Bearer ") + redactSecret(secrets.value(profile.secretKey()))).toUtf8();
    QVERIFY(!redacted.contains(token.toUtf8()));
    outcome.exchanges.first().requestHeaders = {{"Authorization", redacted}};
    const qint64 id = m_history->record(profile, QStringLiteral("16505551234"), kPayload, outcome);
    QVERIFY(id > 0);
    QCOMPARE(m_history->record(profile, QStringLiteral("16505551234"), kPayload, loginFailed()) > 0, true);
    QCOMPARE(m_history->applyStatuses(sampleEvents(QStringLiteral("cloud-status-failed.json"))), 1);

    // The exchange read back is still redacted.
    const QList<HttpExchange> back =
        exchangesFromJson(QJsonDocument::fromJson(m_history->find(id)->exchangesJson).array());
    QCOMPARE(back.first().requestHeaders.first().second, redacted);
    QVERIFY(back.first().requestHeaders.first().second.endsWith(token.right(4).toUtf8()));

    // Every column of every row, as SQLite has it.
    m_history->close();
    int valuesSeen = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("scan"));
        db.setDatabaseName(filePath(QStringLiteral("history.sqlite")));
        QVERIFY(db.open());
        const QByteArray secret = token.toUtf8();
        const QByteArray secretStart = token.left(token.size() - 4).toUtf8();
        for (const QString& table : {QStringLiteral("sends"), QStringLiteral("statuses")}) {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("SELECT * FROM ") + table));
            while (query.next()) {
                for (int column = 0; column < query.record().count(); ++column) {
                    const QByteArray value = query.value(column).toByteArray();
                    ++valuesSeen;
                    QVERIFY2(!value.contains(secret) && !value.contains(secretStart),
                             qPrintable(table + QLatin1Char('.') + query.record().fieldName(column)));
                }
            }
        }
        // And the file's raw bytes (free pages, journal leftovers).
        QFile file(filePath(QStringLiteral("history.sqlite")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(secretStart));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("scan"));
    QCOMPARE(valuesSeen, 2 * 12 + 5);
}

void TestSendHistory::badPathGivesAClearError_data()
{
    QTest::addColumn<QString>("name");       // in the temporary directory
    QTest::addColumn<QByteArray>("content"); // written there first, unless null
    QTest::addColumn<QString>("reason");

    QTest::newRow("missing directory") << QStringLiteral("no/such/dir/history.sqlite") << QByteArray()
                                       << QStringLiteral("folder %1 does not exist");
    QTest::newRow("a directory") << QStringLiteral("adir") << QByteArray() << QStringLiteral("it is a folder");
    QTest::newRow("not a database") << QStringLiteral("notes.txt")
                                    << QByteArray("These are notes, not a database. ").repeated(64)
                                    << QStringLiteral("not a database");
}

void TestSendHistory::badPathGivesAClearError()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, reason);
    const QString path = filePath(name);
    if (reason.contains(QLatin1String("%1")))
        reason = reason.arg(QDir::toNativeSeparators(QFileInfo(path).absolutePath()));
    if (name == QLatin1String("adir"))
        QVERIFY(QDir().mkpath(path));
    if (!content.isNull()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    SendHistory history;
    QString error;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Cannot open the send history ")));
    QVERIFY(!history.open(path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY2(error.contains(reason, Qt::CaseInsensitive), qPrintable(error));
    QCOMPARE(history.lastError(), error);
    QVERIFY(!history.isOpen());
    QCOMPARE(history.record(cloudProfile(), QStringLiteral("1"), kPayload, accepted()), 0);
    QVERIFY(!history.lastError().isEmpty());
    QVERIFY(history.records().isEmpty());
    if (!content.isNull()) { // left as it was
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), content);
    }
}

void TestSendHistory::refusesNewerOrForeignDatabases_data()
{
    QTest::addColumn<QStringList>("setup");
    QTest::addColumn<QString>("reason");
    QTest::newRow("newer schema") << QStringList{QStringLiteral("CREATE TABLE sends (id INTEGER)"),
                                                 QStringLiteral("PRAGMA user_version = 99")}
                                  << QStringLiteral("newer version of wa-composer (schema 99");
    QTest::newRow("another program's database")
        << QStringList{QStringLiteral("CREATE TABLE requests (id INTEGER)"), QStringLiteral("PRAGMA user_version = 1")}
        << QStringLiteral("not a send history");
}

void TestSendHistory::refusesNewerOrForeignDatabases()
{
    QFETCH(QStringList, setup);
    QFETCH(QString, reason);
    const QString path = filePath(QStringLiteral("other.sqlite"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("setup"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        for (const QString& statement : setup) {
            QSqlQuery query(db);
            QVERIFY(query.exec(statement));
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("setup"));
    SendHistory history;
    QString error;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Cannot open the send history ")));
    QVERIFY(!history.open(path, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!history.isOpen());
}

void TestSendHistory::notOpen()
{
    SendHistory history;
    QVERIFY(!history.isOpen());
    QSignalSpy changed(&history, &SendHistory::changed);
    QCOMPARE(history.record(cloudProfile(), QStringLiteral("1"), kPayload, accepted()), 0);
    QVERIFY(history.lastError().contains(QLatin1String("not open")));
    QCOMPARE(history.applyStatuses({status(kMessageId, QStringLiteral("read"), 1)}), 0);
    QCOMPARE(history.count(), 0);
    QVERIFY(!history.find(1));
    QCOMPARE(changed.size(), 0);
    history.close(); // harmless
}

void TestSendHistory::ownConnections()
{
    const QStringList before = QSqlDatabase::connectionNames();
    {
        SendHistory a;
        SendHistory b;
        QVERIFY(a.open(filePath(QStringLiteral("a.sqlite"))));
        QVERIFY(b.open(filePath(QStringLiteral("b.sqlite"))));
        QCOMPARE(QSqlDatabase::connectionNames().size(), before.size() + 2);
        QVERIFY(a.record(cloudProfile(), QStringLiteral("a"), kPayload, accepted()) > 0);
        QCOMPARE(a.count(), 1);
        QCOMPARE(b.count(), 0);
        // Reopening another file closes the first.
        QVERIFY(b.open(filePath(QStringLiteral("a.sqlite"))));
        QCOMPARE(b.count(), 1);
        QCOMPARE(QSqlDatabase::connectionNames().size(), before.size() + 2);
    }
    QCOMPARE(QSqlDatabase::connectionNames(), before); // closed in the destructors
}

void TestSendHistory::inMemory()
{
    SendHistory history;
    QVERIFY(history.open(QStringLiteral(":memory:")));
    QVERIFY(history.record(cloudProfile(), QStringLiteral("1"), kPayload, accepted()) > 0);
    QCOMPARE(history.applyStatuses({status(kMessageId, QStringLiteral("delivered"), 1)}), 1);
    QCOMPARE(history.records().first().deliveryStatus, QStringLiteral("delivered"));
}

QTEST_GUILESS_MAIN(TestSendHistory)
#include "tst_sendhistory.moc"
