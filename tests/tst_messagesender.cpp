#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#if QT_CONFIG(ssl)
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#endif

#include "MessageCodec.h"
#include "MessageSender.h"
#include "TestHttpServer.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::ConnectionProfile)
Q_DECLARE_METATYPE(wa::ConnectionProfile::Kind)
Q_DECLARE_METATYPE(wa::SendOutcome)
Q_DECLARE_METATYPE(wa::TransportFailure)

namespace {

// The secrets of these tests: none may show up in an exchange, a summary or a log line.
const QString kCloudToken = QStringLiteral("EAAGm0PX4ZCpsBAcloudTOKEN-9876");
const QString kPassword = QStringLiteral("s3cret-Passw0rd!");
const QString kUser = QStringLiteral("admin");
const QString kToken1 = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.login-token-one.AAAA1111");
const QString kToken2 = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.login-token-two/BBBB2222"); // "/" is escaped in JSON
const QString kFarFuture = QStringLiteral("2099-03-01 15:29:26+00:00");

const QByteArray kCloudAccepted =
    R"({"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],)"
    R"("messages":[{"id":"wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QjNBMDM4NkQ3"}]})";
const QByteArray k131047 =
    R"({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,)"
    R"("error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours )"
    R"(have passed since the customer last replied to this number."},"fbtrace_id":"AbCdEf"}})";

QStringList g_log;
QMutex g_logMutex;
QtMessageHandler g_previousHandler = nullptr;

void collectMessages(QtMsgType type, const QMessageLogContext& context, const QString& text)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(text);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, text);
}

QByteArray basicCredentials()
{
    return "Basic " + (kUser + QLatin1Char(':') + kPassword).toUtf8().toBase64();
}

// Every form a secret could take in recorded text.
QStringList secretForms()
{
    QStringList forms{kCloudToken, kPassword, kToken1, kToken2, QString::fromLatin1(basicCredentials().mid(6))};
    forms.append(
        QString::fromUtf8(QJsonDocument(QJsonArray{kToken2}).toJson(QJsonDocument::Compact)).mid(2).chopped(2));
    return forms;
}

QString leakIn(const QString& text)
{
    for (const QString& secret : secretForms()) {
        if (text.contains(secret))
            return secret;
    }
    return {};
}

Message sampleMessage()
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/button-text-header.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the sample message");
    const DecodeResult decoded = MessageCodec::decode(file.readAll());
    if (!decoded.ok())
        qFatal("the sample message does not decode");
    return *decoded.message;
}

ConnectionProfile cloudProfile(const QUrl& base, ConnectionProfile::Kind kind = ConnectionProfile::Kind::CloudApi)
{
    ConnectionProfile profile;
    profile.name = QStringLiteral("test cloud");
    profile.kind = kind;
    profile.baseUrl = base;
    profile.phoneNumberId = QStringLiteral("106540352242922");
    profile.timeoutMs = 10000;
    return profile;
}

ConnectionProfile onPremisesProfile(const QUrl& base, bool checkContacts = false)
{
    ConnectionProfile profile;
    profile.name = QStringLiteral("test gateway");
    profile.kind = ConnectionProfile::Kind::OnPremises;
    profile.baseUrl = base;
    profile.username = kUser;
    profile.checkContactsFirst = checkContacts;
    profile.timeoutMs = 10000;
    return profile;
}

QByteArray loginAnswer(const QString& token, const QString& expires = kFarFuture)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("users"),
                                      QJsonArray{QJsonObject{{QStringLiteral("token"), token},
                                                             {QStringLiteral("expires_after"), expires}}}}})
        .toJson(QJsonDocument::Compact);
}

