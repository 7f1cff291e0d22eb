#include <algorithm>
#include <limits>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTest>

#include "WebhookEventParser.h"
#include "TestSamples.h"

using namespace wa;

// Declared before the test data: moc (Qt 6.4) ends a raw string at the first )" whatever its
// delimiter, and the expectations below have summaries such as "Tapped \"Cancel\" (cancel-button)".
class TestWebhookEventParser : public QObject
{
    Q_OBJECT

private slots:
    void samples_data();
    void samples();
    void everySampleHasExpectations();
    void onPremises_data();
    void onPremises();
    void unknownShapes_data();
    void unknownShapes();
    void mediaTypes_data();
    void mediaTypes();
    void nfmReply_data();
    void nfmReply();
    void timestamps_data();
    void timestamps();
    void invalidJson_data();
    void invalidJson();
    void toJsonShape_data();
    void toJsonShape();
    void toJsonFixedKeysWin();
    void names();
    void largeBatch_data();
    void largeBatch();
    void linearInSize();
};

namespace {

using Kind = WebhookEvent::Kind;

QJsonDocument document(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test input is not JSON: %s in %s", qPrintable(error.errorString()), json.constData());
    return parsed;
}

QJsonArray array(const QByteArray& json)
{
    return document(json).array();
}

QJsonObject object(const QByteArray& json)
{
    return document(json).object();
}

QString compact(const QJsonValue& value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact));
}

// Empty when every key of `expected` has that value in `actual`; a null expected value means the
// key is absent (or null). Otherwise says what differs.
QString subsetMismatch(const QJsonObject& actual, const QJsonObject& expected)
{
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const QJsonValue value = actual.value(it.key());
        if (it.value().isNull()) {
            if (!value.isUndefined() && !value.isNull())
                return QStringLiteral("%1: expected absent, got %2").arg(it.key(), compact(value));
        } else if (value != it.value()) {
            return QStringLiteral("%1: expected %2, got %3").arg(it.key(), compact(it.value()), compact(value));
        }
    }
    return QString();
}

// Empty when the events are exactly those expected (count, order, and each expected key).
QString eventsMismatch(const QList<WebhookEvent>& events, const QJsonArray& expected)
{
    if (events.size() != expected.size()) {
        QStringList kinds;
        for (const WebhookEvent& event : events)
            kinds << WebhookEvent::kindName(event.kind) + QLatin1Char(' ') + event.summary;
        return QStringLiteral("expected %1 events, got %2: %3")
            .arg(expected.size())
            .arg(events.size())
            .arg(kinds.join(QStringLiteral(" | ")));
    }
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject record = events.at(i).toJson();
        const QString mismatch = subsetMismatch(record, expected.at(i).toObject());
        if (!mismatch.isEmpty())
            return QStringLiteral("event %1: %2 in %3").arg(i).arg(mismatch, compact(record));
    }
    return QString();
}

