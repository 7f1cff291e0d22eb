#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "MessageCodec.h"
#include "Validator.h"
#include "TestSamples.h"

using namespace wa;

namespace {

QJsonObject parse(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test input is not JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

QStringList sampleFiles()
{
    QStringList files;
    const QDir valid(QStringLiteral(WA_SAMPLES_DIR "/messages"));
    for (const QString& name : valid.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        files << name;
    const QDir invalid(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid"));
    for (const QString& name : invalid.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        files << QStringLiteral("invalid/") + name;
    return files;
}

// Adds an unknown key to every object of a payload, recursively.
QJsonValue withUnknownKeys(const QJsonValue& value, int* added)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue& item : value.toArray())
            out.append(withUnknownKeys(item, added));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject out;
    const QJsonObject in = value.toObject();
    for (auto it = in.begin(); it != in.end(); ++it)
        out.insert(it.key(), withUnknownKeys(it.value(), added));
    out.insert(QStringLiteral("x_unknown"), QJsonObject{{QStringLiteral("kept"), ++*added}});
    return out;
}

} // namespace

class TestMessageCodec : public QObject
{
    Q_OBJECT

private slots:
    void convertBetweenFamilies_data();
    void convertBetweenFamilies();
    void roundTripSamples_data();
    void roundTripSamples();
    void detectFamily_data();
    void detectFamily();
    void unknownFieldsSurvive_data();
    void unknownFieldsSurvive();
    void unknownFieldsSurviveAnEdit();
    void convertCloudToOnPremises();
    void convertOnPremisesToCloud();
    void malformed_data();
    void malformed();
    void wrongTypesAreKeptAndReported_data();
    void wrongTypesAreKeptAndReported();
    void deepNesting();
    void fiftyMegabyteString();
    void fiftyMegabyteTruncated();
    void lineAndColumnCountCharacters();
};

void TestMessageCodec::roundTripSamples_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = sampleFiles();
    QVERIFY2(files.size() >= 19, "the shared samples are missing");
    for (const QString& file : files)
        QTest::newRow(qPrintable(file)) << file;
}

void TestMessageCodec::roundTripSamples()
{
    QFETCH(QString, file);
    const QByteArray bytes = TestSamples::read(QStringLiteral("messages/") + file);
    const DecodeResult decoded = MessageCodec::decode(bytes);
    QVERIFY2(decoded.ok(), qPrintable(decoded.error.message));
    QVERIFY(decoded.message->typeMismatches.empty());
    const QJsonObject original = parse(bytes);
    QCOMPARE(MessageCodec::toJson(*decoded.message), original);
    // and through bytes again, as a file would be written
    const QByteArray written = MessageCodec::encode(*decoded.message, decoded.message->family);
    QCOMPARE(parse(written), original);
}

void TestMessageCodec::detectFamily_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<ApiFamily>("family");
    QTest::newRow("cloud") << QStringLiteral("list-takeout-menu.json") << ApiFamily::Cloud;
    QTest::newRow("on-premises") << QStringLiteral("button-video-header-onprem.json") << ApiFamily::OnPremises;
}

void TestMessageCodec::detectFamily()
{
    QFETCH(QString, file);
    QFETCH(ApiFamily, family);
    const DecodeResult decoded = MessageCodec::decode(TestSamples::read(QStringLiteral("messages/") + file));
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.message->family, family);
}

void TestMessageCodec::unknownFieldsSurvive_data()
{
    roundTripSamples_data();
}

void TestMessageCodec::unknownFieldsSurvive()
{
    QFETCH(QString, file);
    int added = 0;
    const QJsonObject decorated =
        withUnknownKeys(parse(TestSamples::read(QStringLiteral("messages/") + file)), &added).toObject();
    QVERIFY(added > 3);
    const Message message = MessageCodec::fromJson(decorated);
    QCOMPARE(MessageCodec::toJson(message), decorated);
}