QByteArray headerOf(const HttpExchange::HeaderList& headers, const QByteArray& name)
{
    for (const auto& [field, value] : headers) {
        if (field.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QStringList stepsOf(const SendOutcome& outcome)
{
    QStringList steps;
    for (const HttpExchange& exchange : outcome.exchanges)
        steps.append(exchange.step);
    return steps;
}

QString redacted(const QString& secret)
{
    return QStringLiteral("\u2022\u2022\u2022\u2022") + secret.right(4);
}

// A scripted On-Premises gateway: logs in with the right Basic credentials, hands out the tokens
// in order, checks contacts, and answers messages sent with an accepted token.
struct Gateway
{
    QStringList tokens{kToken1, kToken2};
    QString expires = kFarFuture;
    QStringList acceptedTokens{kToken1, kToken2};
    QString contactStatus = QStringLiteral("valid");
    int logins = 0;

    TestHttpServer::Reply operator()(const HttpRequest& request)
    {
        const QString path = request.url().path();
        const QByteArray authorization = request.header("Authorization");
        if (path == QLatin1String("/v1/users/login")) {
            if (authorization != basicCredentials())
                return TestHttpServer::Reply::json(
                    401, R"({"errors":[{"code":1005,"title":"Access denied","details":"Invalid credentials."}]})");
            const QString token = tokens.value(logins, QStringLiteral("spare-token-%1-XYZW").arg(logins));
            ++logins;
            return TestHttpServer::Reply::json(200, loginAnswer(token, expires));
        }
        bool tokenOk = false;
        for (const QString& token : std::as_const(acceptedTokens))
            tokenOk = tokenOk || authorization == "Bearer " + token.toUtf8();
        if (!tokenOk)
            return TestHttpServer::Reply::json(
                401, R"({"errors":[{"code":1005,"title":"Access denied","details":"Invalid token."}]})");
        if (path == QLatin1String("/v1/contacts")) {
            const QString input = QJsonDocument::fromJson(request.body)
                                      .object()
                                      .value(QLatin1String("contacts"))
                                      .toArray()
                                      .at(0)
                                      .toString();
            return TestHttpServer::Reply::json(
                200,
                QJsonDocument(
                    QJsonObject{{QStringLiteral("contacts"),
                                 QJsonArray{QJsonObject{{QStringLiteral("input"), input},
                                                        {QStringLiteral("status"), contactStatus},
                                                        {QStringLiteral("wa_id"), QStringLiteral("16505551234")}}}}})
                    .toJson(QJsonDocument::Compact));
        }
        if (path == QLatin1String("/v1/messages"))
            return TestHttpServer::Reply::json(201, R"({"messages":[{"id":"157b5e14568e8"}]})");
        return TestHttpServer::Reply::json(404, R"({"errors":[{"code":1006,"title":"Resource not found"}]})");
    }
};

} // namespace

class TestMessageSender : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void cloudSuccess_data();
    void cloudSuccess();
    void cloudWithoutMessageId();
    void onPremisesLoginContactsMessage();
    void onPremisesCachedTokenReused();
    void contactsNotValidStopsTheSend_data();
    void contactsNotValidStopsTheSend();
    void onPremisesWrongPassword();
    void reloginOnceOn401_data();
    void reloginOnceOn401();
    void second401NotRetried();
    void freshToken401NotRetried();
    void expiredTokenLogsInAgain_data();
    void expiredTokenLogsInAgain();
    void apiErrors_data();
    void apiErrors();
    void redirectNotFollowed();
    void htmlErrorBody();
    void timeout();
    void connectionRefused();
    void cancelInFlight();
    void closedWithoutAnswer_data();
    void closedWithoutAnswer();
    void sendWhileBusyRefused();
    void inputErrors_data();
    void inputErrors();
    void transportMapping_data();
    void transportMapping();
    void tlsSelfSigned_data();
    void tlsSelfSigned();

private:
    SendOutcome sendAndWait(const ConnectionProfile& profile, const QString& secret, const Message& message);
    void checkNoSecrets(const SendOutcome& outcome);

    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<MessageSender> m_sender;
    std::unique_ptr<TestHttpServer> m_server;
    QStringList m_started;
};

void TestMessageSender::initTestCase()
{
    g_previousHandler = qInstallMessageHandler(collectMessages);
}

void TestMessageSender::init()
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_sender = std::make_unique<MessageSender>(m_network.get());
    m_started.clear();
    connect(m_sender.get(), &MessageSender::started, this, [this](const QString& step) { m_started.append(step); });
    m_server = std::make_unique<TestHttpServer>();
    QVERIFY(m_server->listen());
}

void TestMessageSender::cleanup()
{
    m_sender.reset();
    m_server.reset();
    m_network.reset();
    // Nothing the sender (or Qt under it) logged may carry a secret.
    QMutexLocker lock(&g_logMutex);
    for (const QString& line : std::as_const(g_log))
        QVERIFY2(leakIn(line).isEmpty(), qPrintable(QStringLiteral("a secret in the log: ") + line));
}

SendOutcome TestMessageSender::sendAndWait(const ConnectionProfile& profile, const QString& secret,
                                           const Message& message)
{
    QSignalSpy finished(m_sender.get(), &MessageSender::finished);
    m_sender->send(profile, secret, message);
    if (finished.count() != 0) {
        qWarning("finished() was emitted from within send()");
        return {};
    }
    if (!finished.wait(15000)) {
        qWarning("finished() never came");
        return {};
    }
    QTest::qWait(20); // a second finished() would come now
    if (finished.count() != 1)
        qWarning("finished() was emitted %d times", int(finished.count()));
    SendOutcome outcome = finished.first().first().value<SendOutcome>();
    checkNoSecrets(outcome);
    return finished.count() == 1 ? outcome : SendOutcome();
}

void TestMessageSender::checkNoSecrets(const SendOutcome& outcome)
{
    const QString recorded = QString::fromUtf8(QJsonDocument(exchangesToJson(outcome.exchanges)).toJson());
    QVERIFY2(leakIn(recorded).isEmpty(), qPrintable(QStringLiteral("a secret in the exchanges: ") + leakIn(recorded)));
    for (const HttpExchange& exchange : outcome.exchanges) {
        // exchangesToJson() turns "/" into "\/" nowhere, but check the raw bytes too.
        QVERIFY(leakIn(QString::fromUtf8(exchange.requestBody + exchange.responseBody)).isEmpty());
        for (const auto& [name, value] : exchange.requestHeaders + exchange.responseHeaders)
            QVERIFY2(leakIn(QString::fromUtf8(value)).isEmpty(), name.constData());
    }
    QVERIFY(leakIn(outcome.summary()).isEmpty());
    QVERIFY(leakIn(outcome.apiError.explanation).isEmpty());
    QVERIFY(leakIn(QString::fromUtf8(outcome.apiError.rawBody)).isEmpty());
    QVERIFY(leakIn(outcome.transportMessage + outcome.inputMessage).isEmpty());
}

// --- Cloud API ------------------------------------------------------------------------------------

void TestMessageSender::cloudSuccess_data()
{
    QTest::addColumn<ConnectionProfile::Kind>("kind");
    QTest::newRow("cloud") << ConnectionProfile::Kind::CloudApi;
    QTest::newRow("sandbox") << ConnectionProfile::Kind::Sandbox;
}

