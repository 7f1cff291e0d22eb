#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "JsonShape.h"
#include "SandboxServer.h"
#include "WebhookEventParser.h"
#include "WebhookServer.h"
#include "TestSamples.h"

using namespace wa;

namespace {

const QByteArray kSecret = "simulate-secret";
const QString kAnswered = QStringLiteral("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA");

QJsonObject readSample(const QString& name)
{
    return QJsonDocument::fromJson(TestSamples::webhook(name)).object();
}

QStringList shapeOf(const QJsonObject& root)
{
    return JsonShape::of(root);
}

// The bot: the app's own webhook listener with the app secret; its sink keeps what came and can
// answer 500 (not stored) to the first `failFirst` requests.
class Bot
{
public:
    Bot()
    {
        server.setAppSecret(kSecret);
        server.setSink([this](const ReceivedRequest& request, const QList<WebhookEvent>& events,
                              std::function<void(bool, const QList<WebhookEvent>&)> done) {
            requests.append(request);
            received.append(events);
            const bool fail = failFirst > 0 && request.statusCode == 200;
            if (fail)
                --failFirst;
            done(!fail, events);
        });
        QString error;
        if (!server.listen(QHostAddress::LocalHost, 0, &error))
            qFatal("bot: %s", qPrintable(error));
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/webhook").arg(server.port()); }

    WebhookServer server;
    QList<ReceivedRequest> requests;
    QList<WebhookEvent> received;
    int failFirst = 0;
};

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// `wa-composer simulate …` as a real process. The event loop runs while it works, so that the
// in-process bot and sandbox answer it.
Run simulate(const QStringList& arguments, const QProcessEnvironment& extra = {})
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("WA_APP_SECRET"));
    environment.insert(extra);
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("simulate")} + arguments);
    Run run;
    if (!finished.wait(20000)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = QStringLiteral("(did not finish within 20 s)");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QStringList signedTo(const Bot& bot)
{
    return {QStringLiteral("--to"), bot.url(), QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)};
}

// A port nothing listens on.
quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

Q_DECLARE_METATYPE(wa::ApiFamily)

class TestSimulateCommand : public QObject
{
    Q_OBJECT

private slots:
    void everyKind_data();
    void everyKind();
    void exitCodes_data();
    void exitCodes();
    void retries();
    void badInput_data();
    void badInput();
    void sandboxOpensTheWindow();
    void sandboxProblems_data();
    void sandboxProblems();
    void jsonAndVerbose();
    void secretFromEnvironmentOrUnsigned();
    void help();
};

