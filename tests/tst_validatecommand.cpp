// Runs the real wa-composer executable (`wa-composer validate …`) as a child process and checks
// its exit status, its JSON Lines output and its human output against the command's spec.

#include <iterator>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {

const char kExecutable[] = WA_EXECUTABLE;
const char kSamplesDir[] = WA_SAMPLES_DIR;

struct Run
{
    bool started = false;
    bool finished = false;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    bool ok() const { return started && finished && exitStatus == QProcess::NormalExit; }
    QByteArray describe() const
    {
        return QByteArray("started=") + (started ? "yes" : "no") + " finished=" + (finished ? "yes" : "no") +
               " exit=" + QByteArray::number(exitCode) + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
};

// Runs `wa-composer ARGS…`, feeding `input` on standard input.
Run runComposer(const QStringList& arguments, const QByteArray& input = QByteArray())
{
    Run run;
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(environment);
    process.start(QString::fromLocal8Bit(kExecutable), arguments);
    run.started = process.waitForStarted(30000);
    if (!run.started)
        return run;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    run.finished = process.waitForFinished(60000);
    if (!run.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.exitStatus = process.exitStatus();
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// The run ended normally (not crashed, not hung): anything else fails the test with the output.
#define VERIFY_RAN(run) QVERIFY2((run).ok(), (run).describe().constData())
#define COMPARE_EXIT(run, expected)                                                                                    \
    do {                                                                                                               \
        VERIFY_RAN(run);                                                                                               \
        if ((run).exitCode != (expected))                                                                              \
            qWarning("%s", (run).describe().constData());                                                              \
        QCOMPARE((run).exitCode, (expected));                                                                          \
    } while (false)

QString samplesDir()
{
    return QString::fromLocal8Bit(kSamplesDir) + QStringLiteral("/messages");
}

QString sample(const char* name)
{
    return samplesDir() + QLatin1Char('/') + QLatin1String(name);
}

QStringList jsonFilesIn(const QString& dir)
{
    QStringList files;
    const QFileInfoList entries =
        QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& entry : entries)
        files << entry.absoluteFilePath();
    return files;
}

// Splits output into lines (dropping the newline after the last one).
QList<QByteArray> linesOf(const QByteArray& text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

// The findings of a parsed JSON line, as "severity path code" strings, for failure messages.
QString summary(const QJsonObject& line)
{
    QStringList parts;
    const QJsonArray findings = line.value(QStringLiteral("findings")).toArray();
    for (const QJsonValue& f : findings) {
        const QJsonObject o = f.toObject();
        parts << o.value(QStringLiteral("severity")).toString() + QLatin1Char(' ') +
                     o.value(QStringLiteral("path")).toString() + QLatin1Char(' ') +
                     o.value(QStringLiteral("code")).toString();
    }
    return parts.join(QStringLiteral("; "));
}

bool hasFinding(const QJsonObject& line, const QString& severity, const QString& path, const QString& code)
{
    const QJsonArray findings = line.value(QStringLiteral("findings")).toArray();
    for (const QJsonValue& f : findings) {
        const QJsonObject o = f.toObject();
        if (o.value(QStringLiteral("severity")).toString() == severity &&
            o.value(QStringLiteral("path")).toString() == path && o.value(QStringLiteral("code")).toString() == code)
            return true;
    }
    return false;
}

int errorCount(const QJsonObject& line)
{
    int errors = 0;
    const QJsonArray findings = line.value(QStringLiteral("findings")).toArray();
    for (const QJsonValue& f : findings)
        errors += f.toObject().value(QStringLiteral("severity")).toString() == QLatin1String("error") ? 1 : 0;
    return errors;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class TestValidateCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void validSample_data();
    void validSample();
    void invalidSample_data();
    void invalidSample();

    void exitCodeOfMixes_data();
    void exitCodeOfMixes();
    void jsonLinesOnePerFileInOrder();
    void warningsOnlyExitZero();
    void standardInput_data();
    void standardInput();

    void missingFile_data();
    void missingFile();
    void notJson_data();
    void notJson();

    void family_data();
    void family();
    void bogusFamily();
    void noFile();

    void help_data();
    void help();
    void version();
    void unknownCommand();

    void humanOutputPathColonMessage();

private:
    QTemporaryDir m_temp;
};

void TestValidateCommand::initTestCase()
{
    QVERIFY2(QFileInfo(QString::fromLocal8Bit(kExecutable)).isExecutable(), kExecutable);
    QVERIFY2(QFileInfo(samplesDir()).isDir(), kSamplesDir);
    QVERIFY(m_temp.isValid());
}

// --- the shared samples ---------------------------------------------------------------------------

void TestValidateCommand::validSample_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = jsonFilesIn(samplesDir());
    QVERIFY2(files.size() >= 10, "the valid samples are missing");
    for (const QString& file : files)
        QTest::newRow(qPrintable(QFileInfo(file).fileName())) << file;
}

void TestValidateCommand::validSample()
{
    QFETCH(QString, file);

    const Run human = runComposer({QStringLiteral("validate"), file});
    COMPARE_EXIT(human, 0);
    QVERIFY2(human.out.startsWith(file.toLocal8Bit() + ": valid"), human.out.constData());

    const Run json = runComposer({QStringLiteral("validate"), QStringLiteral("--json"), file});
    COMPARE_EXIT(json, 0);
    const QList<QByteArray> lines = linesOf(json.out);
    QCOMPARE(lines.size(), 1);
    const QJsonObject line = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(line.value(QStringLiteral("file")).toString(), file);
    QCOMPARE(line.value(QStringLiteral("valid")), QJsonValue(true));
    QVERIFY2(errorCount(line) == 0, qPrintable(summary(line)));
}

void TestValidateCommand::invalidSample_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("path"); // where the error must be reported
    QTest::addColumn<QString>("code");

    // What each invalid sample breaks (interactive-messages.md §2). A sample added without an
    // expectation here fails instead of passing unchecked.
    struct Expected
    {
        const char* file;
        const char* path;
        const char* code;
    };
    const Expected expectations[] = {
        {"button-four.json", "interactive.action.buttons[3]", "buttons_count"},
        {"button-id-spaces.json", "interactive.action.buttons[0].reply.id", "button_id_whitespace"},
        {"list-eleven-rows.json", "interactive.action.sections[1].rows[4]", "rows_total"},
        {"list-header-image.json", "interactive.header.type", "header_type_text_only"},
        {"list-two-sections-untitled.json", "interactive.action.sections[1].title", "section_title_required"},
        {"media-id-and-link.json", "interactive.header.image", "media_id_or_link"},
        {"row-title-25.json", "interactive.action.sections[0].rows[0].title", "row_title_length"},
    };
    const QStringList files = jsonFilesIn(samplesDir() + QStringLiteral("/invalid"));
    QVERIFY2(files.size() >= int(std::size(expectations)), "the invalid samples are missing");
    for (const QString& file : files) {
        const QString name = QFileInfo(file).fileName();
        QString path;
        QString code;
        for (const Expected& e : expectations) {
            if (name == QLatin1String(e.file)) {
                path = QLatin1String(e.path);
                code = QLatin1String(e.code);
            }
        }
        QTest::newRow(qPrintable(name)) << file << path << code;
    }
}

void TestValidateCommand::invalidSample()
{
    QFETCH(QString, file);
    QFETCH(QString, path);
    QFETCH(QString, code);
    if (path.isEmpty())
        QFAIL("this invalid sample has no expected error path in invalidSample_data()");

    const Run human = runComposer({QStringLiteral("validate"), file});
    COMPARE_EXIT(human, 1);
    QVERIFY2(human.out.startsWith(file.toLocal8Bit() + ": invalid"), human.out.constData());

    const Run json = runComposer({QStringLiteral("validate"), QStringLiteral("--json"), file});
    COMPARE_EXIT(json, 1);
    const QList<QByteArray> lines = linesOf(json.out);
    QCOMPARE(lines.size(), 1);
    const QJsonObject line = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(line.value(QStringLiteral("file")).toString(), file);
    QCOMPARE(line.value(QStringLiteral("valid")), QJsonValue(false));
    QVERIFY2(hasFinding(line, QStringLiteral("error"), path, code), qPrintable(summary(line)));
}

// --- several files --------------------------------------------------------------------------------

void TestValidateCommand::exitCodeOfMixes_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<int>("exitCode");

