#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "TestHttpClient.h"
#include "WebhookServer.h"
#include "WebhookSignature.h"
#include "TestSamples.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::WebhookEvent::Kind)
Q_DECLARE_METATYPE(wa::WebhookEvent::Signature)

namespace {

const QByteArray kSecret = "test-app-secret";
const QByteArray kToken = "verify-me";

// A request line in `version`, with a Connection header when `connection` is not null.
QByteArray request(const QByteArray& method, const QByteArray& target, const QByteArray& version,
                   const QByteArray& connection, const QByteArray& headers = {}, const QByteArray& body = {})
{
    QByteArray out = method + ' ' + target + ' ' + version + "\r\nHost: 127.0.0.1\r\n" + headers;
    if (!connection.isNull())
        out += "Connection: " + connection + "\r\n";
    if (method != "GET")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

// The value of the response's Connection header; null when there is none, or several.
QByteArray connectionHeader(const QByteArray& head)
{
    QByteArray value;
    for (const QByteArray& line : head.split('\n')) {
        if (line.toLower().startsWith("connection:")) {
            if (!value.isNull())
                return {};
            value = line.mid(11).trimmed();
        }
    }
    return value;
}

using TestHttpClient::Client;
using TestHttpClient::post;
using TestHttpClient::Response;
using TestHttpClient::responsesIn;

} // namespace

class TestWebhookServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void everySample_data();
    void everySample();
    void verification_data();
    void verification();
    void signatures_data();
    void signatures();
    void unsignedWithoutSecret();
    void limits_data();
    void limits();
    void byteByByte();
    void chunked();
    void keepAliveSeveralRequests();
    void answersOnlyOnceStored();
    void storeFailureIs500();
    void connectionHeaderMatches_data();
    void connectionHeaderMatches();
    void slowClientClosedOthersServed();
    void connectionCap();
    void tls();
    void tlsRefusesBadFiles_data();
    void tlsRefusesBadFiles();

private:
    std::unique_ptr<WebhookServer> m_server;
    QList<QList<WebhookEvent>> m_stored;
    int m_sinkDelayMs = 0;
    bool m_sinkFails = false;
};

void TestWebhookServer::init()
{
    m_stored.clear();
    m_sinkDelayMs = 0;
    m_sinkFails = false;
    m_server = std::make_unique<WebhookServer>();
    m_server->setAppSecret(kSecret);
    m_server->setVerifyToken(kToken);
    m_server->setSink([this](const ReceivedRequest&, const QList<WebhookEvent>& events,
                             std::function<void(bool, const QList<WebhookEvent>&)> done) {
        QTimer::singleShot(m_sinkDelayMs, m_server.get(), [this, events, done] {
            if (m_sinkFails) {
                done(false, {});
                return;
            }
            m_stored.append(events);
            done(true, events);
        });
    });
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
}

void TestWebhookServer::cleanup()
{
    m_server.reset();
}

void TestWebhookServer::everySample_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("events");
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/webhooks"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(names.size() >= 16);
    for (const QString& name : names)
        QTest::newRow(qPrintable(name)) << name << (name == QLatin1String("cloud-batch.json") ? 4 : -1);
}

void TestWebhookServer::everySample()
{
    QFETCH(QString, file);
    QFETCH(int, events);
    const QByteArray body = TestSamples::webhook(file);
    Client client(m_server->port());
    QSignalSpy received(m_server.get(), &WebhookServer::received);
    client.send(post(body, WebhookSignature::sign(body, kSecret)));
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, 200);
    QCOMPARE(m_stored.size(), 1);
    QVERIFY(!m_stored.first().isEmpty());
    if (events >= 0)
        QCOMPARE(m_stored.first().size(), events);
    for (const WebhookEvent& e : m_stored.first()) {
        QCOMPARE(e.signature, WebhookEvent::Signature::Valid);
        QVERIFY2(e.kind != WebhookEvent::Kind::Unknown, qPrintable(file));
    }
    QCOMPARE(received.count(), 1);
}

void TestWebhookServer::verification_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("right token")
        << QByteArray("/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444") << 200
        << QByteArray("1158201444");
    QTest::newRow("wrong token") << QByteArray("/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
                                 << 403 << QByteArray("verify token does not match\n");
    QTest::newRow("wrong mode") << QByteArray(
                                       "/webhook?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1")
                                << 403 << QByteArray("verify token does not match\n");
}

