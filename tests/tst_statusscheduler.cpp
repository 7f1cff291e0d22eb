#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>

#include "SandboxServer.h"
#include "StatusScheduler.h"
#include "WebhookDeliverer.h"
#include "WebhookEventParser.h"
#include "WebhookServer.h"

using namespace wa;

namespace {

const QByteArray kSecret = "bot-app-secret";

QByteArray readMessage(const QString& name)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(name));
    return file.readAll();
}

// The bot under test: the app's own listener, checking signatures with the app secret. Its sink
// keeps what arrived; `failNext` requests are answered 500.
struct Bot
{
    Bot()
    {
        server.setAppSecret(kSecret);
        server.setSink([this](const ReceivedRequest& request, const QList<WebhookEvent>& got,
                              std::function<void(bool, const QList<WebhookEvent>&)> done) {
            if (failNext > 0) {
                --failNext;
                done(false, {});
                return;
            }
            bodies.append(request.request.body);
            events.append(got);
            done(true, got);
        });
        QString error;
        if (!server.listen(QHostAddress::LocalHost, 0, &error))
            qFatal("bot cannot listen: %s", qPrintable(error));
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(server.port())); }
    QStringList statuses() const
    {
        QStringList out;
        for (const WebhookEvent& e : events)
            out << e.fields.value(QStringLiteral("status")).toString();
        return out;
    }

    WebhookServer server;
    QList<WebhookEvent> events;
    QList<QByteArray> bodies;
    int failNext = 0;
};

} // namespace

class TestStatusScheduler : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void sentDeliveredRead_data();
    void sentDeliveredRead();
    void orderKeptWhateverTheDelays();
    void readDisabled();
    void failedOutsideTheWindow_data();
    void failedOutsideTheWindow();
    void orderKeptThroughRetries();
    void cancelPending();
    void noTarget();
    void disabled();
    void business();

private:
    // POSTs a message to the sandbox as a bot would; its id, or empty (and a failure) when refused.
    QString sendToSandbox(const QByteArray& body, bool onPremises = false);

    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<WebhookDeliverer> m_deliverer;
    std::unique_ptr<StatusScheduler> m_scheduler;
    std::unique_ptr<Bot> m_bot;
    std::unique_ptr<QNetworkAccessManager> m_network;
    int m_lastStatus = 0;
};