    const QString valid = sample("cta-url.json");
    const QString invalid = sample("invalid/row-title-25.json");
    const QString missing = m_temp.filePath(QStringLiteral("does-not-exist.json"));
    QTest::newRow("valid") << QStringList{valid} << 0;
    QTest::newRow("valid, valid") << QStringList{valid, sample("flow.json")} << 0;
    QTest::newRow("valid, invalid") << QStringList{valid, invalid} << 1;
    QTest::newRow("invalid, valid") << QStringList{invalid, valid} << 1;
    QTest::newRow("valid, missing") << QStringList{valid, missing} << 2;
    QTest::newRow("invalid, missing") << QStringList{invalid, missing} << 2;
    QTest::newRow("missing, invalid") << QStringList{missing, invalid} << 2;
}

void TestValidateCommand::exitCodeOfMixes()
{
    QFETCH(QStringList, files);
    QFETCH(int, exitCode);

    const Run human = runComposer(QStringList{QStringLiteral("validate")} + files);
    COMPARE_EXIT(human, exitCode);
    const Run json = runComposer(QStringList{QStringLiteral("validate"), QStringLiteral("--json")} + files);
    COMPARE_EXIT(json, exitCode);
    QCOMPARE(linesOf(json.out).size(), files.size());
}

void TestValidateCommand::jsonLinesOnePerFileInOrder()
{
    const QString malformed = m_temp.filePath(QStringLiteral("malformed.json"));
    QVERIFY(writeFile(malformed, "{\"type\": \"interactive\",\n"));
    const QStringList files = {
        sample("list-takeout-menu.json"),
        sample("invalid/row-title-25.json"), // a finding with limit and actual
        m_temp.filePath(QStringLiteral("missing.json")),
        sample("invalid/media-id-and-link.json"), // a finding without numbers
        malformed,
        sample("button-video-header-onprem.json"),
    };
    const QList<bool> readable = {true, true, false, true, false, true};
    const QList<bool> valid = {true, false, false, false, false, true};

    const Run run = runComposer(QStringList{QStringLiteral("validate"), QStringLiteral("--json")} + files);
    COMPARE_EXIT(run, 2);
    const QList<QByteArray> lines = linesOf(run.out);
    QCOMPARE(lines.size(), files.size());

    const QSet<QString> findingKeys = {QStringLiteral("severity"), QStringLiteral("path"),  QStringLiteral("code"),
                                       QStringLiteral("message"),  QStringLiteral("limit"), QStringLiteral("actual")};
    // "family" (the form the file was validated as) is beyond the spec; tolerated, but typed.
    const QSet<QString> lineKeys = {QStringLiteral("file"), QStringLiteral("valid"), QStringLiteral("findings"),
                                    QStringLiteral("family"), QStringLiteral("error")};
    int numericLimits = 0;
    int nullLimits = 0;
    for (int i = 0; i < lines.size(); ++i) {
        const QByteArray& text = lines.at(i);
        QVERIFY2(!text.contains('\r'), text.constData());
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError, text.constData());
        QVERIFY2(document.isObject(), text.constData());
        const QJsonObject line = document.object();

        for (auto it = line.constBegin(); it != line.constEnd(); ++it)
            QVERIFY2(lineKeys.contains(it.key()), qPrintable(QStringLiteral("unexpected key ") + it.key()));
        QVERIFY(line.value(QStringLiteral("file")).isString());
        QCOMPARE(line.value(QStringLiteral("file")).toString(), files.at(i));
        QVERIFY(line.value(QStringLiteral("valid")).isBool());
        QCOMPARE(line.value(QStringLiteral("valid")).toBool(), valid.at(i));
        QVERIFY(line.value(QStringLiteral("findings")).isArray());
        QCOMPARE(line.contains(QStringLiteral("error")), !readable.at(i));
        if (line.contains(QStringLiteral("family"))) {
            const QString family = line.value(QStringLiteral("family")).toString();
            QVERIFY2(family == QLatin1String("cloud") || family == QLatin1String("onprem"), text.constData());
        }
        if (!readable.at(i)) {
            const QJsonObject error = line.value(QStringLiteral("error")).toObject();
            QVERIFY2(error.value(QStringLiteral("message")).isString(), text.constData());
            QVERIFY2(!error.value(QStringLiteral("message")).toString().isEmpty(), text.constData());
            QCOMPARE(line.value(QStringLiteral("findings")).toArray().size(), 0);
        }
        if (readable.at(i) && !valid.at(i))
            QVERIFY2(errorCount(line) > 0, text.constData());

        const QJsonArray findings = line.value(QStringLiteral("findings")).toArray();
        for (const QJsonValue& value : findings) {
            QVERIFY2(value.isObject(), text.constData());
            const QJsonObject f = value.toObject();
            const QStringList keys = f.keys();
            QCOMPARE(QSet<QString>(keys.cbegin(), keys.cend()), findingKeys);
            const QString severity = f.value(QStringLiteral("severity")).toString();
            QVERIFY2(severity == QLatin1String("error") || severity == QLatin1String("warning"), text.constData());
            for (const char* key : {"path", "code", "message"})
                QVERIFY2(f.value(QLatin1String(key)).isString(), key);
            QVERIFY(!f.value(QStringLiteral("code")).toString().isEmpty());
            QVERIFY(!f.value(QStringLiteral("message")).toString().isEmpty());
            for (const char* key : {"limit", "actual"}) {
                const QJsonValue number = f.value(QLatin1String(key));
                QVERIFY2(number.isDouble() || number.isNull(), key);
                if (number.isDouble()) {
                    QVERIFY2(number.toDouble() >= 0 && number.toDouble() == double(qint64(number.toDouble())), key);
                }
            }
            // Both numbers or neither.
            QCOMPARE(f.value(QStringLiteral("limit")).isNull(), f.value(QStringLiteral("actual")).isNull());
            if (f.value(QStringLiteral("limit")).isNull())
                ++nullLimits;
            else
                ++numericLimits;
        }
    }
    // The mix holds both kinds, so the type checks above were not vacuous.
    QVERIFY(numericLimits > 0);
    QVERIFY(nullLimits > 0);

    // The numbers of the row title that is too long.
    const QJsonObject rowTitle = QJsonDocument::fromJson(lines.at(1)).object();
    bool seen = false;
    const QJsonArray findings = rowTitle.value(QStringLiteral("findings")).toArray();
    for (const QJsonValue& value : findings) {
        const QJsonObject f = value.toObject();
        if (f.value(QStringLiteral("code")).toString() == QLatin1String("row_title_length")) {
            QCOMPARE(f.value(QStringLiteral("limit")).toInt(), 24);
            QCOMPARE(f.value(QStringLiteral("actual")).toInt(), 25);
            seen = true;
        }
    }
    QVERIFY2(seen, lines.at(1).constData());
}

