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
#include <QTest>

#include "ChatModel.h"
#include "MessageCodec.h"
#include "SandboxServer.h"
#include "WebhookDeliverer.h"

using namespace wa;

namespace {

const QString kAlex = QStringLiteral("16505551234");
const QString kMeiling = QStringLiteral("886912345678");

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

// messages[0] of a Cloud API webhook sample.
QJsonObject inboundOf(const QString& sample)
{
    const QJsonObject root =
        QJsonDocument::fromJson(readFile(QStringLiteral(WA_SAMPLES_DIR "/webhooks/") + sample)).object();
    const QJsonObject value = root.value(QStringLiteral("entry"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QStringLiteral("changes"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QStringLiteral("value"))
                                  .toObject();
    return value.value(QStringLiteral("messages")).toArray().first().toObject();
}

// A message as the sandbox accepts it, decoded like the sandbox does.
SandboxMessage businessMessage(const QString& id, const QByteArray& body)
{
    SandboxMessage m;
    m.id = id;
    m.payload = QJsonDocument::fromJson(body).object();
    m.type = m.payload.value(QStringLiteral("type")).toString();
    m.waId = digitsOf(m.payload.value(QStringLiteral("to")).toString());
    m.time = QDateTime::currentDateTimeUtc();
    if (m.type == QLatin1String("interactive"))
        m.message = MessageCodec::decode(body).message;
    return m;
}

QJsonObject customerText(const QString& id, const QString& from, const QString& body, const QString& contextId = {})
{
    QJsonObject m{{QStringLiteral("from"), from},
                  {QStringLiteral("id"), id},
                  {QStringLiteral("timestamp"), QStringLiteral("1750000000")},
                  {QStringLiteral("type"), QStringLiteral("text")},
                  {QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), body}}}};
    if (!contextId.isEmpty())
        m.insert(QStringLiteral("context"), QJsonObject{{QStringLiteral("from"), QStringLiteral("15550100001")},
                                                        {QStringLiteral("id"), contextId}});
    return m;
}

QJsonObject withContext(QJsonObject message, const QString& contextId)
{
    QJsonObject context = message.value(QStringLiteral("context")).toObject();
    context.insert(QStringLiteral("id"), contextId);
    message.insert(QStringLiteral("context"), context);
    return message;
}

QList<int> rolesOf(const QSignalSpy& spy, int i)
{
    return spy.at(i).at(2).value<QList<int>>();
}

} // namespace

class TestChatModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void businessMessageOnAcceptance();
    void businessTexts_data();
    void businessTexts();
    void customerEntries_data();
    void customerEntries();
    void ticksFollowStatuses();
    void failedStatus();
    void answeredButtons();
    void listStaysActive();
    void webhookDeliveryStates();
    void setCustomerFilters();
    void duplicatesAndBadInput();
    void bounded();
    void clear();