void TestMessageCodec::unknownFieldsSurviveAnEdit()
{
    int added = 0;
    const QJsonObject decorated =
        withUnknownKeys(parse(TestSamples::read(QStringLiteral("messages/list-takeout-menu.json"))), &added).toObject();
    Message message = MessageCodec::fromJson(decorated);
    QVERIFY(message.interactive && message.interactive->action && message.interactive->action->sections);
    (*(*message.interactive->action->sections)[1].rows)[0].title = QStringLiteral("Pork rice");
    const QJsonObject out = MessageCodec::toJson(message);
    const QJsonObject row = out[QStringLiteral("interactive")][QStringLiteral("action")][QStringLiteral("sections")][1]
                               [QStringLiteral("rows")][0]
                                   .toObject();
    QCOMPARE(row[QStringLiteral("title")].toString(), QStringLiteral("Pork rice"));
    QVERIFY(row.contains(QStringLiteral("x_unknown")));
    QVERIFY(out.contains(QStringLiteral("x_unknown")));
}

void TestMessageCodec::convertCloudToOnPremises()
{
    const QJsonObject cloud = parse(TestSamples::read(QStringLiteral("messages/cta-url.json")));
    const Message message = MessageCodec::fromJson(cloud);
    QCOMPARE(message.family, ApiFamily::Cloud);
    const QJsonObject onPrem = MessageCodec::toJson(message, ApiFamily::OnPremises);
    QVERIFY(!onPrem.contains(QStringLiteral("messaging_product")));
    QJsonObject expected = cloud;
    expected.remove(QStringLiteral("messaging_product"));
    QCOMPARE(onPrem, expected);
    // and back
    const Message again = MessageCodec::fromJson(onPrem);
    QCOMPARE(again.family, ApiFamily::OnPremises);
    QCOMPARE(MessageCodec::toJson(again, ApiFamily::Cloud), cloud);
    QVERIFY(!hasErrors(Validator::validate(again)));
}

void TestMessageCodec::convertOnPremisesToCloud()
{
    const QJsonObject onPrem = parse(TestSamples::read(QStringLiteral("messages/button-video-header-onprem.json")));
    const Message message = MessageCodec::fromJson(onPrem);
    QCOMPARE(message.family, ApiFamily::OnPremises);
    const QJsonObject cloud = MessageCodec::toJson(message, ApiFamily::Cloud);
    QCOMPARE(cloud[QStringLiteral("messaging_product")].toString(), QStringLiteral("whatsapp"));
    QJsonObject withoutProduct = cloud;
    withoutProduct.remove(QStringLiteral("messaging_product"));
    QCOMPARE(withoutProduct, onPrem);
    // The provider is On-Premises only: in the Cloud form it is a warning, not silently dropped.
    const QList<Finding> findings = Validator::validate(MessageCodec::fromJson(cloud));
    QVERIFY(!hasErrors(findings));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().code, QStringLiteral("media_provider"));
    QCOMPARE(findings.first().path, QStringLiteral("interactive.header.video.provider"));
}

void TestMessageCodec::malformed_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("empty") << QByteArray() << 0 << 0 << QStringLiteral("empty");
    QTest::newRow("white space") << QByteArray(" \n\t") << 0 << 0 << QStringLiteral("empty");
    QTest::newRow("truncated") << QByteArray("{\"to\":\"1\",\n \"interactive\":{\"type\":\"list\"") << 2 << 29
                               << QStringLiteral("line 2, column 29");
    QTest::newRow("missing colon") << QByteArray("{\n  \"to\": \"1\",\n  \"type\" \"interactive\"\n}") << 3 << 10
                                   << QStringLiteral("line 3");
    QTest::newRow("trailing comma") << QByteArray("{\"to\":\"1\",}") << 1 << 11 << QStringLiteral("column");
    QTest::newRow("not JSON at all") << QByteArray("hello") << 1 << 1 << QStringLiteral("starts with '{'");
    QTest::newRow("array") << QByteArray("[1,2]") << 1 << 1 << QStringLiteral("array");
    QTest::newRow("string") << QByteArray("\"text\"") << 1 << 1 << QStringLiteral("JSON object");
    QTest::newRow("null") << QByteArray("null") << 1 << 1 << QStringLiteral("JSON object");
    QTest::newRow("number after space") << QByteArray("\n  42") << 2 << 3 << QStringLiteral("JSON object");
    QTest::newRow("invalid UTF-8") << QByteArray("{\"to\":\"\xff\xfe\"}") << 1 << 8 << QStringLiteral("line 1");
}

