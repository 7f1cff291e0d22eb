#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include "SandboxServer.h"

using namespace wa;

namespace {

const QString kPhoneId = SandboxServer::kDefaultPhoneNumberId;

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

QByteArray readMessage(const QString& name)
{
    return readFile(QStringLiteral(WA_SAMPLES_DIR "/messages/") + name);
}

QSet<QString> keysOf(const QJsonObject& object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.cbegin(), keys.cend());
}

QSet<QString> keys(std::initializer_list<const char*> names)
{
    QSet<QString> out;
    for (const char* n : names)
        out.insert(QLatin1String(n));
    return out;
}

struct Result
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray contentType;
    QByteArray allow;
    QString networkError;

    // Cloud API error fields.
    QJsonObject error() const { return json.value(QStringLiteral("error")).toObject(); }
    int code() const { return error().value(QStringLiteral("code")).toInt(); }
    QString details() const
    {
        return error().value(QStringLiteral("error_data")).toObject().value(QStringLiteral("details")).toString();
    }
    // On-Premises error fields.
    QJsonObject firstError() const { return json.value(QStringLiteral("errors")).toArray().first().toObject(); }
};

QString bearer(const QString& token)
{
    return QStringLiteral("Bearer ") + token;
}

QString basic(const QString& user, const QString& password)
{
    return QStringLiteral("Basic ") + QString::fromLatin1((user + QLatin1Char(':') + password).toUtf8().toBase64());
}

} // namespace

class TestSandboxServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void listensOnLocalhost();
    void cloudSamplesAccepted_data();
    void cloudSamplesAccepted();
    void invalidSamplesRejected_data();
    void invalidSamplesRejected();
    void accessToken_data();
    void accessToken();
    void unknownPhoneNumberId();
    void apiVersions_data();
    void apiVersions();
    void malformedBody_data();
    void malformedBody();
    void garbageOf4MiB();
    void bodyOverTheLimit();
    void otherMessageTypes_data();
    void otherMessageTypes();
    void warningsDoNotReject();
    void strictWindow();
    void windowFailureAsStatus_data();
    void windowFailureAsStatus();
    void customerMessagesEndpoint();
    void customerMessagesBadBody_data();
    void customerMessagesBadBody();
    void onPremisesLoginContactsMessages();
    void onPremisesWrongLogin_data();
    void onPremisesWrongLogin();
    void onPremisesTokens();
    void onPremisesValidation_data();
    void onPremisesValidation();
    void onPremisesContactsErrors_data();
    void onPremisesContactsErrors();
    void uniqueIds();
    void acceptedSignalCarriesTheMessage();
    void rejectedSignal();
    void keptMessagesBounded();
    void notFoundAndWrongMethod_data();
    void notFoundAndWrongMethod();

private:
    Result send(const QByteArray& method, const QString& path, const QByteArray& body,
                const QString& authorization = QString());
    Result sendCloud(const QByteArray& body)
    {
        return send("POST", cloudPath(), body, bearer(m_server->accessToken()));
    }
    QString cloudPath(const QString& version = QStringLiteral("v23.0")) const
    {
        return QLatin1Char('/') + version + QLatin1Char('/') + kPhoneId + QStringLiteral("/messages");
    }
    QString login();

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

void TestSandboxServer::init()
{
    m_server = std::make_unique<SandboxServer>();
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
}

void TestSandboxServer::cleanup()
{
    m_network.reset();
    m_server.reset();
}

