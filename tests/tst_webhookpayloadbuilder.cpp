#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

#include "JsonShape.h"
#include "WebhookEventParser.h"
#include "WebhookPayloadBuilder.h"
#include "TestSamples.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::ApiFamily)

namespace {

const WebhookBusiness kBusiness{QStringLiteral("102290129340398"), QStringLiteral("106540352242922"),
                                QStringLiteral("+1 555-078-3881")};
const WebhookCustomer kCustomer{QStringLiteral("16505551234"), QStringLiteral("Zoë Nelson")};
const QString kBusinessDigits = QStringLiteral("15550783881");
const QString kAnswered = QStringLiteral("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA");
const qint64 kSeconds = 1749854575;

QJsonObject readSample(const QString& name)
{
    return QJsonDocument::fromJson(TestSamples::webhook(name)).object();
}

QStringList shapeOf(const QJsonObject& root)
{
    return JsonShape::of(root);
}

// The On-Premises body a Cloud API sample stands for: its value without the Cloud-only keys.
QJsonObject onPremisesOf(const QJsonObject& cloud)
{
    QJsonObject value = cloud.value(QLatin1String("entry"))
                            .toArray()
                            .first()
                            .toObject()
                            .value(QLatin1String("changes"))
                            .toArray()
                            .first()
                            .toObject()
                            .value(QLatin1String("value"))
                            .toObject();
    value.remove(QStringLiteral("messaging_product"));
    value.remove(QStringLiteral("metadata"));
    return value;
}

const QJsonObject kFlowResponse{{QStringLiteral("flow_token"), QStringLiteral("AQAAAAACS5FpgQ_cAAAAAD0QI3s.")},
                                {QStringLiteral("date"), QStringLiteral("2025-06-20")},
                                {QStringLiteral("slot"), QStringLiteral("10:30")}};

// One webhook of each case, always with the same inputs.
BuiltWebhook build(const QString& kase, ApiFamily family)
{
    const WebhookContext answering{kAnswered, {}};
    WebhookOptions options;
    options.timestamp = QDateTime::fromSecsSinceEpoch(kSeconds, Qt::UTC);
    if (kase == QLatin1String("text"))
        return WebhookPayloadBuilder::text(kBusiness, kCustomer, {}, QStringLiteral("Does it come in blue? 😀"), family,
                                           options);
    if (kase == QLatin1String("button_reply"))
        return WebhookPayloadBuilder::buttonReply(kBusiness, kCustomer, answering, QStringLiteral("id-1"),
                                                  QStringLiteral("Yes"), family, options);
    if (kase == QLatin1String("list_reply"))
        return WebhookPayloadBuilder::listReply(kBusiness, kCustomer, answering, QStringLiteral("priority_express"),
                                                QStringLiteral("Priority Mail Express"),
                                                QStringLiteral("Next Day to 2 Days"), family, options);
    if (kase == QLatin1String("location"))
        return WebhookPayloadBuilder::location(kBusiness, kCustomer, answering, 40.782910059774, -73.959075808525,
                                               QStringLiteral("Solomon R. Guggenheim Museum"),
                                               QStringLiteral("1071 5th Ave, New York, NY 10128"), family, options);
    if (kase == QLatin1String("location_bare"))
        return WebhookPayloadBuilder::location(kBusiness, kCustomer, {}, 25.033976, 121.564472, std::nullopt,
                                               std::nullopt, family, options);
    if (kase == QLatin1String("nfm_reply"))
        return WebhookPayloadBuilder::nfmReply(kBusiness, kCustomer, answering, kFlowResponse, family, options);
    const QString value = kase.mid(7); // "status_read" → "read"
    const WebhookStatusValue status = value == QLatin1String("sent")        ? WebhookStatusValue::Sent
                                      : value == QLatin1String("delivered") ? WebhookStatusValue::Delivered
                                      : value == QLatin1String("read")      ? WebhookStatusValue::Read
                                                                            : WebhookStatusValue::Failed;
    WebhookStatusError error;
    error.code = 131047;
    error.title = QStringLiteral("Re-engagement message");
    error.message = QStringLiteral("Re-engagement message");
    error.details = QStringLiteral("More than 24 hours have passed since the customer last replied.");
    return WebhookPayloadBuilder::status(kBusiness, kCustomer, kAnswered, status, family, options, error);
}

} // namespace