private:
    std::unique_ptr<ChatModel> m_chat;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestChatModel::init()
{
    m_chat = std::make_unique<ChatModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(m_chat.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_chat->setCustomer(kAlex);
}

void TestChatModel::cleanup()
{
    m_tester.reset();
    m_chat.reset();
}

void TestChatModel::businessMessageOnAcceptance()
{
    // Wired to a real sandbox as the simulator does: what a bot POSTs appears, decoded.
    SandboxServer sandbox;
    QString error;
    QVERIFY2(sandbox.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    connect(&sandbox, &SandboxServer::messageAccepted, m_chat.get(), &ChatModel::appendBusinessMessage);
    QSignalSpy inserted(m_chat.get(), &QAbstractItemModel::rowsInserted);

    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(
        QUrl(sandbox.baseUrl() + QStringLiteral("/v23.0/%1/messages").arg(sandbox.phoneNumberId())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + sandbox.accessToken().toUtf8());
    QNetworkReply* reply = network.post(request, readMessage(QStringLiteral("reply-context.json")));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    reply->deleteLater();
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QString id = QJsonDocument::fromJson(reply->readAll())
                           .object()
                           .value(QStringLiteral("messages"))
                           .toArray()
                           .first()
                           .toObject()
                           .value(QStringLiteral("id"))
                           .toString();

    QCOMPARE(inserted.count(), 1);
    QCOMPARE(m_chat->rowCount(), 1);
    const QModelIndex at = m_chat->index(0);
    QCOMPARE(at.data(ChatModel::EntryIdRole).toString(), id);
    QCOMPARE(at.data(ChatModel::DirectionRole).toInt(), int(ChatEntry::Direction::FromBusiness));
    QCOMPARE(at.data(ChatModel::CustomerRole).toString(), kAlex);
    QCOMPARE(at.data(ChatModel::MessageTypeRole).toString(), QStringLiteral("button"));
    QVERIFY(at.data(ChatModel::TimeRole).toDateTime().isValid());
    QCOMPARE(at.data(ChatModel::PayloadRole).toJsonObject(),
             QJsonDocument::fromJson(readMessage(QStringLiteral("reply-context.json"))).object());
    const QVariant decoded = at.data(ChatModel::MessageRole);
    QVERIFY(decoded.canConvert<Message>());
    const Message message = decoded.value<Message>();
    QCOMPARE(message.interactive->kind(), InteractiveType::Button);
    QCOMPARE(message.interactive->action->buttons->size(), size_t(2));
    QCOMPARE(at.data(ChatModel::ContextIdRole).toString(),
             QJsonDocument::fromJson(readMessage(QStringLiteral("reply-context.json")))
                 .object()
                 .value(QStringLiteral("context"))
                 .toObject()
                 .value(QStringLiteral("message_id"))
                 .toString());
    QCOMPARE(at.data(ChatModel::StatusRole).toString(), QString());
    QCOMPARE(at.data(ChatModel::AnsweredRole).toBool(), false);
    QCOMPARE(at.data(ChatModel::ActiveRole).toBool(), true);
    QCOMPARE(at.data(Qt::DisplayRole).toString(), at.data(ChatModel::TextRole).toString());
    QVERIFY(!at.data(ChatModel::TextRole).toString().isEmpty());
    QCOMPARE(m_chat->rowOf(id), 0);
    QCOMPARE(m_chat->entry(id)->waId, kAlex);
}

void TestChatModel::businessTexts_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("text");
    QTest::newRow("text") << QByteArray(R"({"type":"text","text":{"body":"Hello\n  there"}})")
                          << QStringLiteral("Hello there");
    QTest::newRow("interactive body") << QByteArray(R"({"type":"interactive","interactive":{"type":"list",)"
                                                    R"("body":{"text":"Pick a dish"}}})")
                                      << QStringLiteral("Pick a dish");
    QTest::newRow("interactive without body")
        << QByteArray(R"({"type":"interactive","interactive":{"type":"product"}})")
        << QStringLiteral("Product message");
    QTest::newRow("template") << QByteArray(R"({"type":"template","template":{"name":"hello_world"}})")
                              << QStringLiteral("Template “hello_world”");
    QTest::newRow("image with caption") << QByteArray(R"({"type":"image","image":{"link":"https://x/y.png",)"
                                                      R"("caption":"Your receipt"}})")
                                        << QStringLiteral("Image: Your receipt");
    QTest::newRow("document") << QByteArray(R"({"type":"document","document":{"filename":"invoice.pdf"}})")
                              << QStringLiteral("Document: invoice.pdf");
    QTest::newRow("location") << QByteArray(R"({"type":"location","location":{"latitude":1,"longitude":2,)"
                                            R"("name":"Shop"}})")
                              << QStringLiteral("📍 Location: Shop");
    QTest::newRow("no type") << QByteArray("{}") << QStringLiteral("Message");
    const QString longBody = QString(400, QLatin1Char('a'));
    QTest::newRow("long") << QStringLiteral(R"({"type":"text","text":{"body":"%1"}})").arg(longBody).toUtf8()
                          << QString(299, QLatin1Char('a')) + QChar(0x2026);
}

void TestChatModel::businessTexts()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, text);
    QCOMPARE(ChatModel::businessText(QJsonDocument::fromJson(payload).object()), text);
}