void TestValidateCommand::warningsOnlyExitZero()
{
    // One untitled section: a warning (section_title_single), not an error.
    const QString file = m_temp.filePath(QStringLiteral("warning-only.json"));
    QVERIFY(writeFile(file, R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive",
        "interactive":{"type":"list","body":{"text":"Pick one"},
        "action":{"button":"Open","sections":[{"rows":[{"id":"1","title":"One"}]}]}}})"));

    const Run run = runComposer({QStringLiteral("validate"), QStringLiteral("--json"), file});
    COMPARE_EXIT(run, 0);
    const QJsonObject line = QJsonDocument::fromJson(linesOf(run.out).value(0)).object();
    QCOMPARE(line.value(QStringLiteral("valid")), QJsonValue(true));
    QVERIFY2(hasFinding(line, QStringLiteral("warning"), QStringLiteral("interactive.action.sections[0].title"),
                        QStringLiteral("section_title_single")),
             qPrintable(summary(line)));
    QCOMPARE(errorCount(line), 0);

    const Run human = runComposer({QStringLiteral("validate"), file});
    COMPARE_EXIT(human, 0);
    QVERIFY2(human.out.contains("interactive.action.sections[0].title: "), human.out.constData());
}

void TestValidateCommand::standardInput_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("valid") << sample("list-zh-TW-appointments.json") << 0;
    QTest::newRow("invalid") << sample("invalid/button-four.json") << 1;
}