void TestSimulateCommand::everyKind_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("kind");
    QTest::addColumn<ApiFamily>("family");
    QTest::addColumn<QString>("fieldsKey"); // the event's fields that must equal `fields`
    QTest::addColumn<QJsonValue>("fields");
    QTest::addColumn<QString>("context"); // expected context id
    QTest::addColumn<QString>("from");    // expected contact
    QTest::addColumn<QString>("name");    // expected profile name

    const QString sheena = QStringLiteral("Sheena Nelson");
    const QString defaultFrom = QStringLiteral("16505551234");
    const QStringList answering{QStringLiteral("--context"), kAnswered};
    const auto object = [](std::initializer_list<QPair<QString, QJsonValue>> pairs) {
        return QJsonValue(QJsonObject(pairs));
    };
    const auto add = [](const char* row, const QStringList& arguments, const char* sample, WebhookEvent::Kind kind,
                        ApiFamily family, const char* key, const QJsonValue& fields, const QString& context,
                        const QString& from, const QString& name) {
        QTest::newRow(row) << arguments << QString::fromLatin1(sample) << int(kind) << family
                           << QString::fromLatin1(key) << fields << context << from << name;
    };

    add("cloud text", {QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("Does it come in blue? 😀")},
        "cloud-text.json", WebhookEvent::Kind::Text, ApiFamily::Cloud, "text",
        object({{QStringLiteral("body"), QStringLiteral("Does it come in blue? 😀")}}), QString(), defaultFrom, sheena);
    add("cloud button-reply",
        QStringList{QStringLiteral("button-reply"), QStringLiteral("--id"), QStringLiteral("cancel-button"),
                    QStringLiteral("--title"), QStringLiteral("Cancel"), QStringLiteral("--from"),
                    QStringLiteral("+1 (631) 555-1001"), QStringLiteral("--name"), QStringLiteral("Zoë Nelson")} +
            answering,
        "cloud-button-reply.json", WebhookEvent::Kind::ButtonReply, ApiFamily::Cloud, "button_reply",
        object({{QStringLiteral("id"), QStringLiteral("cancel-button")},
                {QStringLiteral("title"), QStringLiteral("Cancel")}}),
        kAnswered, QStringLiteral("16315551001"), QStringLiteral("Zoë Nelson"));
    add("cloud list-reply",
        QStringList{QStringLiteral("list-reply"), QStringLiteral("--id"), QStringLiteral("priority_express"),
                    QStringLiteral("--title"), QStringLiteral("Priority Mail Express"), QStringLiteral("--description"),
                    QStringLiteral("Next Day to 2 Days")} +
            answering,
        "cloud-list-reply.json", WebhookEvent::Kind::ListReply, ApiFamily::Cloud, "list_reply",
        object({{QStringLiteral("id"), QStringLiteral("priority_express")},
                {QStringLiteral("title"), QStringLiteral("Priority Mail Express")},
                {QStringLiteral("description"), QStringLiteral("Next Day to 2 Days")}}),
        kAnswered, defaultFrom, sheena);
    const QStringList museum{QStringLiteral("location"),
                             QStringLiteral("--latitude"),
                             QStringLiteral("40.782910059774"),
                             QStringLiteral("--longitude"),
                             QStringLiteral("-73.959075808525"),
                             QStringLiteral("--name"),
                             QStringLiteral("Solomon R. Guggenheim Museum"),
                             QStringLiteral("--address"),
                             QStringLiteral("1071 5th Ave, New York, NY 10128"),
                             QStringLiteral("--profile-name"),
                             QStringLiteral("Kerry Fisher")};
    const QJsonValue museumFields =
        object({{QStringLiteral("latitude"), 40.782910059774},
                {QStringLiteral("longitude"), -73.959075808525},
                {QStringLiteral("name"), QStringLiteral("Solomon R. Guggenheim Museum")},
                {QStringLiteral("address"), QStringLiteral("1071 5th Ave, New York, NY 10128")}});
    add("cloud location", museum + answering, "cloud-location.json", WebhookEvent::Kind::Location, ApiFamily::Cloud,
        "location", museumFields, kAnswered, defaultFrom, QStringLiteral("Kerry Fisher"));
    add("cloud location bare",
        {QStringLiteral("location"), QStringLiteral("--latitude"), QStringLiteral("25.033976"),
         QStringLiteral("--longitude"), QStringLiteral("121.564472")},
        "cloud-location-bare.json", WebhookEvent::Kind::Location, ApiFamily::Cloud, "location",
        object({{QStringLiteral("latitude"), 25.033976}, {QStringLiteral("longitude"), 121.564472}}), QString(),
        defaultFrom, sheena);
    const QString flowResponse =
        QStringLiteral(R"({"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","date":"2025-06-20","slot":"10:30"})");
    add("cloud nfm-reply",
        QStringList{QStringLiteral("nfm-reply"), QStringLiteral("--response-json"), flowResponse} + answering,
        "cloud-nfm-reply.json", WebhookEvent::Kind::NfmReply, ApiFamily::Cloud, "nfm_reply",
        QJsonValue(QJsonDocument::fromJson(flowResponse.toUtf8()).object()), kAnswered, defaultFrom, sheena);
    for (const char* status : {"sent", "delivered", "read", "failed"}) {
        const QString value = QString::fromLatin1(status);
        add(qPrintable(QStringLiteral("cloud status ") + value),
            {QStringLiteral("status"), QStringLiteral("--message-id"), kAnswered, QStringLiteral("--status"), value},
            qPrintable(QStringLiteral("cloud-status-%1.json").arg(value)), WebhookEvent::Kind::Status, ApiFamily::Cloud,
            "status", QJsonValue(value), QString(), defaultFrom, QString());
    }
    const QStringList onPremises{QStringLiteral("--on-premises")};
    add("on-premises list-reply",
        QStringList{QStringLiteral("list-reply"), QStringLiteral("--id"), QStringLiteral("unique-row-identifier"),
                    QStringLiteral("--title"), QStringLiteral("row-title-content"), QStringLiteral("--description"),
                    QStringLiteral("row-description-content")} +
            answering + onPremises,
        "onprem-message.json", WebhookEvent::Kind::ListReply, ApiFamily::OnPremises, "list_reply",
        object({{QStringLiteral("id"), QStringLiteral("unique-row-identifier")},
                {QStringLiteral("title"), QStringLiteral("row-title-content")},
                {QStringLiteral("description"), QStringLiteral("row-description-content")}}),
        kAnswered, defaultFrom, sheena);
    add("on-premises location", museum + answering + onPremises, "onprem-location.json", WebhookEvent::Kind::Location,
        ApiFamily::OnPremises, "location", museumFields, kAnswered, defaultFrom, QStringLiteral("Kerry Fisher"));
    add("on-premises status read",
        QStringList{QStringLiteral("status"), QStringLiteral("--message-id"), kAnswered, QStringLiteral("--status"),
                    QStringLiteral("read")} +
            onPremises,
        "onprem-status.json", WebhookEvent::Kind::Status, ApiFamily::OnPremises, "status",
        QJsonValue(QStringLiteral("read")), QString(), defaultFrom, QString());
}

