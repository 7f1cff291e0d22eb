#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "TestHttpServer.h"

// `wa-composer send` as a real process against a real HTTP server on 127.0.0.1: what it sends,
// what it prints, its exit status, and that the token never shows.
namespace {
constexpr char kToken[] = "EAAJtestTokenValue-42Zx9876";
} // namespace

class TestSendCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void acceptedByCloudApi();
    void apiErrorIsExplained();
    void onPremisesLogsInThenSends();
    void jsonOutput();
    void transportFailures_data();
    void transportFailures();
    void inputErrors_data();
    void inputErrors();
    void validationBlocksUnlessTold();

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    // Runs the command while this thread keeps serving the test server (no blocking wait).
    Run run(const QStringList& arguments, const QString& token = QString::fromLatin1(kToken));

    QTemporaryDir m_home;
    QString m_sample;
};

void TestSendCommand::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_sample = QStringLiteral(WA_SAMPLES_DIR "/messages/button-text-header.json");
}

TestSendCommand::Run TestSendCommand::run(const QStringList& arguments, const QString& token)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Its own settings and no keychain service: nothing of the user's is read or written.
    environment.insert(QStringLiteral("HOME"), m_home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    if (token.isEmpty())
        environment.remove(QStringLiteral("WA_ACCESS_TOKEN"));
    else
        environment.insert(QStringLiteral("WA_ACCESS_TOKEN"), token);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("send")} + arguments);
    Run result;
    if (!process.waitForStarted(10000))
        return result;
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 30000)) {
        process.kill();
        process.waitForFinished(5000);
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

void TestSendCommand::acceptedByCloudApi()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const wa::HttpRequest&) {
        return TestHttpServer::Reply::json(
            200,
            R"({"messaging_product":"whatsapp","contacts":[{"input":"+1 650 555 0000","wa_id":"16505550000"}],"messages":[{"id":"wamid.HBgLMTY1MDU1NTAwMDAVAgARGBI2"}]})");
    });
    const Run r =
        run({QStringLiteral("--base-url"), server.url(QString()).toString(), QStringLiteral("--phone-number-id"),
             QStringLiteral("106540352242922"), QStringLiteral("--to"), QStringLiteral("+1 650 555 0000"), m_sample});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QCOMPARE(server.requests().size(), 1);
    const wa::HttpRequest request = server.requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.url().path(), QStringLiteral("/v23.0/106540352242922/messages"));
    QCOMPARE(request.header("Authorization"), QByteArray("Bearer ") + kToken);
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    QCOMPARE(body.value(QStringLiteral("to")).toString(), QStringLiteral("+1 650 555 0000"));
    QCOMPARE(body.value(QStringLiteral("messaging_product")).toString(), QStringLiteral("whatsapp"));
    QVERIFY(r.out.contains(QStringLiteral("HTTP 200")));
    QVERIFY(r.out.contains(QStringLiteral("Accepted: wamid.HBgLMTY1MDU1NTAwMDAVAgARGBI2")));
    QVERIFY(r.out.contains(QStringLiteral("Bearer \u2022\u2022\u2022\u20229876")));
    QVERIFY(!r.out.contains(QLatin1String(kToken)));
    QVERIFY(!r.err.contains(QLatin1String(kToken)));
}

void TestSendCommand::apiErrorIsExplained()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const wa::HttpRequest&) {
        return TestHttpServer::Reply::json(
            400,
            R"({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"AbCdEf"}})");
    });
    const Run r = run({QStringLiteral("--base-url"), server.url(QString()).toString(),
                       QStringLiteral("--phone-number-id"), QStringLiteral("1"), m_sample});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains(QStringLiteral("Error 131047")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("template")), qPrintable(r.out)); // what to do instead
    QVERIFY(r.out.contains(QStringLiteral("fbtrace_id")));                   // the raw answer
    QVERIFY(!r.out.contains(QLatin1String(kToken)));
}

void TestSendCommand::onPremisesLogsInThenSends()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const wa::HttpRequest& request) {
        if (request.url().path() == QLatin1String("/v1/users/login"))
            return TestHttpServer::Reply::json(
                200,
                R"({"users":[{"token":"eyJhbGciOiJIUzI1NiJ9.onprem-login-token.5678","expires_after":"2099-01-01 00:00:00+00:00"}]})");
        return TestHttpServer::Reply::json(201, R"({"messages":[{"id":"gBEGkYiEB1VXAglK1ZEqA1YKPrU"}]})");
    });
    const QString password = QStringLiteral("gateway-password-2468");
    const Run r = run({QStringLiteral("--base-url"), server.url(QString()).toString(), QStringLiteral("--on-premises"),
                       QStringLiteral("--username"), QStringLiteral("admin"), m_sample},
                      password);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(server.requests().at(0).url().path(), QStringLiteral("/v1/users/login"));
    QCOMPARE(server.requests().at(0).header("Authorization"),
             QByteArray("Basic ") + QByteArray("admin:" + password.toUtf8()).toBase64());
    QCOMPARE(server.requests().at(1).url().path(), QStringLiteral("/v1/messages"));
    QCOMPARE(server.requests().at(1).header("Authorization"),
             QByteArray("Bearer eyJhbGciOiJIUzI1NiJ9.onprem-login-token.5678"));
    // the On-Premises form has no messaging_product
    QVERIFY(
        !QJsonDocument::fromJson(server.requests().at(1).body).object().contains(QStringLiteral("messaging_product")));
    QVERIFY(r.out.contains(QStringLiteral("Accepted: gBEGkYiEB1VXAglK1ZEqA1YKPrU")));
    QVERIFY(!r.out.contains(password));
    QVERIFY(!r.out.contains(QStringLiteral("onprem-login-token")));
}