void TestMessageSender::cloudSuccess()
{
    QFETCH(ConnectionProfile::Kind, kind);
    m_server->setHandler([](const HttpRequest&) { return TestHttpServer::Reply::json(200, kCloudAccepted); });
    const Message message = sampleMessage();
    const SendOutcome outcome = sendAndWait(cloudProfile(m_server->url(), kind), kCloudToken, message);

    QCOMPARE(outcome.result, SendOutcome::Result::Accepted);
    QCOMPARE(outcome.messageId, QStringLiteral("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QjNBMDM4NkQ3"));
    QCOMPARE(outcome.waId, QStringLiteral("16505551234"));
    QCOMPARE(outcome.summary(), QStringLiteral("Accepted: wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QjNBMDM4NkQ3"));
    QCOMPARE(m_started, QStringList{QStringLiteral("message")});

    // What the server received.
    const QByteArray expectedBody = MessageCodec::encode(message, ApiFamily::Cloud, QJsonDocument::Compact);
    QVERIFY(expectedBody.contains("\"messaging_product\":\"whatsapp\""));
    QCOMPARE(m_server->requests().size(), 1);
    const HttpRequest& request = m_server->requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.url().path(), QStringLiteral("/v23.0/106540352242922/messages"));
    QCOMPARE(request.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(request.header("Authorization"), "Bearer " + kCloudToken.toUtf8());
    QCOMPARE(request.body, expectedBody);

    // What was recorded.
    QCOMPARE(outcome.exchanges.size(), 1);
    const HttpExchange& exchange = outcome.exchanges.first();
    QCOMPARE(exchange.step, QStringLiteral("message"));
    QCOMPARE(exchange.method, QByteArray("POST"));
    QCOMPARE(exchange.url, m_server->url(QStringLiteral("/v23.0/106540352242922/messages")));
    QCOMPARE(headerOf(exchange.requestHeaders, "Authorization"), "Bearer " + redacted(kCloudToken).toUtf8());
    QCOMPARE(headerOf(exchange.requestHeaders, "Content-Type"), QByteArray("application/json"));
    QCOMPARE(exchange.requestBody, expectedBody);
    QCOMPARE(exchange.status, 200);
    QCOMPARE(headerOf(exchange.responseHeaders, "Content-Type"), QByteArray("application/json"));
    QCOMPARE(exchange.responseBody, kCloudAccepted);
    QVERIFY(exchange.elapsedMs >= 0);
    QVERIFY(outcome.elapsedMs >= exchange.elapsedMs);
    QVERIFY(!m_sender->busy());
}

void TestMessageSender::cloudWithoutMessageId()
{
    m_server->setHandler([](const HttpRequest&) { return TestHttpServer::Reply::json(200, R"({"ok":true})"); });
    const SendOutcome outcome = sendAndWait(cloudProfile(m_server->url()), kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.httpStatus, 200);
    QVERIFY2(outcome.apiError.explanation.contains(QStringLiteral("without a message ID")),
             qPrintable(outcome.apiError.explanation));
    QCOMPARE(outcome.apiError.rawBody, QByteArray(R"({"ok":true})"));
}

// --- On-Premises ----------------------------------------------------------------------------------

void TestMessageSender::onPremisesLoginContactsMessage()
{
    Gateway gateway;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    Message message = sampleMessage();
    message.to = QStringLiteral("+1 (650) 555-1234");
    const SendOutcome outcome = sendAndWait(onPremisesProfile(m_server->url(), true), kPassword, message);

    QCOMPARE(outcome.result, SendOutcome::Result::Accepted);
    QCOMPARE(outcome.messageId, QStringLiteral("157b5e14568e8"));
    QCOMPARE(outcome.contactStatus, QStringLiteral("valid"));
    QCOMPARE(outcome.waId, QStringLiteral("16505551234"));
    const QStringList steps{QStringLiteral("login"), QStringLiteral("contacts"), QStringLiteral("message")};
    QCOMPARE(stepsOf(outcome), steps);
    QCOMPARE(m_started, steps);
    QCOMPARE(m_sender->cachedToken(), kToken1);

    const QList<HttpRequest>& requests = m_server->requests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests.at(0).url().path(), QStringLiteral("/v1/users/login"));
    QCOMPARE(requests.at(0).method, QByteArray("POST"));
    QCOMPARE(requests.at(0).header("Authorization"), basicCredentials());
    QVERIFY(requests.at(0).body.isEmpty());
    QCOMPARE(requests.at(1).url().path(), QStringLiteral("/v1/contacts"));
    QCOMPARE(requests.at(1).header("Authorization"), "Bearer " + kToken1.toUtf8());
    QCOMPARE(requests.at(1).body,
             QByteArray(R"({"blocking":"wait","contacts":["+1 (650) 555-1234"],"force_check":false})"));
    QCOMPARE(requests.at(2).url().path(), QStringLiteral("/v1/messages"));
    QCOMPARE(requests.at(2).header("Authorization"), "Bearer " + kToken1.toUtf8());
    QCOMPARE(requests.at(2).header("Content-Type"), QByteArray("application/json"));
    // The On-Premises form, to the wa_id the contacts check returned.
    Message sent = message;
    sent.to = QStringLiteral("16505551234");
    QCOMPARE(requests.at(2).body, MessageCodec::encode(sent, ApiFamily::OnPremises, QJsonDocument::Compact));
    QVERIFY(!requests.at(2).body.contains("messaging_product"));
    QVERIFY(requests.at(2).body.contains("\"to\":\"16505551234\""));

    // Recorded, redacted.
    const HttpExchange& login = outcome.exchanges.at(0);
    QCOMPARE(login.url, m_server->url(QStringLiteral("/v1/users/login")));
    QCOMPARE(headerOf(login.requestHeaders, "Authorization"),
             QStringLiteral("Basic \u2022\u2022\u2022\u2022").toUtf8());
    QCOMPARE(login.status, 200);
    QCOMPARE(login.responseBody, loginAnswer(redacted(kToken1)));
    QCOMPARE(headerOf(outcome.exchanges.at(1).requestHeaders, "Authorization"), "Bearer " + redacted(kToken1).toUtf8());
    QCOMPARE(outcome.exchanges.at(1).requestBody, requests.at(1).body);
    QCOMPARE(outcome.exchanges.at(2).status, 201);
    QCOMPARE(outcome.exchanges.at(2).requestBody, requests.at(2).body);
}