// What each sample in shared/samples/webhooks gives, event by event: a subset of toJson().
const QMap<QString, QByteArray>& sampleExpectations()
{
    static const QMap<QString, QByteArray> expectations = {
        {QStringLiteral("cloud-batch.json"), QByteArray(R"json([
            {"kind":"text","id":"wamid.batch-1","contact":"16505551234","name":"Sheena Nelson",
             "timestamp":"2025-06-08T20:59:43Z","context":null,"family":"cloud",
             "phone_number_id":"106540352242922","display_phone_number":"15550783881",
             "text":{"body":"hi"},"summary":"Text: hi"},
            {"kind":"text","id":"wamid.batch-2","contact":"886912345678","name":"王小明",
             "timestamp":"2025-06-08T20:59:44Z","context":null,"family":"cloud",
             "phone_number_id":"106540352242922",
             "text":{"body":"你好,請問營業時間?😀"},"summary":"Text: 你好,請問營業時間?😀"},
            {"kind":"status","id":"wamid.out-1","contact":"16505551234","name":"",
             "timestamp":"2025-06-08T20:59:50Z","context":null,"family":"cloud",
             "phone_number_id":"106540352242922","display_phone_number":"15550783881",
             "status":"delivered","errors":null,"conversation":null,"pricing":null,
             "summary":"Status delivered of wamid.out-1"},
            {"kind":"status","id":"wamid.out-2","contact":"886912345678","name":"",
             "timestamp":"2025-06-08T20:59:51Z","status":"read","summary":"Status read of wamid.out-2"}
        ])json")},
        {QStringLiteral("cloud-button-reply.json"), QByteArray(R"json([
            {"kind":"button_reply","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-13T22:42:55Z",
             "context":{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA","from":"15550783881"},
             "family":"cloud","phone_number_id":"106540352242922","display_phone_number":"15550783881",
             "button_reply":{"id":"cancel-button","title":"Cancel"},
             "summary":"Tapped \"Cancel\" (cancel-button)","payload":null}
        ])json")},
        {QStringLiteral("cloud-errors.json"), QByteArray(R"json([
            {"kind":"error","id":"","contact":"","name":"","timestamp":null,"context":null,"family":"cloud",
             "phone_number_id":"106540352242922","display_phone_number":"15550783881",
             "errors":[{"code":130429,"title":"Rate limit hit","message":"(#130429) Rate limit hit",
                        "error_data":{"details":"Cloud API message throughput has been reached."}}],
             "summary":"Error: 130429 Rate limit hit"}
        ])json")},
        {QStringLiteral("cloud-list-reply.json"), QByteArray(R"json([
            {"kind":"list_reply","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTdBRTZBMEQ0NDQxQjM4RUE3RQA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-13T22:42:55Z",
             "context":{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCNzBGMjVCQjQ3MzQ0RUMxMzMA","from":"15550783881"},
             "family":"cloud","phone_number_id":"106540352242922",
             "list_reply":{"id":"priority_express","title":"Priority Mail Express","description":"Next Day to 2 Days"},
             "summary":"Chose \"Priority Mail Express\" (priority_express)"}
        ])json")},
        {QStringLiteral("cloud-location-bare.json"), QByteArray(R"json([
            {"kind":"location","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUI5RjE1MTYzQkZERkQzMDY2RgA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-13T22:45:01Z","context":null,
             "family":"cloud",
             "location":{"latitude":25.033976,"longitude":121.564472,
                         "map_url":"https://www.openstreetmap.org/?mlat=25.033976&mlon=121.564472#map=17/25.033976/121.564472"},
             "summary":"Location 25.03398, 121.56447"}
        ])json")},
        {QStringLiteral("cloud-location.json"), QByteArray(R"json([
            {"kind":"location","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUI5RjE1MTYzQkZERkQzMDY2RQA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-13T22:45:00Z",
             "context":{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJEQzBBMTg5QjM4MUQ5QzE2MjAA","from":"15550783881"},
             "family":"cloud",
             "location":{"address":"1071 5th Ave, New York, NY 10128","latitude":40.782910059774,
                         "longitude":-73.959075808525,"name":"Solomon R. Guggenheim Museum",
                         "map_url":"https://www.openstreetmap.org/?mlat=40.782910059774&mlon=-73.959075808525#map=17/40.782910059774/-73.959075808525"},
             "summary":"Location 40.78291, -73.95908 \"Solomon R. Guggenheim Museum\" (1071 5th Ave, New York, NY 10128)"}
        ])json")},
        {QStringLiteral("cloud-nfm-reply.json"), QByteArray(R"json([
            {"kind":"nfm_reply","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0MTI1NEM3NjE1RjM1QTBEOAA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-13T22:43:20Z",
             "context":{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3RkE0OUE2NjJCMzk1RkM5NzQA","from":"15550783881"},
             "family":"cloud",
             "nfm_reply":{"name":"flow","body":"Sent",
                          "response_json":"{\"flow_token\":\"AQAAAAACS5FpgQ_cAAAAAD0QI3s.\",\"date\":\"2025-06-20\",\"slot\":\"10:30\"}",
                          "response":{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","date":"2025-06-20","slot":"10:30"}},
             "summary":"Flow reply \"Sent\" (flow): date, flow_token, slot"}
        ])json")},
        {QStringLiteral("cloud-status-delivered.json"), QByteArray(R"json([
            {"kind":"status","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA",
             "contact":"16505551234","name":"","timestamp":"2025-06-15T23:27:54Z","context":null,"family":"cloud",
             "phone_number_id":"106540352242922","display_phone_number":"15550783881",
             "status":"delivered","errors":null,"conversation":null,"pricing":null,
             "summary":"Status delivered of wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA"}
        ])json")},
        {QStringLiteral("cloud-status-failed.json"), QByteArray(R"json([
            {"kind":"status","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA",
             "contact":"16505551234","timestamp":"2025-06-15T23:27:55Z","status":"failed",
             "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",
                        "error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
                        "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}],
             "conversation":null,"pricing":null,
             "summary":"Failed: 131047 Re-engagement message"}
        ])json")},
        {QStringLiteral("cloud-status-read.json"), QByteArray(R"json([
            {"kind":"status","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA",
             "contact":"16505551234","timestamp":"2025-06-15T23:28:00Z","status":"read","errors":null,
             "summary":"Status read of wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA"}
        ])json")},
        {QStringLiteral("cloud-status-sent.json"), QByteArray(R"json([
            {"kind":"status","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA",
             "contact":"16505551234","timestamp":"2025-06-15T23:27:53Z","status":"sent","errors":null,
             "conversation":{"id":"6ceb9d929c8f4a2e9e3e4b8d6b4c0f11","expiration_timestamp":"1750116473",
                             "origin":{"type":"service"}},
             "pricing":{"billable":false,"pricing_model":"PMP","type":"free_customer_service","category":"service"},
             "summary":"Status sent of wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA"}
        ])json")},
        {QStringLiteral("cloud-template-button.json"), QByteArray(R"json([
            {"kind":"button","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTM0MzRCNDg1NjYyNzIzRjlBQwA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-13T22:46:40Z",
             "context":{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI1QjZBRjUyNEVBQjBDMDQ5MjQA","from":"15550783881"},
             "family":"cloud","button":{"payload":"Unsubscribe","text":"Unsubscribe"},
             "summary":"Template button \"Unsubscribe\" (Unsubscribe)"}
        ])json")},
        {QStringLiteral("cloud-text.json"), QByteArray(R"json([
            {"kind":"text","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
             "contact":"16505551234","name":"Sheena Nelson","timestamp":"2025-06-08T20:59:43Z","context":null,
             "family":"cloud","phone_number_id":"106540352242922","display_phone_number":"15550783881",
             "text":{"body":"Does it come in another color?"},"summary":"Text: Does it come in another color?"}
        ])json")},
        // The sample's only contact is 12345 and the message comes from 123450: no name matches.
        {QStringLiteral("onprem-location.json"), QByteArray(R"json([
            {"kind":"location","id":"test-id","contact":"123450","name":"","timestamp":"1970-01-01T04:37:12Z",
             "context":{"id":"test-id","from":"12345"},"family":"onprem","phone_number_id":"",
             "display_phone_number":"",
             "location":{"address":"1071 5th Ave, New York, NY 10128","latitude":37.421996751527,
                         "longitude":-122.08407156636,"name":"Solomon R. Guggenheim Museum",
                         "map_url":"https://www.openstreetmap.org/?mlat=37.421996751527&mlon=-122.08407156636#map=17/37.421996751527/-122.08407156636"},
             "summary":"Location 37.422, -122.08407 \"Solomon R. Guggenheim Museum\" (1071 5th Ave, New York, NY 10128)"}
        ])json")},
        {QStringLiteral("onprem-message.json"), QByteArray(R"json([
            {"kind":"list_reply","id":"ABGGFlA5FpafAgo6EhoY4Hsqjw","contact":"16315551234","name":"Kerry Fisher",
             "timestamp":"2018-02-15T11:30:35Z","context":{"id":"gBGGFlA5FpafAgkbAQA6xUgxiOM","from":"16315558889"},
             "family":"onprem","phone_number_id":"",
             "list_reply":{"id":"unique-row-identifier","title":"row-title-content",
                           "description":"row-description-content"},
             "summary":"Chose \"row-title-content\" (unique-row-identifier)"}
        ])json")},
        {QStringLiteral("onprem-status.json"), QByteArray(R"json([
            {"kind":"status","id":"gBGGFlA5FpafAgkbAQA6xUgxiOM","contact":"16315551234","name":"",
             "timestamp":"2018-02-15T11:38:20Z","context":null,"family":"onprem","status":"read",
             "summary":"Status read of gBGGFlA5FpafAgkbAQA6xUgxiOM"}
        ])json")},
    };
    return expectations;
}

// A Cloud API body with one change whose value holds `valueKeys` (JSON text without braces).
QByteArray cloudBody(const QByteArray& valueKeys)
{
    return QByteArray(R"js({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[)js"
                      R"js({"field":"messages","value":{"messaging_product":"whatsapp","metadata":)js"
                      R"js({"display_phone_number":"15550783881","phone_number_id":"106540352242922"},)js"
                      R"js("contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],)js") +
           valueKeys + QByteArray("}}]}]}");
}

// A Cloud API body with one inbound message from Sheena Nelson; `rest` is the message's type keys.
QByteArray cloudMessage(const QByteArray& rest)
{
    return cloudBody(R"js("messages":[{"from":"16505551234","id":"wamid.m1","timestamp":"1749416383",)js" + rest +
                     "}]");
}

void addEventColumns()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("expected");
}

} // namespace

void TestWebhookEventParser::samples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonArray>("expected");
    const QMap<QString, QByteArray>& expectations = sampleExpectations();
    for (auto it = expectations.begin(); it != expectations.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << array(it.value());
}

void TestWebhookEventParser::samples()
{
    QFETCH(QString, file);
    QFETCH(QJsonArray, expected);
    const QByteArray body = TestSamples::webhook(file);
    const WebhookParseResult result = WebhookEventParser::parse(body);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QString mismatch = eventsMismatch(result.events, expected);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

    // Defaults the caller sets later, and the raw object kept as it came.
    const QJsonObject root = document(body).object();
    for (const WebhookEvent& event : result.events) {
        QCOMPARE(event.signature, WebhookEvent::Signature::Unsigned);
        QVERIFY(!event.duplicate);
        QVERIFY(!event.payload.isEmpty());
        QVERIFY(!event.summary.isEmpty());
        QVERIFY(!event.summary.contains(QLatin1Char('\n')));
        if (event.kind == Kind::Error)
            QCOMPARE(event.fields.value(QLatin1String("errors")).toArray(), QJsonArray{event.payload});
        else
            QCOMPARE(event.payload.value(QLatin1String("id")).toString(), event.id);
    }
    QCOMPARE(WebhookEventParser::fromJson(root).size(), result.events.size());
}

void TestWebhookEventParser::everySampleHasExpectations()
{
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/webhooks"));
    QVERIFY2(dir.exists(), qPrintable(dir.path()));
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    QVERIFY(!files.isEmpty());
    QStringList missing;
    for (const QString& file : files) {
        if (!sampleExpectations().contains(file))
            missing << file;
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("samples without expectations: ") + missing.join(QStringLiteral(", "))));
    QStringList gone;
    for (const QString& file : sampleExpectations().keys()) {
        if (!files.contains(file))
            gone << file;
    }
    QVERIFY2(gone.isEmpty(),
             qPrintable(QStringLiteral("expectations without a sample: ") + gone.join(QStringLiteral(", "))));
}

void TestWebhookEventParser::onPremises_data()
{
    addEventColumns();
    QTest::newRow("errors at the top level")
        << QByteArray(R"js({"errors":[{"code":1005,"title":"Access denied","details":"Invalid credentials."},)js"
                      R"js({"code":1014,"title":"Internal error"}]})js")
        << array(R"js([
            {"kind":"error","id":"","contact":"","family":"onprem",
             "errors":[{"code":1005,"title":"Access denied","details":"Invalid credentials."}],
             "summary":"Error: 1005 Access denied"},
            {"kind":"error","family":"onprem","errors":[{"code":1014,"title":"Internal error"}],
             "summary":"Error: 1014 Internal error"}
        ])js");
    QTest::newRow("image")
        << QByteArray(R"js({"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],"messages":[)js"
                      R"js({"from":"16315551234","id":"ABGGFlA5FpafAgo6EhoY4Hsqjw","image":{"file":"/usr/local/)js"
                      R"js(wamedia/shared/b1cf38","id":"b1c68f38","mime_type":"image/jpeg","sha256":"29ed50",)js"
                      R"js("caption":"Check out my new phone!"},"timestamp":"1521497954","type":"image"}]})js")
        << array(R"js([
            {"kind":"media","id":"ABGGFlA5FpafAgo6EhoY4Hsqjw","contact":"16315551234","name":"Kerry Fisher",
             "timestamp":"2018-03-19T22:19:14Z","family":"onprem",
             "media":{"type":"image","file":"/usr/local/wamedia/shared/b1cf38","id":"b1c68f38",
                      "mime_type":"image/jpeg","sha256":"29ed50","caption":"Check out my new phone!"},
             "summary":"Image \"Check out my new phone!\" (image/jpeg)"
}
        ])js");
    QTest::newRow("messages and statuses: messages first, each in order")
        << QByteArray(R"js({"statuses":[{"id":"s1","recipient_id":"16315551234","status":"sent","timestamp":"1"},)js"
                      R"js({"id":"s2","recipient_id":"16315550000","status":"delivered","timestamp":"2"}],)js"
                      R"js("contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],)js"
                      R"js("messages":[{"from":"16315551234","id":"m1","timestamp":"3","type":"text",)js"
                      R"js("text":{"body":"one"}},{"from":"16315551234","id":"m2","timestamp":"4","type":"button",)js"
                      R"js("button":{"payload":"p","text":"Yes"}}]})js")
        << array(R"js([
            {"kind":"text","id":"m1","name":"Kerry Fisher","family":"onprem","summary":"Text: one"},
            {"kind":"button","id":"m2","name":"Kerry Fisher","family":"onprem","button":{"payload":"p","text":"Yes"}},
            {"kind":"status","id":"s1","contact":"16315551234","name":"Kerry Fisher","status":"sent",
             "timestamp":"1970-01-01T00:00:01Z"},
            {"kind":"status","id":"s2","contact":"16315550000","name":"","status":"delivered"}
        ])js");
    QTest::newRow("contacts only (a contacts answer, not a webhook)")
        << QByteArray(R"js({"contacts":[{"input":"+1 631 555 1001","status":"valid","wa_id":"16315551001"}]})js")
        << array(R"js([
            {"kind":"unknown","family":"onprem","id":"",
             "payload":{"contacts":[{"input":"+1 631 555 1001","status":"valid","wa_id":"16315551001"}]},
             "summary":"Unknown body without messages, statuses or errors"}
        ])js");
    QTest::newRow("empty messages array") << QByteArray(R"js({"messages":[]})js")
                                          << array(R"js([{"kind":"unknown","family":"onprem","payload":{"messages":[]},
                      "summary":"No messages, statuses or errors in the body"}])js");
}

