#include <csignal>
#include <functional>
#include <memory>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <signal.h>

#include "SandboxServer.h"
#include "WebhookEventParser.h"
#include "WebhookServer.h"

using namespace wa;

namespace {

const QByteArray kSecret = "sandbox-command-secret";
const QString kCustomer = QStringLiteral("16505551234");
const QString kAnswered = QStringLiteral("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA");

QByteArray readMessageSample(const QString& name)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(name));
    return file.readAll();
}

QString str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

// Waits, running the event loop (in-process servers keep answering), until `done` or the timeout.
bool waitUntil(const std::function<bool()>& done, int timeoutMs = 10000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(10);
    }
    return true;
}

// A process whose standard output is JSON Lines, read as they come.
class Process
{
public:
    Process(const QString& program, const QStringList& arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("WA_APP_SECRET"));
        process.setProcessEnvironment(environment);
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this] { readOut(); });
        QObject::connect(&process, &QProcess::readyReadStandardError, &process,
                         [this] { err += process.readAllStandardError(); });
        process.start(program, arguments);
    }
    ~Process()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000))
                process.kill();
            process.waitForFinished(5000);
        }
    }
    // The first line `match` accepts (an empty object after the timeout).
    QJsonObject waitFor(const std::function<bool(const QJsonObject&)>& match, int timeoutMs = 10000)
    {
        QJsonObject found;
        waitUntil(
            [&] {
                for (const QJsonObject& line : lines) {
                    if (match(line)) {
                        found = line;
                        return true;
                    }
                }
                return process.state() == QProcess::NotRunning && process.bytesAvailable() == 0;
            },
            timeoutMs);
        return found;
    }
    QJsonObject waitForEvent(const QString& event, int timeoutMs = 10000)
    {
        return waitFor([&event](const QJsonObject& o) { return str(o, "event") == event; }, timeoutMs);
    }
    QList<QJsonObject> matching(const std::function<bool(const QJsonObject&)>& match) const
    {
        QList<QJsonObject> found;
        for (const QJsonObject& line : lines) {
            if (match(line))
                found.append(line);
        }
        return found;
    }
    int indexOf(const std::function<bool(const QJsonObject&)>& match) const
    {
        for (int i = 0; i < lines.size(); ++i) {
            if (match(lines.at(i)))
                return i;
        }
        return -1;
    }
    QString everything() const { return QString::fromUtf8(out + "\n--- stderr ---\n" + err); }

    QProcess process;
    QByteArray out;
    QByteArray err;
    QList<QJsonObject> lines;
    QStringList rawLines;

private:
    void readOut()
    {
        const QByteArray chunk = process.readAllStandardOutput();
        out += chunk;
        m_partial += chunk;
        qsizetype end;
        while ((end = m_partial.indexOf('\n')) >= 0) {
            const QByteArray line = m_partial.left(end);
            m_partial.remove(0, end + 1);
            rawLines << QString::fromUtf8(line);
            const QJsonDocument document = QJsonDocument::fromJson(line);
            if (document.isObject())
                lines.append(document.object());
        }
    }
    QByteArray m_partial;
};

// `wa-composer sandbox --port 0 --json …`, started and listening.
class Sandbox : public Process
{
public:
    explicit Sandbox(const QStringList& extra)
        : Process(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("sandbox"), QStringLiteral("--port"),
                                                             QStringLiteral("0"), QStringLiteral("--json")} +
                                                     extra)
    {
        const QJsonObject listening = waitForEvent(QStringLiteral("listening"));
        url = str(listening, "url");
        port = listening.value(QLatin1String("port")).toInt();
    }
    QString url;
    int port = 0;
};

// The test bot (tests/wa_test_bot.cpp), started and listening.
class Bot : public Process
{
public:
    Bot(const QString& sandboxUrl, const QStringList& extra)
        : Process(QStringLiteral(WA_TEST_BOT),
                  QStringList{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--app-secret"),
                              QString::fromLatin1(kSecret), QStringLiteral("--sandbox"), sandboxUrl} +
                      extra)
    {
        url = str(waitForEvent(QStringLiteral("listening")), "url");
    }
    QList<QJsonObject> webhooks(const QString& kind) const
    {
        return matching([&kind](const QJsonObject& o) {
            return str(o, "event") == QLatin1String("webhook") && str(o, "kind") == kind;
        });
    }
    QString url;
};