Result TestSandboxServer::send(const QByteArray& method, const QString& path, const QByteArray& body,
                               const QString& authorization)
{
    QNetworkRequest request(QUrl(m_server->baseUrl() + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization.toUtf8());
    request.setTransferTimeout(10000);
    QNetworkReply* reply = m_network->sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Result result;
    if (!finished.wait(15000)) {
        result.networkError = QStringLiteral("no answer");
        reply->deleteLater();
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    result.contentType = reply->rawHeader("Content-Type");
    result.allow = reply->rawHeader("Allow");
    if (result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

QString TestSandboxServer::login()
{
    const Result r = send("POST", QStringLiteral("/v1/users/login"), {},
                          basic(SandboxServer::kDefaultLoginUser, SandboxServer::kDefaultLoginPassword));
    if (r.status != 200)
        return {};
    return r.json.value(QStringLiteral("users")).toArray().first().toObject().value(QStringLiteral("token")).toString();
}

void TestSandboxServer::listensOnLocalhost()
{
    QCOMPARE(m_server->baseUrl(), QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()));
    QVERIFY(m_server->isListening());
    m_server->close();
    QVERIFY(!m_server->isListening());
    QVERIFY(m_server->baseUrl().isEmpty());
}

void TestSandboxServer::cloudSamplesAccepted_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/messages"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    int cloud = 0;
    for (const QString& name : names) {
        if (name.contains(QLatin1String("-onprem")))
            continue; // sent through /v1/messages in onPremisesLoginContactsMessages()
        QTest::newRow(qPrintable(name)) << name;
        ++cloud;
    }
    QVERIFY(cloud >= 11);
}

void TestSandboxServer::cloudSamplesAccepted()
{
    QFETCH(QString, file);
    const QByteArray body = readMessage(file);
    const QJsonObject sent = QJsonDocument::fromJson(body).object();
    const Result r = sendCloud(body);
    QVERIFY2(r.status == 200, r.body.constData());
    QVERIFY(r.contentType.startsWith("application/json"));
    QCOMPARE(keysOf(r.json), keys({"messaging_product", "contacts", "messages"}));
    QCOMPARE(r.json.value(QStringLiteral("messaging_product")).toString(), QStringLiteral("whatsapp"));
    const QJsonObject contact = r.json.value(QStringLiteral("contacts")).toArray().first().toObject();
    QCOMPARE(keysOf(contact), keys({"input", "wa_id"}));
    QCOMPARE(contact.value(QStringLiteral("input")), sent.value(QStringLiteral("to")));
    QCOMPARE(contact.value(QStringLiteral("wa_id")).toString(), digitsOf(sent.value(QStringLiteral("to")).toString()));
    const QJsonObject message = r.json.value(QStringLiteral("messages")).toArray().first().toObject();
    QCOMPARE(keysOf(message), keys({"id"}));
    const QString id = message.value(QStringLiteral("id")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^wamid\\.[A-Za-z0-9+/]+=*$")).match(id).hasMatch(), qPrintable(id));
    QVERIFY(m_server->acceptedMessage(id).has_value());
}

void TestSandboxServer::invalidSamplesRejected_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("path");
    struct Expected
    {
        const char* file;
        int code;
        const char* path;
    };
    // 131008 for a missing required field, 131009 for any other error; details name the field.
    const Expected expected[] = {
        {"button-four.json", 131009, "interactive.action.buttons[3]: "},
        {"button-id-spaces.json", 131009, "interactive.action.buttons[0].reply.id: "},
        {"list-eleven-rows.json", 131009, "interactive.action.sections[1].rows[4]: "},
        {"list-header-image.json", 131009, "interactive.header.type: "},
        {"list-two-sections-untitled.json", 131008, "interactive.action.sections[1].title: "},
        {"media-id-and-link.json", 131009, "interactive.header.image: "},
        {"row-title-25.json", 131009, "interactive.action.sections[0].rows[0].title: "},
    };
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QCOMPARE(names.size(), int(std::size(expected))); // a new sample needs its expectation here
    for (const Expected& e : expected) {
        QVERIFY2(names.contains(QLatin1String(e.file)), e.file);
        QTest::newRow(e.file) << QString::fromLatin1(e.file) << e.code << QString::fromLatin1(e.path);
    }
}

void TestSandboxServer::invalidSamplesRejected()
{
    QFETCH(QString, file);
    QFETCH(int, code);
    QFETCH(QString, path);
    const Result r = sendCloud(readMessage(QStringLiteral("invalid/") + file));
    QCOMPARE(r.status, 400);
    QVERIFY(r.contentType.startsWith("application/json"));
    QCOMPARE(keysOf(r.json), keys({"error"}));
    QCOMPARE(keysOf(r.error()), keys({"message", "type", "code", "error_data", "fbtrace_id"}));
    QCOMPARE(r.code(), code);
    QCOMPARE(r.error().value(QStringLiteral("message")).toString(),
             code == 131008 ? QStringLiteral("(#131008) Required parameter is missing")
                            : QStringLiteral("(#131009) Parameter value is not valid"));
    QCOMPARE(r.error().value(QStringLiteral("error_data")).toObject().value(QStringLiteral("messaging_product")),
             QJsonValue(QStringLiteral("whatsapp")));
    QVERIFY2(r.details().contains(path), qPrintable(r.details()));
    QVERIFY(!r.error().value(QStringLiteral("fbtrace_id")).toString().isEmpty());
    QVERIFY(m_server->acceptedMessages().isEmpty());
}

void TestSandboxServer::accessToken_data()
{
    QTest::addColumn<QString>("authorization");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::newRow("none") << QString() << QString() << 401;
    QTest::newRow("wrong") << QStringLiteral("Bearer nope") << QString() << 401;
    QTest::newRow("token as Basic") << basic(QStringLiteral("sandbox-token"), {}) << QString() << 401;
    QTest::newRow("right") << bearer(SandboxServer::kDefaultAccessToken) << QString() << 200;
    QTest::newRow("scheme in lower case") << QStringLiteral("bearer sandbox-token") << QString() << 200;
    QTest::newRow("as access_token") << QString() << QStringLiteral("?access_token=sandbox-token") << 200;
    QTest::newRow("wrong access_token") << QString() << QStringLiteral("?access_token=other") << 401;
}

void TestSandboxServer::accessToken()
{
    QFETCH(QString, authorization);
    QFETCH(QString, query);
    QFETCH(int, status);
    const Result r = send("POST", cloudPath() + query, readMessage(QStringLiteral("cta-url.json")), authorization);
    QCOMPARE(r.status, status);
    if (status == 401) {
        QCOMPARE(keysOf(r.error()), keys({"message", "type", "code", "fbtrace_id"}));
        QCOMPARE(r.code(), 190);
        QCOMPARE(r.error().value(QStringLiteral("type")).toString(), QStringLiteral("OAuthException"));
        QCOMPARE(r.error().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Invalid OAuth access token - Cannot parse access token"));
    }
}

void TestSandboxServer::unknownPhoneNumberId()
{
    const Result r = send("POST", QStringLiteral("/v23.0/999/messages"), readMessage(QStringLiteral("cta-url.json")),
                          bearer(SandboxServer::kDefaultAccessToken));
    QCOMPARE(r.status, 400);
    QCOMPARE(keysOf(r.error()), keys({"message", "type", "code", "error_subcode", "fbtrace_id"}));
    QCOMPARE(r.code(), 100);
    QCOMPARE(r.error().value(QStringLiteral("error_subcode")).toInt(), 33);
    QVERIFY(r.error()
                .value(QStringLiteral("message"))
                .toString()
                .startsWith(QLatin1String("Unsupported post request. Object with ID '999' does not exist")));

    m_server->setPhoneNumberId(QStringLiteral("999"));
    QCOMPARE(send("POST", QStringLiteral("/v23.0/999/messages"), readMessage(QStringLiteral("cta-url.json")),
                  bearer(SandboxServer::kDefaultAccessToken))
                 .status,
             200);
}

void TestSandboxServer::apiVersions_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<int>("status");
    QTest::newRow("v23.0") << QStringLiteral("v23.0") << 200;
    QTest::newRow("v19.0") << QStringLiteral("v19.0") << 200;
    QTest::newRow("v9.1") << QStringLiteral("v9.1") << 200;
    QTest::newRow("v23") << QStringLiteral("v23") << 404;
    QTest::newRow("latest") << QStringLiteral("latest") << 404;
}

void TestSandboxServer::apiVersions()
{
    QFETCH(QString, version);
    QFETCH(int, status);
    const Result r = send("POST", cloudPath(version), readMessage(QStringLiteral("flow.json")),
                          bearer(SandboxServer::kDefaultAccessToken));
    QCOMPARE(r.status, status);
}

void TestSandboxServer::malformedBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("details");
    QTest::newRow("not JSON") << QByteArray("{\"messaging_product\":\"whatsapp\",\n  \"to\": 1650,,\n}")
                              << QStringLiteral("line 2, column");
    QTest::newRow("truncated") << QByteArray("{\"messaging_product\":\"whatsapp\"") << QStringLiteral("line 1, column");
    QTest::newRow("plain text") << QByteArray("hello") << QStringLiteral("line 1, column 1");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("array");
    QTest::newRow("no messaging_product") << QByteArray(R"({"to":"16505551234","type":"text","text":{"body":"hi"}})")
                                          << QStringLiteral("messaging_product");
    QTest::newRow("other messaging_product")
        << QByteArray(R"({"messaging_product":"sms","to":"16505551234","type":"text","text":{"body":"hi"}})")
        << QStringLiteral("\"sms\"");
}

void TestSandboxServer::malformedBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, details);
    const Result r = sendCloud(body);
    QCOMPARE(r.status, 400);
    QCOMPARE(keysOf(r.error()), keys({"message", "type", "code", "error_data", "fbtrace_id"}));
    QCOMPARE(r.code(), 100);
    QCOMPARE(r.error().value(QStringLiteral("message")).toString(), QStringLiteral("(#100) Invalid parameter"));
    QVERIFY2(r.details().contains(details), qPrintable(r.details()));
}