void TestValidateCommand::standardInput()
{
    QFETCH(QString, file);
    QFETCH(int, exitCode);
    QFile payload(file);
    QVERIFY(payload.open(QIODevice::ReadOnly));
    const QByteArray bytes = payload.readAll();

    // `-` between two files: read in its place, reported as "-".
    const QString other = sample("product.json");
    const Run run =
        runComposer({QStringLiteral("validate"), QStringLiteral("--json"), other, QStringLiteral("-"), other}, bytes);
    COMPARE_EXIT(run, exitCode);
    const QList<QByteArray> lines = linesOf(run.out);
    QCOMPARE(lines.size(), 3);
    const QJsonObject line = QJsonDocument::fromJson(lines.at(1)).object();
    QCOMPARE(line.value(QStringLiteral("file")).toString(), QStringLiteral("-"));
    QCOMPARE(line.value(QStringLiteral("valid")), QJsonValue(exitCode == 0));
    QCOMPARE(errorCount(line) == 0, exitCode == 0);

    const Run human = runComposer({QStringLiteral("validate"), QStringLiteral("-")}, bytes);
    COMPARE_EXIT(human, exitCode);
    QVERIFY2(human.out.startsWith(exitCode == 0 ? "-: valid" : "-: invalid"), human.out.constData());
}