void TestSimulateCommand::everyKind()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, sample);
    QFETCH(int, kind);
    QFETCH(ApiFamily, family);
    QFETCH(QString, fieldsKey);
    QFETCH(QJsonValue, fields);
    QFETCH(QString, context);
    QFETCH(QString, from);
    QFETCH(QString, name);

    Bot bot;
    const Run run = simulate(arguments + signedTo(bot));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    QVERIFY2(run.out.contains(QLatin1String("HTTP 200")), qPrintable(run.out));
    QCOMPARE(bot.requests.size(), 1);

    // The bot checked the signature and the app's own parser read one event of the kind.
    const ReceivedRequest& request = bot.requests.first();
    QCOMPARE(request.signature, WebhookEvent::Signature::Valid);
    QCOMPARE(request.request.header("Content-Type"), QByteArray("application/json"));
    const WebhookParseResult parsed = WebhookEventParser::parse(request.request.body);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.events.size(), 1);
    const WebhookEvent event = parsed.events.first();
    QCOMPARE(int(event.kind), kind);
    QCOMPARE(event.family, family);
    QCOMPARE(event.contact, from);
    QCOMPARE(event.contactName, name);
    QCOMPARE(event.contextId, context);
    if (!context.isEmpty())
        QCOMPARE(event.contextFrom, SandboxServer::kDefaultDisplayPhoneNumber);
    if (family == ApiFamily::Cloud) {
        QCOMPARE(event.phoneNumberId, SandboxServer::kDefaultPhoneNumberId);
        QCOMPARE(event.displayPhoneNumber, SandboxServer::kDefaultDisplayPhoneNumber);
    }
    if (event.kind == WebhookEvent::Kind::Status) {
        QCOMPARE(event.id, kAnswered);
        QCOMPARE(event.fields.value(fieldsKey), fields);
    } else if (event.kind == WebhookEvent::Kind::Location) {
        // The parser adds a map link to its fields; the place itself is as given.
        QCOMPARE(event.payload.value(fieldsKey), fields);
    } else if (event.kind == WebhookEvent::Kind::NfmReply) {
        QCOMPARE(event.fields.value(fieldsKey).toObject().value(QLatin1String("response")), fields);
    } else {
        QCOMPARE(event.fields.value(fieldsKey), fields);
    }
    // The message's id is the one printed.
    QVERIFY2(run.out.contains(event.id), qPrintable(run.out));

    // Shaped like Meta's sample of the kind.
    QCOMPARE(shapeOf(QJsonDocument::fromJson(request.request.body).object()), shapeOf(readSample(sample)));
}