void TestWebhookEventParser::onPremises()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, expected);
    const WebhookParseResult result = WebhookEventParser::parse(body);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QString mismatch = eventsMismatch(result.events, expected);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void TestWebhookEventParser::unknownShapes_data()
{
    addEventColumns();
    QTest::newRow("unknown message type")
        << cloudMessage(R"js("type":"reaction","reaction":{"message_id":"wamid.x","emoji":"👍"})js") << array(R"js([
            {"kind":"unknown","id":"wamid.m1","contact":"16505551234","name":"Sheena Nelson",
             "timestamp":"2025-06-08T20:59:43Z","phone_number_id":"106540352242922",
             "payload":{"from":"16505551234","id":"wamid.m1","timestamp":"1749416383","type":"reaction",
                        "reaction":{"message_id":"wamid.x","emoji":"👍"}},
             "summary":"Unknown message type \"reaction\""}
        ])js");
    QTest::newRow("unsupported message with its errors")
        << cloudMessage(R"js("type":"unsupported","errors":[{"code":131051,"title":"Message type unknown",)js"
                        R"js("message":"Message type unknown","error_data":{"details":"Message type is currently )js"
                        R"js(not supported."}}])js")
        << array(R"js([{"kind":"unknown","id":"wamid.m1","contact":"16505551234",
                      "errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown",
                                 "error_data":{"details":"Message type is currently not supported."}}],
                      "summary":"Unknown message type \"unsupported\": 131051 Message type unknown"}])js");
    QTest::newRow("message without a type")
        << cloudMessage(R"js("text":{"body":"hi"})js") << array(R"js([{"kind":"unknown","id":"wamid.m1","text":null,
                      "payload":{"from":"16505551234","id":"wamid.m1","timestamp":"1749416383","text":{"body":"hi"}},
                      "summary":"Unknown message without a type"}])js");
    QTest::newRow("unknown interactive type")
        << cloudMessage(R"js("type":"interactive","interactive":{"type":"product_reply","product_reply":{"id":"1"}})js")
        << array(R"js([{"kind":"unknown","id":"wamid.m1","name":"Sheena Nelson",
                      "payload":{"from":"16505551234","id":"wamid.m1","timestamp":"1749416383","type":"interactive",
                                 "interactive":{"type":"product_reply","product_reply":{"id":"1"}}},
                      "summary":"Unknown interactive type \"product_reply\""}])js");
    QTest::newRow("unknown change field between known ones")
        << QByteArray(
               R"js({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[)js"
               R"js({"field":"messages","value":{"statuses":[{"id":"a","status":"sent","recipient_id":"1"}]}},)js"
               R"js({"field":"account_update","value":{"phone_number":"15550783881","event":"VERIFIED_ACCOUNT"}},)js"
               R"js({"field":"messages","value":{"statuses":[{"id":"b","status":"read","recipient_id":"1"}]}}]}]})js")
        << array(R"js([
            {"kind":"status","id":"a"},
            {"kind":"unknown","id":"","family":"cloud",
             "payload":{"field":"account_update","value":{"phone_number":"15550783881","event":"VERIFIED_ACCOUNT"}},
             "summary":"Unknown change field \"account_update\""},
            {"kind":"status","id":"b"}
        ])js");
    QTest::newRow("unknown shape")
        << QByteArray(R"js({"hello":"world","n":1})js")
        << array(
               R"js([{"kind":"unknown","payload":{"hello":"world","n":1},"summary":"Unknown body with hello, n"}])js");
    QTest::newRow("empty object")
        << QByteArray("{}")
        << array(R"js([{"kind":"unknown","payload":{},"summary":"Unknown body: an empty object"}])js");
    QTest::newRow("object without entry")
        << QByteArray(R"js({"object":"whatsapp_business_account"})js")
        << array(R"js([{"kind":"unknown","family":"cloud","payload":{"object":"whatsapp_business_account"},
                      "summary":"Unknown body: a Cloud API object without an entry array"}])js");
    QTest::newRow("empty entry")
        << QByteArray(R"js({"object":"whatsapp_business_account","entry":[]})js")
        << array(R"js([{"kind":"unknown","payload":{"object":"whatsapp_business_account","entry":[]},
                      "summary":"No messages, statuses or errors in the body"}])js");
    QTest::newRow("entry without changes")
        << QByteArray(R"js({"object":"whatsapp_business_account","entry":[{"id":"1"}]})js")
        << array(R"js([{"kind":"unknown","payload":{"id":"1"},"summary":"Unknown entry without a changes array"}])js");
    QTest::newRow("elements that are not objects")
        << QByteArray(R"js({"object":"whatsapp_business_account","entry":[7,{"id":"1","changes":["x",)js"
                      R"js({"field":"messages","value":{"messages":[null,{"from":"1","id":"m","type":"text",)js"
                      R"js("text":{"body":"ok"}}]}}]}]})js")
        << array(R"js([
            {"kind":"unknown","payload":{"entry":7},"summary":"Unknown entry[0]: not an object"},
            {"kind":"unknown","payload":{"changes":"x"},"summary":"Unknown changes[0]: not an object"},
            {"kind":"unknown","payload":{"messages":null},"summary":"Unknown messages[0]: not an object"},
            {"kind":"text","id":"m","summary":"Text: ok"}
        ])js");
    QTest::newRow("messages that are not an array")
        << cloudBody(R"js("messages":{"id":"m"})js")
        << array(R"js([{"kind":"unknown","phone_number_id":"106540352242922","payload":{"messages":{"id":"m"}},
                      "summary":"Unknown messages: not an array"}])js");
    QTest::newRow("messages change with only contacts")
        << cloudBody(R"js("x":1)js") << array(R"js([{"kind":"unknown","phone_number_id":"106540352242922",
                      "summary":"Unknown value without messages, statuses or errors"}])js");
    QTest::newRow("messages change whose value is not an object")
        << QByteArray(
               R"js({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":3}]}]})js")
        << array(R"js([{"kind":"unknown","payload":{"field":"messages","value":3},
                      "summary":"Unknown messages change: the value is not an object"}])js");
}