void TestMessageSender::onPremisesCachedTokenReused()
{
    Gateway gateway;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    const ConnectionProfile profile = onPremisesProfile(m_server->url());
    QCOMPARE(stepsOf(sendAndWait(profile, kPassword, sampleMessage())),
             (QStringList{QStringLiteral("login"), QStringLiteral("message")}));
    const SendOutcome second = sendAndWait(profile, kPassword, sampleMessage());
    QCOMPARE(second.result, SendOutcome::Result::Accepted);
    QCOMPARE(stepsOf(second), QStringList{QStringLiteral("message")});
    QCOMPARE(gateway.logins, 1);
    QCOMPARE(m_server->requests().last().header("Authorization"), "Bearer " + kToken1.toUtf8());

    // Another user of the same gateway has a token of its own.
    ConnectionProfile other = profile;
    other.username = QStringLiteral("operator");
    const SendOutcome third = sendAndWait(other, kPassword, sampleMessage());
    QCOMPARE(stepsOf(third).first(), QStringLiteral("login"));

    m_sender->forgetToken();
    QVERIFY(m_sender->cachedToken().isEmpty());
}

void TestMessageSender::contactsNotValidStopsTheSend_data()
{
    QTest::addColumn<QString>("status");
    QTest::newRow("invalid") << QStringLiteral("invalid");
    QTest::newRow("processing") << QStringLiteral("processing");
    QTest::newRow("failed") << QStringLiteral("failed");
}

void TestMessageSender::contactsNotValidStopsTheSend()
{
    QFETCH(QString, status);
    Gateway gateway;
    gateway.contactStatus = status;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    Message message = sampleMessage();
    message.to = QStringLiteral("+1 631 555 1001");
    const SendOutcome outcome = sendAndWait(onPremisesProfile(m_server->url(), true), kPassword, message);
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.contactStatus, status);
    QCOMPARE(stepsOf(outcome), (QStringList{QStringLiteral("login"), QStringLiteral("contacts")}));
    QCOMPARE(m_server->requests().size(), 2); // no message was sent
    const QString explanation = outcome.apiError.explanation;
    QVERIFY2(explanation.contains(QStringLiteral("not a valid WhatsApp user")), qPrintable(explanation));
    QVERIFY(explanation.contains(QStringLiteral("\u201c%1\u201d").arg(status)));
    QVERIFY(explanation.contains(QStringLiteral("+1 631 555 1001")));
    QVERIFY(outcome.summary().contains(status));
}

void TestMessageSender::onPremisesWrongPassword()
{
    Gateway gateway;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    const SendOutcome outcome =
        sendAndWait(onPremisesProfile(m_server->url()), kPassword + QLatin1Char('x'), sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.httpStatus, 401);
    QCOMPARE(outcome.apiError.code, 1005);
    QVERIFY2(outcome.apiError.explanation.startsWith(QStringLiteral("Logging in")),
             qPrintable(outcome.apiError.explanation));
    QCOMPARE(m_server->requests().size(), 1); // a refused login is not tried again
    QVERIFY(m_sender->cachedToken().isEmpty());
}

void TestMessageSender::reloginOnceOn401_data()
{
    QTest::addColumn<bool>("checkContacts");
    QTest::addColumn<QStringList>("steps");
    QTest::newRow("on the message") << false
                                    << QStringList{QStringLiteral("message"), QStringLiteral("login"),
                                                   QStringLiteral("message")};
    QTest::newRow("on the contacts check") << true
                                           << QStringList{QStringLiteral("contacts"), QStringLiteral("login"),
                                                          QStringLiteral("contacts"), QStringLiteral("message")};
}

// The gateway forgot the cached token (restart, expiry): one new login, the request once more.
void TestMessageSender::reloginOnceOn401()
{
    QFETCH(bool, checkContacts);
    QFETCH(QStringList, steps);
    Gateway gateway;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    const ConnectionProfile profile = onPremisesProfile(m_server->url(), checkContacts);
    QCOMPARE(sendAndWait(profile, kPassword, sampleMessage()).result, SendOutcome::Result::Accepted);
    QCOMPARE(m_sender->cachedToken(), kToken1);

    gateway.acceptedTokens = {kToken2};
    m_server->clearRequests();
    m_started.clear();
    const SendOutcome outcome = sendAndWait(profile, kPassword, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::Accepted);
    QCOMPARE(stepsOf(outcome), steps);
    QCOMPARE(m_started, steps);
    QCOMPARE(outcome.exchanges.first().status, 401);
    QCOMPARE(m_server->requests().size(), steps.size());
    QCOMPARE(m_server->requests().last().header("Authorization"), "Bearer " + kToken2.toUtf8());
    QCOMPARE(m_sender->cachedToken(), kToken2);
    QCOMPARE(gateway.logins, 2);
    // The second token has a "/" (escaped in JSON): redacted as well.
    QCOMPARE(outcome.exchanges.at(1).responseBody, loginAnswer(redacted(kToken2)));
}