// --- files that cannot be read --------------------------------------------------------------------

void TestValidateCommand::missingFile_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("human") << false;
    QTest::newRow("json") << true;
}

void TestValidateCommand::missingFile()
{
    QFETCH(bool, json);
    const QString missing = m_temp.filePath(QStringLiteral("no-such-payload.json"));
    QStringList arguments = {QStringLiteral("validate")};
    if (json)
        arguments << QStringLiteral("--json");
    arguments << missing;

    const Run run = runComposer(arguments);
    COMPARE_EXIT(run, 2);
    if (!json) {
        QVERIFY2(run.err.contains(missing.toLocal8Bit()), run.err.constData());
        return;
    }
    const QList<QByteArray> lines = linesOf(run.out);
    QCOMPARE(lines.size(), 1);
    const QJsonObject line = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(line.value(QStringLiteral("file")).toString(), missing);
    QCOMPARE(line.value(QStringLiteral("valid")), QJsonValue(false));
    const QJsonObject error = line.value(QStringLiteral("error")).toObject();
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(missing), lines.first().constData());
}

void TestValidateCommand::notJson_data()
{
    QTest::addColumn<bool>("viaStdin");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("line");   // 1-based, where the JSON breaks
    QTest::addColumn<int>("column"); // 1-based, in characters: the offending one; 0 for any on the line

    const QByteArray brokenOnLine3 = "{\n  \"type\": \"interactive\",\n  \"to\": ]\n}\n";
    const QByteArray unterminated = "{\"messaging_product\":\"whatsapp\",\n\"to\":\"1650";
    const QByteArray trailingComma = "{\"a\":1,}";
    // Two-byte UTF-8 characters before the error: a column counted in bytes would be 8 too far.
    const QByteArray afterUtf8 = "{\n\"body\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\","
                                 "\"x\":]}";
    const QByteArray bareWord = "  \n  hello";
    const QByteArray badNumber = "{\"b\": x}";
    const QByteArray secondObject = "{\"b\": 1}\n{\"c\": 2}";
    for (const bool viaStdin : {false, true}) {
        const char* how = viaStdin ? "stdin" : "file";
        QTest::addRow("%s: bad value on line 3", how) << viaStdin << brokenOnLine3 << 3 << 9;
        QTest::addRow("%s: unterminated string", how) << viaStdin << unterminated << 2 << 0;
        QTest::addRow("%s: trailing comma", how) << viaStdin << trailingComma << 1 << 8;
        QTest::addRow("%s: after UTF-8 text", how) << viaStdin << afterUtf8 << 2 << 24;
        QTest::addRow("%s: a bare word", how) << viaStdin << bareWord << 2 << 3;
        QTest::addRow("%s: illegal number", how) << viaStdin << badNumber << 1 << 7;
        QTest::addRow("%s: a second object on line 2", how) << viaStdin << secondObject << 2 << 1;
    }
}