void TestWebhookEventParser::unknownShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, expected);
    const WebhookParseResult result = WebhookEventParser::parse(body);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QString mismatch = eventsMismatch(result.events, expected);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    for (const WebhookEvent& event : result.events)
        QVERIFY(event.kind != Kind::Unknown || !event.toJson().value(QLatin1String("payload")).isUndefined());
}

void TestWebhookEventParser::mediaTypes_data()
{
    addEventColumns();
    QTest::newRow("image") << cloudMessage(
                                  R"js("type":"image","image":{"id":"1","mime_type":"image/jpeg","sha256":"a"})js")
                           << array(R"js([{"kind":"media","id":"wamid.m1","name":"Sheena Nelson",
                                         "media":{"type":"image","id":"1","mime_type":"image/jpeg","sha256":"a"},
                                         "summary":"Image (image/jpeg)"
        }])js");
    QTest::newRow("video") << cloudMessage(
                                  R"js("type":"video","video":{"id":"2","mime_type":"video/mp4","caption":"Look"})js")
                           << array(R"js([{"kind":"media","media":{"type":"video","id":"2","mime_type":"video/mp4",
                                         "caption":"Look"},"summary":"Video \"Look\" (video/mp4)"
        }])js");
    QTest::newRow("audio (voice note)")
        << cloudMessage(R"js("type":"audio","audio":{"id":"3","mime_type":"audio/ogg; codecs=opus","voice":true})js")
        << array(
               R"js([{"kind":"media","media":{"type":"audio","id":"3","mime_type":"audio/ogg; codecs=opus","voice":true},
                      "summary":"Audio (audio/ogg; codecs=opus)"
        }])js");
    QTest::newRow("document")
        << cloudMessage(
               R"js("type":"document","document":{"id":"4","filename":"menu.pdf","mime_type":"application/pdf"})js")
        << array(R"js([{"kind":"media","media":{"type":"document","id":"4","filename":"menu.pdf",
                      "mime_type":"application/pdf"},"summary":"Document \"menu.pdf\" (application/pdf)"
        }])js");
    QTest::newRow("sticker")
        << cloudMessage(R"js("type":"sticker","sticker":{"id":"5","mime_type":"image/webp","animated":false})js")
        << array(R"js([{"kind":"media","media":{"type":"sticker","id":"5","mime_type":"image/webp","animated":false},
                      "summary":"Sticker (image/webp)"
        }])js");
    QTest::newRow("voice (On-Premises)")
        << QByteArray(R"js({"messages":[{"from":"1","id":"v","timestamp":"1","type":"voice","voice":{"id":"6"}}]})js")
        << array(R"js([{"kind":"media","family":"onprem","media":{"type":"voice","id":"6"},"summary":"Voice"}])js");
    QTest::newRow("media type without its object")
        << cloudMessage(R"js("type":"image")js")
        << array(R"js([{"kind":"media","media":{"type":"image"},"summary":"Image"}])js");
}