void TestWebhookServer::verification()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    Client client(m_server->port());
    client.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, status);
    QCOMPARE(responses.first().body, body);
    QCOMPARE(m_stored.size(), 1);
    QCOMPARE(m_stored.first().first().kind, WebhookEvent::Kind::Verification);
}

void TestWebhookServer::signatures_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<int>("status");
    QTest::addColumn<WebhookEvent::Kind>("kind");
    QTest::addColumn<WebhookEvent::Signature>("state");
    const QByteArray body =
        QStringLiteral(
            R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"2"},"contacts":[{"profile":{"name":"王小明"},"wa_id":"886912345678"}],"messages":[{"from":"886912345678","id":"wamid.x","timestamp":"1749416384","type":"text","text":{"body":"你好 😀"}}]}}]}]})")
            .toUtf8();
    QTest::newRow("valid, non-ASCII") << body << WebhookSignature::sign(body, kSecret) << 200
                                      << WebhookEvent::Kind::Text << WebhookEvent::Signature::Valid;
    QTest::newRow("wrong") << body << WebhookSignature::sign(body, "other") << 403 << WebhookEvent::Kind::Rejected
                           << WebhookEvent::Signature::Invalid;
    QTest::newRow("missing") << body << QByteArray() << 403 << WebhookEvent::Kind::Rejected
                             << WebhookEvent::Signature::Missing;
}

void TestWebhookServer::signatures()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, signature);
    QFETCH(int, status);
    QFETCH(WebhookEvent::Kind, kind);
    QFETCH(WebhookEvent::Signature, state);
    Client client(m_server->port());
    client.send(post(body, signature));
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, status);
    // the attempt shows in the console either way
    QCOMPARE(m_stored.size(), 1);
    QCOMPARE(m_stored.first().first().kind, kind);
    QCOMPARE(m_stored.first().first().signature, state);
}

void TestWebhookServer::unsignedWithoutSecret()
{
    m_server->setAppSecret({});
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    Client client(m_server->port());
    client.send(post(body, QByteArray()));
    QCOMPARE(client.waitResponses(1).value(0).status, 200);
    QCOMPARE(m_stored.first().first().signature, WebhookEvent::Signature::Unsigned);
}

void TestWebhookServer::limits_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("body over 4 MiB") << QByteArray("POST /webhook HTTP/1.1\r\nContent-Length: 5242880\r\n\r\n") << 413;
    QTest::newRow("headers over 16 KiB") << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(17 * 1024, 'a') +
                                                       "\r\n\r\n")
                                         << 431;
    QTest::newRow("garbage") << QByteArray("\x00\x01garbage\r\n\r\n", 13) << 400;
    QTest::newRow("not JSON") << post("{not json", WebhookSignature::sign("{not json", kSecret)) << 400;
    QTest::newRow("PUT") << QByteArray("PUT /webhook HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << 405;
}

void TestWebhookServer::limits()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    Client client(m_server->port());
    client.send(request);
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, status);
}

void TestWebhookServer::byteByByte()
{
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-list-reply.json"));
    const QByteArray request = post(body, WebhookSignature::sign(body, kSecret));
    Client client(m_server->port());
    QVERIFY(client.waitConnected());
    for (char c : request) {
        client.send(QByteArray(1, c));
        client.socket.flush();
        QCoreApplication::processEvents();
    }
    QCOMPARE(client.waitResponses(1).value(0).status, 200);
    QCOMPARE(m_stored.first().first().kind, WebhookEvent::Kind::ListReply);
}

void TestWebhookServer::chunked()
{
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-button-reply.json"));
    QByteArray request = "POST /webhook HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: " +
                         WebhookSignature::sign(body, kSecret) + "\r\n\r\n";
    for (qsizetype at = 0; at < body.size(); at += 100) {
        const QByteArray chunk = body.mid(at, 100);
        request += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    }
    request += "0\r\n\r\n";
    Client client(m_server->port());
    client.send(request);
    QCOMPARE(client.waitResponses(1).value(0).status, 200);
    QCOMPARE(m_stored.first().first().kind, WebhookEvent::Kind::ButtonReply);
}