class TestWebhookPayloadBuilder : public QObject
{
    Q_OBJECT

private slots:
    void everyKind_data();
    void everyKind();
    void locationWithoutNameOrAddress_data();
    void locationWithoutNameOrAddress();
    void nfmResponseRoundTrips();
    void listReplyWithoutDescription();
    void callerChosenIdAndContextFrom();
    void timestampDefaultsToNow();
    void failedStatusDefaultError();
    void conversationAndPricingOverride();
    void idsAreUniqueAndRealistic_data();
    void idsAreUniqueAndRealistic();
};

void TestWebhookPayloadBuilder::everyKind_data()
{
    QTest::addColumn<QString>("kase");
    QTest::addColumn<ApiFamily>("family");
    QTest::addColumn<QJsonObject>("sample");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("answers");
    const struct
    {
        const char* kase;
        const char* cloudSample;
        const char* onPremisesSample; // null: the Cloud sample's value stands for it
        WebhookEvent::Kind kind;
        bool answers; // has a context
    } cases[] = {
        {"text", "cloud-text.json", nullptr, WebhookEvent::Kind::Text, false},
        {"button_reply", "cloud-button-reply.json", nullptr, WebhookEvent::Kind::ButtonReply, true},
        {"list_reply", "cloud-list-reply.json", "onprem-message.json", WebhookEvent::Kind::ListReply, true},
        {"location", "cloud-location.json", "onprem-location.json", WebhookEvent::Kind::Location, true},
        {"location_bare", "cloud-location-bare.json", nullptr, WebhookEvent::Kind::Location, false},
        {"nfm_reply", "cloud-nfm-reply.json", nullptr, WebhookEvent::Kind::NfmReply, true},
        {"status_sent", "cloud-status-sent.json", nullptr, WebhookEvent::Kind::Status, false},
        {"status_delivered", "cloud-status-delivered.json", nullptr, WebhookEvent::Kind::Status, false},
        {"status_read", "cloud-status-read.json", "onprem-status.json", WebhookEvent::Kind::Status, false},
        {"status_failed", "cloud-status-failed.json", nullptr, WebhookEvent::Kind::Status, false},
    };
    for (const auto& c : cases) {
        const QJsonObject cloud = readSample(QLatin1String(c.cloudSample));
        QTest::addRow("cloud %s", c.kase)
            << QString::fromLatin1(c.kase) << ApiFamily::Cloud << cloud << static_cast<int>(c.kind) << c.answers;
        const QJsonObject onPremises =
            c.onPremisesSample ? readSample(QLatin1String(c.onPremisesSample)) : onPremisesOf(cloud);
        QTest::addRow("on-premises %s", c.kase) << QString::fromLatin1(c.kase) << ApiFamily::OnPremises << onPremises
                                                << static_cast<int>(c.kind) << c.answers;
    }
}