void TestWebhookEventParser::mediaTypes()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, expected);
    const WebhookParseResult result = WebhookEventParser::parse(body);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QString mismatch = eventsMismatch(result.events, expected);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void TestWebhookEventParser::nfmReply_data()
{
    addEventColumns();
    QTest::newRow("response_json not JSON")
        << cloudMessage(R"js("type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":)js"
                        R"js({"name":"flow","body":"Sent","response_json":"{not json"}})js")
        << array(
               R"js([{"kind":"nfm_reply","id":"wamid.m1","summary":"Flow reply \"Sent\" (flow): response_json is not JSON"}])js");
    QTest::newRow("response_json a string")
        << cloudMessage(R"js("type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":)js"
                        R"js({"name":"flow","body":"Sent","response_json":"\"done\""}})js")
        << array(R"js([{"kind":"nfm_reply","summary":"Flow reply \"Sent\" (flow): response_json is not JSON"}])js");
    QTest::newRow("response_json an object")
        << cloudMessage(R"js("type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":)js"
                        R"js({"name":"flow","body":"Sent","response_json":"{\"a\":{\"b\":[1,2]}}"}})js")
        << array(R"js([{"kind":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent",
                      "response_json":"{\"a\":{\"b\":[1,2]}}","response":{"a":{"b":[1,2]}}},
                      "summary":"Flow reply \"Sent\" (flow): a"}])js");
    QTest::newRow("no response_json")
        << cloudMessage(R"js("type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow"}})js")
        << array(R"js([{"kind":"nfm_reply","nfm_reply":{"name":"flow"},"summary":"Flow reply (flow)"
        }])js");
}

void TestWebhookEventParser::nfmReply()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, expected);
    const WebhookParseResult result = WebhookEventParser::parse(body);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QString mismatch = eventsMismatch(result.events, expected);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

    // The string always stays as it came; `response` and `response_error` never come together.
    const QJsonObject reply = result.events.first().fields.value(QLatin1String("nfm_reply")).toObject();
    const QJsonObject root = object(body);
    const QJsonValue entry = root.value(QLatin1String("entry"))[0];
    const QJsonValue message = entry[QLatin1String("changes")][0][QLatin1String("value")][QLatin1String("messages")][0];
    const QJsonObject sent = message[QLatin1String("interactive")][QLatin1String("nfm_reply")].toObject();
    QCOMPARE(reply.value(QLatin1String("response_json")), sent.value(QLatin1String("response_json")));
    const bool decoded = reply.contains(QLatin1String("response"));
    const bool noted = reply.contains(QLatin1String("response_error"));
    QVERIFY(!(decoded && noted));
    if (sent.contains(QLatin1String("response_json")))
        QVERIFY(decoded || noted);
    if (noted) {
        QVERIFY(reply.value(QLatin1String("response_error")).isString());
        QVERIFY(!reply.value(QLatin1String("response_error")).toString().isEmpty());
    }
}