void TestSandboxServer::garbageOf4MiB()
{
    // Exactly the parser's body limit: read whole, then refused as not JSON.
    QByteArray garbage(4 * 1024 * 1024, '\0');
    for (qsizetype i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 7919) % 251 + 1);
    garbage[0] = '{';
    const Result r = sendCloud(garbage);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), 100);
    QVERIFY2(r.details().contains(QLatin1String("line")), qPrintable(r.details()));
    // the server goes on serving
    QCOMPARE(sendCloud(readMessage(QStringLiteral("product.json"))).status, 200);
}

void TestSandboxServer::bodyOverTheLimit()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST " + cloudPath().toLatin1() +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5242880\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("\r\n\r\n"), 5000);
    QVERIFY2(received.startsWith("HTTP/1.1 413 "), received.constData());
}

void TestSandboxServer::otherMessageTypes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("details");
    const QByteArray head = R"({"messaging_product":"whatsapp","to":"+1 650-555-1234",)";
    QTest::newRow("text") << head + R"("type":"text","text":{"body":"Hello 👋"}})" << 200 << 0 << QString();
    QTest::newRow("text without text") << head + R"("type":"text"})" << 400 << 131008 << QStringLiteral("text: ");
    QTest::newRow("text without body") << head + R"("type":"text","text":{"preview_url":true}})" << 400 << 131008
                                       << QStringLiteral("text.body: ");
    QTest::newRow("text with empty body")
        << head + R"("type":"text","text":{"body":""}})" << 400 << 131009 << QStringLiteral("text.body: ");
    QTest::newRow("text body a number") << head + R"("type":"text","text":{"body":5}})" << 400 << 131009
                                        << QStringLiteral("text.body: ");
    QTest::newRow("text body too long") << head + R"("type":"text","text":{"body":")" + QByteArray(4097, 'a') + "\"}}"
                                        << 400 << 131009 << QStringLiteral("4097");
    QTest::newRow("text body at the limit")
        << head + R"("type":"text","text":{"body":")" + QByteArray(4096, 'a') + "\"}}" << 200 << 0 << QString();
    QTest::newRow("image") << head + R"("type":"image","image":{"link":"https://example.com/a.jpg"}})" << 200 << 0
                           << QString();
    QTest::newRow("template")
        << head + R"("type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}})" << 200 << 0
        << QString();
    QTest::newRow("reaction") << head + R"("type":"reaction","reaction":{"message_id":"wamid.x","emoji":"👍"}})" << 200
                              << 0 << QString();
    QTest::newRow("image without to") << QByteArray(
                                             R"({"messaging_product":"whatsapp","type":"image","image":{"id":"1"}})")
                                      << 400 << 131008 << QStringLiteral("to: ");
    QTest::newRow("no type") << head + R"("text":{"body":"hi"}})" << 400 << 131008 << QStringLiteral("type: ");
}