void TestMessageSender::second401NotRetried()
{
    Gateway gateway;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    const ConnectionProfile profile = onPremisesProfile(m_server->url());
    QCOMPARE(sendAndWait(profile, kPassword, sampleMessage()).result, SendOutcome::Result::Accepted);

    gateway.acceptedTokens.clear(); // every token refused from now on
    m_server->clearRequests();
    const SendOutcome outcome = sendAndWait(profile, kPassword, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.httpStatus, 401);
    QCOMPARE(stepsOf(outcome),
             (QStringList{QStringLiteral("message"), QStringLiteral("login"), QStringLiteral("message")}));
    QCOMPARE(m_server->requests().size(), 3);
    QTest::qWait(100);
    QCOMPARE(m_server->requests().size(), 3); // and nothing more
}

void TestMessageSender::freshToken401NotRetried()
{
    Gateway gateway;
    gateway.acceptedTokens.clear();
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    const SendOutcome outcome = sendAndWait(onPremisesProfile(m_server->url()), kPassword, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.code, 1005);
    QCOMPARE(stepsOf(outcome), (QStringList{QStringLiteral("login"), QStringLiteral("message")}));
    QCOMPARE(m_server->requests().size(), 2);
}

void TestMessageSender::expiredTokenLogsInAgain_data()
{
    QTest::addColumn<QString>("expires");
    QTest::addColumn<bool>("reused");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QTest::newRow("long past") << QStringLiteral("2018-03-01 15:29:26+00:00") << false;
    QTest::newRow("in 10 s") << now.addSecs(10).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss+00:00")) << false;
    QTest::newRow("in 1 hour, other zone")
        << now.addSecs(3600).toOffsetFromUtc(7200).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss+02:00")) << true;
    QTest::newRow("far future") << kFarFuture << true;
}

void TestMessageSender::expiredTokenLogsInAgain()
{
    QFETCH(QString, expires);
    QFETCH(bool, reused);
    Gateway gateway;
    gateway.expires = expires;
    m_server->setHandler([&gateway](const HttpRequest& r) { return gateway(r); });
    const ConnectionProfile profile = onPremisesProfile(m_server->url());
    QCOMPARE(sendAndWait(profile, kPassword, sampleMessage()).result, SendOutcome::Result::Accepted);
    QCOMPARE(m_sender->cachedToken().isEmpty(), !reused);
    const SendOutcome second = sendAndWait(profile, kPassword, sampleMessage());
    QCOMPARE(second.result, SendOutcome::Result::Accepted);
    QCOMPARE(stepsOf(second).first(), reused ? QStringLiteral("message") : QStringLiteral("login"));
    QCOMPARE(gateway.logins, reused ? 1 : 2);
}

// --- errors the API answers -----------------------------------------------------------------------

void TestMessageSender::apiErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("explained");
    QTest::addColumn<QString>("summary");
    QTest::newRow("400 131047") << 400 << k131047 << 131047 << QStringLiteral("only a template message can be sent")
                                << QStringLiteral("Error 131047: (#131047) Re-engagement message");
    QTest::newRow("401 190")
        << 401
        << QByteArray(R"({"error":{"message":"Error validating access token: Session has expired","type":)"
                      R"("OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1"}})")
        << 190 << QStringLiteral("Generate a new token")
        << QStringLiteral("Error 190: Error validating access token: Session has expired");
    QTest::newRow("429 130429")
        << 429
        << QByteArray(R"({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}})")
        << 130429 << QStringLiteral("Slow down") << QStringLiteral("Error 130429: (#130429) Rate limit hit");
    QTest::newRow("500 131000")
        << 500 << QByteArray(R"({"error":{"message":"Something went wrong","type":"OAuthException","code":131000}})")
        << 131000 << QStringLiteral("Meta's side") << QStringLiteral("Error 131000: Something went wrong");
    QTest::newRow("500 empty") << 500 << QByteArray() << 0 << QStringLiteral("server side failed")
                               << QStringLiteral("HTTP 500");
}

void TestMessageSender::apiErrors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    QFETCH(QString, explained);
    QFETCH(QString, summary);
    m_server->setHandler([status, body](const HttpRequest&) { return TestHttpServer::Reply::json(status, body); });
    const SendOutcome outcome = sendAndWait(cloudProfile(m_server->url()), kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.httpStatus, status);
    QCOMPARE(outcome.apiError.code, code);
    QCOMPARE(outcome.apiError.rawBody, body);
    QVERIFY2(outcome.apiError.explanation.contains(explained), qPrintable(outcome.apiError.explanation));
    QCOMPARE(outcome.summary(), summary);
    QCOMPARE(outcome.exchanges.size(), 1);
    QCOMPARE(outcome.exchanges.first().status, status);
    QCOMPARE(outcome.exchanges.first().responseBody, body);
    QCOMPARE(m_server->requests().size(), 1); // never retried
}