void TestWebhookEventParser::timestamps_data()
{
    QTest::addColumn<QByteArray>("timestamp");
    QTest::addColumn<QJsonValue>("expected");
    QTest::newRow("string") << QByteArray(R"js("1749416383")js") << QJsonValue(QStringLiteral("2025-06-08T20:59:43Z"));
    QTest::newRow("number") << QByteArray("1749416383") << QJsonValue(QStringLiteral("2025-06-08T20:59:43Z"));
    QTest::newRow("epoch") << QByteArray(R"js("0")js") << QJsonValue(QStringLiteral("1970-01-01T00:00:00Z"));
    QTest::newRow("empty") << QByteArray(R"js("")js") << QJsonValue(QJsonValue::Null);
    QTest::newRow("not a number") << QByteArray(R"js("yesterday")js") << QJsonValue(QJsonValue::Null);
    QTest::newRow("null") << QByteArray("null") << QJsonValue(QJsonValue::Null);
}

void TestWebhookEventParser::timestamps()
{
    QFETCH(QByteArray, timestamp);
    QFETCH(QJsonValue, expected);
    const WebhookParseResult result = WebhookEventParser::parse(
        cloudBody(R"js("statuses":[{"id":"s","status":"read","recipient_id":"1","timestamp":)js" + timestamp + "}]"));
    QCOMPARE(result.events.size(), 1);
    const WebhookEvent& event = result.events.first();
    QCOMPARE(event.toJson().value(QLatin1String("timestamp")), expected);
    if (event.timestamp.isValid())
        QCOMPARE(event.timestamp.timeSpec(), Qt::UTC);
}

void TestWebhookEventParser::invalidJson_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("empty") << QByteArray() << 0 << 0;
    QTest::newRow("white space") << QByteArray(" \r\n\t") << 0 << 0;
    QTest::newRow("missing value") << QByteArray(R"js({"a": })js") << 1 << 7;
    QTest::newRow("trailing comma on line 2") << QByteArray("{\n  \"entry\": [1,]\n}") << 2 << 15;
    QTest::newRow("truncated") << QByteArray(R"js({"object":)js") << 1 << 10;
    QTest::newRow("garbage after the object") << QByteArray(R"js({"a":1} x)js") << 1 << 9;
    QTest::newRow("columns count characters") << QByteArray(R"js({"名": x})js") << 1 << 7;
    QTest::newRow("not JSON at all") << QByteArray("\n  hello") << 2 << 3;
    QTest::newRow("form encoded") << QByteArray("hub.mode=subscribe") << 1 << 1;
    QTest::newRow("array") << QByteArray("[1, 2]") << 1 << 1;
    QTest::newRow("array after white space") << QByteArray("  \n  [ ]") << 2 << 3;
}

void TestWebhookEventParser::invalidJson()
{
    QFETCH(QByteArray, body);
    QFETCH(int, line);
    QFETCH(int, column);
    const WebhookParseResult result = WebhookEventParser::parse(body);
    QVERIFY(!result.ok());
    QVERIFY(result.events.isEmpty());
    QCOMPARE(result.line, line);
    QCOMPARE(result.column, column);
    if (line > 0) {
        QVERIFY2(result.error.contains(QStringLiteral("line %1, column %2").arg(line).arg(column)),
                 qPrintable(result.error));
    }
}

void TestWebhookEventParser::toJsonShape_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("body");   // empty: an event made by the caller (verification, rejected)
    QTest::addColumn<QJsonObject>("types"); // the kind's own keys and their JSON types

    QTest::newRow("text") << QStringLiteral("text") << TestSamples::webhook(QStringLiteral("cloud-text.json"))
                          << object(R"js({"text":"object"})js");
    QTest::newRow("button_reply") << QStringLiteral("button_reply")
                                  << TestSamples::webhook(QStringLiteral("cloud-button-reply.json"))
                                  << object(R"js({"button_reply":"object"})js");
    QTest::newRow("list_reply") << QStringLiteral("list_reply")
                                << TestSamples::webhook(QStringLiteral("cloud-list-reply.json"))
                                << object(R"js({"list_reply":"object"})js");
    QTest::newRow("nfm_reply") << QStringLiteral("nfm_reply")
                               << TestSamples::webhook(QStringLiteral("cloud-nfm-reply.json"))
                               << object(R"js({"nfm_reply":"object"})js");
    QTest::newRow("location") << QStringLiteral("location")
                              << TestSamples::webhook(QStringLiteral("cloud-location.json"))
                              << object(R"js({"location":"object"})js");
    QTest::newRow("button") << QStringLiteral("button")
                            << TestSamples::webhook(QStringLiteral("cloud-template-button.json"))
                            << object(R"js({"button":"object"})js");
    QTest::newRow("media") << QStringLiteral("media")
                           << cloudMessage(R"js("type":"image","image":{"id":"1","mime_type":"image/jpeg"})js")
                           << object(R"js({"media":"object"})js");
    QTest::newRow("status") << QStringLiteral("status")
                            << TestSamples::webhook(QStringLiteral("cloud-status-sent.json"))
                            << object(R"js({"status":"string","conversation":"object","pricing":"object"})js");
    QTest::newRow("status failed") << QStringLiteral("status")
                                   << TestSamples::webhook(QStringLiteral("cloud-status-failed.json"))
                                   << object(R"js({"status":"string","errors":"array"})js");
    QTest::newRow("error") << QStringLiteral("error") << TestSamples::webhook(QStringLiteral("cloud-errors.json"))
                           << object(R"js({"errors":"array"})js");
    QTest::newRow("unknown") << QStringLiteral("unknown") << QByteArray(R"js({"hello":"world"})js")
                             << object(R"js({"payload":"object"})js");
    QTest::newRow("verification") << QStringLiteral("verification") << QByteArray()
                                  << object(R"js({"verification":"object"})js");
    QTest::newRow("rejected") << QStringLiteral("rejected") << QByteArray() << object(R"js({"rejected":"object"})js");
}

