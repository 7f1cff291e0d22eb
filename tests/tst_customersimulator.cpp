#include <cmath>
#include <limits>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "ChatModel.h"
#include "CustomerSimulator.h"
#include "DeliveryLogModel.h"
#include "SandboxServer.h"
#include "StatusScheduler.h"
#include "WebhookDeliverer.h"
#include "WebhookEventParser.h"
#include "WebhookServer.h"

using namespace wa;

namespace {

const QByteArray kSecret = "simulator-app-secret";
const QString kAlex = QStringLiteral("16505551234");
const QString kMeiling = QStringLiteral("886912345678");

QByteArray readMessage(const QString& name)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(name));
    return file.readAll();
}

// A message body: a sample's file name, or JSON given inline.
QByteArray messageBody(const QString& sample)
{
    return sample.startsWith(QLatin1Char('{')) ? sample.toUtf8() : readMessage(sample);
}

quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        qFatal("cannot bind");
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

// The bot under test: the app's own listener with the app secret; keeps what it got, answers 500
// to the next `failNext` requests, and calls `onEvent` for each event it accepted.
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
            if (onEvent) {
                for (const WebhookEvent& e : got)
                    onEvent(e);
            }
        });
        QString error;
        if (!server.listen(QHostAddress::LocalHost, 0, &error))
            qFatal("bot cannot listen: %s", qPrintable(error));
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(server.port())); }
    // The customer messages it got (statuses left out).
    QList<WebhookEvent> messages() const
    {
        QList<WebhookEvent> out;
        for (const WebhookEvent& e : events) {
            if (e.kind != WebhookEvent::Kind::Status)
                out.append(e);
        }
        return out;
    }
    QStringList statusesOf(const QString& id) const
    {
        QStringList out;
        for (const WebhookEvent& e : events) {
            if (e.kind == WebhookEvent::Kind::Status && e.id == id)
                out << e.fields.value(QStringLiteral("status")).toString();
        }
        return out;
    }
    QByteArray bodyOf(const QString& id) const
    {
        for (const QByteArray& body : bodies) {
            for (const WebhookEvent& e : WebhookEventParser::parse(body).events) {
                if (e.id == id && e.kind != WebhookEvent::Kind::Status)
                    return body;
            }
        }
        return {};
    }

    WebhookServer server;
    QList<WebhookEvent> events;
    QList<QByteArray> bodies;
    int failNext = 0;
    std::function<void(const WebhookEvent&)> onEvent;
};

} // namespace

class TestCustomerSimulator : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void defaults();
    void actions_data();
    void actions();
    void onPremisesShape();
    void windowOpensWhenTheCustomerWrites();
    void answeredButtonRefused();
    void listStaysUsable();
    void refused_data();
    void refused();
    void noBotUrl_data();
    void noBotUrl();
    void openCta();
    void botDownGivesUp();
    void botRecovers();
    void switchingCustomers();
    void wholeLoop();

private:
    // POSTs a message to the sandbox as the bot would (Cloud API); the id, or empty when refused.
    QString botSends(const QByteArray& body, int* status = nullptr);
    // The same without waiting (for the bot's webhook sink).
    void botSendsLater(const QByteArray& body);

    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<Bot> m_bot;
    std::unique_ptr<CustomerSimulator> m_simulator;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