void TestValidateCommand::notJson()
{
    QFETCH(bool, viaStdin);
    QFETCH(QByteArray, bytes);
    QFETCH(int, line);
    QFETCH(int, column);

    QString name = QStringLiteral("-");
    if (!viaStdin) {
        static int counter = 0;
        name = m_temp.filePath(QStringLiteral("not-json-%1.json").arg(++counter));
        QVERIFY(writeFile(name, bytes));
    }
    const QByteArray input = viaStdin ? bytes : QByteArray();

    const Run json = runComposer({QStringLiteral("validate"), QStringLiteral("--json"), name}, input);
    COMPARE_EXIT(json, 2);
    const QList<QByteArray> lines = linesOf(json.out);
    QCOMPARE(lines.size(), 1);
    const QJsonObject object = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(object.value(QStringLiteral("file")).toString(), name);
    QCOMPARE(object.value(QStringLiteral("valid")), QJsonValue(false));
    QCOMPARE(object.value(QStringLiteral("findings")), QJsonValue(QJsonArray()));
    const QJsonValue errorValue = object.value(QStringLiteral("error"));
    QVERIFY2(errorValue.isObject(), lines.first().constData());
    const QJsonObject error = errorValue.toObject();
    QVERIFY2(error.value(QStringLiteral("message")).isString(), lines.first().constData());
    QVERIFY2(error.value(QStringLiteral("line")).isDouble(), lines.first().constData());
    QVERIFY2(error.value(QStringLiteral("column")).isDouble(), lines.first().constData());
    const int reportedLine = error.value(QStringLiteral("line")).toInt();
    const int reportedColumn = error.value(QStringLiteral("column")).toInt();
    QVERIFY2(reportedLine >= 1 && reportedColumn >= 1, lines.first().constData());

    // The human form names the file and the same place.
    const Run human = runComposer({QStringLiteral("validate"), name}, input);
    COMPARE_EXIT(human, 2);
    QVERIFY2(human.err.contains(name.toLocal8Bit() + ": "), human.err.constData());
    const QByteArray place =
        "line " + QByteArray::number(reportedLine) + ", column " + QByteArray::number(reportedColumn);
    QVERIFY2(human.err.contains(place), human.err.constData());

    // The place itself: on the line where the JSON breaks, at the offending character (counted in
    // characters) or, when any column will do, at most one past the line's last character.
    const qsizetype characters = QString::fromUtf8(bytes.split('\n').value(line - 1)).size();
    const bool right =
        reportedLine == line && (column > 0 ? reportedColumn == column : reportedColumn <= characters + 1);
    QVERIFY2(right, qPrintable(QStringLiteral("expected line %1 column %2, got: %3")
                                   .arg(line)
                                   .arg(column > 0 ? QString::number(column) : QStringLiteral("any"))
                                   .arg(QString::fromUtf8(lines.first()))));
}

// --- options --------------------------------------------------------------------------------------

void TestValidateCommand::family_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("code"); // an error expected at messaging_product, or empty

    const QString cloud = sample("cta-url.json");
    const QString onprem = sample("button-video-header-onprem.json");
    QTest::newRow("cloud sample as onprem")
        << cloud << QStringLiteral("onprem") << 1 << QStringLiteral("messaging_product_on_premises");
    QTest::newRow("cloud sample as cloud") << cloud << QStringLiteral("cloud") << 0 << QString();
    QTest::newRow("onprem sample as onprem") << onprem << QStringLiteral("onprem") << 0 << QString();
    QTest::newRow("onprem sample as cloud")
        << onprem << QStringLiteral("cloud") << 1 << QStringLiteral("messaging_product_required");
}

void TestValidateCommand::family()
{
    QFETCH(QString, file);
    QFETCH(QString, family);
    QFETCH(int, exitCode);
    QFETCH(QString, code);

    const Run run =
        runComposer({QStringLiteral("validate"), QStringLiteral("--json"), QStringLiteral("--family"), family, file});
    COMPARE_EXIT(run, exitCode);
    const QJsonObject line = QJsonDocument::fromJson(linesOf(run.out).value(0)).object();
    QCOMPARE(line.value(QStringLiteral("valid")).toBool(), exitCode == 0);
    if (!code.isEmpty())
        QVERIFY2(hasFinding(line, QStringLiteral("error"), QStringLiteral("messaging_product"), code),
                 qPrintable(summary(line)));

    // The option also goes after the file, and without --json.
    const Run human = runComposer({QStringLiteral("validate"), file, QStringLiteral("--family"), family});
    COMPARE_EXIT(human, exitCode);
    if (!code.isEmpty())
        QVERIFY2(human.out.contains("messaging_product: "), human.out.constData());
}