void TestChatModel::customerEntries_data()
{
    QTest::addColumn<QJsonObject>("message");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("type");
    QTest::newRow("text") << inboundOf(QStringLiteral("cloud-text.json")) << QString() << QStringLiteral("text");
    QTest::newRow("button_reply") << inboundOf(QStringLiteral("cloud-button-reply.json")) << QStringLiteral("Tapped “")
                                  << QStringLiteral("button_reply");
    QTest::newRow("list_reply") << inboundOf(QStringLiteral("cloud-list-reply.json")) << QStringLiteral("Picked “")
                                << QStringLiteral("list_reply");
    QTest::newRow("location") << inboundOf(QStringLiteral("cloud-location.json")) << QStringLiteral("📍 Location: ")
                              << QStringLiteral("location");
    QTest::newRow("location bare") << inboundOf(QStringLiteral("cloud-location-bare.json"))
                                   << QStringLiteral("📍 Location: ") << QStringLiteral("location");
    QTest::newRow("nfm_reply") << inboundOf(QStringLiteral("cloud-nfm-reply.json"))
                               << QStringLiteral("Flow response sent") << QStringLiteral("nfm_reply");
    QTest::newRow("template button") << inboundOf(QStringLiteral("cloud-template-button.json"))
                                     << QStringLiteral("Tapped “") << QStringLiteral("button");
}

