#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "ApiErrorExplainer.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::ApiFamily)

namespace {

QByteArray cloudError(int code, const QString& message, const QString& details, int subcode = 0)
{
    QJsonObject error{{QStringLiteral("message"), message},
                      {QStringLiteral("type"), QStringLiteral("OAuthException")},
                      {QStringLiteral("code"), code},
                      {QStringLiteral("fbtrace_id"), QStringLiteral("AbCdEf123")}};
    if (subcode != 0)
        error.insert(QStringLiteral("error_subcode"), subcode);
    if (!details.isEmpty())
        error.insert(QStringLiteral("error_data"),
                     QJsonObject{{QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
                                 {QStringLiteral("details"), details}});
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
}

QString quoted(const QString& text)
{
    return QStringLiteral("\u201c%1\u201d").arg(text);
}

} // namespace

class TestApiErrorExplainer : public QObject
{
    Q_OBJECT

private slots:
    void cloudCodes_data();
    void cloudCodes();
    void onPremisesCodes_data();
    void onPremisesCodes();
    void fieldsOfTheReferenceSample();
    void severalOnPremisesErrors();
    void unknownCodeFallsBackToStatus();
    void notJson_data();
    void notJson();
    void emptyBody();
    void jsonWithoutError();
    void statusAlone_data();
    void statusAlone();
    void explainCodeForWebhooks();
};

// Every code of the reference sheet's list: an explanation naming what happened and what to do,
// with the details quoted.
void TestApiErrorExplainer::cloudCodes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");   // what happened, in the explanation
    QTest::addColumn<QString>("advice"); // what to do, in the explanation
    QTest::newRow("0 auth") << 401 << 0 << QStringLiteral("access token") << QStringLiteral("Generate a new");
    QTest::newRow("190 token") << 401 << 190 << QStringLiteral("expired or is invalid")
                               << QStringLiteral("Generate a new token");
    QTest::newRow("10 permission") << 403 << 10 << QStringLiteral("Permission denied")
                                   << QStringLiteral("whatsapp_business_messaging");
    QTest::newRow("200 permission") << 403 << 200 << QStringLiteral("Permission error")
                                    << QStringLiteral("Grant whatsapp_business_messaging");
    QTest::newRow("299 permission") << 403 << 299 << QStringLiteral("Permission error")
                                    << QStringLiteral("Grant whatsapp_business_messaging");
    QTest::newRow("100 invalid parameter")
        << 400 << 100 << QStringLiteral("size limit") << QStringLiteral("Correct the field");
    QTest::newRow("131008 missing") << 400 << 131008 << QStringLiteral("required parameter is missing")
                                    << QStringLiteral("Add the missing field");
    QTest::newRow("131009 invalid value")
        << 400 << 131009 << QStringLiteral("value is not valid") << QStringLiteral("Correct that value");
    QTest::newRow("131051 unsupported type")
        << 400 << 131051 << QStringLiteral("Unsupported message type") << QStringLiteral("Use type");
    QTest::newRow("131026 undeliverable")
        << 400 << 131026 << QStringLiteral("could not be delivered") << QStringLiteral("Check the number");
    QTest::newRow("131047 24 hours") << 400 << 131047 << QStringLiteral("24-hour customer service window")
                                     << QStringLiteral("only a template message can be sent");
    QTest::newRow("130429 throughput") << 429 << 130429 << QStringLiteral("Throughput limit")
                                       << QStringLiteral("Slow down");
    QTest::newRow("131056 pair rate") << 429 << 131056 << QStringLiteral("same customer")
                                      << QStringLiteral("Wait before sending");
    QTest::newRow("131048 spam") << 400 << 131048 << QStringLiteral("Spam rate limit")
                                 << QStringLiteral("quality rating");
    QTest::newRow("131000 unknown") << 500 << 131000 << QStringLiteral("Meta's side") << QStringLiteral("Try again");
    QTest::newRow("133010 not registered")
        << 400 << 133010 << QStringLiteral("not registered") << QStringLiteral("Register it");
    QTest::newRow("368 blocked") << 403 << 368 << QStringLiteral("temporarily blocked")
                                 << QStringLiteral("WhatsApp Manager");
    QTest::newRow("131031 restricted") << 403 << 131031 << QStringLiteral("restricted or locked")
                                       << QStringLiteral("appeal");
}

void TestApiErrorExplainer::cloudCodes()
{
    QFETCH(int, status);
    QFETCH(int, code);
    QFETCH(QString, says);
    QFETCH(QString, advice);
    const QString details = QStringLiteral("Parameter interactive.body.text is required (%1)").arg(code);
    const QByteArray body = cloudError(code, QStringLiteral("(#%1) Something").arg(code), details, 2494010);
    const ApiError error = ApiErrorExplainer::explain(status, body, ApiFamily::Cloud);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.code, code);
    QCOMPARE(error.subcode, 2494010);
    QCOMPARE(error.type, QStringLiteral("OAuthException"));
    QCOMPARE(error.message, QStringLiteral("(#%1) Something").arg(code));
    QCOMPARE(error.details, details);
    QCOMPARE(error.fbtraceId, QStringLiteral("AbCdEf123"));
    QCOMPARE(error.rawBody, body);
    QVERIFY2(error.explanation.contains(says), qPrintable(error.explanation));
    QVERIFY2(error.explanation.contains(advice), qPrintable(error.explanation));
    QVERIFY2(error.explanation.contains(quoted(details)), qPrintable(error.explanation));
    // A known code is explained by itself, not by the generic status text.
    QVERIFY2(!error.explanation.contains(QStringLiteral("HTTP %1:").arg(status)), qPrintable(error.explanation));
    QCOMPARE(ApiErrorExplainer::explainCode(code).isEmpty(), false);
}