// An in-process bot: the app's own listener with the app secret, keeping every event.
class Listener
{
public:
    Listener()
    {
        server.setAppSecret(kSecret);
        server.setSink([this](const ReceivedRequest& request, const QList<WebhookEvent>& received,
                              std::function<void(bool, const QList<WebhookEvent>&)> done) {
            bodies.append(request.request.body);
            events.append(received);
            done(true, received);
        });
        QString error;
        if (!server.listen(QHostAddress::LocalHost, 0, &error))
            qFatal("listener: %s", qPrintable(error));
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/webhook").arg(server.port()); }
    WebhookServer server;
    QList<QByteArray> bodies;
    QList<WebhookEvent> events;
};

struct Answer
{
    int status = 0;
    QJsonObject body;
};

// A bot's send: POST {sandbox}/v23.0/{phone-number-id}/messages with the Bearer token.
Answer postMessage(const QString& sandboxUrl, const QByteArray& body,
                   const QString& token = SandboxServer::kDefaultAccessToken)
{
    QNetworkAccessManager network;
    QNetworkRequest request(
        QUrl(sandboxUrl + QStringLiteral("/v23.0/%1/messages").arg(SandboxServer::kDefaultPhoneNumberId)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    std::unique_ptr<QNetworkReply> reply(network.post(request, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QJsonDocument::fromJson(reply->readAll()).object()};
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run simulate(const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("WA_APP_SECRET"));
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("simulate")} + arguments);
    Run run;
    if (!finished.wait(20000)) {
        process.kill();
        process.waitForFinished(5000);
        return run;
    }
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QStringList quickStatuses()
{
    return {QStringLiteral("--sent-after"),      QStringLiteral("0"),
            QStringLiteral("--delivered-after"), QStringLiteral("30"),
            QStringLiteral("--read-after"),      QStringLiteral("60")};
}

QStringList secret()
{
    return {QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)};
}

std::function<bool(const QJsonObject&)> isEvent(const QString& name, const QString& result = {})
{
    return [name, result](const QJsonObject& o) {
        return str(o, "event") == name && (result.isEmpty() || str(o, "result") == result);
    };
}

} // namespace

class TestSandboxCommand : public QObject
{
    Q_OBJECT

private slots:
    void acceptedAndRejectedLines();
    void humanLines();
    void statusWebhooks_data();
    void statusWebhooks();
    void retriesThenGivesUp();
    void badOptions_data();
    void badOptions();
    void portInUse();
    void stopsOnSignal_data();
    void stopsOnSignal();