void TestChatModel::customerEntries()
{
    QFETCH(QJsonObject, message);
    QFETCH(QString, text);
    QFETCH(QString, type);
    QVERIFY(!message.isEmpty());
    QSignalSpy inserted(m_chat.get(), &QAbstractItemModel::rowsInserted);
    const QString from = message.value(QStringLiteral("from")).toString();
    m_chat->setCustomer(from);
    QVERIFY(m_chat->appendCustomerMessage(from, message, ApiFamily::Cloud, 7));
    QCOMPARE(inserted.count(), 1);
    const QModelIndex at = m_chat->index(0);
    QCOMPARE(at.data(ChatModel::EntryIdRole).toString(), message.value(QStringLiteral("id")).toString());
    QCOMPARE(at.data(ChatModel::DirectionRole).toInt(), int(ChatEntry::Direction::FromCustomer));
    QCOMPARE(at.data(ChatModel::MessageTypeRole).toString(), type);
    QCOMPARE(at.data(ChatModel::PayloadRole).toJsonObject(), message);
    QVERIFY(!at.data(ChatModel::MessageRole).isValid());
    QCOMPARE(at.data(ChatModel::ContextIdRole).toString(),
             message.value(QStringLiteral("context")).toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(
        at.data(ChatModel::TimeRole).toDateTime(),
        QDateTime::fromSecsSinceEpoch(message.value(QStringLiteral("timestamp")).toString().toLongLong(), Qt::UTC));
    const QString shown = at.data(ChatModel::TextRole).toString();
    if (type == QLatin1String("text"))
        QCOMPARE(shown, message.value(QStringLiteral("text")).toObject().value(QStringLiteral("body")).toString());
    else if (type == QLatin1String("nfm_reply"))
        QCOMPARE(shown, text);
    else // the title or place follows
        QVERIFY2(shown.startsWith(text) && shown.size() > text.size() + 1, qPrintable(shown));
    QCOMPARE(at.data(ChatModel::DeliveryIdRole).toULongLong(), quint64(7));
    QCOMPARE(at.data(ChatModel::WebhookStateRole).toInt(), int(ChatEntry::Webhook::Delivering));
    QCOMPARE(at.data(ChatModel::WebhookTextRole).toString(), QStringLiteral("delivering"));
    QCOMPARE(at.data(ChatModel::ActiveRole).toBool(), false);
}

void TestChatModel::ticksFollowStatuses()
{
    const SandboxMessage m =
        businessMessage(QStringLiteral("wamid.A"), readMessage(QStringLiteral("list-takeout-menu.json")));
    QVERIFY(m_chat->appendBusinessMessage(m));
    QSignalSpy changed(m_chat.get(), &QAbstractItemModel::dataChanged);
    const QModelIndex at = m_chat->index(0);

    for (const char* status : {"sent", "delivered", "read"}) {
        QVERIFY(m_chat->setStatus(m.id, QLatin1String(status)));
        QCOMPARE(at.data(ChatModel::StatusRole).toString(), QLatin1String(status));
    }
    QCOMPARE(changed.count(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(changed.at(i).at(0).toModelIndex(), at);
        QVERIFY(rolesOf(changed, i).contains(ChatModel::StatusRole));
    }
    // Late or repeated statuses do not take the ticks back.
    QVERIFY(m_chat->setStatus(m.id, QStringLiteral("delivered")));
    QVERIFY(m_chat->setStatus(m.id, QStringLiteral("read")));
    QCOMPARE(at.data(ChatModel::StatusRole).toString(), QStringLiteral("read"));
    QCOMPARE(changed.count(), 3);
    // Read may come without delivered.
    const SandboxMessage other =
        businessMessage(QStringLiteral("wamid.B"), readMessage(QStringLiteral("cta-url.json")));
    QVERIFY(m_chat->appendBusinessMessage(other));
    QVERIFY(m_chat->setStatus(other.id, QStringLiteral("read")));
    QCOMPARE(m_chat->entry(other.id)->status, ChatEntry::Status::Read);

    QVERIFY(!m_chat->setStatus(QStringLiteral("wamid.unknown"), QStringLiteral("sent")));
    QVERIFY(!m_chat->setStatus(m.id, QStringLiteral("seen")));
}

void TestChatModel::failedStatus()
{
    const SandboxMessage m =
        businessMessage(QStringLiteral("wamid.F"), readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(m_chat->appendBusinessMessage(m));
    QSignalSpy changed(m_chat.get(), &QAbstractItemModel::dataChanged);
    const QString why = QStringLiteral("(#131047) Re-engagement message: Message failed to send …");
    QVERIFY(m_chat->setStatus(m.id, QStringLiteral("failed"), why));
    const QModelIndex at = m_chat->index(0);
    QCOMPARE(at.data(ChatModel::StatusRole).toString(), QStringLiteral("failed"));
    QCOMPARE(at.data(ChatModel::StatusErrorRole).toString(), why);
    QCOMPARE(at.data(Qt::ToolTipRole).toString(), why);
    QVERIFY(rolesOf(changed, 0).contains(ChatModel::StatusErrorRole));
    // Nothing turns a failure into a tick.
    QVERIFY(m_chat->setStatus(m.id, QStringLiteral("read")));
    QCOMPARE(at.data(ChatModel::StatusRole).toString(), QStringLiteral("failed"));
}

void TestChatModel::answeredButtons()
{
    const SandboxMessage m =
        businessMessage(QStringLiteral("wamid.BTN"), readMessage(QStringLiteral("button-text-header.json")));
    QVERIFY(m_chat->appendBusinessMessage(m));
    QCOMPARE(m_chat->index(0).data(ChatModel::ActiveRole).toBool(), true);
    QSignalSpy changed(m_chat.get(), &QAbstractItemModel::dataChanged);

    // A text that does not answer it changes nothing.
    QVERIFY(m_chat->appendCustomerMessage(kAlex, customerText(QStringLiteral("wamid.T1"), kAlex, QStringLiteral("hm")),
                                          ApiFamily::Cloud));
    QCOMPARE(changed.count(), 0);

    const QJsonObject tap = withContext(inboundOf(QStringLiteral("cloud-button-reply.json")), m.id);
    QVERIFY(m_chat->appendCustomerMessage(kAlex, tap, ApiFamily::Cloud));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex(), m_chat->index(0));
    QVERIFY(rolesOf(changed, 0).contains(ChatModel::AnsweredRole));
    QVERIFY(rolesOf(changed, 0).contains(ChatModel::ActiveRole));
    QCOMPARE(m_chat->index(0).data(ChatModel::AnsweredRole).toBool(), true);
    QCOMPARE(m_chat->index(0).data(ChatModel::ActiveRole).toBool(), false);
    QCOMPARE(m_chat->entry(m.id)->answeredBy, tap.value(QStringLiteral("id")).toString());
    QCOMPARE(m_chat->index(2).data(ChatModel::ContextIdRole).toString(), m.id);
}

void TestChatModel::listStaysActive()
{
    const SandboxMessage m =
        businessMessage(QStringLiteral("wamid.LIST"), readMessage(QStringLiteral("list-takeout-menu.json")));
    QVERIFY(m_chat->appendBusinessMessage(m));
    const QJsonObject pick = withContext(inboundOf(QStringLiteral("cloud-list-reply.json")), m.id);
    QVERIFY(m_chat->appendCustomerMessage(kAlex, pick, ApiFamily::Cloud));
    QCOMPARE(m_chat->index(0).data(ChatModel::AnsweredRole).toBool(), true);
    QCOMPARE(m_chat->index(0).data(ChatModel::ActiveRole).toBool(), true);
}

void TestChatModel::webhookDeliveryStates()
{
    QVERIFY(m_chat->appendCustomerMessage(kAlex, customerText(QStringLiteral("wamid.C1"), kAlex, QStringLiteral("a")),
                                          ApiFamily::Cloud, 41));
    QVERIFY(m_chat->appendCustomerMessage(kAlex, customerText(QStringLiteral("wamid.C2"), kAlex, QStringLiteral("b")),
                                          ApiFamily::Cloud, 42));
    QSignalSpy changed(m_chat.get(), &QAbstractItemModel::dataChanged);
    const QModelIndex first = m_chat->index(0);
    const QModelIndex second = m_chat->index(1);

    WebhookDeliveryAttempt attempt;
    attempt.deliveryId = 41;
    attempt.attempt = 1;
    attempt.httpStatus = 500;
    attempt.error = QStringLiteral("HTTP 500");
    attempt.elapsedMs = 3;
    attempt.willRetry = true;
    attempt.retryInMs = 200;
    m_chat->noteAttempt(attempt);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex(), first);
    QVERIFY(rolesOf(changed, 0).contains(ChatModel::WebhookTextRole));
    QCOMPARE(first.data(ChatModel::WebhookStateRole).toInt(), int(ChatEntry::Webhook::Retrying));
    QCOMPARE(first.data(ChatModel::WebhookTextRole).toString(),
             QStringLiteral("retrying (attempt 1, next in 0.2 s): HTTP 500"));

    attempt.attempt = 2;
    attempt.httpStatus = 200;
    attempt.error.clear();
    attempt.elapsedMs = 12;
    attempt.willRetry = false;
    m_chat->noteAttempt(attempt);
    WebhookDeliveryResult result;
    result.deliveryId = 41;
    result.delivered = true;
    result.httpStatus = 200;
    result.attempts = 2;
    m_chat->noteFinished(result);
    QCOMPARE(first.data(ChatModel::WebhookStateRole).toInt(), int(ChatEntry::Webhook::Delivered));
    QCOMPARE(first.data(ChatModel::WebhookTextRole).toString(), QStringLiteral("delivered HTTP 200 in 12 ms"));
    QCOMPARE(first.data(ChatModel::AttemptsRole).toInt(), 2);
    QCOMPARE(first.data(ChatModel::LatencyRole).toLongLong(), 12);

    WebhookDeliveryResult gaveUp;
    gaveUp.deliveryId = 42;
    gaveUp.error = QStringLiteral("Connection refused by 127.0.0.1:9");
    gaveUp.attempts = 5;
    m_chat->noteFinished(gaveUp);
    QCOMPARE(second.data(ChatModel::WebhookStateRole).toInt(), int(ChatEntry::Webhook::GaveUp));
    QCOMPARE(second.data(ChatModel::WebhookTextRole).toString(),
             QStringLiteral("gave up: Connection refused by 127.0.0.1:9 (5 attempts)"));

    // Deliveries of others (statuses) are not the chat's.
    const int before = changed.count();
    attempt.deliveryId = 99;
    m_chat->noteAttempt(attempt);
    result.deliveryId = 99;
    m_chat->noteFinished(result);
    QCOMPARE(changed.count(), before);
}

void TestChatModel::setCustomerFilters()
{
    QVERIFY(m_chat->appendBusinessMessage(
        businessMessage(QStringLiteral("wamid.A1"), readMessage(QStringLiteral("button-text-header.json")))));
    QVERIFY(m_chat->appendCustomerMessage(kAlex, customerText(QStringLiteral("wamid.A2"), kAlex, QStringLiteral("hi")),
                                          ApiFamily::Cloud));
    QSignalSpy inserted(m_chat.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_chat.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_chat.get(), &QAbstractItemModel::modelReset);

    // Mei-ling's messages are kept but not shown while Alex is.
    const SandboxMessage toMeiling =
        businessMessage(QStringLiteral("wamid.M1"), readMessage(QStringLiteral("list-zh-TW-appointments.json")));
    QCOMPARE(toMeiling.waId, kMeiling);
    QVERIFY(m_chat->appendBusinessMessage(toMeiling));
    QVERIFY(m_chat->setStatus(toMeiling.id, QStringLiteral("sent")));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(m_chat->rowCount(), 2);
    QCOMPARE(m_chat->rowOf(toMeiling.id), -1);
    QCOMPARE(m_chat->entry(toMeiling.id)->status, ChatEntry::Status::Sent);

    m_chat->setCustomer(QStringLiteral("+886 912 345 678"));
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m_chat->customer(), kMeiling);
    QCOMPARE(m_chat->rowCount(), 1);
    QCOMPARE(m_chat->index(0).data(ChatModel::EntryIdRole).toString(), toMeiling.id);
    QCOMPARE(m_chat->index(0).data(ChatModel::StatusRole).toString(), QStringLiteral("sent"));
    QCOMPARE(m_chat->rowOf(QStringLiteral("wamid.A1")), -1);

    m_chat->setCustomer(kAlex);
    QCOMPARE(reset.count(), 2);
    QCOMPARE(m_chat->rowCount(), 2);
    QCOMPARE(m_chat->rowOf(QStringLiteral("wamid.A2")), 1);
    m_chat->setCustomer(kAlex); // no change, no reset
    QCOMPARE(reset.count(), 2);

    QStringList customers = m_chat->customers();
    customers.sort();
    QCOMPARE(customers, QStringList({kAlex, kMeiling}));
    QCOMPARE(m_chat->conversation(kMeiling).size(), 1);
    m_chat->setCustomer(QStringLiteral("971501234567")); // nobody wrote yet
    QCOMPARE(m_chat->rowCount(), 0);
}