void TestStatusScheduler::init()
{
    m_sandbox = std::make_unique<SandboxServer>();
    QString error;
    QVERIFY2(m_sandbox->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    m_deliverer = std::make_unique<WebhookDeliverer>();
    m_scheduler = std::make_unique<StatusScheduler>(m_sandbox.get(), m_deliverer.get());
    m_scheduler->setDelays(StatusDelays{20, 60, 100, true});
    m_bot = std::make_unique<Bot>();
    m_scheduler->setTarget(m_bot->url(), kSecret);
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
}

void TestStatusScheduler::cleanup()
{
    m_scheduler.reset();
    m_deliverer.reset();
    m_network.reset();
    m_bot.reset();
    m_sandbox.reset();
}

QString TestStatusScheduler::sendToSandbox(const QByteArray& body, bool onPremises)
{
    QByteArray token = SandboxServer::kDefaultAccessToken.toUtf8();
    QByteArray payload = body;
    QString path = QStringLiteral("/v23.0/%1/messages").arg(SandboxServer::kDefaultPhoneNumberId);
    const auto post = [this](const QString& at, const QByteArray& authorization, const QByteArray& data) {
        QNetworkRequest request(QUrl(m_sandbox->baseUrl() + at));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", authorization);
        request.setTransferTimeout(10000);
        QNetworkReply* reply = m_network->post(request, data);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(15000);
        reply->deleteLater();
        m_lastStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        return QJsonDocument::fromJson(reply->readAll()).object();
    };
    if (onPremises) {
        const QByteArray basic =
            "Basic " + (SandboxServer::kDefaultLoginUser + QLatin1Char(':') + SandboxServer::kDefaultLoginPassword)
                           .toUtf8()
                           .toBase64();
        const QJsonObject login = post(QStringLiteral("/v1/users/login"), basic, {});
        token = login.value(QStringLiteral("users"))
                    .toArray()
                    .first()
                    .toObject()
                    .value(QStringLiteral("token"))
                    .toString()
                    .toUtf8();
        QJsonObject object = QJsonDocument::fromJson(body).object();
        object.remove(QStringLiteral("messaging_product"));
        payload = QJsonDocument(object).toJson(QJsonDocument::Compact);
        path = QStringLiteral("/v1/messages");
    }
    const QJsonObject answer = post(path, "Bearer " + token, payload);
    return answer.value(QStringLiteral("messages")).toArray().first().toObject().value(QStringLiteral("id")).toString();
}

void TestStatusScheduler::sentDeliveredRead_data()
{
    QTest::addColumn<bool>("onPremises");
    QTest::newRow("Cloud API") << false;
    QTest::newRow("On-Premises") << true;
}

void TestStatusScheduler::sentDeliveredRead()
{
    QFETCH(bool, onPremises);
    QSignalSpy changed(m_scheduler.get(), &StatusScheduler::statusChanged);
    QSignalSpy queued(m_scheduler.get(), &StatusScheduler::statusQueued);
    const QString id = sendToSandbox(readMessage(QStringLiteral("list-takeout-menu.json")), onPremises);
    QCOMPARE(m_lastStatus, onPremises ? 201 : 200);
    QVERIFY(!id.isEmpty());

    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 3, 10000);
    QCOMPARE(m_bot->statuses(),
             QStringList({QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
    for (int i = 0; i < 3; ++i) {
        const WebhookEvent& e = m_bot->events.at(i);
        QCOMPARE(e.kind, WebhookEvent::Kind::Status);
        QCOMPARE(e.id, id);
        QCOMPARE(e.contact, QStringLiteral("16505551234"));
        QCOMPARE(e.signature, WebhookEvent::Signature::Valid);
        QCOMPARE(e.family, onPremises ? ApiFamily::OnPremises : ApiFamily::Cloud);
        // What the bot got parses the same with the app's parser, on its own.
        const WebhookParseResult parsed = WebhookEventParser::parse(m_bot->bodies.at(i));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.events.size(), 1);
        QCOMPARE(parsed.events.first().kind, WebhookEvent::Kind::Status);
    }
    // Only sent carries conversation and pricing, like Meta's samples.
    QVERIFY(m_bot->events.at(0).fields.contains(QStringLiteral("pricing")));
    QVERIFY(!m_bot->events.at(2).fields.contains(QStringLiteral("pricing")));

    QCOMPARE(changed.count(), 3);
    QCOMPARE(queued.count(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(changed.at(i).at(0).toString(), id);
        QCOMPARE(changed.at(i).at(1).toString(), m_bot->statuses().at(i));
        QVERIFY(changed.at(i).at(2).toString().isEmpty());
        QVERIFY(queued.at(i).at(2).toULongLong() != 0);
        QCOMPARE(queued.at(i).at(3).toByteArray(), m_bot->bodies.at(i));
    }
}

void TestStatusScheduler::orderKeptWhateverTheDelays()
{
    // Read set before delivered before sent: still sent, delivered, read.
    m_scheduler->setDelays(StatusDelays{80, 40, 0, true});
    const QString id = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 3, 10000);
    QCOMPARE(m_bot->statuses(),
             QStringList({QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
}

void TestStatusScheduler::readDisabled()
{
    m_scheduler->setDelays(StatusDelays{10, 30, 60, false});
    QSignalSpy changed(m_scheduler.get(), &StatusScheduler::statusChanged);
    const QString id = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 2, 10000);
    QTest::qWait(200); // well past when read would have gone
    QCOMPARE(m_bot->statuses(), QStringList({QStringLiteral("sent"), QStringLiteral("delivered")}));
    QCOMPARE(changed.count(), 2);
}

void TestStatusScheduler::failedOutsideTheWindow_data()
{
    QTest::addColumn<bool>("onPremises");
    QTest::addColumn<int>("code");
    QTest::newRow("Cloud API") << false << 131047;
    QTest::newRow("On-Premises") << true << 470;
}

void TestStatusScheduler::failedOutsideTheWindow()
{
    QFETCH(bool, onPremises);
    QFETCH(int, code);
    m_sandbox->setStrictWindow(true);
    m_sandbox->setWindowFailure(WindowFailure::FailedStatus);
    QSignalSpy changed(m_scheduler.get(), &StatusScheduler::statusChanged);
    const QString id = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")), onPremises);
    QCOMPARE(m_lastStatus, onPremises ? 201 : 200); // accepted, as Meta sometimes does
    QVERIFY(!id.isEmpty());

    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 1, 10000);
    QTest::qWait(200); // no sent, delivered or read follow
    QCOMPARE(m_bot->events.size(), 1);
    const WebhookEvent& e = m_bot->events.first();
    QCOMPARE(e.kind, WebhookEvent::Kind::Status);
    QCOMPARE(e.id, id);
    QCOMPARE(e.signature, WebhookEvent::Signature::Valid);
    QCOMPARE(e.fields.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    const QJsonObject error = e.fields.value(QStringLiteral("errors")).toArray().first().toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toInt(), code);
    QCOMPARE(error.value(QStringLiteral("title")).toString(), QStringLiteral("Re-engagement message"));
    QCOMPARE(error.value(QStringLiteral("error_data")).toObject().value(QStringLiteral("details")).toString(),
             QStringLiteral("Message failed to send because more than 24 hours have passed since the customer last "
                            "replied to this number."));

    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(1).toString(), QStringLiteral("failed"));
    QVERIFY2(changed.first().at(2).toString().startsWith(QStringLiteral("(#%1) Re-engagement message: ").arg(code)),
             qPrintable(changed.first().at(2).toString()));

    // Once the customer wrote, the next message is an ordinary one.
    m_sandbox->noteCustomerMessage(QStringLiteral("16505551234"), QDateTime::currentDateTimeUtc());
    const QString next = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")), onPremises);
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 4, 10000);
    QCOMPARE(m_bot->events.at(3).id, next);
    QCOMPARE(m_bot->statuses().mid(1),
             QStringList({QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
}

void TestStatusScheduler::orderKeptThroughRetries()
{
    // The bot fails the first delivery (500): sent is retried, and delivered and read wait for it.
    m_deliverer->setRetryPolicy(WebhookRetryPolicy{5000, 100, 3, 1000});
    m_scheduler->setDelays(StatusDelays{0, 5, 10, true});
    m_bot->failNext = 1;
    const QString id = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 3, 10000);
    QCOMPARE(m_bot->failNext, 0);
    QCOMPARE(m_bot->statuses(),
             QStringList({QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
    QCOMPARE(m_bot->events.first().id, id);
}

void TestStatusScheduler::cancelPending()
{
    m_scheduler->setDelays(StatusDelays{10, 300, 400, true});
    QSignalSpy changed(m_scheduler.get(), &StatusScheduler::statusChanged);
    const QString id = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(!id.isEmpty());
    QVERIFY(changed.wait(10000)); // sent: cancel right away, well before delivered
    QCOMPARE(changed.count(), 1);
    m_scheduler->cancelPending();
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 1, 10000); // sent was queued before
    QTest::qWait(600);                                         // past delivered and read
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_bot->statuses(), QStringList({QStringLiteral("sent")}));

    // Messages accepted after the cancel get their statuses.
    sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 4, 10000);
}

void TestStatusScheduler::noTarget()
{
    m_scheduler->setTarget(QUrl(), {});
    QSignalSpy changed(m_scheduler.get(), &StatusScheduler::statusChanged);
    QSignalSpy queued(m_scheduler.get(), &StatusScheduler::statusQueued);
    const QString id = sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 3, 10000);
    QCOMPARE(queued.count(), 3);
    for (const QList<QVariant>& q : queued)
        QCOMPARE(q.at(2).toULongLong(), quint64(0));
    QCOMPARE(m_deliverer->pendingCount(), 0);
    QTest::qWait(100);
    QVERIFY(m_bot->events.isEmpty());
}

void TestStatusScheduler::disabled()
{
    m_scheduler->setEnabled(false);
    QSignalSpy changed(m_scheduler.get(), &StatusScheduler::statusChanged);
    QVERIFY(!sendToSandbox(readMessage(QStringLiteral("button-text-header.json"))).isEmpty());
    QTest::qWait(250);
    QCOMPARE(changed.count(), 0);
    QVERIFY(m_bot->events.isEmpty());
}

void TestStatusScheduler::business()
{
    m_scheduler->setDelays(StatusDelays{0, 0, 0, false});
    // By default the sandbox's number and the default WABA id.
    m_sandbox->setDisplayPhoneNumber(QStringLiteral("+1 555-010-0001"));
    sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 2, 10000);
    QCOMPARE(m_bot->events.first().phoneNumberId, SandboxServer::kDefaultPhoneNumberId);
    QCOMPARE(m_bot->events.first().displayPhoneNumber, QStringLiteral("15550100001"));
    const QJsonObject root = QJsonDocument::fromJson(m_bot->bodies.first()).object();
    QCOMPARE(root.value(QStringLiteral("entry")).toArray().first().toObject().value(QStringLiteral("id")).toString(),
             StatusScheduler::kDefaultWabaId);

    // A business set: its fields; the empty ones still the sandbox's.
    m_scheduler->setBusiness(
        WebhookBusiness{QStringLiteral("102290129340398"), QString(), QStringLiteral("15550783881")});
    sendToSandbox(readMessage(QStringLiteral("button-text-header.json")));
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->events.size(), 4, 10000);
    QCOMPARE(m_bot->events.at(2).phoneNumberId, SandboxServer::kDefaultPhoneNumberId);
    QCOMPARE(m_bot->events.at(2).displayPhoneNumber, QStringLiteral("15550783881"));
    const QJsonObject second = QJsonDocument::fromJson(m_bot->bodies.at(2)).object();
    QCOMPARE(second.value(QStringLiteral("entry")).toArray().first().toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("102290129340398"));
}

QTEST_GUILESS_MAIN(TestStatusScheduler)
#include "tst_statusscheduler.moc"