void TestSimulateCommand::exitCodes_data()
{
    QTest::addColumn<QString>("bot");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says");
    QTest::newRow("2xx") << QStringLiteral("ok") << 0 << QStringLiteral("HTTP 200");
    QTest::newRow("500") << QStringLiteral("500") << 1 << QStringLiteral("HTTP 500");
    QTest::newRow("refused") << QStringLiteral("closed") << 2 << QStringLiteral("Connection refused");
    QTest::newRow("timeout") << QStringLiteral("silent") << 2 << QStringLiteral("No answer within 500 ms");
}

void TestSimulateCommand::exitCodes()
{
    QFETCH(QString, bot);
    QFETCH(int, exitCode);
    QFETCH(QString, says);

    Bot listener;
    listener.failFirst = bot == QLatin1String("500") ? 1 : 0;
    QTcpServer silent; // accepts and never answers
    QString url = listener.url();
    if (bot == QLatin1String("closed")) {
        url = QStringLiteral("http://127.0.0.1:%1/webhook").arg(closedPort());
    } else if (bot == QLatin1String("silent")) {
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        url = QStringLiteral("http://127.0.0.1:%1/webhook").arg(silent.serverPort());
    }
    const Run run = simulate({QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("hi"),
                              QStringLiteral("--to"), url, QStringLiteral("--app-secret"), QString::fromLatin1(kSecret),
                              QStringLiteral("--timeout"), QStringLiteral("0.5")});
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2((run.out + run.err).contains(says), qPrintable(run.out + run.err));
    if (exitCode == 2)
        QVERIFY2(run.err.contains(QLatin1String("no answer from")), qPrintable(run.err));
    if (bot == QLatin1String("500"))
        QCOMPARE(listener.requests.size(), 1); // once: no retries unless asked
}

void TestSimulateCommand::retries()
{
    Bot bot;
    bot.failFirst = 2;
    const Run run = simulate(QStringList{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("again"),
                                         QStringLiteral("--retries"), QStringLiteral("3"),
                                         QStringLiteral("--retry-delay"), QStringLiteral("20")} +
                             signedTo(bot));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(bot.requests.size(), 3);
    QCOMPARE(run.err.count(QLatin1String("trying again")), 2);
    QVERIFY2(run.out.contains(QLatin1String("HTTP 200")) && run.out.contains(QLatin1String("attempt 3")),
             qPrintable(run.out));
    // The same webhook each time, as Meta retries.
    QCOMPARE(bot.requests.at(0).request.body, bot.requests.at(2).request.body);
}

