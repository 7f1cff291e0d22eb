#include <cstddef>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "CurlCommand.h"

using namespace wa;

namespace {

// What bash ran: curl is a shell function that writes each argument it was given to a file, so
// the bytes compared are those curl would have sent.
struct CurlRun
{
    bool ok = false;
    QString failure;
    QByteArray method;
    QByteArray url;
    QByteArray headers; // one line each
    QByteArray body;
};

const char kCurlFunction[] = R"(curl() {
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --data-binary) shift
        if [ "$1" = "@-" ]; then cat > "$OUT/body"; else printf '%s' "$1" > "$OUT/body"; fi ;;
      -H) shift; printf '%s\n' "$1" >> "$OUT/headers" ;;
      -X) shift; printf '%s' "$1" > "$OUT/method" ;;
      -sS) ;;
      *) printf '%s' "$1" > "$OUT/url" ;;
    esac
    shift
  done
}
WEBHOOK_URL='http://127.0.0.1:9/webhook?mine=1'
WA_ACCESS_TOKEN=token
WA_PHONE_NUMBER_ID=106540352242922
)";

CurlRun runWithBash(const QString& command)
{
    CurlRun run;
    QTemporaryDir dir;
    QFile script(dir.filePath(QStringLiteral("run.sh")));
    if (!dir.isValid() || !script.open(QIODevice::WriteOnly)) {
        run.failure = QStringLiteral("cannot write the script");
        return run;
    }
    script.write(QByteArray(kCurlFunction) + command.toUtf8() + '\n');
    script.close();
    QProcess bash;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("OUT"), dir.path());
    bash.setProcessEnvironment(environment);
    bash.start(QStringLiteral("/bin/bash"), {script.fileName()});
    if (!bash.waitForFinished(10000) || bash.exitStatus() != QProcess::NormalExit || bash.exitCode() != 0) {
        run.failure = QStringLiteral("bash failed: %1 %2")
                          .arg(bash.errorString(), QString::fromUtf8(bash.readAllStandardError()));
        return run;
    }
    const auto read = [&dir](const char* name) {
        QFile file(dir.filePath(QString::fromLatin1(name)));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    run.method = read("method");
    run.url = read("url");
    run.headers = read("headers");
    run.body = read("body");
    run.ok = true;
    return run;
}

// Bytes with NULs in them, all of them (without the literal's terminating NUL).
template <std::size_t N> QByteArray bytes(const char (&text)[N])
{
    return QByteArray(text, N - 1);
}

StoredRequest postOf(const QByteArray& body)
{
    StoredRequest r;
    r.method = "POST";
    r.target = "/webhook";
    r.headers = {{"Host", "example.org"},
                 {"Content-Type", "application/json"},
                 {"X-Hub-Signature-256", "sha256=00ff"},
                 {"Content-Length", QByteArray::number(body.size())}};
    r.body = body;
    return r;
}

} // namespace

class TestCurlCommand : public QObject
{
    Q_OBJECT

private slots:
    void bodyByteForByte_data();
    void bodyByteForByte();
    void plainBodiesStayReadable();
    void headersAsReceived();
    void verificationKeepsItsQuery();
    void postKeepsTheUrlsQuery();
    void noWordForNul();
};

void TestCurlCommand::bodyByteForByte_data()
{
    QTest::addColumn<QByteArray>("body");
    QFile sample(QStringLiteral(WA_SAMPLES_DIR "/webhooks/cloud-text.json"));
    QVERIFY(sample.open(QIODevice::ReadOnly));
    QTest::newRow("plain JSON sample") << sample.readAll();
    QTest::newRow("emoji and CJK") << QStringLiteral(u"{\"text\":{\"body\":\"héllo 😀 你好，世界\"}}").toUtf8();
    QTest::newRow("invalid UTF-8") << QByteArray(
        "{\"a\":\"\xff\xfe \xc3\x28 \xc0\xaf \xed\xa0\x80 \xf5\x80\x80\x80\"}\xe2\x82");
    QTest::newRow("hex digits after an escape") << QByteArray("\xff"
                                                              "AB\xfe"
                                                              "12");
    QTest::newRow("NUL") << bytes("a\0b\0"
                                  "123\0");
    QTest::newRow("NUL, backslashes, quotes, invalid") << bytes("\0\\0000 \\\\ 'q' \"d\" \xff\n%b %s \\c");
    QTest::newRow("single quotes") << QByteArray(R"({"a":"it's 'quoted' '' '"})");
    QTest::newRow("backslashes") << QByteArray(R"({"a":"C:\\path\n \u00e9 \x41 \0 \c end\"})");
    QTest::newRow("new lines") << QByteArray("line1\nline2\r\nline3\n\n");
    QTest::newRow("control characters") << QByteArray("\t\x01\x1b[31m\x7f $HOME `id` $(id) !!");
    QTest::newRow("C1 controls") << QByteArray("\xc2\x85\xc2\x9b"
                                               "x");
    QTest::newRow("one quote") << QByteArray("'");
    QTest::newRow("trailing new lines") << QByteArray("{}\n\n\n");
}