void TestValidateCommand::bogusFamily()
{
    const Run run = runComposer(
        {QStringLiteral("validate"), QStringLiteral("--family"), QStringLiteral("bogus"), sample("flow.json")});
    COMPARE_EXIT(run, 2);
    QVERIFY2(run.err.contains("bogus"), run.err.constData());
    QVERIFY2(run.out.isEmpty(), run.out.constData()); // nothing validated
}

void TestValidateCommand::noFile()
{
    for (const QStringList& arguments :
         {QStringList{QStringLiteral("validate")}, QStringList{QStringLiteral("validate"), QStringLiteral("--json")}}) {
        const Run run = runComposer(arguments);
        COMPARE_EXIT(run, 2);
        QVERIFY2(!run.err.isEmpty(), run.describe().constData());
    }
}

void TestValidateCommand::help_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");

    const QStringList general = {QStringLiteral("Usage"), QStringLiteral("validate"), QStringLiteral("--help"),
                                 QStringLiteral("--version")};
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << general;
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << general;
    QTest::newRow("validate --help") << QStringList{QStringLiteral("validate"), QStringLiteral("--help")}
                                     << QStringList{QStringLiteral("--json"), QStringLiteral("--family"),
                                                    QStringLiteral("FILE")};
}

void TestValidateCommand::help()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);

    const Run run = runComposer(arguments);
    COMPARE_EXIT(run, 0);
    const QString out = QString::fromLocal8Bit(run.out);
    for (const QString& word : mentions)
        QVERIFY2(out.contains(word), qPrintable(word + QStringLiteral(" missing from:\n") + out));
}

void TestValidateCommand::version()
{
    for (const QString& option : {QStringLiteral("--version"), QStringLiteral("-v")}) {
        const Run run = runComposer({option});
        COMPARE_EXIT(run, 0);
        QCOMPARE(run.out.trimmed(), QByteArray("wa-composer " WA_VERSION));
    }
}

void TestValidateCommand::unknownCommand()
{
    const Run run = runComposer({QStringLiteral("frobnicate"), sample("flow.json")});
    COMPARE_EXIT(run, 2);
    QVERIFY2(run.err.contains("frobnicate"), run.err.constData());
}

// --- human output ---------------------------------------------------------------------------------

void TestValidateCommand::humanOutputPathColonMessage()
{
    const QStringList files = {sample("invalid/row-title-25.json"), sample("invalid/list-two-sections-untitled.json")};
    const Run human = runComposer(QStringList{QStringLiteral("validate")} + files);
    COMPARE_EXIT(human, 1);
    const Run json = runComposer(QStringList{QStringLiteral("validate"), QStringLiteral("--json")} + files);
    COMPARE_EXIT(json, 1);

    const QString out = QString::fromUtf8(human.out);
    const QStringList humanLines = out.split(QLatin1Char('\n'));
    int checked = 0;
    const QList<QByteArray> jsonLines = linesOf(json.out);
    QCOMPARE(jsonLines.size(), files.size());
    for (const QByteArray& text : jsonLines) {
        const QJsonObject line = QJsonDocument::fromJson(text).object();
        const QJsonArray findings = line.value(QStringLiteral("findings")).toArray();
        for (const QJsonValue& value : findings) {
            const QJsonObject f = value.toObject();
            const QString expected = f.value(QStringLiteral("path")).toString() + QStringLiteral(": ") +
                                     f.value(QStringLiteral("message")).toString();
            bool found = false;
            for (const QString& humanLine : humanLines)
                found = found || humanLine.endsWith(expected);
            QVERIFY2(found, qPrintable(expected + QStringLiteral("\nnot in:\n") + out));
            ++checked;
        }
    }
    QVERIFY(checked >= 3);
    QVERIFY2(out.contains(QStringLiteral("interactive.action.sections[0].rows[0].title: Row title is 25 characters; "
                                         "the limit is 24.")),
             qPrintable(out));
}

QTEST_GUILESS_MAIN(TestValidateCommand)
#include "tst_validatecommand.moc"