    // End to end: the sandbox, the test bot and simulate as real processes.
    void botRepliesWithAList();
    void invalidReply_data();
    void invalidReply();
    void strictWindow();
    void botDown();
    void botAnswers500();
    void badSignatureIsRefused();
};

void TestSandboxCommand::acceptedAndRejectedLines()
{
    Sandbox sandbox({QStringLiteral("--read-after"), QStringLiteral("0"), QStringLiteral("--delivered-after"),
                     QStringLiteral("0"), QStringLiteral("--sent-after"), QStringLiteral("0")});
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    const QJsonObject listening = sandbox.lines.first();
    QCOMPARE(str(listening, "event"), QStringLiteral("listening"));
    QCOMPARE(sandbox.url, QStringLiteral("http://127.0.0.1:%1").arg(sandbox.port));
    QCOMPARE(str(listening, "phone_number_id"), SandboxServer::kDefaultPhoneNumberId);
    QCOMPARE(str(listening, "token"), SandboxServer::kDefaultAccessToken);
    QVERIFY(listening.value(QLatin1String("webhook")).isNull());
    QVERIFY(waitUntil([&] { return sandbox.err.contains("Sandbox listening on"); }));
    QVERIFY2(
        sandbox.err.contains(QStringLiteral("Sandbox listening on http://127.0.0.1:%1 (phone-number ID %2, token %3)")
                                 .arg(sandbox.port)
                                 .arg(SandboxServer::kDefaultPhoneNumberId, SandboxServer::kDefaultAccessToken)
                                 .toUtf8()),
        sandbox.err.constData());

    // Accepted: the answer's id is the line's.
    QJsonObject list = QJsonDocument::fromJson(readMessageSample(QStringLiteral("list-takeout-menu.json"))).object();
    list.insert(QStringLiteral("context"), QJsonObject{{QStringLiteral("message_id"), kAnswered}});
    const Answer accepted = postMessage(sandbox.url, QJsonDocument(list).toJson());
    QCOMPARE(accepted.status, 200);
    const QString id = str(accepted.body.value(QLatin1String("messages")).toArray().first().toObject(), "id");
    QVERIFY(id.startsWith(QLatin1String("wamid.")));
    const QJsonObject line = sandbox.waitForEvent(QStringLiteral("accepted"));
    QCOMPARE(str(line, "id"), id);
    QCOMPARE(str(line, "to"), kCustomer);
    QCOMPARE(str(line, "type"), QStringLiteral("interactive"));
    QCOMPARE(str(line, "interactive_type"), QStringLiteral("list"));
    QCOMPARE(str(line, "context"), kAnswered);
    QCOMPARE(str(line, "family"), QStringLiteral("cloud"));
    QVERIFY2(str(line, "summary").contains(QLatin1String("2 section(s), 4 row(s)")), qPrintable(str(line, "summary")));
    QVERIFY(!str(line, "time").isEmpty());

    // No --webhook: the statuses are logged as not sent.
    QVERIFY(sandbox
                .waitFor([&id](const QJsonObject& o) {
                    return str(o, "result") == QLatin1String("not_sent") && str(o, "status") == QLatin1String("read");
                })
                .value(QLatin1String("message_id")) == id);
    QCOMPARE(sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("not_sent"))).size(), 3);

    // Rejected by the validator: Meta's code and the findings.
    const Answer invalid = postMessage(sandbox.url, readMessageSample(QStringLiteral("invalid/list-eleven-rows.json")));
    QCOMPARE(invalid.status, 400);
    const QJsonObject rejected = sandbox.waitForEvent(QStringLiteral("rejected"));
    QCOMPARE(rejected.value(QLatin1String("http_status")).toInt(), 400);
    QCOMPARE(rejected.value(QLatin1String("code")).toInt(), 131009);
    QVERIFY(!str(rejected, "details").isEmpty());
    QVERIFY(!rejected.value(QLatin1String("findings")).toArray().isEmpty());
    QVERIFY(str(rejected, "target").endsWith(QLatin1String("/messages")));

    // A wrong token: 401, code 190.
    const Answer denied = postMessage(sandbox.url, QJsonDocument(list).toJson(), QStringLiteral("not-the-token"));
    QCOMPARE(denied.status, 401);
    QVERIFY(sandbox.waitFor([](const QJsonObject& o) { return o.value(QLatin1String("code")).toInt() == 190; })
                .value(QLatin1String("http_status"))
                .toInt() == 401);
}

void TestSandboxCommand::humanLines()
{
    Process sandbox(QStringLiteral(WA_EXECUTABLE),
                    {QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0"),
                     QStringLiteral("--token"), QStringLiteral("tok-123")});
    QVERIFY(waitUntil([&] { return !sandbox.rawLines.isEmpty(); }));
    const QString first = sandbox.rawLines.first();
    QVERIFY2(first.startsWith(QLatin1String("Sandbox listening on http://127.0.0.1:")) &&
                 first.endsWith(
                     QStringLiteral("(phone-number ID %1, token tok-123)").arg(SandboxServer::kDefaultPhoneNumberId)),
             qPrintable(first));
    const QString url = first.section(QLatin1Char(' '), 3, 3);
    QCOMPARE(
        postMessage(url, readMessageSample(QStringLiteral("list-takeout-menu.json")), QStringLiteral("tok-123")).status,
        200);
    QVERIFY(waitUntil([&] { return sandbox.rawLines.size() >= 2; }));
    const QString accepted = sandbox.rawLines.at(1);
    QVERIFY2(accepted.contains(QLatin1String(" accepted  wamid.")) &&
                 accepted.contains(QStringLiteral("to 16505551234: list “Pick a dish")) &&
                 accepted.contains(QStringLiteral("(button “See dishes”, 2 section(s), 4 row(s))")),
             qPrintable(accepted));
}

