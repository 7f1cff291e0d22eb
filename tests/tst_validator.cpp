#include <QDir>
#include <QFile>
#include <QTest>

#include "MessageCodec.h"
#include "Validator.h"

using namespace wa;

namespace {

Message decodeFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const DecodeResult decoded = MessageCodec::decode(file.readAll());
    if (!decoded.ok())
        qFatal("%s: %s", qPrintable(path), qPrintable(decoded.error.message));
    return *decoded.message;
}

Message decodeJson(const char* json)
{
    const DecodeResult decoded = MessageCodec::decode(QByteArray(json));
    if (!decoded.ok())
        qFatal("test JSON: %s", qPrintable(decoded.error.message));
    return *decoded.message;
}

QString describe(const QList<Finding>& findings)
{
    QStringList lines;
    for (const Finding& f : findings)
        lines << severityName(f.severity) + QLatin1Char(' ') + f.path + QLatin1String(": ") + f.message;
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestValidator : public QObject
{
    Q_OBJECT

private slots:
    void validSamplesAreClean_data();
    void validSamplesAreClean();
    void invalidSamplesFailAtThePath_data();
    void invalidSamplesFailAtThePath();
    void everyInvalidSampleIsExpected();
    void allFindingsAtOnce();
    void duplicateRowIdsNameTheFirst();
    void warningsDoNotMakeInvalid();
    void unknownTypeIsOneFinding();
    void validationIsDeterministic();
};

void TestValidator::validSamplesAreClean_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/messages"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(names.size() >= 12);
    for (const QString& name : names)
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestValidator::validSamplesAreClean()
{
    QFETCH(QString, path);
    const QList<Finding> findings = Validator::validate(decodeFile(path));
    QVERIFY2(findings.isEmpty(), qPrintable(describe(findings)));
}

struct InvalidSample
{
    const char* file;
    const char* path;
    const char* code;
};

// Where each file of samples/messages/invalid/ must fail, and by which rule.
const InvalidSample kInvalidSamples[] = {
    {"button-four.json", "interactive.action.buttons[3]", "buttons_count"},
    {"button-id-spaces.json", "interactive.action.buttons[0].reply.id", "button_id_whitespace"},
    {"list-eleven-rows.json", "interactive.action.sections[1].rows[4]", "rows_total"},
    {"list-header-image.json", "interactive.header.type", "header_type_text_only"},
    {"list-two-sections-untitled.json", "interactive.action.sections[1].title", "section_title_required"},
    {"media-id-and-link.json", "interactive.header.image", "media_id_or_link"},
    {"row-title-25.json", "interactive.action.sections[0].rows[0].title", "row_title_length"},
};

void TestValidator::invalidSamplesFailAtThePath_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("code");
    for (const InvalidSample& sample : kInvalidSamples)
        QTest::newRow(sample.file) << QString::fromUtf8(sample.file) << QString::fromUtf8(sample.path)
                                   << QString::fromUtf8(sample.code);
}

void TestValidator::everyInvalidSampleIsExpected()
{
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(!names.isEmpty());
    for (const QString& name : names) {
        const bool listed = std::any_of(std::begin(kInvalidSamples), std::end(kInvalidSamples),
                                        [&](const InvalidSample& s) { return name == QLatin1String(s.file); });
        QVERIFY2(listed, qPrintable(name + QLatin1String(" has no expected path in kInvalidSamples")));
    }
}

void TestValidator::invalidSamplesFailAtThePath()
{
    QFETCH(QString, file);
    QFETCH(QString, path);
    QFETCH(QString, code);
    const QList<Finding> findings =
        Validator::validate(decodeFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/") + file));
    QVERIFY(hasErrors(findings));
    const bool found = std::any_of(findings.cbegin(), findings.cend(), [&](const Finding& f) {
        return f.severity == Severity::Error && f.path == path && f.code == code;
    });
    QVERIFY2(found, qPrintable(describe(findings)));
}

void TestValidator::allFindingsAtOnce()
{
    // Three independent problems: all three are reported, in payload order.
    const Message m = decodeJson(R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",
        "interactive":{"type":"button","header":{"type":"text","text":"This header text is far too long for WhatsApp to accept it as is"},
        "body":{"text":"Pick"},"action":{"buttons":[
        {"type":"reply","reply":{"id":"a","title":"A title that is too long"}},
        {"type":"reply","reply":{"id":"a","title":"B"}}]}}})");
    const QList<Finding> findings = Validator::validate(m);
    QCOMPARE(findings.size(), 3);
    QCOMPARE(findings.at(0).path, QStringLiteral("interactive.header.text"));
    QCOMPARE(findings.at(0).limit, qint64(60));
    QCOMPARE(findings.at(0).actual, qint64(64));
    QCOMPARE(findings.at(1).path, QStringLiteral("interactive.action.buttons[0].reply.title"));
    QCOMPARE(findings.at(1).code, QStringLiteral("button_title_length"));
    QCOMPARE(findings.at(2).path, QStringLiteral("interactive.action.buttons[1].reply.id"));
    QCOMPARE(findings.at(2).code, QStringLiteral("button_id_unique"));
}

void TestValidator::duplicateRowIdsNameTheFirst()
{
    const Message m = decodeJson(R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",
        "interactive":{"type":"list","body":{"text":"Pick"},"action":{"button":"Open","sections":[
        {"title":"A","rows":[{"id":"x","title":"One"}]},{"title":"B","rows":[{"id":"y","title":"Two"},{"id":"x","title":"One"}]}]}}})");
    const QList<Finding> findings = Validator::validate(m);
    QCOMPARE(findings.size(), 2);
    QCOMPARE(findings.at(0).code, QStringLiteral("row_id_unique"));
    QCOMPARE(findings.at(0).severity, Severity::Error);
    QCOMPARE(findings.at(0).path, QStringLiteral("interactive.action.sections[1].rows[1].id"));
    QVERIFY2(findings.at(0).message.contains(QStringLiteral("interactive.action.sections[0].rows[0].id")),
             qPrintable(findings.at(0).message));
    QCOMPARE(findings.at(1).code, QStringLiteral("row_title_duplicate"));
    QCOMPARE(findings.at(1).severity, Severity::Warning);
}

void TestValidator::warningsDoNotMakeInvalid()
{
    const Message m = decodeJson(R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",
        "interactive":{"type":"list","body":{"text":"Pick"},"action":{"button":"Open","sections":[{"rows":[{"id":"1","title":"One"}]}]}}})");
    const QList<Finding> findings = Validator::validate(m);
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().severity, Severity::Warning);
    QCOMPARE(findings.first().code, QStringLiteral("section_title_single"));
    QVERIFY(!hasErrors(findings));
}

void TestValidator::unknownTypeIsOneFinding()
{
    const Message m = decodeJson(R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",
        "interactive":{"type":"carousel","body":{"text":"Hi"}}})");
    const QList<Finding> findings = Validator::validate(m);
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().path, QStringLiteral("interactive.type"));
    QCOMPARE(findings.first().code, QStringLiteral("interactive_type_value"));
    QVERIFY(findings.first().message.contains(QStringLiteral("\"carousel\"")));
}

void TestValidator::validationIsDeterministic()
{
    const Message m = decodeFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/list-two-sections-untitled.json"));
    QCOMPARE(Validator::validate(m), Validator::validate(m));
}

QTEST_APPLESS_MAIN(TestValidator)
#include "tst_validator.moc"