void TestSandboxServer::otherMessageTypes()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, code);
    QFETCH(QString, details);
    const Result r = sendCloud(body);
    QVERIFY2(r.status == status, r.body.constData());
    if (status == 200) {
        const QJsonObject contact = r.json.value(QStringLiteral("contacts")).toArray().first().toObject();
        QCOMPARE(contact.value(QStringLiteral("input")).toString(), QStringLiteral("+1 650-555-1234"));
        QCOMPARE(contact.value(QStringLiteral("wa_id")).toString(), QStringLiteral("16505551234"));
        return;
    }
    QCOMPARE(r.code(), code);
    QVERIFY2(r.details().contains(details), qPrintable(r.details()));
}

void TestSandboxServer::warningsDoNotReject()
{
    // A single untitled section and a national-looking number are warnings only.
    const QByteArray body =
        R"({"messaging_product":"whatsapp","to":"0612345678","type":"interactive","interactive":{"type":"list",)"
        R"("body":{"text":"Pick"},"action":{"button":"Open","sections":[{"rows":[{"id":"1","title":"One"}]}]}}})";
    QCOMPARE(sendCloud(body).status, 200);
}

void TestSandboxServer::strictWindow()
{
    m_server->setStrictWindow(true);
    const QByteArray interactive = readMessage(QStringLiteral("button-text-header.json")); // to 16505551234
    const QByteArray text = R"({"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}})";
    const QByteArray templ = R"({"messaging_product":"whatsapp","to":"16505551234","type":"template",)"
                             R"("template":{"name":"hello_world","language":{"code":"en_US"}}})";

    for (const QByteArray& body : {interactive, text}) {
        const Result r = sendCloud(body);
        QCOMPARE(r.status, 400);
        QCOMPARE(keysOf(r.error()), keys({"message", "type", "code", "error_data", "fbtrace_id"}));
        QCOMPARE(r.code(), 131047);
        QCOMPARE(r.error().value(QStringLiteral("message")).toString(),
                 QStringLiteral("(#131047) Re-engagement message"));
        QCOMPARE(r.details(), QStringLiteral("Message failed to send because more than 24 hours have passed since "
                                             "the customer last replied to this number."));
    }
    QCOMPARE(sendCloud(templ).status, 200); // templates open conversations

    // Written 25 hours ago: still closed. Written now, as "+1 650-555-1234": open.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_server->noteCustomerMessage(QStringLiteral("16505551234"), now.addSecs(-25 * 3600));
    QCOMPARE(sendCloud(interactive).code(), 131047);
    m_server->noteCustomerMessage(QStringLiteral("+1 650-555-1234"), now.addSecs(-60));
    QVERIFY(m_server->isWindowOpen(QStringLiteral("16505551234")));
    QCOMPARE(sendCloud(interactive).status, 200);
    QCOMPARE(sendCloud(text).status, 200);
    // an older note does not close it again
    m_server->noteCustomerMessage(QStringLiteral("16505551234"), now.addSecs(-30 * 3600));
    QCOMPARE(sendCloud(interactive).status, 200);

    // 24 hours later the window is closed again.
    m_server->setClock([now] { return now.addSecs(24 * 3600); });
    QCOMPARE(sendCloud(interactive).code(), 131047);

    m_server->setStrictWindow(false);
    QCOMPARE(sendCloud(interactive).status, 200);
}

void TestSandboxServer::windowFailureAsStatus_data()
{
    QTest::addColumn<bool>("onPremises");
    QTest::newRow("Cloud API") << false;
    QTest::newRow("On-Premises") << true;
}