void TestSandboxCommand::statusWebhooks_data()
{
    QTest::addColumn<bool>("read");
    QTest::newRow("sent, delivered, read") << true;
    QTest::newRow("--no-read") << false;
}

void TestSandboxCommand::statusWebhooks()
{
    QFETCH(bool, read);
    Listener bot;
    QStringList options = QStringList{QStringLiteral("--webhook"), bot.url()} + secret() + quickStatuses();
    if (!read)
        options << QStringLiteral("--no-read");
    Sandbox sandbox(options);
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    QCOMPARE(sandbox.lines.first().value(QLatin1String("webhook")).toString(), bot.url());
    QCOMPARE(sandbox.lines.first().value(QLatin1String("signed")).toBool(), true);

    const Answer accepted = postMessage(sandbox.url, readMessageSample(QStringLiteral("list-takeout-menu.json")));
    QCOMPARE(accepted.status, 200);
    const QString id = str(accepted.body.value(QLatin1String("messages")).toArray().first().toObject(), "id");
    const QStringList expected =
        read ? QStringList{QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}
             : QStringList{QStringLiteral("sent"), QStringLiteral("delivered")};
    QVERIFY(waitUntil([&] { return bot.events.size() >= expected.size(); }));
    QTest::qWait(150); // nothing more comes
    QCOMPARE(bot.events.size(), expected.size());
    QStringList statuses;
    for (int i = 0; i < bot.events.size(); ++i) {
        const WebhookEvent& e = bot.events.at(i);
        QCOMPARE(e.kind, WebhookEvent::Kind::Status);
        QCOMPARE(e.signature, WebhookEvent::Signature::Valid);
        QCOMPARE(e.id, id);
        QCOMPARE(e.contact, kCustomer);
        QCOMPARE(e.phoneNumberId, SandboxServer::kDefaultPhoneNumberId);
        statuses << e.fields.value(QLatin1String("status")).toString();
        // The app's own parser reads what was sent.
        const WebhookParseResult parsed = WebhookEventParser::parse(bot.bodies.at(i));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.events.size(), 1);
    }
    QCOMPARE(statuses, expected);

    // One "delivered" line per status, with the bot's answer and the latency.
    QVERIFY(waitUntil([&] {
        return sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("delivered"))).size() ==
               expected.size();
    }));
    const QList<QJsonObject> lines = sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("delivered")));
    for (int i = 0; i < lines.size(); ++i) {
        QCOMPARE(str(lines.at(i), "status"), expected.at(i));
        QCOMPARE(str(lines.at(i), "message_id"), id);
        QCOMPARE(lines.at(i).value(QLatin1String("http_status")).toInt(), 200);
        QCOMPARE(lines.at(i).value(QLatin1String("attempts")).toInt(), 1);
        QVERIFY(lines.at(i).contains(QLatin1String("latency_ms")));
    }
    // The app secret is never printed.
    QVERIFY(!sandbox.out.contains(kSecret) && !sandbox.err.contains(kSecret));
}

void TestSandboxCommand::retriesThenGivesUp()
{
    const QString down = QStringLiteral("http://127.0.0.1:%1/webhook").arg(closedPort());
    Sandbox sandbox(QStringList{QStringLiteral("--webhook"), down, QStringLiteral("--max-attempts"),
                                QStringLiteral("3"), QStringLiteral("--retry-delay"), QStringLiteral("20"),
                                QStringLiteral("--no-read")} +
                    secret() + quickStatuses());
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    QCOMPARE(postMessage(sandbox.url, readMessageSample(QStringLiteral("list-takeout-menu.json"))).status, 200);
    QVERIFY2(waitUntil([&] {
                 return sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("gave_up"))).size() == 2;
             }),
             qPrintable(sandbox.everything()));
    const QList<QJsonObject> retrying = sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("retrying")));
    QCOMPARE(retrying.size(), 4); // two per status
    QCOMPARE(str(retrying.at(0), "status"), QStringLiteral("sent"));
    QCOMPARE(retrying.at(0).value(QLatin1String("attempt")).toInt(), 1);
    QCOMPARE(retrying.at(0).value(QLatin1String("retry_in_ms")).toInt(), 20);
    QCOMPARE(retrying.at(1).value(QLatin1String("attempt")).toInt(), 2);
    QCOMPARE(retrying.at(1).value(QLatin1String("retry_in_ms")).toInt(), 40);
    QVERIFY2(str(retrying.at(0), "error").contains(QLatin1String("Connection refused")),
             qPrintable(str(retrying.at(0), "error")));
    const QList<QJsonObject> gaveUp = sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("gave_up")));
    QCOMPARE(str(gaveUp.at(0), "status"), QStringLiteral("sent"));
    QCOMPARE(str(gaveUp.at(1), "status"), QStringLiteral("delivered"));
    QCOMPARE(gaveUp.at(0).value(QLatin1String("attempts")).toInt(), 3);
    QVERIFY(str(gaveUp.at(0), "error").contains(QLatin1String("Connection refused")));
    // Sent gave up before delivered was tried: one URL, one at a time, in order.
    QVERIFY(sandbox.indexOf(isEvent(QStringLiteral("status"), QStringLiteral("gave_up"))) <
            sandbox.indexOf([](const QJsonObject& o) {
                return str(o, "status") == QLatin1String("delivered") && str(o, "result") == QLatin1String("retrying");
            }));
}

