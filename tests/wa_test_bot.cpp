// A small WhatsApp bot for the end-to-end tests of `wa-composer sandbox` and `simulate` (and for trying
// them by hand). It listens on 127.0.0.1, checks X-Hub-Signature-256 with the app secret (the app's
// WebhookServer answers a bad or missing one with 403), prints one JSON line per webhook event and, on
// a customer message, answers like a real bot: POSTs an interactive list to the sandbox's Cloud API
// endpoint with the Bearer token, `to` the customer and `context.message_id` the customer's message,
// and prints the sandbox's answer. Every line goes to standard output as one JSON object:
//
//     {"event":"listening","port":…,"url":"http://127.0.0.1:…/webhook"}
//     {"event":"webhook","http_status":200,"kind":"button_reply","id":"wamid…","signature":"valid",…}
//     {"event":"reply","to":…,"context":…,"http_status":200,"message_id":"wamid…","response":{…}}
//
//     wa_test_bot [--port N] [--app-secret S] [--sandbox URL] [--token T] [--phone-number-id ID]
//                 [--api-version vNN.N] [--reply list|invalid|missing|none] [--invalid]
//                 [--fail-webhooks] [--down-after-reply]

#include <csignal>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QTextStream>
#include <QTimer>

#include "ConnectionProfile.h"
#include "SandboxServer.h"
#include "WebhookServer.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void requestStop(int)
{
    g_stop = 1;
}

enum class ReplyMode { List, Invalid, Missing, None };

void print(const QJsonObject& record)
{
    static QTextStream out(stdout);
    out << QString::fromUtf8(QJsonDocument(record).toJson(QJsonDocument::Compact)) << '\n';
    out.flush();
}

bool isCustomerMessage(const wa::WebhookEvent& e)
{
    switch (e.kind) {
    case wa::WebhookEvent::Kind::Text:
    case wa::WebhookEvent::Kind::ButtonReply:
    case wa::WebhookEvent::Kind::ListReply:
    case wa::WebhookEvent::Kind::NfmReply:
    case wa::WebhookEvent::Kind::Location:
    case wa::WebhookEvent::Kind::Button:
    case wa::WebhookEvent::Kind::Media:
        return true;
    default:
        return false;
    }
}

QJsonObject row(const QString& id, const QString& title, const QString& description = {})
{
    QJsonObject r{{QStringLiteral("id"), id}, {QStringLiteral("title"), title}};
    if (!description.isEmpty())
        r.insert(QStringLiteral("description"), description);
    return r;
}