void TestSimulateCommand::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("says");
    const QString to = QStringLiteral("--to");
    const QString url = QStringLiteral("http://127.0.0.1:9/webhook"); // never reached
    QTest::newRow("no kind") << QStringList{to, url} << QStringLiteral("give one KIND");
    QTest::newRow("unknown kind") << QStringList{QStringLiteral("wave"), to, url}
                                  << QStringLiteral("unknown kind 'wave'");
    QTest::newRow("missing body") << QStringList{QStringLiteral("text"), to, url}
                                  << QStringLiteral("text needs --body");
    QTest::newRow("missing title") << QStringList{QStringLiteral("button-reply"), QStringLiteral("--id"),
                                                  QStringLiteral("x"), to, url}
                                   << QStringLiteral("button-reply needs --title");
    QTest::newRow("option of another kind") << QStringList{QStringLiteral("text"),
                                                           QStringLiteral("--body"),
                                                           QStringLiteral("x"),
                                                           QStringLiteral("--id"),
                                                           QStringLiteral("y"),
                                                           to,
                                                           url}
                                            << QStringLiteral("--id does not apply to text");
    QTest::newRow("invalid response JSON")
        << QStringList{QStringLiteral("nfm-reply"), QStringLiteral("--response-json"),
                       QStringLiteral(R"({"flow_token":)"), to, url}
        << QStringLiteral("--response-json is not valid JSON");
    QTest::newRow("response JSON not an object")
        << QStringList{QStringLiteral("nfm-reply"), QStringLiteral("--response-json"), QStringLiteral("[1, 2]"), to,
                       url}
        << QStringLiteral("must be a JSON object");
    QTest::newRow("latitude out of range") << QStringList{QStringLiteral("location"),
                                                          QStringLiteral("--latitude"),
                                                          QStringLiteral("91"),
                                                          QStringLiteral("--longitude"),
                                                          QStringLiteral("0"),
                                                          to,
                                                          url}
                                           << QStringLiteral("--latitude takes a number from -90 to 90, not '91'");
    QTest::newRow("longitude not a number") << QStringList{QStringLiteral("location"),
                                                           QStringLiteral("--latitude"),
                                                           QStringLiteral("1"),
                                                           QStringLiteral("--longitude"),
                                                           QStringLiteral("east"),
                                                           to,
                                                           url}
                                            << QStringLiteral("--longitude takes a number from -180 to 180");
    QTest::newRow("status value") << QStringList{QStringLiteral("status"),
                                                 QStringLiteral("--message-id"),
                                                 kAnswered,
                                                 QStringLiteral("--status"),
                                                 QStringLiteral("seen"),
                                                 to,
                                                 url}
                                  << QStringLiteral("--status takes sent, delivered, read or failed");
    QTest::newRow("non-http URL") << QStringList{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("x"),
                                                 to, QStringLiteral("ftp://127.0.0.1/webhook")}
                                  << QStringLiteral("--to takes an http or https URL");
    QTest::newRow("no URL") << QStringList{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("x")}
                            << QStringLiteral("--to URL");
    QTest::newRow("retries")
        << QStringList{QStringLiteral("text"),      QStringLiteral("--body"), QStringLiteral("x"), to, url,
                       QStringLiteral("--retries"), QStringLiteral("-1")}
        << QStringLiteral("--retries takes a number");
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("text"),    QStringLiteral("--body"), QStringLiteral("x"), to, url,
                       QStringLiteral("--colour")}
        << QStringLiteral("Unknown option 'colour'");
    QTest::newRow("sandbox with status") << QStringList{QStringLiteral("status"),
                                                        QStringLiteral("--message-id"),
                                                        kAnswered,
                                                        QStringLiteral("--status"),
                                                        QStringLiteral("read"),
                                                        QStringLiteral("--sandbox"),
                                                        QStringLiteral("http://127.0.0.1:9"),
                                                        to,
                                                        url}
                                         << QStringLiteral("--sandbox applies to customer messages");
}

void TestSimulateCommand::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, says);
    const Run run = simulate(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(says), qPrintable(run.err));
    QVERIFY2(run.err.startsWith(QLatin1String("simulate: ")), qPrintable(run.err));
    QVERIFY2(run.out.isEmpty(), qPrintable(run.out)); // nothing was sent
}

void TestSimulateCommand::sandboxOpensTheWindow()
{
    SandboxServer sandbox;
    sandbox.setStrictWindow(true);
    QString error;
    QVERIFY2(sandbox.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    Bot bot;
    QStringList order; // what happened first: the sandbox told, or the bot posted
    QObject::connect(&sandbox, &SandboxServer::customerMessageNoted, &sandbox,
                     [&order](const QString& waId) { order << QStringLiteral("sandbox ") + waId; });
    QObject::connect(&bot.server, &WebhookServer::received, &bot.server,
                     [&order](const ReceivedRequest&, const QList<WebhookEvent>& events) {
                         order << QStringLiteral("bot ") + events.value(0).contact;
                     });
    QVERIFY(!sandbox.isWindowOpen(QStringLiteral("16315551001")));
    const Run run = simulate(QStringList{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("hello"),
                                         QStringLiteral("--from"), QStringLiteral("+1 631-555-1001"),
                                         QStringLiteral("--sandbox"), sandbox.baseUrl()} +
                             signedTo(bot));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(sandbox.isWindowOpen(QStringLiteral("16315551001")));
    QVERIFY2(run.out.startsWith(QStringLiteral("Sandbox %1: 16315551001 wrote").arg(sandbox.baseUrl())),
             qPrintable(run.out));
    QCOMPARE(order, (QStringList{QStringLiteral("sandbox 16315551001"), QStringLiteral("bot 16315551001")}));
}

void TestSimulateCommand::sandboxProblems_data()
{
    QTest::addColumn<QString>("sandbox");
    QTest::addColumn<QString>("says");
    QTest::newRow("refused") << QStringLiteral("closed") << QStringLiteral("did not answer");
    QTest::newRow("not a sandbox") << QStringLiteral("bot") << QStringLiteral("answered HTTP 403");
}

void TestSimulateCommand::sandboxProblems()
{
    QFETCH(QString, sandbox);
    QFETCH(QString, says);
    Bot bot;
    const QString url = sandbox == QLatin1String("bot") ? QStringLiteral("http://127.0.0.1:%1").arg(bot.server.port())
                                                        : QStringLiteral("http://127.0.0.1:%1").arg(closedPort());
    const Run run = simulate(QStringList{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("hello"),
                                         QStringLiteral("--sandbox"), url} +
                             signedTo(bot));
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(says) && run.err.contains(QLatin1String("the webhook was not sent")),
             qPrintable(run.err));
    QVERIFY2(run.out.isEmpty(), qPrintable(run.out));
    // Only the sandbox call reached the bot (when it played the sandbox), never the webhook.
    for (const ReceivedRequest& request : bot.requests)
        QCOMPARE(request.request.url().path(), QStringLiteral("/sandbox/customer-messages"));
}