void TestWebhookEventParser::toJsonShape()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, body);
    QFETCH(QJsonObject, types);

    WebhookEvent event;
    if (body.isEmpty()) {
        event.kind = WebhookEvent::kindFromName(kind);
        event.signature = WebhookEvent::Signature::Valid;
        event.duplicate = true;
        event.timestamp = QDateTime::fromSecsSinceEpoch(1749416383, Qt::UTC);
        event.summary = QStringLiteral("made by the caller");
        if (event.kind == Kind::Verification) {
            event.fields.insert(QStringLiteral("verification"),
                                QJsonObject{{QStringLiteral("mode"), QStringLiteral("subscribe")},
                                            {QStringLiteral("challenge"), QStringLiteral("1158201444")}});
        } else {
            event.fields.insert(QStringLiteral("rejected"),
                                QJsonObject{{QStringLiteral("reason"), QStringLiteral("signature mismatch")}});
        }
    } else {
        const WebhookParseResult result = WebhookEventParser::parse(body);
        QCOMPARE(result.events.size(), 1);
        event = result.events.first();
    }
    const QJsonObject record = event.toJson();

    QCOMPARE(record.value(QLatin1String("kind")).toString(), kind);
    for (const char* key : {"id", "contact", "name", "phone_number_id", "display_phone_number", "summary"})
        QVERIFY2(record.value(QLatin1String(key)).isString(), key);
    QVERIFY(!record.value(QLatin1String("summary")).toString().isEmpty());
    const QJsonValue timestamp = record.value(QLatin1String("timestamp"));
    QVERIFY(timestamp.isNull() || timestamp.isString());
    if (timestamp.isString()) {
        QVERIFY(timestamp.toString().endsWith(QLatin1Char('Z')));
        QCOMPARE(QDateTime::fromString(timestamp.toString(), Qt::ISODate), event.timestamp);
    }
    const QJsonValue context = record.value(QLatin1String("context"));
    QVERIFY(context.isUndefined() || context.isObject());
    if (context.isObject()) {
        QCOMPARE(context.toObject().keys(), (QStringList{QStringLiteral("from"), QStringLiteral("id")}));
        QVERIFY(context[QLatin1String("id")].isString());
        QVERIFY(context[QLatin1String("from")].isString());
    }
    const QStringList signatures = {QStringLiteral("valid"), QStringLiteral("invalid"), QStringLiteral("missing"),
                                    QStringLiteral("unsigned")};
    QVERIFY(signatures.contains(record.value(QLatin1String("signature")).toString()));
    QVERIFY(record.value(QLatin1String("duplicate")).isBool());
    QCOMPARE(record.value(QLatin1String("duplicate")).toBool(), event.duplicate);
    QCOMPARE(record.value(QLatin1String("signature")).toString(), WebhookEvent::signatureName(event.signature));
    const QString family = record.value(QLatin1String("family")).toString();
    QVERIFY(family == QLatin1String("cloud") || family == QLatin1String("onprem"));
    QCOMPARE(record.contains(QLatin1String("payload")), event.kind == Kind::Unknown);

    // The kind's keys, with their types, and nothing else beside the fixed ones.
    const auto typeOf = [](const QJsonValue& value) {
        switch (value.type()) {
        case QJsonValue::Null:
            return QStringLiteral("null");
        case QJsonValue::Bool:
            return QStringLiteral("bool");
        case QJsonValue::Double:
            return QStringLiteral("number");
        case QJsonValue::String:
            return QStringLiteral("string");
        case QJsonValue::Array:
            return QStringLiteral("array");
        case QJsonValue::Object:
            return QStringLiteral("object");
        case QJsonValue::Undefined:
            break;
        }
        return QStringLiteral("absent");
    };
    for (auto it = types.begin(); it != types.end(); ++it)
        QCOMPARE(typeOf(record.value(it.key())), it.value().toString());
    const QStringList fixed = {QStringLiteral("kind"),
                               QStringLiteral("id"),
                               QStringLiteral("contact"),
                               QStringLiteral("name"),
                               QStringLiteral("timestamp"),
                               QStringLiteral("context"),
                               QStringLiteral("signature"),
                               QStringLiteral("duplicate"),
                               QStringLiteral("family"),
                               QStringLiteral("summary"),
                               QStringLiteral("phone_number_id"),
                               QStringLiteral("display_phone_number")};
    for (const QString& key : record.keys())
        QVERIFY2(fixed.contains(key) || types.contains(key), qPrintable(key));

    // One JSON Lines record: a single line.
    QVERIFY(!QJsonDocument(record).toJson(QJsonDocument::Compact).contains('\n'));
}

void TestWebhookEventParser::toJsonFixedKeysWin()
{
    WebhookEvent event;
    event.kind = Kind::Text;
    event.id = QStringLiteral("wamid.1");
    event.fields.insert(QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), QStringLiteral("hi")}});
    event.fields.insert(QStringLiteral("kind"), QStringLiteral("status"));
    event.fields.insert(QStringLiteral("id"), 5);
    event.fields.insert(QStringLiteral("context"), QStringLiteral("nonsense"));
    event.fields.insert(QStringLiteral("payload"), QStringLiteral("not for a known kind"));
    event.payload = QJsonObject{{QStringLiteral("id"), QStringLiteral("wamid.1")}};
    const QJsonObject record = event.toJson();
    QCOMPARE(record.value(QLatin1String("kind")).toString(), QStringLiteral("text"));
    QCOMPARE(record.value(QLatin1String("id")).toString(), QStringLiteral("wamid.1"));
    QVERIFY(!record.contains(QLatin1String("context")));
    QVERIFY(!record.contains(QLatin1String("payload")));
    QCOMPARE(record.value(QLatin1String("text"))[QLatin1String("body")].toString(), QStringLiteral("hi"));
    QVERIFY(record.value(QLatin1String("timestamp")).isNull());
    QCOMPARE(record.value(QLatin1String("signature")).toString(), QStringLiteral("unsigned"));
    QCOMPARE(record.value(QLatin1String("family")).toString(), QStringLiteral("cloud"));

    event.contextId = QStringLiteral("wamid.0");
    event.family = ApiFamily::OnPremises;
    const QJsonObject answered = event.toJson();
    QCOMPARE(answered.value(QLatin1String("context")).toObject(),
             (QJsonObject{{QStringLiteral("id"), QStringLiteral("wamid.0")}, {QStringLiteral("from"), QString()}}));
    QCOMPARE(answered.value(QLatin1String("family")).toString(), QStringLiteral("onprem"));
}