void TestMessageCodec::malformed()
{
    QFETCH(QByteArray, input);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);
    const DecodeResult decoded = MessageCodec::decode(input);
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.error.message.contains(mentions), qPrintable(decoded.error.message));
    QCOMPARE(decoded.error.line, line);
    if (QByteArray(QTest::currentDataTag()) != "invalid UTF-8") // Qt reports the string's start or the byte
        QCOMPARE(decoded.error.column, column);
}

void TestMessageCodec::wrongTypesAreKeptAndReported_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    QTest::newRow("number body") << QByteArray(R"({"messaging_product":"whatsapp","to":"1650555","type":"interactive",
        "interactive":{"type":"button","body":{"text":5},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}})")
                                 << QStringLiteral("interactive.body.text")
                                 << QStringLiteral("interactive.body.text must be a string, not a number.");
    QTest::newRow("null footer") << QByteArray(R"({"messaging_product":"whatsapp","to":"1650555","type":"interactive",
        "interactive":{"type":"button","body":{"text":"Hi"},"footer":null,"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}})")
                                 << QStringLiteral("interactive.footer")
                                 << QStringLiteral("interactive.footer must be an object, not null.");
    QTest::newRow("null row in rows")
        << QByteArray(R"({"messaging_product":"whatsapp","to":"1650555","type":"interactive",
        "interactive":{"type":"list","body":{"text":"Hi"},"action":{"button":"Go","sections":[{"title":"S","rows":[{"id":"1","title":"One"},null]}]}}})")
        << QStringLiteral("interactive.action.sections[0].rows[1]")
        << QStringLiteral("interactive.action.sections[0].rows[1] must be an object, not null.");
    QTest::newRow("object as buttons") << QByteArray(
                                              R"({"messaging_product":"whatsapp","to":"1650555","type":"interactive",
        "interactive":{"type":"button","body":{"text":"Hi"},"action":{"buttons":{"type":"reply"}}}})")
                                       << QStringLiteral("interactive.action.buttons")
                                       << QStringLiteral("interactive.action.buttons must be an array, not an object.");
    QTest::newRow("bool to") << QByteArray(R"({"messaging_product":"whatsapp","to":true,"type":"interactive",
        "interactive":{"type":"location_request_message","body":{"text":"Hi"},"action":{"name":"send_location"}}})")
                             << QStringLiteral("to") << QStringLiteral("to must be a string, not a boolean.");
    QTest::newRow("array interactive")
        << QByteArray(R"({"messaging_product":"whatsapp","to":"1650555","type":"interactive","interactive":[]})")
        << QStringLiteral("interactive") << QStringLiteral("interactive must be an object, not an array.");
}

void TestMessageCodec::wrongTypesAreKeptAndReported()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, path);
    QFETCH(QString, message);
    const DecodeResult decoded = MessageCodec::decode(input);
    QVERIFY(decoded.ok());
    // Nothing is dropped: the wrongly typed value is written back as it came.
    QCOMPARE(MessageCodec::toJson(*decoded.message), parse(input));
    const QList<Finding> findings = Validator::validate(*decoded.message);
    const auto it = std::find_if(findings.cbegin(), findings.cend(), [&](const Finding& f) { return f.path == path; });
    QVERIFY2(it != findings.cend(), qPrintable(path));
    QCOMPARE(it->code, QStringLiteral("wrong_type"));
    QCOMPARE(it->severity, Severity::Error);
    QCOMPARE(it->message, message);
    // and reported once: no "required" finding at the same path on top of it
    QCOMPARE(std::count_if(findings.cbegin(), findings.cend(), [&](const Finding& f) { return f.path == path; }), 1);
}