void TestCustomerSimulator::init()
{
    m_sandbox = std::make_unique<SandboxServer>();
    QString error;
    QVERIFY2(m_sandbox->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    m_bot = std::make_unique<Bot>();
    m_simulator = std::make_unique<CustomerSimulator>(m_sandbox.get());
    m_simulator->setBotWebhook(m_bot->url(), kSecret);
    m_simulator->scheduler()->setDelays(StatusDelays{5, 10, 15, true});
    m_simulator->deliverer()->setRetryPolicy(WebhookRetryPolicy{5000, 50, 3, 200});
    m_tester = std::make_unique<QAbstractItemModelTester>(m_simulator->chat(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
}

void TestCustomerSimulator::cleanup()
{
    m_tester.reset();
    m_simulator.reset();
    m_network.reset();
    m_bot.reset();
    m_sandbox.reset();
}

QString TestCustomerSimulator::botSends(const QByteArray& body, int* status)
{
    QNetworkRequest request(
        QUrl(m_sandbox->baseUrl() + QStringLiteral("/v23.0/%1/messages").arg(m_sandbox->phoneNumberId())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + m_sandbox->accessToken().toUtf8());
    request.setTransferTimeout(10000);
    QNetworkReply* reply = m_network->post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(15000);
    reply->deleteLater();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return QJsonDocument::fromJson(reply->readAll())
        .object()
        .value(QStringLiteral("messages"))
        .toArray()
        .first()
        .toObject()
        .value(QStringLiteral("id"))
        .toString();
}

void TestCustomerSimulator::botSendsLater(const QByteArray& body)
{
    QNetworkRequest request(
        QUrl(m_sandbox->baseUrl() + QStringLiteral("/v23.0/%1/messages").arg(m_sandbox->phoneNumberId())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + m_sandbox->accessToken().toUtf8());
    QNetworkReply* reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
}

void TestCustomerSimulator::defaults()
{
    const QList<SimulatedCustomer> customers = m_simulator->customers();
    QCOMPARE(customers.size(), 3);
    QStringList languages;
    for (const SimulatedCustomer& c : customers) {
        languages << c.language;
        QVERIFY(!c.name.isEmpty());
        QVERIFY(c.waId.size() >= 11 && c.waId.size() <= 15);
        QCOMPARE(digitsOf(c.waId), c.waId);
    }
    QCOMPARE(languages, QStringList({QStringLiteral("en_US"), QStringLiteral("zh_TW"), QStringLiteral("ar")}));
    QCOMPARE(m_simulator->currentCustomer().waId, kAlex);
    QCOMPARE(m_simulator->chat()->customer(), kAlex);
    QCOMPARE(m_simulator->family(), ApiFamily::Cloud);
    const WebhookBusiness business = m_simulator->business();
    QCOMPARE(business.phoneNumberId, m_sandbox->phoneNumberId());
    QCOMPARE(business.displayPhoneNumber, m_sandbox->displayPhoneNumber());
    QCOMPARE(business.wabaId, StatusScheduler::kDefaultWabaId);
    QCOMPARE(m_simulator->scheduler()->target(), m_bot->url());
    QVERIFY(CustomerSimulator::locationPresets().size() >= 3);
    for (const LocationPreset& p : CustomerSimulator::locationPresets()) {
        QVERIFY(p.latitude >= -90 && p.latitude <= 90);
        QVERIFY(p.longitude >= -180 && p.longitude <= 180);
    }
}

void TestCustomerSimulator::actions_data()
{
    QTest::addColumn<QString>("sample"); // what the bot sent first; empty: nothing
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("argument");
    QTest::addColumn<WebhookEvent::Kind>("kind");
    QTest::addColumn<QString>("key"); // of the parsed fields
    QTest::addColumn<QJsonObject>("fields");
    QTest::addColumn<QString>("chatText");

    QTest::newRow("text") << QString() << QStringLiteral("text") << QStringLiteral("Hello, is the shop open?")
                          << WebhookEvent::Kind::Text << QStringLiteral("text")
                          << QJsonObject{{QStringLiteral("body"), QStringLiteral("Hello, is the shop open?")}}
                          << QStringLiteral("Hello, is the shop open?");
    QTest::newRow("button_reply") << QStringLiteral("button-text-header.json") << QStringLiteral("tap")
                                  << QStringLiteral("topup-10") << WebhookEvent::Kind::ButtonReply
                                  << QStringLiteral("button_reply")
                                  << QJsonObject{{QStringLiteral("id"), QStringLiteral("topup-10")},
                                                 {QStringLiteral("title"), QStringLiteral("$10")}}
                                  << QStringLiteral("Tapped “$10”");
    QTest::newRow("list_reply") << QStringLiteral("list-takeout-menu.json") << QStringLiteral("pick")
                                << QStringLiteral("beef-noodle") << WebhookEvent::Kind::ListReply
                                << QStringLiteral("list_reply")
                                << QJsonObject{{QStringLiteral("id"), QStringLiteral("beef-noodle")},
                                               {QStringLiteral("title"), QStringLiteral("Beef noodle soup")},
                                               {QStringLiteral("description"),
                                                QStringLiteral("Slow braised shank, NT$180")}}
                                << QStringLiteral("Picked “Beef noodle soup”");
    QTest::newRow("list_reply without description")
        << QStringLiteral("list-takeout-menu.json") << QStringLiteral("pick") << QStringLiteral("chicken-rice")
        << WebhookEvent::Kind::ListReply << QStringLiteral("list_reply")
        << QJsonObject{{QStringLiteral("id"), QStringLiteral("chicken-rice")},
                       {QStringLiteral("title"), QStringLiteral("Chicken rice")}}
        << QStringLiteral("Picked “Chicken rice”");
    const LocationPreset ferry = CustomerSimulator::locationPresets().at(0);
    QTest::newRow("location answering a request")
        << QStringLiteral("location-request.json") << QStringLiteral("location") << QStringLiteral("0")
        << WebhookEvent::Kind::Location << QStringLiteral("location")
        << QJsonObject{{QStringLiteral("latitude"), ferry.latitude},
                       {QStringLiteral("longitude"), ferry.longitude},
                       {QStringLiteral("name"), ferry.name},
                       {QStringLiteral("address"), ferry.address}}
        << QStringLiteral("📍 Location: ") + ferry.name;
    const LocationPreset pin = CustomerSimulator::locationPresets().last();
    QTest::newRow("dropped pin") << QString() << QStringLiteral("location")
                                 << QString::number(CustomerSimulator::locationPresets().size() - 1)
                                 << WebhookEvent::Kind::Location << QStringLiteral("location")
                                 << QJsonObject{{QStringLiteral("latitude"), pin.latitude},
                                                {QStringLiteral("longitude"), pin.longitude}}
                                 << QStringLiteral("📍 Location: ") + QString::number(pin.latitude, 'g', 10) +
                                        QStringLiteral(", ") + QString::number(pin.longitude, 'g', 10);
    QTest::newRow("nfm_reply") << QStringLiteral("flow.json") << QStringLiteral("flow")
                               << QStringLiteral(R"({"date":"2025-06-20","slot":"10:30"})")
                               << WebhookEvent::Kind::NfmReply << QStringLiteral("nfm_reply")
                               << QJsonObject{{QStringLiteral("name"), QStringLiteral("flow")},
                                              {QStringLiteral("body"), QStringLiteral("Sent")},
                                              {QStringLiteral("response"),
                                               QJsonObject{{QStringLiteral("date"), QStringLiteral("2025-06-20")},
                                                           {QStringLiteral("slot"), QStringLiteral("10:30")},
                                                           // the message's token comes back with the answer
                                                           {QStringLiteral("flow_token"),
                                                            QStringLiteral("AQAAAAACS5FpgQ_cAAAAAD0QI3s.")}}}}
                               << QStringLiteral("Flow response sent");
}

void TestCustomerSimulator::actions()
{
    QFETCH(QString, sample);
    QFETCH(QString, action);
    QFETCH(QString, argument);
    QFETCH(WebhookEvent::Kind, kind);
    QFETCH(QString, key);
    QFETCH(QJsonObject, fields);
    QFETCH(QString, chatText);

    QString businessId;
    if (!sample.isEmpty()) {
        businessId = botSends(messageBody(sample));
        QVERIFY(!businessId.isEmpty());
        QCOMPARE(m_simulator->chat()->rowOf(businessId), 0); // in the chat as soon as accepted
    }
    QVERIFY(!m_sandbox->isWindowOpen(kAlex));
    QSignalSpy sent(m_simulator.get(), &CustomerSimulator::customerMessageSent);
    QSignalSpy queued(m_simulator.get(), &CustomerSimulator::webhookQueued);

    SimulationResult result;
    if (action == QLatin1String("text")) {
        result = m_simulator->sendText(argument);
    } else if (action == QLatin1String("tap")) {
        result = m_simulator->tapButton(businessId, argument);
    } else if (action == QLatin1String("pick")) {
        result = m_simulator->pickRow(businessId, argument);
    } else if (action == QLatin1String("location")) {
        result = m_simulator->shareLocation(businessId, CustomerSimulator::locationPresets().at(argument.toInt()));
    } else {
        result = m_simulator->sendFlowResponse(businessId, QJsonDocument::fromJson(argument.toUtf8()).object());
    }
    QVERIFY2(result.ok(), qPrintable(result.error));
    QVERIFY(result.deliveryId != 0);
    QVERIFY(result.webhook.messageId.startsWith(QStringLiteral("wamid.")));
    QCOMPARE(result.kind, key);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(queued.count(), 1);
    QCOMPARE(queued.first().at(0).toULongLong(), result.deliveryId);
    QCOMPARE(queued.first().at(1).toString(), key);
    QCOMPARE(queued.first().at(2).toByteArray(), result.webhook.body);

    // Writing opened the customer's window in the sandbox.
    QVERIFY(m_sandbox->isWindowOpen(kAlex));

    // The bot got exactly that webhook, signed, and the app's parser reads it as the customer's.
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->messages().size(), 1, 10000);
    const WebhookEvent e = m_bot->messages().first();
    QCOMPARE(m_bot->bodyOf(e.id), result.webhook.body);
    QCOMPARE(e.signature, WebhookEvent::Signature::Valid);
    QCOMPARE(e.kind, kind);
    QCOMPARE(e.id, result.webhook.messageId);
    QCOMPARE(e.contact, kAlex);
    QCOMPARE(e.contactName, QStringLiteral("Alex Morgan"));
    QCOMPARE(e.contextId, businessId);
    if (!businessId.isEmpty())
        QCOMPARE(e.contextFrom, m_sandbox->displayPhoneNumber());
    QCOMPARE(e.phoneNumberId, m_sandbox->phoneNumberId());
    QCOMPARE(e.family, ApiFamily::Cloud);
    QVERIFY(qAbs(e.timestamp.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    // The fields sent, and nothing else but what the parser derives from them.
    const QJsonObject got = e.fields.value(key).toObject();
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it)
        QCOMPARE(got.value(it.key()), it.value());
    for (const QString& name : got.keys()) {
        const bool derived = name == QLatin1String("map_url") || name == QLatin1String("response_json");
        QVERIFY2(fields.contains(name) || derived, qPrintable(name));
    }

    // The chat shows the customer's message after the one it answers, and how its webhook went.
    ChatModel* chat = m_simulator->chat();
    const int row = chat->rowOf(result.webhook.messageId);
    QCOMPARE(row, chat->rowCount() - 1);
    const QModelIndex at = chat->index(row);
    QCOMPARE(at.data(ChatModel::DirectionRole).toInt(), int(ChatEntry::Direction::FromCustomer));
    QCOMPARE(at.data(ChatModel::TextRole).toString(), chatText);
    QCOMPARE(at.data(ChatModel::ContextIdRole).toString(), businessId);
    QCOMPARE(at.data(ChatModel::DeliveryIdRole).toULongLong(), result.deliveryId);
    QTRY_COMPARE_WITH_TIMEOUT(at.data(ChatModel::WebhookStateRole).toInt(), int(ChatEntry::Webhook::Delivered), 10000);
    QVERIFY2(at.data(ChatModel::WebhookTextRole).toString().startsWith(QStringLiteral("delivered HTTP 200 in ")),
             qPrintable(at.data(ChatModel::WebhookTextRole).toString()));
    if (!businessId.isEmpty())
        QCOMPARE(chat->index(0).data(ChatModel::AnsweredRole).toBool(), true);
}

void TestCustomerSimulator::onPremisesShape()
{
    m_simulator->setFamily(ApiFamily::OnPremises);
    const SimulationResult result = m_simulator->sendText(QStringLiteral("hi"));
    QVERIFY2(result.ok(), qPrintable(result.error));
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->messages().size(), 1, 10000);
    const WebhookEvent e = m_bot->messages().first();
    QCOMPARE(e.family, ApiFamily::OnPremises);
    QCOMPARE(e.kind, WebhookEvent::Kind::Text);
    QCOMPARE(e.signature, WebhookEvent::Signature::Valid);
    QCOMPARE(e.contact, kAlex);
    const QJsonObject root = QJsonDocument::fromJson(result.webhook.body).object();
    QVERIFY(!root.contains(QStringLiteral("object")));
    QVERIFY(root.contains(QStringLiteral("messages")));
    QCOMPARE(m_simulator->chat()->entry(result.webhook.messageId)->family, ApiFamily::OnPremises);
}

void TestCustomerSimulator::windowOpensWhenTheCustomerWrites()
{
    m_sandbox->setStrictWindow(true);
    const QByteArray list = readMessage(QStringLiteral("list-takeout-menu.json")); // to Alex
    int status = 0;
    QVERIFY(botSends(list, &status).isEmpty());
    QCOMPARE(status, 400); // 131047: the customer has not written

    QVERIFY(m_simulator->sendText(QStringLiteral("Hi, what's on the menu?")).ok());
    QVERIFY(m_sandbox->isWindowOpen(kAlex));
    QVERIFY(!m_sandbox->isWindowOpen(kMeiling));
    const QString id = botSends(list, &status);
    QCOMPARE(status, 200);
    QVERIFY(!id.isEmpty());
}

void TestCustomerSimulator::answeredButtonRefused()
{
    const QString id = botSends(readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(m_simulator->tapButton(id, QStringLiteral("topup-5")).ok());
    ChatModel* chat = m_simulator->chat();
    QCOMPARE(chat->index(chat->rowOf(id)).data(ChatModel::ActiveRole).toBool(), false);

    QSignalSpy refused(m_simulator.get(), &CustomerSimulator::actionRefused);
    QSignalSpy sent(m_simulator.get(), &CustomerSimulator::customerMessageSent);
    const SimulationResult again = m_simulator->tapButton(id, QStringLiteral("topup-10"));
    QVERIFY(!again.ok());
    QVERIFY2(again.error.contains(QStringLiteral("already answered (Tapped “$5”)")), qPrintable(again.error));
    QCOMPARE(refused.count(), 1);
    QCOMPARE(refused.first().first().toString(), again.error);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(chat->rowCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->messages().size(), 1, 10000);
    QTest::qWait(100);
    QCOMPARE(m_bot->messages().size(), 1);
}

void TestCustomerSimulator::listStaysUsable()
{
    const QString id = botSends(readMessage(QStringLiteral("list-takeout-menu.json")));
    QVERIFY(m_simulator->pickRow(id, QStringLiteral("dan-dan")).ok());
    QVERIFY(m_simulator->pickRow(id, QStringLiteral("lu-rou")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->messages().size(), 2, 10000);
    QCOMPARE(m_bot->messages().at(1).fields.value(QStringLiteral("list_reply")).toObject().value(QStringLiteral("id")),
             QJsonValue(QStringLiteral("lu-rou")));
    QCOMPARE(m_bot->messages().at(1).contextId, id);
}

void TestCustomerSimulator::refused_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("error");

    const QString text = QStringLiteral(R"({"messaging_product":"whatsapp","to":"16505551234","type":"text",)"
                                        R"("text":{"body":"Your order shipped"}})");
    QTest::newRow("unknown button") << QStringLiteral("button-text-header.json") << QStringLiteral("tap")
                                    << QStringLiteral("topup-50")
                                    << QStringLiteral("has no button with id “topup-50”; its buttons are: topup-5, "
                                                      "topup-10, topup-20.");
    QTest::newRow("tap a list") << QStringLiteral("list-takeout-menu.json") << QStringLiteral("tap")
                                << QStringLiteral("beef-noodle")
                                << QStringLiteral("is a list message, not a reply-button message.");
    QTest::newRow("tap a text") << text << QStringLiteral("tap") << QStringLiteral("yes")
                                << QStringLiteral("is a text message, not a reply-button message.");
    QTest::newRow("tap an unknown message") << QString() << QStringLiteral("tap") << QStringLiteral("yes")
                                            << QStringLiteral("No message of the business with id wamid.nope");
    QTest::newRow("pick on buttons") << QStringLiteral("button-text-header.json") << QStringLiteral("pick")
                                     << QStringLiteral("topup-5")
                                     << QStringLiteral("is a button message, not a list message.");
    QTest::newRow("unknown row") << QStringLiteral("list-takeout-menu.json") << QStringLiteral("pick")
                                 << QStringLiteral("pizza")
                                 << QStringLiteral("has no row with id “pizza”; its rows are: beef-noodle, dan-dan, "
                                                   "lu-rou, chicken-rice.");
    QTest::newRow("flow on a list") << QStringLiteral("list-takeout-menu.json") << QStringLiteral("flow")
                                    << QStringLiteral("{}") << QStringLiteral("not a Flow message.");
    QTest::newRow("cta on buttons") << QStringLiteral("button-text-header.json") << QStringLiteral("cta") << QString()
                                    << QStringLiteral("not a CTA URL message.");
    QTest::newRow("latitude 91") << QString() << QStringLiteral("location") << QStringLiteral("91,0")
                                 << QStringLiteral("Latitude 91 is out of range: it must be between -90 and 90.");
    QTest::newRow("latitude -90.5") << QString() << QStringLiteral("location") << QStringLiteral("-90.5,0")
                                    << QStringLiteral("Latitude -90.5 is out of range");
    QTest::newRow("longitude -181") << QString() << QStringLiteral("location") << QStringLiteral("0,-181")
                                    << QStringLiteral("Longitude -181 is out of range: it must be between -180 and "
                                                      "180.");
    QTest::newRow("latitude NaN") << QString() << QStringLiteral("location") << QStringLiteral("nan,0")
                                  << QStringLiteral("Latitude nan is out of range");
    QTest::newRow("location answering nothing")
        << QString() << QStringLiteral("location-context") << QStringLiteral("wamid.nope")
        << QStringLiteral("No message with id wamid.nope in the chat to answer.");
    QTest::newRow("empty text") << QString() << QStringLiteral("text") << QStringLiteral(" \n ")
                                << QStringLiteral("The text is empty");
    QTest::newRow("text too long") << QString() << QStringLiteral("text") << QString(4097, QLatin1Char('x'))
                                   << QStringLiteral("The text is 4097 characters; WhatsApp takes at most 4096.");
}

void TestCustomerSimulator::refused()
{
    QFETCH(QString, sample);
    QFETCH(QString, action);
    QFETCH(QString, argument);
    QFETCH(QString, error);

    QString id = QStringLiteral("wamid.nope");
    if (!sample.isEmpty()) {
        id = botSends(messageBody(sample));
        QVERIFY(!id.isEmpty());
    }
    const int rows = m_simulator->chat()->rowCount();
    QSignalSpy refused(m_simulator.get(), &CustomerSimulator::actionRefused);
    QSignalSpy sent(m_simulator.get(), &CustomerSimulator::customerMessageSent);

    SimulationResult result;
    if (action == QLatin1String("tap")) {
        result = m_simulator->tapButton(id, argument);
    } else if (action == QLatin1String("pick")) {
        result = m_simulator->pickRow(id, argument);
    } else if (action == QLatin1String("flow")) {
        result = m_simulator->sendFlowResponse(id, {});
    } else if (action == QLatin1String("cta")) {
        result = m_simulator->openCta(id);
    } else if (action == QLatin1String("location")) {
        const QStringList parts = argument.split(QLatin1Char(','));
        const double latitude =
            parts.at(0) == QLatin1String("nan") ? std::numeric_limits<double>::quiet_NaN() : parts.at(0).toDouble();
        result = m_simulator->shareLocation(QString(), latitude, parts.at(1).toDouble());
    } else if (action == QLatin1String("location-context")) {
        result = m_simulator->shareLocation(argument, 1, 2);
    } else {
        result = m_simulator->sendText(argument);
    }
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(error), qPrintable(result.error));
    QCOMPARE(result.deliveryId, quint64(0));
    QCOMPARE(refused.count(), 1);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(m_simulator->chat()->rowCount(), rows);
    QVERIFY(!m_sandbox->isWindowOpen(kAlex)); // nothing was written
}

void TestCustomerSimulator::noBotUrl_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("error");
    QTest::newRow("none") << QUrl() << QStringLiteral("No bot webhook URL is set");
    QTest::newRow("ftp") << QUrl(QStringLiteral("ftp://127.0.0.1/hook"))
                         << QStringLiteral("must be http or https with a host, not \"ftp://127.0.0.1/hook\"");
    QTest::newRow("no host") << QUrl(QStringLiteral("http:///hook")) << QStringLiteral("must be http or https");
}

void TestCustomerSimulator::noBotUrl()
{
    QFETCH(QUrl, url);
    QFETCH(QString, error);
    m_simulator->setBotWebhook(url, kSecret);
    const SimulationResult result = m_simulator->sendText(QStringLiteral("hello?"));
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(error), qPrintable(result.error));
    QCOMPARE(m_simulator->chat()->rowCount(), 0);
    QCOMPARE(m_simulator->deliverer()->pendingCount(), 0);
    QVERIFY(!m_sandbox->isWindowOpen(kAlex));
}

void TestCustomerSimulator::openCta()
{
    const QString id = botSends(readMessage(QStringLiteral("cta-url.json")));
    QSignalSpy opened(m_simulator.get(), &CustomerSimulator::ctaOpened);
    QSignalSpy sent(m_simulator.get(), &CustomerSimulator::customerMessageSent);
    const SimulationResult result = m_simulator->openCta(id);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.url, QUrl(QStringLiteral("https://example.com/track?id=1234")));
    QCOMPARE(opened.count(), 1);
    QCOMPARE(sent.count(), 0); // WhatsApp opens the page; the bot hears nothing
    QCOMPARE(result.deliveryId, quint64(0));
    QCOMPARE(m_simulator->chat()->rowCount(), 1);
    QVERIFY(!m_sandbox->isWindowOpen(kAlex));
}

void TestCustomerSimulator::botDownGivesUp()
{
    const quint16 port = closedPort();
    m_simulator->setBotWebhook(QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(port)), kSecret);
    ChatModel* chat = m_simulator->chat();
    QStringList states;
    connect(chat, &QAbstractItemModel::dataChanged, this, [&states](const QModelIndex& from) {
        const QString state = from.data(ChatModel::WebhookTextRole).toString();
        if (states.isEmpty() || states.last() != state)
            states << state;
    });
    QSignalSpy finished(m_simulator->deliverer(), &WebhookDeliverer::deliveryFinished);
    const SimulationResult result = m_simulator->sendText(QStringLiteral("anyone there?"));
    QVERIFY(result.ok());
    QCOMPARE(chat->index(0).data(ChatModel::WebhookTextRole).toString(), QStringLiteral("delivering"));
    QVERIFY(finished.wait(10000));
    const QString refused = QStringLiteral("Connection refused by 127.0.0.1:%1").arg(port);
    QCOMPARE(states, QStringList({QStringLiteral("retrying (attempt 1, next in 0.05 s): ") + refused,
                                  QStringLiteral("retrying (attempt 2, next in 0.1 s): ") + refused,
                                  QStringLiteral("gave up: %1 (3 attempts)").arg(refused)}));
    QCOMPARE(chat->index(0).data(ChatModel::WebhookStateRole).toInt(), int(ChatEntry::Webhook::GaveUp));
    // The customer did write, whatever became of the webhook.
    QVERIFY(m_sandbox->isWindowOpen(kAlex));
}