void TestWebhookServer::keepAliveSeveralRequests()
{
    const QByteArray a = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    const QByteArray b = TestSamples::webhook(QStringLiteral("cloud-status-read.json"));
    Client client(m_server->port());
    client.send(post(a, WebhookSignature::sign(a, kSecret)) + post(b, WebhookSignature::sign(b, kSecret)) +
                post(a, QByteArray("sha256=00")));
    const QList<Response> responses = client.waitResponses(3);
    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(responses.at(1).status, 200);
    QCOMPARE(responses.at(2).status, 403);
    QCOMPARE(m_stored.size(), 3);
    QCOMPARE(m_stored.at(0).first().kind, WebhookEvent::Kind::Text);
    QCOMPARE(m_stored.at(1).first().kind, WebhookEvent::Kind::Status);
    QVERIFY(!client.closed);
}

void TestWebhookServer::answersOnlyOnceStored()
{
    m_sinkDelayMs = 300;
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    Client client(m_server->port());
    QElapsedTimer timer;
    timer.start();
    client.send(post(body, WebhookSignature::sign(body, kSecret)));
    QVERIFY(!client.waitFor([&client] { return !client.received.isEmpty(); }, 200)); // nothing before it is stored
    QCOMPARE(client.waitResponses(1).value(0).status, 200);
    QVERIFY(timer.elapsed() >= 290);
    QCOMPARE(m_stored.size(), 1);
}

void TestWebhookServer::storeFailureIs500()
{
    m_sinkFails = true;
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    Client client(m_server->port());
    client.send(post(body, WebhookSignature::sign(body, kSecret)));
    QCOMPARE(client.waitResponses(1).value(0).status, 500);
}

void TestWebhookServer::connectionHeaderMatches_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("sinkFails");
    QTest::addColumn<bool>("closes");

    struct Path
    {
        const char* name;
        QByteArray method;
        QByteArray target;
        QByteArray headers;
        QByteArray body;
        int status;
        bool sinkFails;
    };
    const QByteArray event = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    const QByteArray signedBy = "X-Hub-Signature-256: " + WebhookSignature::sign(event, kSecret) + "\r\n";
    const QByteArray json = "Content-Type: application/json\r\n";
    const QList<Path> paths = {
        {"200 stored event", "POST", "/webhook", json + signedBy, event, 200, false},
        {"403 wrong signature", "POST", "/webhook",
         json + "X-Hub-Signature-256: " + WebhookSignature::sign(event, "other") + "\r\n", event, 403, false},
        {"403 missing signature", "POST", "/webhook", json, event, 403, false},
        {"400 not JSON", "POST", "/webhook",
         json + "X-Hub-Signature-256: " + WebhookSignature::sign("{not json", kSecret) + "\r\n", "{not json", 400,
         false},
        {"405 PUT", "PUT", "/webhook", {}, {}, 405, false},
        {"500 store failed", "POST", "/webhook", json + signedBy, event, 500, true},
        {"200 verification",
         "GET",
         "/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=7",
         {},
         {},
         200,
         false},
        {"403 verification",
         "GET",
         "/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=7",
         {},
         {},
         403,
         false},
        {"200 plain GET", "GET", "/webhook", {}, {}, 200, false},
    };
    struct Mode
    {
        const char* name;
        QByteArray version;
        QByteArray connection;
        bool closes;
    };
    const QList<Mode> modes = {
        {"HTTP/1.1", "HTTP/1.1", {}, false},
        {"HTTP/1.1 Connection: close", "HTTP/1.1", "close", true},
        {"HTTP/1.0", "HTTP/1.0", {}, true},
        {"HTTP/1.0 Connection: keep-alive", "HTTP/1.0", "keep-alive", false},
    };
    for (const Path& path : paths) {
        for (const Mode& mode : modes) {
            QTest::addRow("%s, %s", path.name, mode.name)
                << request(path.method, path.target, mode.version, mode.connection, path.headers, path.body)
                << path.status << path.sinkFails << mode.closes;
        }
    }
}

// Every answer says what the connection then does: "Connection: close" and closed by the server
// right after it when the request asked so, "Connection: keep-alive" and open for the next otherwise.
void TestWebhookServer::connectionHeaderMatches()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(bool, sinkFails);
    QFETCH(bool, closes);
    m_sinkFails = sinkFails;
    Client client(m_server->port());
    client.send(request);
    QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, status);
    QCOMPARE(connectionHeader(responses.first().head), closes ? QByteArray("close") : QByteArray("keep-alive"));
    if (closes) {
        QTRY_VERIFY_WITH_TIMEOUT(client.closed, 3000);
        QCOMPARE(responsesIn(client.received).size(), 1);
        return;
    }
    // Still open: a next request on the same connection is answered.
    client.send("GET /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    responses = client.waitResponses(2);
    QCOMPARE(responses.size(), 2);
    QCOMPARE(responses.at(1).status, 200);
    QVERIFY(!client.closed);
}