void TestChatModel::duplicatesAndBadInput()
{
    const SandboxMessage m = businessMessage(QStringLiteral("wamid.D"), readMessage(QStringLiteral("cta-url.json")));
    QVERIFY(m_chat->appendBusinessMessage(m));
    QVERIFY(!m_chat->appendBusinessMessage(m));
    QVERIFY(!m_chat->appendCustomerMessage(kAlex, customerText(m.id, kAlex, QStringLiteral("x")), ApiFamily::Cloud));
    QVERIFY(!m_chat->appendCustomerMessage(kAlex, QJsonObject{}, ApiFamily::Cloud)); // no id
    QVERIFY(!m_chat->appendCustomerMessage(QString(), customerText(QStringLiteral("wamid.E"), {}, QStringLiteral("x")),
                                           ApiFamily::Cloud)); // no customer
    QCOMPARE(m_chat->rowCount(), 1);
    QVERIFY(!m_chat->entry(QStringLiteral("wamid.E")).has_value());
    QCOMPARE(m_chat->entryAt(1), nullptr);
    QCOMPARE(m_chat->entryAt(-1), nullptr);
}

void TestChatModel::bounded()
{
    m_tester.reset(); // thousands of inserts: the tester would check them all
    const int extra = 5;
    for (int i = 0; i < ChatModel::kMaxEntriesPerCustomer + extra; ++i) {
        QVERIFY(m_chat->appendCustomerMessage(
            kAlex, customerText(QStringLiteral("wamid.%1").arg(i), kAlex, QString::number(i)), ApiFamily::Cloud,
            1000 + i));
    }
    QCOMPARE(m_chat->rowCount(), ChatModel::kMaxEntriesPerCustomer);
    QCOMPARE(m_chat->index(0).data(ChatModel::EntryIdRole).toString(), QStringLiteral("wamid.%1").arg(extra));
    QVERIFY(!m_chat->entry(QStringLiteral("wamid.0")).has_value());
    QCOMPARE(m_chat->rowOf(QStringLiteral("wamid.%1").arg(ChatModel::kMaxEntriesPerCustomer + extra - 1)),
             ChatModel::kMaxEntriesPerCustomer - 1);
    // The id of a dropped entry can come again (a new message, once the old one is gone).
    QVERIFY(m_chat->appendCustomerMessage(
        kAlex, customerText(QStringLiteral("wamid.0"), kAlex, QStringLiteral("again")), ApiFamily::Cloud));
    QCOMPARE(m_chat->rowCount(), ChatModel::kMaxEntriesPerCustomer);
}

void TestChatModel::clear()
{
    QVERIFY(m_chat->appendBusinessMessage(
        businessMessage(QStringLiteral("wamid.X"), readMessage(QStringLiteral("button-text-header.json")))));
    m_chat->clear();
    QCOMPARE(m_chat->rowCount(), 0);
    QVERIFY(m_chat->customers().isEmpty());
    QVERIFY(!m_chat->setStatus(QStringLiteral("wamid.X"), QStringLiteral("sent")));
}

QTEST_GUILESS_MAIN(TestChatModel)
#include "tst_chatmodel.moc"