void TestApiErrorExplainer::onPremisesCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");
    QTest::addColumn<QString>("advice");
    QTest::newRow("1005") << 1005 << QStringLiteral("Access denied") << QStringLiteral("Log in with a user");
    QTest::newRow("1006") << 1006 << QStringLiteral("Resource not found") << QStringLiteral("Check the number");
    QTest::newRow("1008") << 1008 << QStringLiteral("required parameter is missing") << QStringLiteral("Add the field");
    QTest::newRow("1009") << 1009 << QStringLiteral("value is not valid") << QStringLiteral("Correct the value");
    QTest::newRow("1013") << 1013 << QStringLiteral("not a valid WhatsApp user") << QStringLiteral("Check the number");
    QTest::newRow("1015") << 1015 << QStringLiteral("Too many requests") << QStringLiteral("send more slowly");
    QTest::newRow("1014") << 1014 << QStringLiteral("Internal error") << QStringLiteral("Try again later");
    QTest::newRow("1026") << 1026 << QStringLiteral("Receiver incapable") << QStringLiteral("update WhatsApp");
}

void TestApiErrorExplainer::onPremisesCodes()
{
    QFETCH(int, code);
    QFETCH(QString, says);
    QFETCH(QString, advice);
    const QByteArray body =
        QStringLiteral(R"({"errors":[{"code":%1,"title":"Some title","details":"field x"}]})").arg(code).toUtf8();
    const ApiError error = ApiErrorExplainer::explain(400, body, ApiFamily::OnPremises);
    QCOMPARE(error.code, code);
    QCOMPARE(error.title, QStringLiteral("Some title"));
    QCOMPARE(error.details, QStringLiteral("field x"));
    QCOMPARE(error.rawBody, body);
    QVERIFY2(error.explanation.contains(says, Qt::CaseInsensitive), qPrintable(error.explanation));
    QVERIFY2(error.explanation.contains(advice), qPrintable(error.explanation));
    QVERIFY2(error.explanation.contains(quoted(QStringLiteral("field x"))), qPrintable(error.explanation));
}

// The reference sheet's own example, field by field.
void TestApiErrorExplainer::fieldsOfTheReferenceSample()
{
    const QByteArray body =
        R"({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,)"
        R"("error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours )"
        R"(have passed since the customer last replied to this number."},"error_user_title":"Outside window",)"
        R"("error_user_msg":"Reply first","fbtrace_id":"AbCdEf"}})";
    const ApiError error = ApiErrorExplainer::explain(400, body, ApiFamily::Cloud);
    QCOMPARE(error.code, 131047);
    QCOMPARE(error.subcode, 0);
    QCOMPARE(error.message, QStringLiteral("(#131047) Re-engagement message"));
    QCOMPARE(error.title, QStringLiteral("Outside window"));
    QVERIFY(error.details.startsWith(QStringLiteral("Message failed to send because more than 24 hours")));
    QCOMPARE(error.fbtraceId, QStringLiteral("AbCdEf"));
    QVERIFY(error.explanation.contains(QStringLiteral("only a template message can be sent")));
    QVERIFY(error.explanation.contains(QStringLiteral("customer writes first")));
    QVERIFY(error.explanation.contains(quoted(QStringLiteral("Reply first"))));
    QVERIFY(error.explanation.contains(QStringLiteral("AbCdEf")));
}

void TestApiErrorExplainer::severalOnPremisesErrors()
{
    const QByteArray body = R"({"errors":[{"code":1008,"title":"Required parameter is missing","details":"to"},)"
                            R"({"code":1009,"title":"Parameter value is not valid","details":"recipient_type"}]})";
    const ApiError error = ApiErrorExplainer::explain(400, body, ApiFamily::OnPremises);
    QCOMPARE(error.code, 1008); // the first one fills the fields
    QCOMPARE(error.title, QStringLiteral("Required parameter is missing"));
    QVERIFY2(error.explanation.contains(QStringLiteral("2 errors")), qPrintable(error.explanation));
    QVERIFY(error.explanation.contains(QStringLiteral("(1008)")));
    QVERIFY(error.explanation.contains(QStringLiteral("(1009)")));
    QVERIFY(error.explanation.contains(quoted(QStringLiteral("to"))));
    QVERIFY(error.explanation.contains(quoted(QStringLiteral("recipient_type"))));
}