void TestMessageCodec::deepNesting()
{
    const int depth = 10000;
    QByteArray input = "{\"interactive\":";
    input += QByteArray(depth, '[');
    input += QByteArray(depth, ']');
    input += '}';
    const DecodeResult decoded = MessageCodec::decode(input);
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.error.message.contains(QStringLiteral("nested")), qPrintable(decoded.error.message));
    QCOMPARE(decoded.error.line, 1);
    QVERIFY(decoded.error.column > 1);

    QByteArray objects;
    for (int i = 0; i < depth; ++i)
        objects += "{\"a\":";
    objects += "1";
    objects += QByteArray(depth, '}');
    const DecodeResult nestedObjects = MessageCodec::decode(objects);
    QVERIFY(!nestedObjects.ok());
    QVERIFY(nestedObjects.error.message.contains(QStringLiteral("nested")));
}

void TestMessageCodec::fiftyMegabyteString()
{
    const qsizetype size = 50 * 1024 * 1024;
    QByteArray input = R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",)"
                       R"("interactive":{"type":"location_request_message","body":{"text":")";
    input += QByteArray(size, 'x');
    input += R"("},"action":{"name":"send_location"}}})";
    const DecodeResult decoded = MessageCodec::decode(input);
    QVERIFY2(decoded.ok(), qPrintable(decoded.error.message));
    const QList<Finding> findings = Validator::validate(*decoded.message);
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().path, QStringLiteral("interactive.body.text"));
    QCOMPARE(findings.first().code, QStringLiteral("body_length"));
    QCOMPARE(findings.first().limit, qint64(1024));
    QCOMPARE(findings.first().actual, qint64(size));
    QVERIFY(findings.first().message.contains(QString::number(size)));
}

void TestMessageCodec::fiftyMegabyteTruncated()
{
    QByteArray input = "{\"to\":\"";
    input += QByteArray(50 * 1024 * 1024, 'x');
    const DecodeResult decoded = MessageCodec::decode(input);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error.line, 1);
    QVERIFY(decoded.error.message.startsWith(QStringLiteral("Not valid JSON at line 1")));
}

void TestMessageCodec::lineAndColumnCountCharacters()
{
    const QByteArray text = QStringLiteral("{\n\"title\": \"查看時段\" x").toUtf8();
    int line = 0;
    int column = 0;
    MessageCodec::lineAndColumn(text, text.indexOf('x'), &line, &column);
    QCOMPARE(line, 2);
    QCOMPARE(column, 17); // "title": "查看時段"  is 16 characters, 28 bytes
}

void TestMessageCodec::convertBetweenFamilies_data()
{
    QTest::addColumn<QString>("sample");
    QTest::newRow("cloud list") << QStringLiteral("messages/list-takeout-menu.json");
    QTest::newRow("cloud button") << QStringLiteral("messages/button-image-header.json");
    QTest::newRow("on-premises video") << QStringLiteral("messages/button-video-header-onprem.json");
}

// What a profile of the other family sends: the same message, in that form, valid there.
void TestMessageCodec::convertBetweenFamilies()
{
    QFETCH(QString, sample);
    const DecodeResult decoded = MessageCodec::decode(TestSamples::read(sample));
    QVERIFY(decoded.ok());
    for (const ApiFamily family : {ApiFamily::Cloud, ApiFamily::OnPremises}) {
        const Message converted = MessageCodec::convert(*decoded.message, family);
        QCOMPARE(converted.family, family);
        QCOMPARE(converted.messagingProduct.has_value(), family == ApiFamily::Cloud);
        QCOMPARE(converted.interactive.has_value(), decoded.message->interactive.has_value());
        QCOMPARE(MessageCodec::toJson(converted, decoded.message->family), MessageCodec::toJson(*decoded.message));
        int errors = 0;
        for (const Finding& finding : Validator::validate(converted, family))
            errors += finding.severity == Severity::Error;
        QCOMPARE(errors, 0);
    }
}

QTEST_APPLESS_MAIN(TestMessageCodec)
#include "tst_messagecodec.moc"