void TestSandboxCommand::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("port") << QStringList{QStringLiteral("--port"), QStringLiteral("99999")} << QStringLiteral("--port");
    QTest::newRow("webhook scheme") << QStringList{QStringLiteral("--webhook"), QStringLiteral("ftp://127.0.0.1/x")}
                                    << QStringLiteral("--webhook takes the bot's http or https URL");
    QTest::newRow("webhook no host") << QStringList{QStringLiteral("--webhook"), QStringLiteral("webhook")}
                                     << QStringLiteral("--webhook");
    QTest::newRow("delay") << QStringList{QStringLiteral("--read-after"), QStringLiteral("-5")}
                           << QStringLiteral("--read-after takes milliseconds");
    QTest::newRow("attempts") << QStringList{QStringLiteral("--max-attempts"), QStringLiteral("0")}
                              << QStringLiteral("--max-attempts");
    QTest::newRow("phone-number id") << QStringList{QStringLiteral("--phone-number-id"), QStringLiteral("abc")}
                                     << QStringLiteral("--phone-number-id takes digits");
    QTest::newRow("window failure") << QStringList{QStringLiteral("--window-failure"), QStringLiteral("maybe")}
                                    << QStringLiteral("--window-failure");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--colour")} << QStringLiteral("Unknown option");
    QTest::newRow("argument") << QStringList{QStringLiteral("extra")} << QStringLiteral("unexpected argument");
}

void TestSandboxCommand::badOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    QProcess process;
    process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("sandbox")} + arguments);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.startsWith(QLatin1String("wa-composer sandbox: ")) && err.contains(mentions), qPrintable(err));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

void TestSandboxCommand::portInUse()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    QProcess process;
    process.start(QStringLiteral(WA_EXECUTABLE),
                  {QStringLiteral("sandbox"), QStringLiteral("--port"), QString::number(taken.serverPort())});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(!process.readAllStandardError().isEmpty());
}