void TestWebhookPayloadBuilder::everyKind()
{
    QFETCH(QString, kase);
    QFETCH(ApiFamily, family);
    QFETCH(QJsonObject, sample);
    QFETCH(int, kind);
    QFETCH(bool, answers);

    const BuiltWebhook built = build(kase, family);
    QVERIFY(!built.body.contains('\n')); // compact
    const QJsonObject root = QJsonDocument::fromJson(built.body).object();
    QCOMPARE(shapeOf(root), shapeOf(sample));

    // The app's own parser reads it back.
    const WebhookParseResult parsed = WebhookEventParser::parse(built.body);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.events.size(), 1);
    const WebhookEvent event = parsed.events.first();
    QCOMPARE(static_cast<int>(event.kind), kind);
    QCOMPARE(event.family, family);
    QCOMPARE(event.id, built.messageId);
    QCOMPARE(event.contact, kCustomer.waId);
    QCOMPARE(event.timestamp, QDateTime::fromSecsSinceEpoch(kSeconds, Qt::UTC));
    QCOMPARE(event.phoneNumberId, family == ApiFamily::Cloud ? kBusiness.phoneNumberId : QString());
    QCOMPARE(event.displayPhoneNumber, family == ApiFamily::Cloud ? kBusinessDigits : QString());
    QCOMPARE(event.contextId, answers ? kAnswered : QString());
    QCOMPARE(event.contextFrom, answers ? kBusinessDigits : QString());
    const bool isStatus = event.kind == WebhookEvent::Kind::Status;
    QCOMPARE(event.contactName, isStatus ? QString() : kCustomer.profileName);
    if (isStatus) {
        QCOMPARE(built.messageId, kAnswered);
        QCOMPARE(event.fields.value(QLatin1String("status")).toString(), kase.mid(7));
    } else {
        QVERIFY(
            built.messageId.startsWith(family == ApiFamily::Cloud ? QStringLiteral("wamid.") : QStringLiteral("ABGG")));
    }
    // The timestamp goes as a string of Unix seconds, as Meta sends it.
    QCOMPARE(event.payload.value(QLatin1String("timestamp")), QJsonValue(QString::number(kSeconds)));

    const QJsonObject fields = event.fields;
    if (kase == QLatin1String("text")) {
        QCOMPARE(fields.value(QLatin1String("text")).toObject().value(QLatin1String("body")).toString(),
                 QStringLiteral("Does it come in blue? 😀"));
    } else if (kase == QLatin1String("button_reply")) {
        QCOMPARE(fields.value(QLatin1String("button_reply")).toObject(),
                 (QJsonObject{{QStringLiteral("id"), QStringLiteral("id-1")},
                              {QStringLiteral("title"), QStringLiteral("Yes")}}));
    } else if (kase == QLatin1String("list_reply")) {
        QCOMPARE(fields.value(QLatin1String("list_reply")).toObject(),
                 (QJsonObject{{QStringLiteral("id"), QStringLiteral("priority_express")},
                              {QStringLiteral("title"), QStringLiteral("Priority Mail Express")},
                              {QStringLiteral("description"), QStringLiteral("Next Day to 2 Days")}}));
    } else if (kase.startsWith(QLatin1String("location"))) {
        const QJsonObject location = fields.value(QLatin1String("location")).toObject();
        const bool bare = kase == QLatin1String("location_bare");
        QCOMPARE(location.value(QLatin1String("latitude")).toDouble(), bare ? 25.033976 : 40.782910059774);
        QCOMPARE(location.value(QLatin1String("longitude")).toDouble(), bare ? 121.564472 : -73.959075808525);
        QCOMPARE(location.contains(QLatin1String("name")), !bare);
        QCOMPARE(location.contains(QLatin1String("address")), !bare);
        if (!bare) {
            QCOMPARE(location.value(QLatin1String("name")).toString(), QStringLiteral("Solomon R. Guggenheim Museum"));
            QCOMPARE(location.value(QLatin1String("address")).toString(),
                     QStringLiteral("1071 5th Ave, New York, NY 10128"));
        }
    } else if (kase == QLatin1String("nfm_reply")) {
        const QJsonObject reply = fields.value(QLatin1String("nfm_reply")).toObject();
        QCOMPARE(reply.value(QLatin1String("name")).toString(), QStringLiteral("flow"));
        QCOMPARE(reply.value(QLatin1String("body")).toString(), QStringLiteral("Sent"));
        QVERIFY(reply.value(QLatin1String("response_json")).isString());
        QCOMPARE(reply.value(QLatin1String("response")).toObject(), kFlowResponse);
    } else if (kase == QLatin1String("status_failed")) {
        const QJsonObject error = fields.value(QLatin1String("errors")).toArray().first().toObject();
        QCOMPARE(error.value(QLatin1String("code")).toInt(), 131047);
        QCOMPARE(error.value(QLatin1String("title")).toString(), QStringLiteral("Re-engagement message"));
        QCOMPARE(error.value(QLatin1String("error_data")).toObject().value(QLatin1String("details")).toString(),
                 QStringLiteral("More than 24 hours have passed since the customer last replied."));
        QVERIFY(event.summary.contains(QStringLiteral("131047")));
    }
}

void TestWebhookPayloadBuilder::locationWithoutNameOrAddress_data()
{
    QTest::addColumn<ApiFamily>("family");
    QTest::addColumn<std::optional<QString>>("name");
    QTest::addColumn<std::optional<QString>>("address");
    QTest::newRow("cloud, not given") << ApiFamily::Cloud << std::optional<QString>() << std::optional<QString>();
    QTest::newRow("cloud, empty") << ApiFamily::Cloud << std::optional<QString>(QString())
                                  << std::optional<QString>(QString());
    QTest::newRow("on-premises, not given")
        << ApiFamily::OnPremises << std::optional<QString>() << std::optional<QString>();
    QTest::newRow("name only") << ApiFamily::Cloud << std::optional<QString>(QStringLiteral("Home"))
                               << std::optional<QString>();
}