void TestMessageSender::redirectNotFollowed()
{
    m_server->setHandler([this](const HttpRequest& request) {
        if (request.url().path().startsWith(QLatin1String("/elsewhere")))
            return TestHttpServer::Reply::json(200, kCloudAccepted);
        TestHttpServer::Reply reply = TestHttpServer::Reply::text(307, "moved\n");
        reply.headers.append({"Location", m_server->url(QStringLiteral("/elsewhere")).toEncoded()});
        return reply;
    });
    const SendOutcome outcome = sendAndWait(cloudProfile(m_server->url()), kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.httpStatus, 307);
    QVERIFY2(outcome.apiError.explanation.contains(QStringLiteral("redirected")),
             qPrintable(outcome.apiError.explanation));
    QVERIFY(outcome.apiError.explanation.contains(m_server->url(QStringLiteral("/elsewhere")).toString()));
    QTest::qWait(50);
    QCOMPARE(m_server->requests().size(), 1); // the token went nowhere else
}

void TestMessageSender::htmlErrorBody()
{
    const QByteArray html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>";
    m_server->setHandler(
        [html](const HttpRequest&) { return TestHttpServer::Reply::text(502, html, "text/html; charset=utf-8"); });
    const SendOutcome outcome = sendAndWait(cloudProfile(m_server->url()), kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::ApiError);
    QCOMPARE(outcome.apiError.httpStatus, 502);
    QCOMPARE(outcome.apiError.code, 0);
    QCOMPARE(outcome.apiError.rawBody, html);
    QCOMPARE(outcome.exchanges.first().responseBody, html);
    QCOMPARE(headerOf(outcome.exchanges.first().responseHeaders, "Content-Type"),
             QByteArray("text/html; charset=utf-8"));
    QVERIFY2(outcome.apiError.explanation.contains(QStringLiteral("not the API's JSON")),
             qPrintable(outcome.apiError.explanation));
    QVERIFY(outcome.apiError.explanation.contains(QStringLiteral("proxy or gateway")));
    QCOMPARE(outcome.summary(), QStringLiteral("HTTP 502"));
}

// --- no answer ------------------------------------------------------------------------------------

void TestMessageSender::timeout()
{
    m_server->setHandler([](const HttpRequest&) { return TestHttpServer::Reply::never(); });
    ConnectionProfile profile = cloudProfile(m_server->url());
    profile.timeoutMs = 300;
    QElapsedTimer clock;
    clock.start();
    const SendOutcome outcome = sendAndWait(profile, kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::TransportError);
    QCOMPARE(outcome.transport, TransportFailure::Timeout);
    QCOMPARE(outcome.transportMessage,
             QStringLiteral("No answer from 127.0.0.1:%1 within 0.3 s").arg(m_server->port()));
    QVERIFY(clock.elapsed() >= 290);
    QVERIFY(clock.elapsed() < 5000);
    QCOMPARE(outcome.exchanges.size(), 1);
    QCOMPARE(outcome.exchanges.first().status, 0);
    QVERIFY(outcome.exchanges.first().elapsedMs >= 290);
    QCOMPARE(m_server->requests().size(), 1);
    QVERIFY(outcome.summary().startsWith(QStringLiteral("Not sent (timeout)")));
}

void TestMessageSender::connectionRefused()
{
    quint16 port = 0;
    {
        QTcpServer closed; // a port that was free a moment ago, and is closed now
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        port = closed.serverPort();
    }
    QUrl base(QStringLiteral("http://127.0.0.1"));
    base.setPort(port);
    const SendOutcome outcome = sendAndWait(cloudProfile(base), kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::TransportError);
    QCOMPARE(outcome.transport, TransportFailure::ConnectionRefused);
    QCOMPARE(outcome.transportMessage,
             QStringLiteral("Connection refused by 127.0.0.1:%1 \u2014 is the server running?").arg(port));
    QCOMPARE(outcome.exchanges.size(), 1);
    QCOMPARE(outcome.exchanges.first().status, 0);
}

void TestMessageSender::cancelInFlight()
{
    m_server->setHandler([](const HttpRequest&) { return TestHttpServer::Reply::never(); });
    QSignalSpy finished(m_sender.get(), &MessageSender::finished);
    m_sender->send(cloudProfile(m_server->url()), kCloudToken, sampleMessage());
    QVERIFY(m_sender->busy());
    QTRY_COMPARE(m_server->requests().size(), 1);
    QCOMPARE(finished.count(), 0);
    m_sender->cancel();
    QTRY_COMPARE(finished.count(), 1);
    QTest::qWait(50);
    QCOMPARE(finished.count(), 1);
    const SendOutcome outcome = finished.first().first().value<SendOutcome>();
    QCOMPARE(outcome.result, SendOutcome::Result::TransportError);
    QCOMPARE(outcome.transport, TransportFailure::Cancelled);
    QVERIFY(outcome.transportMessage.startsWith(QStringLiteral("Cancelled")));
    QVERIFY(outcome.elapsedMs < 5000); // not the 10 s timeout
    QVERIFY(!m_sender->busy());
    m_sender->cancel(); // nothing in flight: nothing happens
    QTest::qWait(20);
    QCOMPARE(finished.count(), 1);
    checkNoSecrets(outcome);
}

void TestMessageSender::closedWithoutAnswer_data()
{
    QTest::addColumn<bool>("reset");
    QTest::newRow("closed") << false;
    QTest::newRow("reset") << true;
}