void TestCustomerSimulator::botRecovers()
{
    m_bot->failNext = 1;
    ChatModel* chat = m_simulator->chat();
    QStringList states;
    connect(chat, &QAbstractItemModel::dataChanged, this, [&states](const QModelIndex& from) {
        const QString state = from.data(ChatModel::WebhookTextRole).toString();
        if (states.isEmpty() || states.last() != state)
            states << state;
    });
    QVERIFY(m_simulator->sendText(QStringLiteral("hello")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(chat->index(0).data(ChatModel::WebhookStateRole).toInt(),
                              int(ChatEntry::Webhook::Delivered), 10000);
    QCOMPARE(states.size(), 2);
    QCOMPARE(states.first(), QStringLiteral("retrying (attempt 1, next in 0.05 s): HTTP 500"));
    QVERIFY2(states.last().startsWith(QStringLiteral("delivered HTTP 200 in ")), qPrintable(states.last()));
    QCOMPARE(chat->index(0).data(ChatModel::AttemptsRole).toInt(), 2);
    QCOMPARE(m_bot->messages().size(), 1);
}

void TestCustomerSimulator::switchingCustomers()
{
    ChatModel* chat = m_simulator->chat();
    QVERIFY(m_simulator->sendText(QStringLiteral("from Alex")).ok());
    QCOMPARE(chat->rowCount(), 1);

    QSignalSpy changed(m_simulator.get(), &CustomerSimulator::currentCustomerChanged);
    QSignalSpy reset(chat, &QAbstractItemModel::modelReset);
    QVERIFY(m_simulator->setCurrentCustomer(QStringLiteral("+886 912-345-678")));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().toString(), kMeiling);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m_simulator->currentCustomer().language, QStringLiteral("zh_TW"));
    QCOMPARE(chat->customer(), kMeiling);
    QCOMPARE(chat->rowCount(), 0);

    const SimulationResult result = m_simulator->sendText(QStringLiteral("你好，請問營業時間？"));
    QVERIFY(result.ok());
    QCOMPARE(chat->rowCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->messages().size(), 2, 10000);
    const WebhookEvent e = m_bot->messages().at(1);
    QCOMPARE(e.contact, kMeiling);
    QCOMPARE(e.contactName, m_simulator->currentCustomer().name);
    QCOMPARE(e.fields.value(QStringLiteral("text")).toObject().value(QStringLiteral("body")).toString(),
             QStringLiteral("你好，請問營業時間？"));
    QVERIFY(m_sandbox->isWindowOpen(kMeiling));

    QVERIFY(!m_simulator->setCurrentCustomer(QStringLiteral("15550000000")));
    QCOMPARE(m_simulator->currentCustomer().waId, kMeiling);
    QVERIFY(m_simulator->setCurrentCustomer(kAlex));
    QCOMPARE(chat->rowCount(), 1);
    QCOMPARE(chat->index(0).data(ChatModel::TextRole).toString(), QStringLiteral("from Alex"));

    // A new list without the current customer: the first becomes current.
    QVERIFY(!m_simulator->setCustomers({}));
    QVERIFY(!m_simulator->setCustomers({{QStringLiteral("Nobody"), QStringLiteral("n/a"), QStringLiteral("en")}}));
    QVERIFY(m_simulator->setCustomers(
        {{QStringLiteral("Sam"), QStringLiteral("+44 7700 900123"), QStringLiteral("en_GB")}}));
    QCOMPARE(m_simulator->currentCustomer().waId, QStringLiteral("447700900123"));
    QCOMPARE(changed.last().first().toString(), QStringLiteral("447700900123"));
    QCOMPARE(chat->customer(), QStringLiteral("447700900123"));
}