void TestSandboxCommand::stopsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestSandboxCommand::stopsOnSignal()
{
    QFETCH(int, signal);
    Sandbox sandbox({});
    QVERIFY(sandbox.port > 0);
    ::kill(pid_t(sandbox.process.processId()), signal);
    QVERIFY(sandbox.process.waitForFinished(5000));
    QCOMPARE(sandbox.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(sandbox.process.exitCode(), 0);
    sandbox.err += sandbox.process.readAllStandardError();
    QVERIFY2(sandbox.err.contains("wa-composer sandbox: stopped"), sandbox.err.constData());
}

void TestSandboxCommand::botRepliesWithAList()
{
    // Each needs the other's URL at start: the bot gets a port that was free a moment ago.
    const quint16 botPort = closedPort();
    const QString botUrl = QStringLiteral("http://127.0.0.1:%1/webhook").arg(botPort);
    Sandbox sandbox(QStringList{QStringLiteral("--webhook"), botUrl} + secret() + quickStatuses());
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    Bot bot(sandbox.url, {QStringLiteral("--port"), QString::number(botPort)});
    QCOMPARE(bot.url, botUrl);

    const Run run =
        simulate({QStringLiteral("button-reply"), QStringLiteral("--id"), QStringLiteral("yes"),
                  QStringLiteral("--title"), QStringLiteral("Yes"), QStringLiteral("--context"), kAnswered,
                  QStringLiteral("--to"), bot.url, QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)});
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));

    // The bot checked the signature and read a button reply.
    const QJsonObject tap =
        bot.waitFor([](const QJsonObject& o) { return str(o, "event") == QLatin1String("webhook"); });
    QCOMPARE(str(tap, "kind"), QStringLiteral("button_reply"));
    QCOMPARE(str(tap, "signature"), QStringLiteral("valid"));
    QCOMPARE(tap.value(QLatin1String("http_status")).toInt(), 200);
    QCOMPARE(str(tap.value(QLatin1String("context")).toObject(), "id"), kAnswered);
    QCOMPARE(str(tap, "contact"), kCustomer);
    const QString customerMessage = str(tap, "id");
    QVERIFY(run.out.contains(customerMessage));

    // Its reply: an interactive list to the customer, answering the customer's message; accepted.
    const QJsonObject reply = bot.waitForEvent(QStringLiteral("reply"));
    QVERIFY2(reply.value(QLatin1String("http_status")).toInt() == 200, qPrintable(bot.everything()));
    const QString messageId = str(reply, "message_id");
    QVERIFY(messageId.startsWith(QLatin1String("wamid.")));
    const QJsonObject request = reply.value(QLatin1String("request")).toObject();
    QCOMPARE(str(request, "to"), kCustomer);
    QCOMPARE(str(request.value(QLatin1String("context")).toObject(), "message_id"), customerMessage);
    QCOMPARE(str(request.value(QLatin1String("interactive")).toObject(), "type"), QStringLiteral("list"));

    // The sandbox logged it as accepted.
    const QJsonObject accepted = sandbox.waitForEvent(QStringLiteral("accepted"));
    QCOMPARE(str(accepted, "id"), messageId);
    QCOMPARE(str(accepted, "interactive_type"), QStringLiteral("list"));
    QCOMPARE(str(accepted, "context"), customerMessage);
    QCOMPARE(str(accepted, "to"), kCustomer);

    // Sent, delivered and read reach the bot in that order, signed, for that message.
    QVERIFY2(waitUntil([&] { return bot.webhooks(QStringLiteral("status")).size() >= 3; }),
             qPrintable(bot.everything() + sandbox.everything()));
    const QList<QJsonObject> statuses = bot.webhooks(QStringLiteral("status"));
    QCOMPARE(statuses.size(), 3);
    QStringList order;
    for (const QJsonObject& s : statuses) {
        QCOMPARE(str(s, "id"), messageId);
        QCOMPARE(str(s, "signature"), QStringLiteral("valid"));
        QCOMPARE(str(s, "contact"), kCustomer);
        order << str(s, "status");
    }
    QCOMPARE(order, (QStringList{QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")}));
    QVERIFY(waitUntil(
        [&] { return sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("delivered"))).size() == 3; }));
    // Every webhook the bot got was read by the app's parser as a known kind.
    for (const QJsonObject& line : bot.matching(isEvent(QStringLiteral("webhook")))) {
        QVERIFY2(str(line, "kind") != QLatin1String("unknown") && str(line, "kind") != QLatin1String("rejected"),
                 qPrintable(str(line, "kind")));
    }
    // The bot answered one customer message once.
    QCOMPARE(bot.matching(isEvent(QStringLiteral("reply"))).size(), 1);
}

void TestSandboxCommand::invalidReply_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("code");
    QTest::newRow("invalid: 11 rows") << QStringLiteral("invalid") << 131009;
    QTest::newRow("missing: no body") << QStringLiteral("missing") << 131008;
}