void TestMessageSender::closedWithoutAnswer()
{
    QFETCH(bool, reset);
    m_server->setHandler([reset](const HttpRequest&) {
        return reset ? TestHttpServer::Reply::reset() : TestHttpServer::Reply::close();
    });
    const SendOutcome outcome = sendAndWait(cloudProfile(m_server->url()), kCloudToken, sampleMessage());
    QCOMPARE(outcome.result, SendOutcome::Result::TransportError);
    QCOMPARE(outcome.transport, TransportFailure::Other);
    QVERIFY2(outcome.transportMessage.startsWith(
                 QStringLiteral("127.0.0.1:%1 closed the connection without answering").arg(m_server->port())),
             qPrintable(outcome.transportMessage));
    QCOMPARE(outcome.exchanges.size(), 1);
    QCOMPARE(outcome.exchanges.first().status, 0);
    // Qt would send it again on a new connection; a send is not idempotent: once only.
    QTest::qWait(100);
    QCOMPARE(m_server->requests().size(), 1);
}

void TestMessageSender::sendWhileBusyRefused()
{
    m_server->setHandler([](const HttpRequest&) { return TestHttpServer::Reply::json(200, kCloudAccepted, 200); });
    QSignalSpy finished(m_sender.get(), &MessageSender::finished);
    const ConnectionProfile profile = cloudProfile(m_server->url());
    m_sender->send(profile, kCloudToken, sampleMessage());
    QVERIFY(m_sender->busy());
    m_sender->send(profile, kCloudToken, sampleMessage());
    QCOMPARE(finished.count(), 0); // asynchronously, the refusal too
    QTRY_COMPARE(finished.count(), 2);
    const SendOutcome refused = finished.at(0).first().value<SendOutcome>();
    QCOMPARE(refused.result, SendOutcome::Result::InputError);
    QVERIFY2(refused.inputMessage.contains(QStringLiteral("already in progress")), qPrintable(refused.inputMessage));
    QVERIFY(refused.exchanges.isEmpty());
    const SendOutcome sent = finished.at(1).first().value<SendOutcome>();
    QCOMPARE(sent.result, SendOutcome::Result::Accepted);
    QCOMPARE(m_server->requests().size(), 1);
}

void TestMessageSender::inputErrors_data()
{
    QTest::addColumn<ConnectionProfile>("profile");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("message"); // "sample", "empty" or "no to"
    QTest::addColumn<QString>("expected");
    const QString sample = QStringLiteral("sample");
    const QUrl base(QStringLiteral("http://127.0.0.1:9"));
    ConnectionProfile noPhone = cloudProfile(base);
    noPhone.phoneNumberId.clear();
    QTest::newRow("no phone-number ID") << noPhone << kCloudToken << sample << QStringLiteral("no phone-number ID");
    ConnectionProfile noUser = onPremisesProfile(base);
    noUser.username.clear();
    QTest::newRow("no user name") << noUser << kPassword << sample << QStringLiteral("no user name");
    ConnectionProfile noTimeout = cloudProfile(base);
    noTimeout.timeoutMs = 0;
    QTest::newRow("no timeout") << noTimeout << kCloudToken << sample << QStringLiteral("no timeout");
    ConnectionProfile sandbox = cloudProfile(QUrl(), ConnectionProfile::Kind::Sandbox);
    QTest::newRow("sandbox not running") << sandbox << kCloudToken << sample
                                         << QStringLiteral("sandbox is not running");
    QTest::newRow("empty token") << cloudProfile(base) << QString() << sample << QStringLiteral("no access token");
    QTest::newRow("blank password") << onPremisesProfile(base) << QStringLiteral("  ") << sample
                                    << QStringLiteral("no password");
    QTest::newRow("empty message") << onPremisesProfile(base) << kPassword << QStringLiteral("empty")
                                   << QStringLiteral("empty");
    QTest::newRow("contacts check without to")
        << onPremisesProfile(base, true) << kPassword << QStringLiteral("no to") << QStringLiteral("no recipient");
}

void TestMessageSender::inputErrors()
{
    QFETCH(ConnectionProfile, profile);
    QFETCH(QString, secret);
    QFETCH(QString, message);
    QFETCH(QString, expected);
    Message sent = message == QLatin1String("empty") ? Message() : sampleMessage();
    if (message == QLatin1String("no to"))
        sent.to.reset();
    QSignalSpy finished(m_sender.get(), &MessageSender::finished);
    m_sender->send(profile, secret, sent);
    QCOMPARE(finished.count(), 0); // asynchronous
    QVERIFY(!m_sender->busy());
    QTRY_COMPARE(finished.count(), 1);
    const SendOutcome outcome = finished.first().first().value<SendOutcome>();
    QCOMPARE(outcome.result, SendOutcome::Result::InputError);
    QVERIFY2(outcome.inputMessage.contains(expected), qPrintable(outcome.inputMessage));
    QVERIFY(outcome.exchanges.isEmpty());
    QVERIFY(m_started.isEmpty());
    QVERIFY(outcome.summary().startsWith(QStringLiteral("Not sent: ")));
    QTest::qWait(20);
    QCOMPARE(finished.count(), 1);
}

// --- failures that cannot be made on 127.0.0.1 ----------------------------------------------------