void TestWebhookServer::slowClientClosedOthersServed()
{
    m_server->setIdleTimeout(300);
    Client slow(m_server->port());
    QVERIFY(slow.waitConnected());
    slow.send("POST /webhook HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"obj"); // and then nothing
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    Client quick(m_server->port());
    quick.send(post(body, WebhookSignature::sign(body, kSecret)));
    QCOMPARE(quick.waitResponses(1).value(0).status, 200);
    QVERIFY(slow.waitFor([&slow] { return slow.closed; }, 3000));
    QCOMPARE(responsesIn(slow.received).value(0).status, 408);
}

void TestWebhookServer::connectionCap()
{
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 300; ++i)
        clients.push_back(std::make_unique<Client>(m_server->port()));
    QTRY_VERIFY_WITH_TIMEOUT(m_server->connectionCount() == WebhookServer::kMaxConnections, 10000);
    int refused = 0;
    QTRY_VERIFY_WITH_TIMEOUT((refused = static_cast<int>(std::count_if(
                                  clients.begin(), clients.end(),
                                  [](const auto& c) { return responsesIn(c->received).value(0).status == 503; }))) ==
                                 300 - WebhookServer::kMaxConnections,
                             10000);
    // the connections already served go on working
    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    Client* served = nullptr;
    for (const auto& c : clients) {
        if (c->received.isEmpty()) {
            served = c.get();
            break;
        }
    }
    QVERIFY(served);
    served->send(post(body, WebhookSignature::sign(body, kSecret)));
    QCOMPARE(served->waitResponses(1).value(0).status, 200);
}

// HTTPS: the same listener behind TLS (a self-signed test certificate): a signed event over TLS is
// stored and answered 200; plain HTTP on that port gets no HTTP answer.
void TestWebhookServer::tls()
{
    m_server = std::make_unique<WebhookServer>();
    m_server->setAppSecret(kSecret);
    m_server->setSink([this](const ReceivedRequest&, const QList<WebhookEvent>& events,
                             std::function<void(bool, const QList<WebhookEvent>&)> done) {
        m_stored.append(events);
        done(true, events);
    });
    QString error;
    QVERIFY2(m_server->setTls(QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-cert.pem"),
                              QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-key.pem"), &error),
             qPrintable(error));
    QVERIFY(m_server->isTls());
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));

    const QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    QSslSocket client;
    client.setPeerVerifyMode(QSslSocket::VerifyNone); // the test's own self-signed certificate
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.isEncrypted(), 10000);
    client.write(post(body, WebhookSignature::sign(body, kSecret), false));
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += client.readAll()).contains("\r\n\r\n"), 10000);
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.constData());
    QCOMPARE(m_stored.size(), 1);
    QCOMPARE(m_stored.first().first().signature, WebhookEvent::Signature::Valid);

    // Plain HTTP to the TLS port: no HTTP answer, nothing stored.
    QTcpSocket plain;
    plain.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(plain.waitForConnected(5000));
    plain.write(post(body, WebhookSignature::sign(body, kSecret), false));
    QTest::qWait(300);
    QVERIFY(!plain.readAll().startsWith("HTTP/1.1 200"));
    QCOMPARE(m_stored.size(), 1);
}

void TestWebhookServer::tlsRefusesBadFiles_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("mentions");
    const QString cert = QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-cert.pem");
    const QString key = QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-key.pem");
    QTest::newRow("missing certificate") << QStringLiteral("/nonexistent/cert.pem") << key
                                         << QStringLiteral("no PEM certificate");
    QTest::newRow("missing key") << cert << QStringLiteral("/nonexistent/key.pem")
                                 << QStringLiteral("cannot read the key");
    QTest::newRow("key is a certificate") << cert << cert << QStringLiteral("no unencrypted PEM private key");
}

void TestWebhookServer::tlsRefusesBadFiles()
{
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, mentions);
    WebhookServer server;
    QString error;
    QVERIFY(!server.setTls(certificate, key, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(!server.isTls());
    // and once listening it is too late
    QVERIFY(!m_server->setTls(QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-cert.pem"),
                              QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-key.pem"), &error));
    QVERIFY(error.contains(QStringLiteral("before")));
}

QTEST_GUILESS_MAIN(TestWebhookServer)
#include "tst_webhookserver.moc"