void TestWebhookPayloadBuilder::locationWithoutNameOrAddress()
{
    QFETCH(ApiFamily, family);
    QFETCH(std::optional<QString>, name);
    QFETCH(std::optional<QString>, address);
    const BuiltWebhook built =
        WebhookPayloadBuilder::location(kBusiness, kCustomer, {}, 1.5, -2.25, name, address, family);
    const WebhookParseResult parsed = WebhookEventParser::parse(built.body);
    QCOMPARE(parsed.events.size(), 1);
    const QJsonObject location = parsed.events.first().payload.value(QLatin1String("location")).toObject();
    QCOMPARE(location.value(QLatin1String("latitude")).toDouble(), 1.5);
    QCOMPARE(location.value(QLatin1String("longitude")).toDouble(), -2.25);
    const bool named = name && !name->isEmpty();
    QCOMPARE(location.contains(QLatin1String("name")), named);
    QVERIFY(!location.contains(QLatin1String("address")));
    QCOMPARE(location.size(), named ? 3 : 2);
    QVERIFY(!built.body.contains("\"address\""));
    QVERIFY(!built.body.contains("\"\""));
}

void TestWebhookPayloadBuilder::nfmResponseRoundTrips()
{
    const QJsonObject response{
        {QStringLiteral("flow_token"), QStringLiteral("tok-\"quoted\"\\slash")},
        {QStringLiteral("name"), QStringLiteral("王小明 😀")},
        {QStringLiteral("guests"), 3},
        {QStringLiteral("vegan"), true},
        {QStringLiteral("extras"), QJsonArray{QStringLiteral("a"), 2.5, QJsonValue::Null}},
        {QStringLiteral("address"), QJsonObject{{QStringLiteral("line"), QStringLiteral("1\n2")}}},
    };
    for (const ApiFamily family : {ApiFamily::Cloud, ApiFamily::OnPremises}) {
        const BuiltWebhook built = WebhookPayloadBuilder::nfmReply(kBusiness, kCustomer, {}, response, family);
        const WebhookParseResult parsed = WebhookEventParser::parse(built.body);
        QCOMPARE(parsed.events.size(), 1);
        const QJsonObject reply = parsed.events.first()
                                      .payload.value(QLatin1String("interactive"))
                                      .toObject()
                                      .value(QLatin1String("nfm_reply"))
                                      .toObject();
        const QJsonValue responseJson = reply.value(QLatin1String("response_json"));
        QVERIFY(responseJson.isString()); // a string holding JSON, not an object
        QCOMPARE(QJsonDocument::fromJson(responseJson.toString().toUtf8()).object(), response);
        QCOMPARE(parsed.events.first()
                     .fields.value(QLatin1String("nfm_reply"))
                     .toObject()
                     .value(QLatin1String("response"))
                     .toObject(),
                 response);
    }
}

void TestWebhookPayloadBuilder::listReplyWithoutDescription()
{
    const BuiltWebhook built = WebhookPayloadBuilder::listReply(kBusiness, kCustomer, {}, QStringLiteral("r1"),
                                                                QStringLiteral("Row"), QString(), ApiFamily::Cloud);
    const WebhookParseResult parsed = WebhookEventParser::parse(built.body);
    QCOMPARE(
        parsed.events.first().fields.value(QLatin1String("list_reply")).toObject(),
        (QJsonObject{{QStringLiteral("id"), QStringLiteral("r1")}, {QStringLiteral("title"), QStringLiteral("Row")}}));
}

void TestWebhookPayloadBuilder::callerChosenIdAndContextFrom()
{
    WebhookOptions options;
    options.messageId = QStringLiteral("wamid.chosen");
    const WebhookContext context{QStringLiteral("wamid.ours"), QStringLiteral("4930123456")};
    const BuiltWebhook built = WebhookPayloadBuilder::buttonReply(kBusiness, kCustomer, context, QStringLiteral("id-1"),
                                                                  QStringLiteral("Yes"), ApiFamily::Cloud, options);
    QCOMPARE(built.messageId, QStringLiteral("wamid.chosen"));
    const WebhookEvent event = WebhookEventParser::parse(built.body).events.first();
    QCOMPARE(event.id, QStringLiteral("wamid.chosen"));
    QCOMPARE(event.contextId, QStringLiteral("wamid.ours"));
    QCOMPARE(event.contextFrom, QStringLiteral("4930123456"));
    const QJsonObject entry =
        QJsonDocument::fromJson(built.body).object().value(QLatin1String("entry")).toArray().first().toObject();
    QCOMPARE(entry.value(QLatin1String("id")).toString(), kBusiness.wabaId);
}