void TestCurlCommand::bodyByteForByte()
{
    QFETCH(QByteArray, body);
    const QString command = CurlCommand::forRequest(postOf(body));
    const CurlRun run = runWithBash(command);
    QVERIFY2(run.ok, qPrintable(run.failure + QLatin1Char('\n') + command));
    QCOMPARE(run.body, body);
    QCOMPARE(run.method, QByteArray("POST"));
    QCOMPARE(run.url, QByteArray("http://127.0.0.1:9/webhook?mine=1"));

    // the composer's payload command quotes the same way
    const CurlRun payload = runWithBash(CurlCommand::forPayload(body, ApiFamily::Cloud));
    QVERIFY2(payload.ok, qPrintable(payload.failure));
    QCOMPARE(payload.body, body);
    QCOMPARE(payload.url, QByteArray("https://graph.facebook.com/v23.0/106540352242922/messages"));
}

void TestCurlCommand::plainBodiesStayReadable()
{
    const QByteArray json = QStringLiteral(u"{\n  \"body\": \"héllo 😀 你好\",\n  \"n\": 1\n}").toUtf8();
    const QString command = CurlCommand::forRequest(postOf(json));
    QVERIFY2(command.contains(QLatin1String("--data-binary '") + QString::fromUtf8(json) + QLatin1Char('\'')),
             qPrintable(command));
    QVERIFY(!command.contains(QLatin1String("$'")));
    QVERIFY(!command.contains(QLatin1String("printf")));
    QCOMPARE(CurlCommand::shellWord("it's"), QStringLiteral("'it'\\''s'"));
    // other bytes are escaped, the readable ones kept
    QCOMPARE(CurlCommand::shellWord("a\xff😀\r\\'"), QStringLiteral(u"$'a\\xff😀\\r\\\\\\''"));
}

void TestCurlCommand::headersAsReceived()
{
    StoredRequest request = postOf("{}");
    request.headers.append(qMakePair(QByteArray("X-Odd"), QByteArray("caf\xe9 it's \"x\" \\")));
    const QString command = CurlCommand::forRequest(request);
    const CurlRun run = runWithBash(command);
    QVERIFY2(run.ok, qPrintable(run.failure));
    QCOMPARE(run.headers, QByteArray("Content-Type: application/json\n"
                                     "X-Hub-Signature-256: sha256=00ff\n"
                                     "X-Odd: caf\xe9 it's \"x\" \\\n")); // not Host, not Content-Length
}

void TestCurlCommand::verificationKeepsItsQuery()
{
    StoredRequest request;
    request.method = "GET";
    request.target = "/webhook?hub.mode=subscribe&hub.verify_token=t%20k'n&hub.challenge=1158201444";
    request.headers = {{"Host", "example.org"}, {"User-Agent", "facebookexternalua"}};
    const QString command = CurlCommand::forRequest(request);
    QVERIFY(command.contains(QLatin1String("hub.challenge=1158201444")));
    QVERIFY(!command.contains(QLatin1String("--data-binary")));
    const CurlRun run = runWithBash(command);
    QVERIFY2(run.ok, qPrintable(run.failure + QLatin1Char('\n') + command));
    QCOMPARE(run.method, QByteArray("GET"));
    // the stored query replaces the URL's own
    QCOMPARE(run.url, QByteArray("http://127.0.0.1:9/webhook"
                                 "?hub.mode=subscribe&hub.verify_token=t%20k'n&hub.challenge=1158201444"));
    QVERIFY(run.body.isEmpty());
}

void TestCurlCommand::postKeepsTheUrlsQuery()
{
    const CurlRun run = runWithBash(CurlCommand::forRequest(postOf("{}")));
    QVERIFY2(run.ok, qPrintable(run.failure));
    QCOMPARE(run.url, QByteArray("http://127.0.0.1:9/webhook?mine=1"));
}

void TestCurlCommand::noWordForNul()
{
    QVERIFY(CurlCommand::shellWord(QByteArray("a\0b", 3)).isEmpty());
    QCOMPARE(CurlCommand::shellWord({}), QStringLiteral("''"));
}

QTEST_GUILESS_MAIN(TestCurlCommand)
#include "tst_curlcommand.moc"