void TestSandboxServer::windowFailureAsStatus()
{
    QFETCH(bool, onPremises);
    m_server->setStrictWindow(true);
    QCOMPARE(m_server->windowFailure(), WindowFailure::Reject); // the default
    m_server->setWindowFailure(WindowFailure::FailedStatus);
    QSignalSpy accepted(m_server.get(), &SandboxServer::messageAccepted);
    QSignalSpy rejected(m_server.get(), &SandboxServer::requestRejected);
    const QByteArray cloudBody = readMessage(QStringLiteral("button-text-header.json")); // to 16505551234
    const auto sendOne = [&]() {
        if (!onPremises)
            return sendCloud(cloudBody);
        QJsonObject body = QJsonDocument::fromJson(cloudBody).object();
        body.remove(QStringLiteral("messaging_product"));
        return send("POST", QStringLiteral("/v1/messages"), QJsonDocument(body).toJson(), bearer(login()));
    };

    // Outside the window: accepted with an id, marked to fail with 131047 (470 On-Premises).
    Result r = sendOne();
    QCOMPARE(r.status, onPremises ? 201 : 200);
    QVERIFY(!r.json.value(QStringLiteral("messages"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toString()
                 .isEmpty());
    QCOMPARE(rejected.count(), 0);
    QCOMPARE(accepted.count(), 1);
    SandboxMessage m = accepted.takeFirst().first().value<SandboxMessage>();
    QVERIFY(m.failure.has_value());
    QCOMPARE(m.failure->code, onPremises ? 470 : 131047);
    QCOMPARE(m.failure->title, QStringLiteral("Re-engagement message"));
    QCOMPARE(m.failure->details, QStringLiteral("Message failed to send because more than 24 hours have passed "
                                                "since the customer last replied to this number."));
    QVERIFY(m_server->acceptedMessage(m.id)->failure.has_value());

    // Inside it: an ordinary message.
    m_server->noteCustomerMessage(QStringLiteral("16505551234"), QDateTime::currentDateTimeUtc());
    r = sendOne();
    QCOMPARE(r.status, onPremises ? 201 : 200);
    QCOMPARE(accepted.count(), 1);
    m = accepted.takeFirst().first().value<SandboxMessage>();
    QVERIFY(!m.failure.has_value());

    // Not strict: never marked.
    m_server->setStrictWindow(false);
    m_server->setClock([] { return QDateTime::currentDateTimeUtc().addDays(3); });
    r = sendOne();
    QCOMPARE(accepted.count(), 1);
    QVERIFY(!accepted.takeFirst().first().value<SandboxMessage>().failure.has_value());
}

void TestSandboxServer::customerMessagesEndpoint()
{
    m_server->setStrictWindow(true);
    QSignalSpy noted(m_server.get(), &SandboxServer::customerMessageNoted);
    const QByteArray interactive = readMessage(QStringLiteral("button-text-header.json")); // to 16505551234
    QCOMPARE(sendCloud(interactive).code(), 131047);

    // No token needed; the number in any notation; 204 without a body.
    Result r = send("POST", QStringLiteral("/sandbox/customer-messages"), R"({"wa_id":"+1 650-555-1234"})");
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(noted.count(), 1);
    QCOMPARE(noted.first().at(0).toString(), QStringLiteral("16505551234"));
    QVERIFY(qAbs(noted.first().at(1).toDateTime().secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QVERIFY(m_server->isWindowOpen(QStringLiteral("16505551234")));
    QCOMPARE(sendCloud(interactive).status, 200);

    // With a timestamp (Unix seconds, as a string or a number): 25 hours ago does not open it.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    r = send("POST", QStringLiteral("/sandbox/customer-messages"),
             QStringLiteral(R"({"wa_id":"886912345678","timestamp":"%1"})").arg(now - 25 * 3600).toUtf8());
    QCOMPARE(r.status, 204);
    QCOMPARE(noted.last().at(1).toDateTime(), QDateTime::fromSecsSinceEpoch(now - 25 * 3600, Qt::UTC));
    QVERIFY(!m_server->isWindowOpen(QStringLiteral("886912345678")));
    r = send("POST", QStringLiteral("/sandbox/customer-messages"),
             QStringLiteral(R"({"wa_id":"886912345678","timestamp":%1})").arg(now - 60).toUtf8());
    QCOMPARE(r.status, 204);
    QVERIFY(m_server->isWindowOpen(QStringLiteral("886912345678")));

    // POST only.
    r = send("GET", QStringLiteral("/sandbox/customer-messages"), {});
    QCOMPARE(r.status, 405);
    QCOMPARE(r.allow, QByteArray("POST"));
}

void TestSandboxServer::customerMessagesBadBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("named");
    QTest::newRow("not JSON") << QByteArray("{\"wa_id\":") << QStringLiteral("Not valid JSON at line 1");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("Not valid JSON");
    QTest::newRow("array") << QByteArray("[]") << QStringLiteral("not a JSON object");
    QTest::newRow("no wa_id") << QByteArray("{}") << QStringLiteral("wa_id is required");
    QTest::newRow("wa_id a number") << QByteArray(R"({"wa_id":16505551234})")
                                    << QStringLiteral("wa_id must be a string, not a number");
    QTest::newRow("wa_id too short") << QByteArray(R"({"wa_id":"12345"})")
                                     << QStringLiteral("wa_id \"12345\" is not a phone number");
    QTest::newRow("wa_id letters") << QByteArray(R"({"wa_id":"alice"})")
                                   << QStringLiteral("wa_id \"alice\" is not a phone number");
    QTest::newRow("timestamp text") << QByteArray(R"({"wa_id":"16505551234","timestamp":"yesterday"})")
                                    << QStringLiteral("timestamp must be Unix seconds");
    QTest::newRow("timestamp fraction") << QByteArray(R"({"wa_id":"16505551234","timestamp":1.5})")
                                        << QStringLiteral("timestamp must be Unix seconds");
    QTest::newRow("timestamp negative") << QByteArray(R"({"wa_id":"16505551234","timestamp":-1})")
                                        << QStringLiteral("timestamp must be Unix seconds");
}

void TestSandboxServer::customerMessagesBadBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, named);
    QSignalSpy noted(m_server.get(), &SandboxServer::customerMessageNoted);
    QSignalSpy rejected(m_server.get(), &SandboxServer::requestRejected);
    const Result r = send("POST", QStringLiteral("/sandbox/customer-messages"), body);
    QCOMPARE(r.status, 400);
    QVERIFY(r.contentType.startsWith("application/json"));
    QCOMPARE(r.code(), 100);
    QVERIFY2(r.details().contains(named), qPrintable(r.details()));
    QCOMPARE(noted.count(), 0);
    QCOMPARE(rejected.count(), 1);
    QVERIFY(!m_server->isWindowOpen(QStringLiteral("16505551234")));
}