// The bot's answer to a customer message: an interactive list, or one the API must refuse.
QJsonObject replyTo(const wa::WebhookEvent& e, ReplyMode mode)
{
    QJsonArray rows{
        row(QStringLiteral("track"), QStringLiteral("Track my order"), QStringLiteral("Where the parcel is now")),
        row(QStringLiteral("change-address"), QStringLiteral("Change the address")),
        row(QStringLiteral("agent"), QStringLiteral("Talk to a person"),
            QStringLiteral("Someone answers within the hour"))};
    if (mode == ReplyMode::Invalid) {
        // Eleven rows: a list has at most ten (131009, parameter value is not valid).
        for (int i = rows.size(); i < 11; ++i)
            rows.append(row(QStringLiteral("more-%1").arg(i), QStringLiteral("More %1").arg(i)));
    }
    QJsonObject interactive{
        {QStringLiteral("type"), QStringLiteral("list")},
        {QStringLiteral("header"), QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                               {QStringLiteral("text"), QStringLiteral("What next?")}}},
        {QStringLiteral("body"),
         QJsonObject{{QStringLiteral("text"),
                      QStringLiteral("Thanks! We got: %1. Choose what happens next.").arg(e.summary.left(200))}}},
        {QStringLiteral("footer"), QJsonObject{{QStringLiteral("text"), QStringLiteral("wa-composer test bot")}}},
        {QStringLiteral("action"),
         QJsonObject{{QStringLiteral("button"), QStringLiteral("Options")},
                     {QStringLiteral("sections"),
                      QJsonArray{QJsonObject{{QStringLiteral("title"), QStringLiteral("Next steps")},
                                             {QStringLiteral("rows"), rows}}}}}}};
    if (mode == ReplyMode::Missing)
        interactive.remove(QStringLiteral("body")); // required (131008, parameter missing)
    return QJsonObject{{QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
                       {QStringLiteral("recipient_type"), QStringLiteral("individual")},
                       {QStringLiteral("to"), e.contact},
                       {QStringLiteral("type"), QStringLiteral("interactive")},
                       {QStringLiteral("context"), QJsonObject{{QStringLiteral("message_id"), e.id}}},
                       {QStringLiteral("interactive"), interactive}};
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("wa_test_bot"));
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A WhatsApp test bot for the sandbox: prints each webhook as "
                                                    "a JSON line and answers customer messages with a list."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Port (default 0: a free one)."),
                                        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption secretOption(QStringLiteral("app-secret"),
                                          QStringLiteral("Checks X-Hub-Signature-256 with it (or WA_APP_SECRET)."),
                                          QStringLiteral("S"));
    const QCommandLineOption sandboxOption(
        QStringLiteral("sandbox"),
        QStringLiteral("The sandbox to answer through (default http://127.0.0.1:%1).")
            .arg(wa::SandboxServer::kDefaultPort),
        QStringLiteral("URL"), QStringLiteral("http://127.0.0.1:%1").arg(wa::SandboxServer::kDefaultPort));
    const QCommandLineOption tokenOption(QStringLiteral("token"), QStringLiteral("The Bearer token."),
                                         QStringLiteral("T"), wa::SandboxServer::kDefaultAccessToken);
    const QCommandLineOption phoneOption(QStringLiteral("phone-number-id"), QStringLiteral("The sending number's ID."),
                                         QStringLiteral("ID"), wa::SandboxServer::kDefaultPhoneNumberId);
    const QCommandLineOption versionOption(QStringLiteral("api-version"), QStringLiteral("The Cloud API version."),
                                           QStringLiteral("vNN.N"), wa::ConnectionProfile::kDefaultApiVersion);
    const QCommandLineOption replyOption(
        QStringLiteral("reply"),
        QStringLiteral("What to answer a customer with: list (default), invalid (11 rows: 131009), missing (no "
                       "body: 131008), none."),
        QStringLiteral("MODE"), QStringLiteral("list"));
    const QCommandLineOption invalidOption(QStringLiteral("invalid"), QStringLiteral("Same as --reply invalid."));
    const QCommandLineOption failOption(QStringLiteral("fail-webhooks"),
                                        QStringLiteral("Answer every valid webhook with 500 (so that it is retried)."));
    const QCommandLineOption downOption(
        QStringLiteral("down-after-reply"),
        QStringLiteral("Stop listening once the first reply is sent (the bot is down)."));
    parser.addOptions({portOption, secretOption, sandboxOption, tokenOption, phoneOption, versionOption, replyOption,
                       invalidOption, failOption, downOption});
    parser.process(app);

    bool ok = false;
    const int port = parser.value(portOption).toInt(&ok);
    if (!ok || port < 0 || port > 65535) {
        err << "wa_test_bot: --port takes 0 to 65535\n";
        return 2;
    }
    const QString modeName = parser.isSet(invalidOption) ? QStringLiteral("invalid") : parser.value(replyOption);
    const ReplyMode mode = modeName == QLatin1String("list")      ? ReplyMode::List
                           : modeName == QLatin1String("invalid") ? ReplyMode::Invalid
                           : modeName == QLatin1String("missing") ? ReplyMode::Missing
                           : modeName == QLatin1String("none")    ? ReplyMode::None
                                                                  : ReplyMode(-1);
    if (mode == ReplyMode(-1)) {
        err << "wa_test_bot: --reply takes list, invalid, missing or none, not '" << modeName << "'\n";
        return 2;
    }
    const QUrl sandbox(parser.value(sandboxOption));
    if (!sandbox.isValid() || sandbox.host().isEmpty()) {
        err << "wa_test_bot: --sandbox takes a URL\n";
        return 2;
    }
    QUrl messagesUrl = sandbox;
    messagesUrl.setPath(QStringLiteral("/%1/%2/messages").arg(parser.value(versionOption), parser.value(phoneOption)));
    const QByteArray authorization = "Bearer " + parser.value(tokenOption).toUtf8();
    QByteArray secret = parser.value(secretOption).toUtf8();
    if (secret.isEmpty())
        secret = qgetenv("WA_APP_SECRET");
    const bool failWebhooks = parser.isSet(failOption);
    const bool downAfterReply = parser.isSet(downOption);

    wa::WebhookServer server;
    server.setAppSecret(secret);
    QNetworkAccessManager network;
    QSet<QString> seen; // Meta retries: a bot answers each message once

    const auto reply = [&](const wa::WebhookEvent& e) {
        const QJsonObject payload = replyTo(e, mode);
        QNetworkRequest request(messagesUrl);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", authorization);
        request.setTransferTimeout(10000);
        QNetworkReply* answer = network.post(request, QJsonDocument(payload).toJson(QJsonDocument::Compact));
        QObject::connect(answer, &QNetworkReply::finished, &server, [&, answer, payload, e] {
            answer->deleteLater();
            const int status = answer->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = answer->readAll();
            QJsonObject record{{QStringLiteral("event"), QStringLiteral("reply")},
                               {QStringLiteral("to"), e.contact},
                               {QStringLiteral("context"), e.id},
                               {QStringLiteral("url"), messagesUrl.toString()},
                               {QStringLiteral("request"), payload},
                               {QStringLiteral("http_status"), status}};
            const QJsonDocument document = QJsonDocument::fromJson(body);
            if (document.isObject()) {
                record.insert(QStringLiteral("response"), document.object());
                const QJsonArray messages = document.object().value(QLatin1String("messages")).toArray();
                if (!messages.isEmpty())
                    record.insert(QStringLiteral("message_id"),
                                  messages.first().toObject().value(QLatin1String("id")).toString());
            } else if (!body.isEmpty()) {
                record.insert(QStringLiteral("response"), QString::fromUtf8(body));
            }
            if (status == 0)
                record.insert(QStringLiteral("error"), answer->errorString());
            print(record);
            if (downAfterReply && server.isListening()) {
                server.close();
                print(QJsonObject{{QStringLiteral("event"), QStringLiteral("down")}});
            }
        });
    };

    server.setSink([&](const wa::ReceivedRequest& received, const QList<wa::WebhookEvent>& events,
                       std::function<void(bool, const QList<wa::WebhookEvent>&)> done) {
        // Only acceptable webhooks fail on purpose; a refused one keeps its 403 or 400.
        const bool fail = failWebhooks && received.statusCode == 200;
        QList<wa::WebhookEvent> marked = events;
        QList<wa::WebhookEvent> toAnswer;
        for (wa::WebhookEvent& e : marked) {
            const QString key = e.id + QLatin1Char('/') + e.fields.value(QLatin1String("status")).toString();
            if (!e.id.isEmpty() && received.statusCode == 200 && !fail) {
                e.duplicate = seen.contains(key);
                seen.insert(key);
            }
            QJsonObject record = e.toJson();
            record.insert(QStringLiteral("event"), QStringLiteral("webhook"));
            record.insert(QStringLiteral("http_status"), fail ? 500 : received.statusCode);
            print(record);
            if (!fail && received.statusCode == 200 && !e.duplicate && isCustomerMessage(e) && mode != ReplyMode::None)
                toAnswer.append(e);
        }
        done(!fail, marked);
        for (const wa::WebhookEvent& e : toAnswer)
            reply(e);
    });

    QString error;
    if (!server.listen(QHostAddress::LocalHost, static_cast<quint16>(port), &error)) {
        err << "wa_test_bot: " << error << '\n';
        return 2;
    }
    print(QJsonObject{{QStringLiteral("event"), QStringLiteral("listening")},
                      {QStringLiteral("port"), server.port()},
                      {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/webhook").arg(server.port())},
                      {QStringLiteral("signed"), !secret.isEmpty()}});

    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer stopCheck;
    QObject::connect(&stopCheck, &QTimer::timeout, &stopCheck, [] {
        if (g_stop)
            QCoreApplication::quit();
    });
    stopCheck.start(100);
    return QCoreApplication::exec();
}