void TestSimulateCommand::jsonAndVerbose()
{
    Bot bot;
    Run run = simulate(QStringList{QStringLiteral("button-reply"), QStringLiteral("--id"), QStringLiteral("yes"),
                                   QStringLiteral("--title"), QStringLiteral("Yes"), QStringLiteral("--context"),
                                   kAnswered, QStringLiteral("--json")} +
                       signedTo(bot));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject outcome = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(outcome.value(QLatin1String("kind")).toString(), QStringLiteral("button_reply"));
    QCOMPARE(outcome.value(QLatin1String("http_status")).toInt(), 200);
    QCOMPARE(outcome.value(QLatin1String("context")).toString(), kAnswered);
    QCOMPARE(outcome.value(QLatin1String("response")).toObject().value(QLatin1String("ok")), QJsonValue(true));
    QCOMPARE(bot.received.size(), 1);
    QCOMPARE(outcome.value(QLatin1String("message_id")).toString(), bot.received.first().id);
    QVERIFY(!outcome.contains(QLatin1String("body")));

    run = simulate(QStringList{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("verbose body"),
                               QStringLiteral("--verbose")} +
                   signedTo(bot));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(bot.requests.size(), 2);
    const QByteArray signature = bot.requests.last().request.header("X-Hub-Signature-256");
    QVERIFY2(run.out.contains(QStringLiteral("> X-Hub-Signature-256: ") + QString::fromLatin1(signature)),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("\"body\": \"verbose body\"")), qPrintable(run.out));
    QVERIFY(!run.out.contains(QString::fromLatin1(kSecret)));
}

void TestSimulateCommand::secretFromEnvironmentOrUnsigned()
{
    Bot bot;
    const QStringList text{QStringLiteral("text"), QStringLiteral("--body"), QStringLiteral("x"),
                           QStringLiteral("--to"), bot.url()};
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("WA_APP_SECRET"), QString::fromLatin1(kSecret));
    Run run = simulate(text, environment);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(bot.requests.last().signature, WebhookEvent::Signature::Valid);

    run = simulate(text); // no secret at all: unsigned, and this bot refuses it
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("unsigned")), qPrintable(run.err));
    QVERIFY2(run.out.contains(QLatin1String("HTTP 403")), qPrintable(run.out));
    QCOMPARE(bot.requests.last().signature, WebhookEvent::Signature::Missing);

    run = simulate(QStringList{text} << QStringLiteral("--app-secret") << QStringLiteral("wrong"));
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(bot.requests.last().signature, WebhookEvent::Signature::Invalid);
}

void TestSimulateCommand::help()
{
    const Run run = simulate({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    for (const char* word :
         {"--sandbox", "/sandbox/customer-messages", "button-reply", "nfm-reply", "--retries", "Exit status"})
        QVERIFY2(run.out.contains(QLatin1String(word)), word);
}

QTEST_GUILESS_MAIN(TestSimulateCommand)
#include "tst_simulatecommand.moc"