void TestSendCommand::jsonOutput()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const wa::HttpRequest&) {
        return TestHttpServer::Reply::json(
            200,
            R"({"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.json"}]})");
    });
    const Run r = run({QStringLiteral("--json"), QStringLiteral("--base-url"), server.url(QString()).toString(),
                       QStringLiteral("--phone-number-id"), QStringLiteral("1"), m_sample});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject object = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(object.value(QStringLiteral("result")).toString(), QStringLiteral("accepted"));
    QCOMPARE(object.value(QStringLiteral("message_id")).toString(), QStringLiteral("wamid.json"));
    QCOMPARE(object.value(QStringLiteral("exchanges")).toArray().size(), 1);
    QVERIFY(!r.out.contains(QLatin1String(kToken)));
}

void TestSendCommand::transportFailures_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("refused") << QStringLiteral("refused") << QStringLiteral("refused");
    QTest::newRow("timeout") << QStringLiteral("never") << QStringLiteral("timeout");
    QTest::newRow("closed") << QStringLiteral("close") << QStringLiteral("closed");
}

void TestSendCommand::transportFailures()
{
    QFETCH(QString, kind);
    QFETCH(QString, mentions);
    TestHttpServer server;
    QVERIFY(server.listen());
    const QUrl url = server.url(QString());
    if (kind == QLatin1String("refused"))
        server.close();
    server.setHandler([kind](const wa::HttpRequest&) {
        return kind == QLatin1String("never") ? TestHttpServer::Reply::never() : TestHttpServer::Reply::close();
    });
    const Run r = run({QStringLiteral("--base-url"), url.toString(), QStringLiteral("--phone-number-id"),
                       QStringLiteral("1"), QStringLiteral("--timeout"), QStringLiteral("0.5"), m_sample});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mentions, Qt::CaseInsensitive), qPrintable(r.err));
    QVERIFY(!r.err.contains(QLatin1String(kToken)) && !r.out.contains(QLatin1String(kToken)));
    if (kind == QLatin1String("close"))
        QCOMPARE(server.requests().size(), 1); // not sent twice
}

void TestSendCommand::inputErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("mentions");
    const QString sample = QStringLiteral(WA_SAMPLES_DIR "/messages/button-text-header.json");
    const QStringList endpoint{QStringLiteral("--base-url"), QStringLiteral("http://127.0.0.1:9"),
                               QStringLiteral("--phone-number-id"), QStringLiteral("1")};
    QTest::newRow("no file") << endpoint << QString::fromLatin1(kToken) << QStringLiteral("exactly one FILE");
    QTest::newRow("missing file") << endpoint + QStringList{QStringLiteral("/nonexistent/message.json")}
                                  << QString::fromLatin1(kToken)
                                  << QStringLiteral("cannot read /nonexistent/message.json");
    QTest::newRow("no token") << endpoint + QStringList{sample} << QString() << QStringLiteral("WA_ACCESS_TOKEN");
    QTest::newRow("no phone-number id") << QStringList{QStringLiteral("--base-url"),
                                                       QStringLiteral("http://127.0.0.1:9"), sample}
                                        << QString::fromLatin1(kToken) << QStringLiteral("phone-number ID");
    QTest::newRow("unknown profile") << QStringList{QStringLiteral("--profile"), QStringLiteral("Nope"), sample}
                                     << QString::fromLatin1(kToken) << QStringLiteral("no profile named \"Nope\"");
    QTest::newRow("bad timeout") << endpoint + QStringList{QStringLiteral("--timeout"), QStringLiteral("soon"), sample}
                                 << QString::fromLatin1(kToken) << QStringLiteral("--timeout");
    QTest::newRow("profile and base url")
        << QStringList{QStringLiteral("--profile"), QStringLiteral("Sandbox"), QStringLiteral("--base-url"),
                       QStringLiteral("http://127.0.0.1:9"), sample}
        << QString::fromLatin1(kToken) << QStringLiteral("exclude each other");
}

void TestSendCommand::inputErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, token);
    QFETCH(QString, mentions);
    const Run r = run(arguments, token);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
}

void TestSendCommand::validationBlocksUnlessTold()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const wa::HttpRequest&) {
        return TestHttpServer::Reply::json(
            400,
            R"({"error":{"message":"(#131009) Parameter value is not valid","type":"OAuthException","code":131009,"error_data":{"details":"Button title length invalid"},"fbtrace_id":"x"}})");
    });
    const QString invalid = QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/button-four.json");
    const QStringList endpoint{QStringLiteral("--base-url"), server.url(QString()).toString(),
                               QStringLiteral("--phone-number-id"), QStringLiteral("1")};
    Run r = run(endpoint + QStringList{invalid});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("interactive.action.buttons[3]")), qPrintable(r.err));
    QCOMPARE(server.requests().size(), 0);
    r = run(endpoint + QStringList{QStringLiteral("--no-validate"), invalid});
    QCOMPARE(r.exitCode, 1); // the API's own answer
    QCOMPARE(server.requests().size(), 1);

    // malformed JSON names the line and column
    QTemporaryDir dir;
    QFile broken(dir.filePath(QStringLiteral("broken.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\n  \"to\": \"1\",\n  \"type\": interactive\n}\n");
    broken.close();
    r = run(endpoint + QStringList{broken.fileName()});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("line 3")), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestSendCommand)
#include "tst_sendcommand.moc"