void TestWebhookPayloadBuilder::timestampDefaultsToNow()
{
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const BuiltWebhook built =
        WebhookPayloadBuilder::text(kBusiness, kCustomer, {}, QStringLiteral("hi"), ApiFamily::OnPremises);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    const QJsonObject message =
        QJsonDocument::fromJson(built.body).object().value(QLatin1String("messages")).toArray().first().toObject();
    QVERIFY(message.value(QLatin1String("timestamp")).isString());
    const qint64 seconds = message.value(QLatin1String("timestamp")).toString().toLongLong();
    QVERIFY(seconds >= before && seconds <= after);
}

void TestWebhookPayloadBuilder::failedStatusDefaultError()
{
    const BuiltWebhook built = WebhookPayloadBuilder::status(kBusiness, kCustomer, QStringLiteral("wamid.x"),
                                                             WebhookStatusValue::Failed, ApiFamily::Cloud);
    const WebhookEvent event = WebhookEventParser::parse(built.body).events.first();
    QCOMPARE(event.fields.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(
        event.fields.value(QLatin1String("errors")).toArray().first().toObject().value(QLatin1String("code")).toInt(),
        131000);
    // The other statuses carry no errors.
    const BuiltWebhook read = WebhookPayloadBuilder::status(kBusiness, kCustomer, QStringLiteral("wamid.x"),
                                                            WebhookStatusValue::Read, ApiFamily::Cloud);
    QVERIFY(!read.body.contains("errors"));
}

void TestWebhookPayloadBuilder::conversationAndPricingOverride()
{
    WebhookOptions options;
    options.timestamp = QDateTime::fromSecsSinceEpoch(kSeconds, Qt::UTC);
    options.conversationAndPricing = true;
    const BuiltWebhook delivered = WebhookPayloadBuilder::status(
        kBusiness, kCustomer, kAnswered, WebhookStatusValue::Delivered, ApiFamily::Cloud, options);
    const WebhookEvent event = WebhookEventParser::parse(delivered.body).events.first();
    QCOMPARE(event.fields.value(QLatin1String("conversation"))
                 .toObject()
                 .value(QLatin1String("expiration_timestamp"))
                 .toString(),
             QString::number(kSeconds + 24 * 3600));
    QCOMPARE(event.fields.value(QLatin1String("pricing")).toObject().value(QLatin1String("billable")),
             QJsonValue(false));
    options.conversationAndPricing = false;
    const BuiltWebhook sent = WebhookPayloadBuilder::status(kBusiness, kCustomer, kAnswered, WebhookStatusValue::Sent,
                                                            ApiFamily::Cloud, options);
    QVERIFY(!sent.body.contains("pricing"));
    QVERIFY(!sent.body.contains("conversation"));
}

void TestWebhookPayloadBuilder::idsAreUniqueAndRealistic_data()
{
    QTest::addColumn<ApiFamily>("family");
    QTest::newRow("cloud") << ApiFamily::Cloud;
    QTest::newRow("on-premises") << ApiFamily::OnPremises;
}

void TestWebhookPayloadBuilder::idsAreUniqueAndRealistic()
{
    QFETCH(ApiFamily, family);
    constexpr int kCalls = 10000;
    QSet<QString> ids;
    ids.reserve(kCalls);
    for (int i = 0; i < kCalls; ++i) {
        const BuiltWebhook built = WebhookPayloadBuilder::text(kBusiness, kCustomer, {}, QStringLiteral("hi"), family);
        ids.insert(built.messageId);
    }
    QCOMPARE(ids.size(), kCalls);
    const QString id = *ids.begin();
    if (family == ApiFamily::Cloud) {
        QVERIFY(id.startsWith(QStringLiteral("wamid.HBgL"))); // 11 digits, as Meta's for this number
        const auto decoded =
            QByteArray::fromBase64Encoding(id.mid(6).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(decoded);
        QVERIFY(decoded.decoded.contains(kCustomer.waId.toLatin1()));
        QCOMPARE(decoded.decoded.size(), 3 + 11 + 6 + 20 + 1);
    } else {
        QVERIFY(id.startsWith(QStringLiteral("ABGG")));
        QCOMPARE(id.size(), 26);
    }
}

QTEST_APPLESS_MAIN(TestWebhookPayloadBuilder)
#include "tst_webhookpayloadbuilder.moc"