void TestCustomerSimulator::wholeLoop()
{
    // The bot: answers a tapped button with a list, quoting the customer's message.
    QList<QString> replies;
    m_bot->onEvent = [this](const WebhookEvent& e) {
        if (e.kind != WebhookEvent::Kind::ButtonReply)
            return;
        QJsonObject list = QJsonDocument::fromJson(readMessage(QStringLiteral("list-takeout-menu.json"))).object();
        list.insert(QStringLiteral("to"), e.contact);
        list.insert(QStringLiteral("context"), QJsonObject{{QStringLiteral("message_id"), e.id}});
        botSendsLater(QJsonDocument(list).toJson(QJsonDocument::Compact));
    };
    DeliveryLogModel log(m_simulator->deliverer());
    connect(m_simulator.get(), &CustomerSimulator::webhookQueued, &log, &DeliveryLogModel::noteQueued);
    m_sandbox->setStrictWindow(true);
    m_sandbox->setWindowFailure(WindowFailure::FailedStatus);
    ChatModel* chat = m_simulator->chat();

    // The customer writes first (the window opens), the bot offers buttons, the customer taps one.
    QVERIFY(m_simulator->sendText(QStringLiteral("Top up please")).ok());
    const QString buttons = botSends(readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(!buttons.isEmpty());
    const SimulationResult tap = m_simulator->tapButton(buttons, QStringLiteral("topup-20"));
    QVERIFY2(tap.ok(), qPrintable(tap.error));

    // The bot's list arrives in the chat, answering the tap.
    QTRY_COMPARE_WITH_TIMEOUT(chat->rowCount(), 4, 10000);
    const QModelIndex listRow = chat->index(3);
    const QString list = listRow.data(ChatModel::EntryIdRole).toString();
    QCOMPARE(listRow.data(ChatModel::DirectionRole).toInt(), int(ChatEntry::Direction::FromBusiness));
    QCOMPARE(listRow.data(ChatModel::MessageTypeRole).toString(), QStringLiteral("list"));
    QCOMPARE(listRow.data(ChatModel::ContextIdRole).toString(), tap.webhook.messageId);
    QCOMPARE(listRow.data(ChatModel::MessageRole).value<Message>().interactive->kind(), InteractiveType::List);

    // Its statuses reach the bot in order, and the chat's ticks follow.
    QTRY_COMPARE_WITH_TIMEOUT(m_bot->statusesOf(list).size(), 3, 10000);
    QCOMPARE(m_bot->statusesOf(list),
             QStringList({QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
    QCOMPARE(m_bot->statusesOf(buttons),
             QStringList({QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
    QTRY_COMPARE_WITH_TIMEOUT(listRow.data(ChatModel::StatusRole).toString(), QStringLiteral("read"), 10000);
    QCOMPARE(chat->index(1).data(ChatModel::StatusRole).toString(), QStringLiteral("read"));
    QCOMPARE(chat->index(1).data(ChatModel::ActiveRole).toBool(), false);
    for (const WebhookEvent& e : m_bot->events)
        QCOMPARE(e.signature, WebhookEvent::Signature::Valid);

    // The delivery log saw every webhook: two customer messages and six statuses.
    QTRY_COMPARE_WITH_TIMEOUT(log.rowCount(), 8, 10000);
    QStringList kinds;
    for (int row = log.rowCount() - 1; row >= 0; --row)
        kinds << log.index(row, DeliveryLogModel::KindColumn).data().toString();
    QCOMPARE(kinds.count(QStringLiteral("text")), 1);
    QCOMPARE(kinds.count(QStringLiteral("button_reply")), 1);
    QCOMPARE(kinds.count(QStringLiteral("status: read")), 2);
    QCOMPARE(kinds.first(), QStringLiteral("text"));
    QTRY_VERIFY_WITH_TIMEOUT(m_simulator->deliverer()->pendingCount() == 0, 10000);
    for (int row = 0; row < log.rowCount(); ++row)
        QCOMPARE(log.index(row, DeliveryLogModel::StateColumn).data().toString(), QStringLiteral("delivered"));
}

QTEST_GUILESS_MAIN(TestCustomerSimulator)
#include "tst_customersimulator.moc"