void TestWebhookEventParser::names()
{
    const QList<QPair<Kind, QString>> kinds = {
        {Kind::Text, QStringLiteral("text")},
        {Kind::ButtonReply, QStringLiteral("button_reply")},
        {Kind::ListReply, QStringLiteral("list_reply")},
        {Kind::NfmReply, QStringLiteral("nfm_reply")},
        {Kind::Location, QStringLiteral("location")},
        {Kind::Button, QStringLiteral("button")},
        {Kind::Media, QStringLiteral("media")},
        {Kind::Status, QStringLiteral("status")},
        {Kind::Error, QStringLiteral("error")},
        {Kind::Verification, QStringLiteral("verification")},
        {Kind::Rejected, QStringLiteral("rejected")},
        {Kind::Unknown, QStringLiteral("unknown")},
    };
    for (const auto& [kind, name] : kinds) {
        QCOMPARE(WebhookEvent::kindName(kind), name);
        QCOMPARE(WebhookEvent::kindFromName(name), kind);
    }
    QCOMPARE(WebhookEvent::kindFromName(u"reaction"), Kind::Unknown);
    QCOMPARE(WebhookEvent::kindFromName(u"Text"), Kind::Unknown);
    QCOMPARE(WebhookEvent::kindFromName(QStringView()), Kind::Unknown);
    QCOMPARE(WebhookEvent::signatureName(WebhookEvent::Signature::Valid), QStringLiteral("valid"));
    QCOMPARE(WebhookEvent::signatureName(WebhookEvent::Signature::Invalid), QStringLiteral("invalid"));
    QCOMPARE(WebhookEvent::signatureName(WebhookEvent::Signature::Missing), QStringLiteral("missing"));
    QCOMPARE(WebhookEvent::signatureName(WebhookEvent::Signature::Unsigned), QStringLiteral("unsigned"));
}

namespace {

// 1000 inbound texts, either as 1000 changes of one message each or as one value of 1000.
QByteArray batchBody(int count, bool oneValue)
{
    QByteArray body = R"js({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[)js";
    const auto contact = [](int i) {
        return QByteArray(R"js({"profile":{"name":"Name )js") + QByteArray::number(i) + R"js("},"wa_id":"1650555)js" +
               QByteArray::number(i) + R"js("})js";
    };
    const auto message = [](int i) {
        return QByteArray(R"js({"from":"1650555)js") + QByteArray::number(i) + R"js(","id":"wamid.)js" +
               QByteArray::number(i) + R"js(","timestamp":"1749416383","type":"text","text":{"body":"message )js" +
               QByteArray::number(i) + R"js("}})js";
    };
    const QByteArray metadata =
        R"js("messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"1065"})js";
    if (oneValue) {
        QByteArrayList contacts;
        QByteArrayList messages;
        for (int i = 0; i < count; ++i) {
            contacts << contact(i);
            messages << message(i);
        }
        body += R"js({"field":"messages","value":{)js" + metadata + R"js(,"contacts":[)js" + contacts.join(',') +
                R"js(],"messages":[)js" + messages.join(',') + "]}}";
    } else {
        QByteArrayList changes;
        for (int i = 0; i < count; ++i) {
            changes << R"js({"field":"messages","value":{)js" + metadata + R"js(,"contacts":[)js" + contact(i) +
                           R"js(],"messages":[)js" + message(i) + "]}}";
        }
        body += changes.join(',');
    }
    return body + "]}]}";
}

qint64 bestParseNanoseconds(const QByteArray& body, int runs)
{
    qint64 best = std::numeric_limits<qint64>::max();
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        const WebhookParseResult result = WebhookEventParser::parse(body);
        best = std::min(best, timer.nsecsElapsed());
        if (result.events.isEmpty())
            qFatal("no events");
    }
    return best;
}

} // namespace

void TestWebhookEventParser::largeBatch_data()
{
    QTest::addColumn<bool>("oneValue");
    QTest::newRow("1000 changes") << false;
    QTest::newRow("one value of 1000 messages and contacts") << true;
}

void TestWebhookEventParser::largeBatch()
{
    QFETCH(bool, oneValue);
    const QByteArray body = batchBody(1000, oneValue);
    QElapsedTimer timer;
    timer.start();
    const WebhookParseResult result = WebhookEventParser::parse(body);
    const qint64 elapsed = timer.nsecsElapsed();
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.events.size(), 1000);
    for (int i = 0; i < 1000; ++i) {
        const WebhookEvent& event = result.events.at(i);
        QCOMPARE(event.kind, Kind::Text);
        QCOMPARE(event.id, QStringLiteral("wamid.%1").arg(i));
        QCOMPARE(event.contact, QStringLiteral("1650555%1").arg(i));
        QCOMPARE(event.contactName, QStringLiteral("Name %1").arg(i));
        QCOMPARE(event.phoneNumberId, QStringLiteral("1065"));
        QCOMPARE(event.summary, QStringLiteral("Text: message %1").arg(i));
    }
    qInfo("%lld bytes parsed into 1000 events in %.2f ms (first run)", qlonglong(body.size()), elapsed / 1e6);
    // Generous against a loaded machine; a typical run takes a few milliseconds.
    QVERIFY2(elapsed < 250000000, qPrintable(QStringLiteral("%1 ms").arg(elapsed / 1e6)));
}

void TestWebhookEventParser::linearInSize()
{
    // Eight times the messages (and contacts) in one value take about eight times as long; a
    // lookup per message through the contacts would take sixty-four.
    const qint64 small = bestParseNanoseconds(batchBody(1000, true), 5);
    const qint64 large = bestParseNanoseconds(batchBody(8000, true), 5);
    const double ratio = double(large) / double(std::max<qint64>(small, 1));
    qInfo("1000 messages: %.2f ms, 8000: %.2f ms, ratio %.1f", small / 1e6, large / 1e6, ratio);
    QVERIFY2(ratio < 24, qPrintable(QString::number(ratio)));
}

QTEST_APPLESS_MAIN(TestWebhookEventParser)

#include "tst_webhookeventparser.moc"