void TestSandboxCommand::invalidReply()
{
    QFETCH(QString, mode);
    QFETCH(int, code);
    Sandbox sandbox(quickStatuses());
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    Bot bot(sandbox.url, {QStringLiteral("--reply"), mode});
    const Run run =
        simulate({QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("menu please"),
                  QStringLiteral("--to"), bot.url, QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)});
    QCOMPARE(run.exitCode, 0); // the bot took the webhook; its own send is what fails

    const QJsonObject reply = bot.waitForEvent(QStringLiteral("reply"));
    QCOMPARE(reply.value(QLatin1String("http_status")).toInt(), 400);
    // Meta's error shape.
    const QJsonObject error =
        reply.value(QLatin1String("response")).toObject().value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toInt(), code);
    QCOMPARE(str(error, "type"), QStringLiteral("OAuthException"));
    QVERIFY(str(error, "message").startsWith(QStringLiteral("(#%1)").arg(code)));
    QVERIFY(!str(error, "fbtrace_id").isEmpty());
    const QJsonObject data = error.value(QLatin1String("error_data")).toObject();
    QCOMPARE(str(data, "messaging_product"), QStringLiteral("whatsapp"));
    QVERIFY2(!str(data, "details").isEmpty(), qPrintable(str(data, "details")));

    const QJsonObject rejected = sandbox.waitForEvent(QStringLiteral("rejected"));
    QCOMPARE(rejected.value(QLatin1String("code")).toInt(), code);
    QCOMPARE(str(rejected, "details"), str(data, "details"));
    QVERIFY(sandbox.matching(isEvent(QStringLiteral("accepted"))).isEmpty());
}

void TestSandboxCommand::strictWindow()
{
    Sandbox sandbox(QStringList{QStringLiteral("--strict-window")} + quickStatuses());
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    QCOMPARE(sandbox.lines.first().value(QLatin1String("strict_window")).toBool(), true);
    Bot bot(sandbox.url, {});
    const QStringList text{QStringLiteral("text"),
                           QStringLiteral("--body"),
                           QStringLiteral("hello"),
                           QStringLiteral("--to"),
                           bot.url,
                           QStringLiteral("--app-secret"),
                           QString::fromLatin1(kSecret)};

    // Straight to the bot: the sandbox does not know the customer wrote, so the bot's answer is refused.
    QCOMPARE(simulate(text).exitCode, 0);
    const QJsonObject refused = bot.waitForEvent(QStringLiteral("reply"));
    QCOMPARE(refused.value(QLatin1String("http_status")).toInt(), 400);
    const QJsonObject error =
        refused.value(QLatin1String("response")).toObject().value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toInt(), 131047);
    QVERIFY(str(error.value(QLatin1String("error_data")).toObject(), "details").contains(QLatin1String("24 hours")));
    QCOMPARE(sandbox.waitForEvent(QStringLiteral("rejected")).value(QLatin1String("code")).toInt(), 131047);

    // With --sandbox the customer's message opens the window first: accepted.
    const Run run = simulate(text + QStringList{QStringLiteral("--sandbox"), sandbox.url});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(str(sandbox.waitForEvent(QStringLiteral("customer_message")), "wa_id"), kCustomer);
    QVERIFY(waitUntil([&] { return bot.matching(isEvent(QStringLiteral("reply"))).size() == 2; }));
    const QJsonObject accepted = bot.matching(isEvent(QStringLiteral("reply"))).last();
    QCOMPARE(accepted.value(QLatin1String("http_status")).toInt(), 200);
    QCOMPARE(str(sandbox.waitForEvent(QStringLiteral("accepted")), "id"), str(accepted, "message_id"));
    QVERIFY(sandbox.indexOf(isEvent(QStringLiteral("customer_message"))) <
            sandbox.indexOf(isEvent(QStringLiteral("accepted"))));
}

void TestSandboxCommand::botDown()
{
    const quint16 botPort = closedPort();
    Sandbox sandbox({QStringLiteral("--webhook"), QStringLiteral("http://127.0.0.1:%1/webhook").arg(botPort),
                     QStringLiteral("--app-secret"), QString::fromLatin1(kSecret), QStringLiteral("--max-attempts"),
                     QStringLiteral("3"), QStringLiteral("--retry-delay"), QStringLiteral("20"),
                     QStringLiteral("--no-read"), QStringLiteral("--sent-after"), QStringLiteral("300"),
                     QStringLiteral("--delivered-after"), QStringLiteral("300")});
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));
    Bot bot(sandbox.url, {QStringLiteral("--port"), QString::number(botPort), QStringLiteral("--down-after-reply")});
    QVERIFY(!bot.url.isEmpty());
    const Run run =
        simulate({QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("hi"), QStringLiteral("--to"),
                  bot.url, QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(bot.waitForEvent(QStringLiteral("reply")).value(QLatin1String("http_status")).toInt(), 200);
    QVERIFY(!bot.waitForEvent(QStringLiteral("down")).isEmpty());

    // The sandbox retries each status, then gives up, and says so.
    QVERIFY2(waitUntil([&] {
                 return sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("gave_up"))).size() == 2;
             }),
             qPrintable(sandbox.everything()));
    QCOMPARE(sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("retrying"))).size(), 4);
    for (const QJsonObject& line : sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("gave_up")))) {
        QVERIFY(str(line, "error").contains(QLatin1String("Connection refused")));
        QCOMPARE(line.value(QLatin1String("attempts")).toInt(), 3);
    }
    QVERIFY(bot.webhooks(QStringLiteral("status")).isEmpty());
}