void TestSandboxServer::onPremisesLoginContactsMessages()
{
    QSignalSpy accepted(m_server.get(), &SandboxServer::messageAccepted);
    const Result loggedIn = send("POST", QStringLiteral("/v1/users/login"), {},
                                 basic(SandboxServer::kDefaultLoginUser, SandboxServer::kDefaultLoginPassword));
    QCOMPARE(loggedIn.status, 200);
    QCOMPARE(keysOf(loggedIn.json), keys({"users"}));
    const QJsonObject user = loggedIn.json.value(QStringLiteral("users")).toArray().first().toObject();
    QCOMPARE(keysOf(user), keys({"token", "expires_after"}));
    const QString token = user.value(QStringLiteral("token")).toString();
    QVERIFY(token.size() > 20);
    const QString expires = user.value(QStringLiteral("expires_after")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\+00:00$"))
                 .match(expires)
                 .hasMatch(),
             qPrintable(expires));
    QDateTime expiry = QDateTime::fromString(expires.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    expiry.setTimeSpec(Qt::UTC);
    QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(expiry) - 7 * 24 * 3600) < 60); // the default lifetime

    const Result contacts = send("POST", QStringLiteral("/v1/contacts"),
                                 R"({"blocking":"wait","contacts":["+1 631 555 1001","123","1234567890123456"],)"
                                 R"("force_check":false})",
                                 bearer(token));
    QCOMPARE(contacts.status, 200);
    QCOMPARE(keysOf(contacts.json), keys({"contacts"}));
    const QJsonArray list = contacts.json.value(QStringLiteral("contacts")).toArray();
    QCOMPARE(list.size(), 3);
    QCOMPARE(keysOf(list.at(0).toObject()), keys({"input", "status", "wa_id"}));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("input")).toString(), QStringLiteral("+1 631 555 1001"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("valid"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("wa_id")).toString(), QStringLiteral("16315551001"));
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("invalid"));
    QCOMPARE(list.at(2).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("invalid"));

    const Result sent = send("POST", QStringLiteral("/v1/messages"),
                             readMessage(QStringLiteral("button-video-header-onprem.json")), bearer(token));
    QVERIFY2(sent.status == 201, sent.body.constData());
    QCOMPARE(keysOf(sent.json), keys({"messages"}));
    const QJsonObject message = sent.json.value(QStringLiteral("messages")).toArray().first().toObject();
    QCOMPARE(keysOf(message), keys({"id"}));
    const QString id = message.value(QStringLiteral("id")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{12,16}$")).match(id).hasMatch(), qPrintable(id));
    QCOMPARE(accepted.count(), 1);
    const SandboxMessage m = accepted.first().first().value<SandboxMessage>();
    QCOMPARE(m.id, id);
    QCOMPARE(m.family, ApiFamily::OnPremises);
    QCOMPARE(m.waId, QStringLiteral("16315551234"));
    QVERIFY(m.message.has_value());
    QCOMPARE(m.message->interactive->kind(), InteractiveType::Button);

    // The Cloud form (messaging_product) is not the On-Premises one.
    const Result cloudForm =
        send("POST", QStringLiteral("/v1/messages"), readMessage(QStringLiteral("cta-url.json")), bearer(token));
    QCOMPARE(cloudForm.status, 400);
    QCOMPARE(cloudForm.firstError().value(QStringLiteral("code")).toInt(), 1009);
    QVERIFY(cloudForm.firstError()
                .value(QStringLiteral("details"))
                .toString()
                .startsWith(QLatin1String("messaging_product: ")));
}

void TestSandboxServer::onPremisesWrongLogin_data()
{
    QTest::addColumn<QString>("authorization");
    QTest::newRow("wrong password") << basic(SandboxServer::kDefaultLoginUser, QStringLiteral("guess"));
    QTest::newRow("wrong user") << basic(QStringLiteral("root"), SandboxServer::kDefaultLoginPassword);
    QTest::newRow("no credentials") << QString();
    QTest::newRow("not base64") << QStringLiteral("Basic ***");
    QTest::newRow("Bearer") << bearer(SandboxServer::kDefaultLoginPassword);
}

void TestSandboxServer::onPremisesWrongLogin()
{
    QFETCH(QString, authorization);
    const Result r = send("POST", QStringLiteral("/v1/users/login"), {}, authorization);
    QCOMPARE(r.status, 401);
    QVERIFY(r.contentType.startsWith("application/json"));
    QCOMPARE(keysOf(r.json), keys({"errors"}));
    QCOMPARE(keysOf(r.firstError()), keys({"code", "title", "details"}));
    QCOMPARE(r.firstError().value(QStringLiteral("code")).toInt(), 1005);
    QCOMPARE(r.firstError().value(QStringLiteral("title")).toString(), QStringLiteral("Access denied"));
}