void TestApiErrorExplainer::unknownCodeFallsBackToStatus()
{
    const QByteArray body = cloudError(987654, QStringLiteral("(#987654) Brand new"), QString());
    const ApiError error = ApiErrorExplainer::explain(404, body, ApiFamily::Cloud);
    QCOMPARE(error.code, 987654);
    QVERIFY2(error.explanation.contains(QStringLiteral("987654")), qPrintable(error.explanation));
    QVERIFY(error.explanation.contains(quoted(QStringLiteral("(#987654) Brand new"))));
    QVERIFY(error.explanation.contains(QStringLiteral("phone-number ID"))); // 404's advice
}

void TestApiErrorExplainer::notJson_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("advice");
    QTest::newRow("401") << 401 << QStringLiteral("access token is missing, expired or invalid");
    QTest::newRow("403") << 403 << QStringLiteral("permission denied");
    QTest::newRow("404") << 404 << QStringLiteral("API version");
    QTest::newRow("429") << 429 << QStringLiteral("rate limit");
    QTest::newRow("500") << 500 << QStringLiteral("server side failed");
    QTest::newRow("502") << 502 << QStringLiteral("proxy or gateway");
    QTest::newRow("503") << 503 << QStringLiteral("unavailable");
}

void TestApiErrorExplainer::notJson()
{
    QFETCH(int, status);
    QFETCH(QString, advice);
    const QByteArray body = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n";
    const ApiError error = ApiErrorExplainer::explain(status, body, ApiFamily::Cloud);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.code, 0);
    QCOMPARE(error.rawBody, body);
    QVERIFY2(error.explanation.contains(advice), qPrintable(error.explanation));
    QVERIFY2(error.explanation.contains(QStringLiteral("not the API's JSON")), qPrintable(error.explanation));
    QVERIFY(error.explanation.contains(QStringLiteral("<html><head><title>502 Bad Gateway")));
}

void TestApiErrorExplainer::emptyBody()
{
    const ApiError error = ApiErrorExplainer::explain(503, QByteArray(), ApiFamily::OnPremises);
    QCOMPARE(error.httpStatus, 503);
    QVERIFY(error.rawBody.isEmpty());
    QVERIFY2(error.explanation.contains(QStringLiteral("empty")), qPrintable(error.explanation));
    QVERIFY(error.explanation.contains(QStringLiteral("HTTP 503")));
}

void TestApiErrorExplainer::jsonWithoutError()
{
    const QByteArray body = R"({"status":"nope"})";
    const ApiError error = ApiErrorExplainer::explain(400, body, ApiFamily::Cloud);
    QCOMPARE(error.code, 0);
    QCOMPARE(error.rawBody, body);
    QVERIFY2(error.explanation.contains(QStringLiteral("no \u201cerror\u201d")), qPrintable(error.explanation));
    QVERIFY(error.explanation.contains(QStringLiteral("HTTP 400")));

    const ApiError array = ApiErrorExplainer::explain(500, "[1,2]", ApiFamily::Cloud);
    QVERIFY2(array.explanation.contains(QStringLiteral("not the API's JSON")), qPrintable(array.explanation));
}

void TestApiErrorExplainer::statusAlone_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<ApiFamily>("family");
    QTest::addColumn<QString>("expected");
    QTest::newRow("401 cloud") << 401 << ApiFamily::Cloud << QStringLiteral("access token");
    QTest::newRow("401 on-premises") << 401 << ApiFamily::OnPremises << QStringLiteral("user name or password");
    QTest::newRow("404 cloud") << 404 << ApiFamily::Cloud << QStringLiteral("phone-number ID");
    QTest::newRow("404 on-premises") << 404 << ApiFamily::OnPremises << QStringLiteral("without /v1");
    QTest::newRow("301") << 301 << ApiFamily::Cloud << QStringLiteral("redirected");
    QTest::newRow("418") << 418 << ApiFamily::Cloud << QStringLiteral("refused the request");
    QTest::newRow("504") << 504 << ApiFamily::Cloud << QStringLiteral("server side");
}

void TestApiErrorExplainer::statusAlone()
{
    QFETCH(int, status);
    QFETCH(ApiFamily, family);
    QFETCH(QString, expected);
    const QString text = ApiErrorExplainer::explainStatus(status, family);
    QVERIFY2(text.contains(expected), qPrintable(text));
    QVERIFY(text.startsWith(QStringLiteral("HTTP %1").arg(status)));
}

void TestApiErrorExplainer::explainCodeForWebhooks()
{
    // A failed status webhook carries errors[] with codes only.
    QVERIFY(ApiErrorExplainer::explainCode(131047).contains(QStringLiteral("template")));
    QVERIFY(ApiErrorExplainer::explainCode(131026).contains(QStringLiteral("could not be delivered")));
    QVERIFY(ApiErrorExplainer::explainCode(470).contains(QStringLiteral("24 hours")));
    QVERIFY(ApiErrorExplainer::explainCode(424242).isEmpty());
    QVERIFY(ApiErrorExplainer::explainCode(-1).isEmpty());
}

QTEST_APPLESS_MAIN(TestApiErrorExplainer)
#include "tst_apierrorexplainer.moc"