void TestSandboxCommand::botAnswers500()
{
    Process bot(QStringLiteral(WA_TEST_BOT),
                {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--app-secret"),
                 QString::fromLatin1(kSecret), QStringLiteral("--fail-webhooks")});
    const QString botUrl = str(bot.waitForEvent(QStringLiteral("listening")), "url");
    Sandbox sandbox(QStringList{QStringLiteral("--webhook"), botUrl, QStringLiteral("--max-attempts"),
                                QStringLiteral("2"), QStringLiteral("--retry-delay"), QStringLiteral("10"),
                                QStringLiteral("--no-read")} +
                    secret() + quickStatuses());
    QVERIFY2(sandbox.port > 0, qPrintable(sandbox.everything()));

    // A customer message: the bot answers 500, and simulate says so.
    const Run run =
        simulate({QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("hi"), QStringLiteral("--to"),
                  botUrl, QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.contains(QLatin1String("HTTP 500")));

    // Statuses: retried on 500, then given up.
    QCOMPARE(postMessage(sandbox.url, readMessageSample(QStringLiteral("list-takeout-menu.json"))).status, 200);
    QVERIFY2(waitUntil([&] {
                 return sandbox.matching(isEvent(QStringLiteral("status"), QStringLiteral("gave_up"))).size() == 2;
             }),
             qPrintable(sandbox.everything()));
    const QJsonObject retry = sandbox.waitFor(isEvent(QStringLiteral("status"), QStringLiteral("retrying")));
    QCOMPARE(retry.value(QLatin1String("http_status")).toInt(), 500);
    const QJsonObject gaveUp = sandbox.waitFor(isEvent(QStringLiteral("status"), QStringLiteral("gave_up")));
    QCOMPARE(gaveUp.value(QLatin1String("http_status")).toInt(), 500);
    QCOMPARE(str(gaveUp, "error"), QStringLiteral("HTTP 500"));
    // The bot saw each attempt (2 per status) and answered 500.
    QVERIFY(waitUntil([&] { return bot.matching(isEvent(QStringLiteral("webhook"))).size() == 5; }));
    for (const QJsonObject& line : bot.matching(isEvent(QStringLiteral("webhook"))))
        QCOMPARE(line.value(QLatin1String("http_status")).toInt(), 500);
}

void TestSandboxCommand::badSignatureIsRefused()
{
    Sandbox sandbox(quickStatuses());
    Bot bot(sandbox.url, {});
    const Run run =
        simulate({QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("hi"), QStringLiteral("--to"),
                  bot.url, QStringLiteral("--app-secret"), QStringLiteral("not-the-secret")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains(QLatin1String("HTTP 403")), qPrintable(run.out));
    const QJsonObject line = bot.waitForEvent(QStringLiteral("webhook"));
    QCOMPARE(str(line, "kind"), QStringLiteral("rejected"));
    QCOMPARE(str(line, "signature"), QStringLiteral("invalid"));
    QCOMPARE(line.value(QLatin1String("http_status")).toInt(), 403);
    QTest::qWait(200);
    QVERIFY(bot.matching(isEvent(QStringLiteral("reply"))).isEmpty());
    QVERIFY(sandbox.matching(isEvent(QStringLiteral("accepted"))).isEmpty());
}

QTEST_GUILESS_MAIN(TestSandboxCommand)
#include "tst_sandboxcommand.moc"