void TestSandboxServer::onPremisesTokens()
{
    const QByteArray message = readMessage(QStringLiteral("button-video-header-onprem.json"));
    QCOMPARE(send("POST", QStringLiteral("/v1/messages"), message).firstError().value(QStringLiteral("code")).toInt(),
             1005);
    const Result unknown = send("POST", QStringLiteral("/v1/messages"), message, bearer(QStringLiteral("made-up")));
    QCOMPARE(unknown.status, 401);
    QCOMPARE(unknown.firstError().value(QStringLiteral("code")).toInt(), 1005);
    // the Cloud API's access token is not a login token
    QCOMPARE(send("POST", QStringLiteral("/v1/messages"), message, bearer(SandboxServer::kDefaultAccessToken)).status,
             401);

    // A short lifetime, and a clock moved past it.
    QDateTime now = QDateTime::currentDateTimeUtc();
    m_server->setClock([&now] { return now; });
    m_server->setTokenLifetime(1000);
    const QString token = login();
    QVERIFY(!token.isEmpty());
    QCOMPARE(send("POST", QStringLiteral("/v1/messages"), message, bearer(token)).status, 201);
    now = now.addMSecs(999);
    QCOMPARE(send("POST", QStringLiteral("/v1/contacts"), R"({"contacts":["16315551234"]})", bearer(token)).status,
             200);
    now = now.addMSecs(1);
    const Result expired = send("POST", QStringLiteral("/v1/messages"), message, bearer(token));
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.firstError().value(QStringLiteral("code")).toInt(), 1005);
    QVERIFY2(expired.firstError().value(QStringLiteral("details")).toString().contains(QLatin1String("expired")),
             expired.body.constData());
    QCOMPARE(send("POST", QStringLiteral("/v1/contacts"), R"({"contacts":["16315551234"]})", bearer(token)).status,
             401);
    // a new login gives a new token that works
    const QString again = login();
    QVERIFY(!again.isEmpty() && again != token);
    QCOMPARE(send("POST", QStringLiteral("/v1/messages"), message, bearer(again)).status, 201);
}

void TestSandboxServer::onPremisesValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("details");
    QTest::newRow("eleven rows") << readMessage(QStringLiteral("invalid/list-eleven-rows.json"))
                                        .replace(R"("messaging_product":"whatsapp",)", "")
                                 << 1009 << QStringLiteral("interactive.action.sections[1].rows[4]: ");
    QTest::newRow("no body") << QByteArray(
                                    R"({"to":"16315551234","type":"interactive","interactive":{"type":"button",)"
                                    R"("action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}})")
                             << 1008 << QStringLiteral("interactive.body: ");
    QTest::newRow("not JSON") << QByteArray("{\"to\":") << 1009 << QStringLiteral("line 1, column");
    QTest::newRow("text without body") << QByteArray(R"({"to":"16315551234","type":"text","text":{}})") << 1008
                                       << QStringLiteral("text.body: ");
}

void TestSandboxServer::onPremisesValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    QFETCH(QString, details);
    const Result r = send("POST", QStringLiteral("/v1/messages"), body, bearer(login()));
    QCOMPARE(r.status, 400);
    QCOMPARE(keysOf(r.json), keys({"errors"}));
    QCOMPARE(keysOf(r.firstError()), keys({"code", "title", "details"}));
    QCOMPARE(r.firstError().value(QStringLiteral("code")).toInt(), code);
    QCOMPARE(r.firstError().value(QStringLiteral("title")).toString(),
             code == 1008 ? QStringLiteral("Required parameter is missing")
                          : QStringLiteral("Parameter value is not valid"));
    QVERIFY2(r.firstError().value(QStringLiteral("details")).toString().contains(details), r.body.constData());
}

void TestSandboxServer::onPremisesContactsErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("details");
    QTest::newRow("no contacts") << QByteArray(R"({"blocking":"wait"})") << 1008 << QStringLiteral("contacts");
    QTest::newRow("contacts a string") << QByteArray(R"({"contacts":"16315551234"})") << 1009
                                       << QStringLiteral("a string");
    QTest::newRow("a number in contacts")
        << QByteArray(R"({"contacts":["16315551234",16315551234]})") << 1009 << QStringLiteral("contacts[1]");
    QTest::newRow("blocking") << QByteArray(R"({"blocking":"soon","contacts":[]})") << 1009
                              << QStringLiteral("blocking");
    QTest::newRow("not JSON") << QByteArray("{\n\"contacts\": [,]}") << 1009 << QStringLiteral("line 2, column");
}

void TestSandboxServer::onPremisesContactsErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    QFETCH(QString, details);
    const Result r = send("POST", QStringLiteral("/v1/contacts"), body, bearer(login()));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.firstError().value(QStringLiteral("code")).toInt(), code);
    QVERIFY2(r.firstError().value(QStringLiteral("details")).toString().contains(details), r.body.constData());
}

void TestSandboxServer::uniqueIds()
{
    QSet<QString> ids;
    const QByteArray cloud = readMessage(QStringLiteral("location-request.json"));
    const QByteArray onPremises = readMessage(QStringLiteral("button-video-header-onprem.json"));
    const QString token = login();
    for (int i = 0; i < 30; ++i) {
        const Result a = sendCloud(cloud);
        ids.insert(a.json.value(QStringLiteral("messages"))
                       .toArray()
                       .first()
                       .toObject()
                       .value(QStringLiteral("id"))
                       .toString());
        const Result b = send("POST", QStringLiteral("/v1/messages"), onPremises, bearer(token));
        ids.insert(b.json.value(QStringLiteral("messages"))
                       .toArray()
                       .first()
                       .toObject()
                       .value(QStringLiteral("id"))
                       .toString());
    }
    ids.remove(QString());
    QCOMPARE(ids.size(), 60);
}