void TestMessageSender::transportMapping_data()
{
    QTest::addColumn<QNetworkReply::NetworkError>("error");
    QTest::addColumn<TransportFailure>("failure");
    QTest::addColumn<QString>("message");
    QTest::newRow("DNS") << QNetworkReply::HostNotFoundError << TransportFailure::HostNotFound
                         << QStringLiteral("Host \u201cgraph.example.invalid\u201d not found (the DNS lookup failed)");
    QTest::newRow("refused") << QNetworkReply::ConnectionRefusedError << TransportFailure::ConnectionRefused
                             << QStringLiteral("Connection refused by graph.example.invalid:443 \u2014 is the server "
                                               "running?");
    QTest::newRow("socket timeout") << QNetworkReply::TimeoutError << TransportFailure::Timeout
                                    << QStringLiteral("No answer from graph.example.invalid:443");
    QTest::newRow("cancelled") << QNetworkReply::OperationCanceledError << TransportFailure::Cancelled
                               << QStringLiteral("Cancelled");
    QTest::newRow("TLS") << QNetworkReply::SslHandshakeFailedError << TransportFailure::TlsError
                         << QStringLiteral("TLS with graph.example.invalid:443 failed: the detail");
    QTest::newRow("closed") << QNetworkReply::RemoteHostClosedError << TransportFailure::Other
                            << QStringLiteral("graph.example.invalid:443 closed the connection without answering");
    QTest::newRow("proxy") << QNetworkReply::ProxyConnectionRefusedError << TransportFailure::Other
                           << QStringLiteral("The proxy failed on the way to graph.example.invalid:443: the detail");
    QTest::newRow("temporary") << QNetworkReply::TemporaryNetworkFailureError << TransportFailure::Other
                               << QStringLiteral("Network error talking to graph.example.invalid:443: the detail");
    QTest::newRow("unknown") << QNetworkReply::UnknownNetworkError << TransportFailure::Other
                             << QStringLiteral("the detail");
}

void TestMessageSender::transportMapping()
{
    QFETCH(QNetworkReply::NetworkError, error);
    QFETCH(TransportFailure, failure);
    QFETCH(QString, message);
    QCOMPARE(MessageSender::transportFailureFor(error), failure);
    const QString text = MessageSender::transportMessageFor(
        error, QUrl(QStringLiteral("https://graph.example.invalid/v23.0/1/messages")), QStringLiteral("the detail"));
    QVERIFY2(text.contains(message), qPrintable(text));
}

// --- TLS ------------------------------------------------------------------------------------------

void TestMessageSender::tlsSelfSigned_data()
{
    QTest::addColumn<ConnectionProfile::Kind>("kind");
    QTest::addColumn<bool>("acceptSelfSigned");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("on-premises, checked") << ConnectionProfile::Kind::OnPremises << false << false;
    QTest::newRow("on-premises, self-signed accepted") << ConnectionProfile::Kind::OnPremises << true << true;
    QTest::newRow("cloud, checked") << ConnectionProfile::Kind::CloudApi << false << false;
    // The setting is for On-Premises gateways only: a Cloud API profile always checks.
    QTest::newRow("cloud, setting ignored") << ConnectionProfile::Kind::CloudApi << true << false;
}

void TestMessageSender::tlsSelfSigned()
{
#if QT_CONFIG(ssl)
    QFETCH(ConnectionProfile::Kind, kind);
    QFETCH(bool, acceptSelfSigned);
    QFETCH(bool, accepted);
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    QFile certificateFile(QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-cert.pem"));
    QFile keyFile(QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-key.pem"));
    QVERIFY(certificateFile.open(QIODevice::ReadOnly));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(QSslCertificate(certificateFile.readAll(), QSsl::Pem));
    configuration.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem));
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    QVERIFY(!configuration.localCertificate().isNull());
    QVERIFY(!configuration.privateKey().isNull());

    m_server = std::make_unique<TestHttpServer>();
    QVERIFY(m_server->listenTls(configuration));
    Gateway gateway;
    m_server->setHandler([&gateway](const HttpRequest& r) {
        if (r.url().path().endsWith(QLatin1String("/106540352242922/messages")))
            return TestHttpServer::Reply::json(200, kCloudAccepted);
        return gateway(r);
    });
    ConnectionProfile profile = kind == ConnectionProfile::Kind::OnPremises ? onPremisesProfile(m_server->url())
                                                                            : cloudProfile(m_server->url());
    profile.acceptSelfSignedCertificate = acceptSelfSigned;
    const SendOutcome outcome =
        sendAndWait(profile, kind == ConnectionProfile::Kind::OnPremises ? kPassword : kCloudToken, sampleMessage());
    if (accepted) {
        QCOMPARE(outcome.result, SendOutcome::Result::Accepted);
        QCOMPARE(m_server->requests().size(), 2);
        return;
    }
    QCOMPARE(outcome.result, SendOutcome::Result::TransportError);
    QCOMPARE(outcome.transport, TransportFailure::TlsError);
    QVERIFY2(outcome.transportMessage.contains(QStringLiteral("self signed"), Qt::CaseInsensitive) ||
                 outcome.transportMessage.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
             qPrintable(outcome.transportMessage));
    QVERIFY(outcome.transportMessage.contains(QStringLiteral("127.0.0.1:%1").arg(m_server->port())));
    QCOMPARE(outcome.transportMessage.contains(QStringLiteral("Accept self-signed")),
             kind == ConnectionProfile::Kind::OnPremises);
    QVERIFY(m_server->requests().isEmpty()); // nothing went over the unchecked connection
#else
    QSKIP("Qt without TLS");
#endif
}

QTEST_GUILESS_MAIN(TestMessageSender)
#include "tst_messagesender.moc"