void TestSandboxServer::acceptedSignalCarriesTheMessage()
{
    QSignalSpy accepted(m_server.get(), &SandboxServer::messageAccepted);
    QSignalSpy rejected(m_server.get(), &SandboxServer::requestRejected);
    const QByteArray body = readMessage(QStringLiteral("list-zh-TW-appointments.json"));
    const Result r = sendCloud(body);
    QCOMPARE(r.status, 200);
    QCOMPARE(accepted.count(), 1);
    QCOMPARE(rejected.count(), 0);
    const SandboxMessage m = accepted.first().first().value<SandboxMessage>();
    QCOMPARE(
        m.id,
        r.json.value(QStringLiteral("messages")).toArray().first().toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(m.family, ApiFamily::Cloud);
    QCOMPARE(m.waId, QStringLiteral("886912345678"));
    QCOMPARE(m.phoneNumberId, kPhoneId);
    QCOMPARE(m.type, QStringLiteral("interactive"));
    QVERIFY(m.message.has_value());
    QCOMPARE(m.message->interactive->kind(), InteractiveType::List);
    QCOMPARE(m.message->interactive->body->text.value_or(QString()), QStringLiteral("請選擇您方便的預約時段 📅"));
    QCOMPARE(m.payload, QJsonDocument::fromJson(body).object());
    QCOMPARE(m.peer, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(qAbs(m.time.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    const std::optional<SandboxMessage> kept = m_server->acceptedMessage(m.id);
    QVERIFY(kept.has_value());
    QCOMPARE(kept->payload, m.payload);
    QVERIFY(!m_server->acceptedMessage(QStringLiteral("wamid.unknown")).has_value());

    // A text message is accepted without a decoded interactive message.
    QCOMPARE(sendCloud(R"({"messaging_product":"whatsapp","to":"1","type":"text","text":{"body":"hi"}})").status, 200);
    QCOMPARE(accepted.count(), 2);
    const SandboxMessage text = accepted.at(1).first().value<SandboxMessage>();
    QCOMPARE(text.type, QStringLiteral("text"));
    QVERIFY(!text.message.has_value());
}

void TestSandboxServer::rejectedSignal()
{
    QSignalSpy accepted(m_server.get(), &SandboxServer::messageAccepted);
    QSignalSpy rejected(m_server.get(), &SandboxServer::requestRejected);
    const QByteArray body = readMessage(QStringLiteral("invalid/button-four.json"));
    QCOMPARE(sendCloud(body).status, 400);
    QCOMPARE(accepted.count(), 0);
    QCOMPARE(rejected.count(), 1);
    const SandboxRejection r = rejected.first().first().value<SandboxRejection>();
    QCOMPARE(r.httpStatus, 400);
    QCOMPARE(r.errorCode, 131009);
    QCOMPARE(r.family, ApiFamily::Cloud);
    QVERIFY(r.details.contains(QLatin1String("interactive.action.buttons[3]")));
    QCOMPARE(r.body, body);
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.target, cloudPath().toLatin1());
    QVERIFY(!r.findings.isEmpty());
    QCOMPARE(r.findings.first().code, QStringLiteral("buttons_count"));

    QCOMPARE(send("POST", cloudPath(), body).status, 401);
    QCOMPARE(rejected.count(), 2);
    QCOMPARE(rejected.at(1).first().value<SandboxRejection>().errorCode, 190);
}

void TestSandboxServer::keptMessagesBounded()
{
    const QByteArray body = R"({"messaging_product":"whatsapp","to":"1","type":"reaction","reaction":{}})";
    QString first;
    for (int i = 0; i < SandboxServer::kMaxKeptMessages + 5; ++i) {
        const Result r = sendCloud(body);
        QCOMPARE(r.status, 200);
        if (i == 0)
            first = r.json.value(QStringLiteral("messages"))
                        .toArray()
                        .first()
                        .toObject()
                        .value(QStringLiteral("id"))
                        .toString();
    }
    QCOMPARE(m_server->acceptedMessages().size(), SandboxServer::kMaxKeptMessages);
    QVERIFY(!m_server->acceptedMessage(first).has_value()); // the oldest went first
}

void TestSandboxServer::notFoundAndWrongMethod_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("onPremises");
    QTest::newRow("GET messages") << QByteArray("GET") << QStringLiteral("/v23.0/100000000000001/messages") << 405
                                  << false;
    QTest::newRow("PUT messages") << QByteArray("PUT") << QStringLiteral("/v23.0/100000000000001/messages") << 405
                                  << false;
    QTest::newRow("unknown path") << QByteArray("POST") << QStringLiteral("/v23.0/100000000000001/media") << 404
                                  << false;
    QTest::newRow("root") << QByteArray("GET") << QStringLiteral("/") << 404 << false;
    QTest::newRow("GET login") << QByteArray("GET") << QStringLiteral("/v1/users/login") << 405 << true;
    QTest::newRow("unknown On-Premises path") << QByteArray("POST") << QStringLiteral("/v1/settings") << 404 << true;
}

void TestSandboxServer::notFoundAndWrongMethod()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(bool, onPremises);
    const Result r = send(method, path, {}, bearer(SandboxServer::kDefaultAccessToken));
    QCOMPARE(r.status, status);
    QVERIFY(r.contentType.startsWith("application/json"));
    if (status == 405)
        QCOMPARE(r.allow, QByteArray("POST"));
    if (onPremises) {
        QCOMPARE(keysOf(r.firstError()), keys({"code", "title", "details"}));
        QCOMPARE(r.firstError().value(QStringLiteral("code")).toInt(), 1006);
        QVERIFY(r.firstError().value(QStringLiteral("details")).toString().contains(path));
    } else {
        QCOMPARE(keysOf(r.error()), keys({"message", "type", "code", "fbtrace_id"}));
        QVERIFY2(r.error().value(QStringLiteral("message")).toString().contains(path), r.body.constData());
    }
}

QTEST_GUILESS_MAIN(TestSandboxServer)
#include "tst_sandboxserver.moc"
