#include "SimulateCommand.h"

#include <cmath>

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTextStream>
#include <QUrl>

#include "SandboxServer.h"
#include "StatusScheduler.h"
#include "WebhookDeliverer.h"
#include "WebhookPayloadBuilder.h"
#include "WebhookSignature.h"

namespace {

enum ExitCode { Answered = 0, NotAccepted = 1, Failed = 2 };

// The customer of the samples (shared/samples/webhooks), so that a simulated webhook looks like them.
const QString kDefaultCustomer = QStringLiteral("16505551234");
const QString kDefaultProfileName = QStringLiteral("Sheena Nelson");
constexpr int kMaxRetries = 20;

// A kind and the options only it takes (the others are refused, so that a typo does not pass unnoticed).
struct Kind
{
    QString name;     // on the command line: "button-reply"
    QString wireName; // the event's kind: "button_reply"
    QStringList required;
    QStringList optional;
};

const QList<Kind>& kinds()
{
    static const QList<Kind> list{
        {QStringLiteral("text"), QStringLiteral("text"), {QStringLiteral("body")}, {}},
        {QStringLiteral("button-reply"),
         QStringLiteral("button_reply"),
         {QStringLiteral("id"), QStringLiteral("title")},
         {}},
        {QStringLiteral("list-reply"),
         QStringLiteral("list_reply"),
         {QStringLiteral("id"), QStringLiteral("title")},
         {QStringLiteral("description")}},
        {QStringLiteral("location"),
         QStringLiteral("location"),
         {QStringLiteral("latitude"), QStringLiteral("longitude")},
         {QStringLiteral("address")}},
        {QStringLiteral("nfm-reply"), QStringLiteral("nfm_reply"), {QStringLiteral("response-json")}, {}},
        {QStringLiteral("status"),
         QStringLiteral("status"),
         {QStringLiteral("message-id"), QStringLiteral("status")},
         {QStringLiteral("error-code"), QStringLiteral("error-title"), QStringLiteral("error-details")}},
    };
    return list;
}

QStringList kindNames()
{
    QStringList names;
    for (const Kind& kind : kinds())
        names << kind.name;
    return names;
}

const Kind* findKind(const QString& name)
{
    for (const Kind& kind : kinds()) {
        if (kind.name == name)
            return &kind;
    }
    return nullptr;
}

// An http(s) URL with a host, or why not.
bool isHttpUrl(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.host().isEmpty() &&
           (scheme == QLatin1String("http") || scheme == QLatin1String("https"));
}

QString prettyBody(const QByteArray& body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && !document.isNull())
        return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
    return QString::fromUtf8(body).trimmed();
}

// The answer as JSON when it is JSON, else as a string.
QJsonValue bodyValue(const QByteArray& body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject())
        return document.object();
    if (parseError.error == QJsonParseError::NoError && document.isArray())
        return document.array();
    return QString::fromUtf8(body);
}

QString seconds(qint64 ms)
{
    return QString::number(ms / 1000.0, 'f', 1) + QStringLiteral(" s");
}

// Tells the sandbox the customer wrote (POST {sandbox}/sandbox/customer-messages), so that its strict
// window lets the bot answer. False and why when the sandbox did not answer 204.
bool noteInSandbox(const QUrl& sandbox, const QString& waId, int timeoutMs, QString* error)
{
    QUrl url = sandbox;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/sandbox/customer-messages"));
    url.setQuery(QString());
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply* reply = network.post(
        request, QJsonDocument(QJsonObject{{QStringLiteral("wa_id"), waId}}).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 204)
        return true;
    if (status == 0) {
        const QString why = reply->error() == QNetworkReply::OperationCanceledError
                                ? QStringLiteral("no answer within %1").arg(seconds(timeoutMs))
                                : reply->errorString();
        *error = QStringLiteral("the sandbox at %1 did not answer POST /sandbox/customer-messages: %2")
                     .arg(sandbox.toString(), why);
        return false;
    }
    *error = QStringLiteral("the sandbox at %1 answered HTTP %2 to POST /sandbox/customer-messages (it needs a "
                            "wa-composer sandbox): %3")
                 .arg(sandbox.toString())
                 .arg(status)
                 .arg(QString::fromUtf8(reply->readAll()).trimmed());
    return false;
}

} // namespace

int SimulateCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Plays the customer once: builds the webhook WhatsApp would POST to a bot, signs it with\n"
        "X-Hub-Signature-256 (--app-secret or WA_APP_SECRET), POSTs it to --to and prints the bot's answer.\n"
        "\n"
        "Kinds and their options:\n"
        "  text          --body TEXT\n"
        "  button-reply  --id ID --title TITLE\n"
        "  list-reply    --id ID --title TITLE [--description D]\n"
        "  location      --latitude X --longitude Y [--name PLACE] [--address A]\n"
        "                (for location --name is the place's name; the customer's is --profile-name)\n"
        "  nfm-reply     --response-json JSON   (a Flow's answer, a JSON object with its flow_token)\n"
        "  status        --message-id WAMID --status sent|delivered|read|failed\n"
        "                [--error-code N --error-title T --error-details D]   (a status of a business message)\n"
        "\n"
        "The sandbox does not see what simulate sends: with --sandbox URL the customer message is first told to\n"
        "it (POST URL/sandbox/customer-messages {\"wa_id\": FROM}), which opens the customer's 24-hour window,\n"
        "so that a sandbox started with --strict-window accepts the bot's answer.\n"
        "\n"
        "Posted once (--retries N tries again after a failure, doubling --retry-delay).\n"
        "Exit status: 0 the bot answered 2xx, 1 it answered something else, 2 bad input or no answer\n"
        "(connection refused, timeout)."));
    parser.addHelpOption();
    const auto valueOption = [](const QString& name, const QString& description, const QString& valueName,
                                const QString& defaultValue = QString()) {
        return QCommandLineOption(name, description, valueName, defaultValue);
    };
    const QCommandLineOption toOption = valueOption(
        QStringLiteral("to"), QStringLiteral("The bot's webhook URL (http or https)."), QStringLiteral("URL"));
    const QCommandLineOption secretOption = valueOption(
        QStringLiteral("app-secret"),
        QStringLiteral("The app secret that signs the body (default WA_APP_SECRET; without one it goes unsigned)."),
        QStringLiteral("S"));
    const QCommandLineOption contextOption =
        valueOption(QStringLiteral("context"), QStringLiteral("The id of the business message this one answers."),
                    QStringLiteral("WAMID"));
    const QCommandLineOption fromOption = valueOption(
        QStringLiteral("from"),
        QStringLiteral("The customer's number (default %1; for status, the recipient).").arg(kDefaultCustomer),
        QStringLiteral("NUMBER"), kDefaultCustomer);
    const QCommandLineOption nameOption =
        valueOption(QStringLiteral("name"),
                    QStringLiteral("The customer's profile name (default %1); for location, the place's name.")
                        .arg(kDefaultProfileName),
                    QStringLiteral("NAME"));
    const QCommandLineOption profileNameOption =
        valueOption(QStringLiteral("profile-name"), QStringLiteral("The customer's profile name, for every kind."),
                    QStringLiteral("NAME"));
    const QCommandLineOption phoneOption =
        valueOption(QStringLiteral("phone-number-id"),
                    QStringLiteral("The business's phone-number ID (default the sandbox's, %1).")
                        .arg(wa::SandboxServer::kDefaultPhoneNumberId),
                    QStringLiteral("ID"), wa::SandboxServer::kDefaultPhoneNumberId);
    const QCommandLineOption displayOption =
        valueOption(QStringLiteral("display-phone-number"),
                    QStringLiteral("The business's number (default the sandbox's, %1).")
                        .arg(wa::SandboxServer::kDefaultDisplayPhoneNumber),
                    QStringLiteral("NUMBER"), wa::SandboxServer::kDefaultDisplayPhoneNumber);
    const QCommandLineOption wabaOption =
        valueOption(QStringLiteral("waba-id"),
                    QStringLiteral("The WhatsApp Business Account ID of the Cloud API wrapper (default %1).")
                        .arg(wa::StatusScheduler::kDefaultWabaId),
                    QStringLiteral("ID"), wa::StatusScheduler::kDefaultWabaId);
    const QCommandLineOption onPremOption(
        QStringLiteral("on-premises"), QStringLiteral("The On-Premises shape (no whatsapp_business_account wrapper)."));
    const QCommandLineOption sandboxOption = valueOption(
        QStringLiteral("sandbox"),
        QStringLiteral("A wa-composer sandbox to tell first that the customer wrote (opens the 24-hour window)."),
        QStringLiteral("URL"));
    const QCommandLineOption retriesOption = valueOption(
        QStringLiteral("retries"), QStringLiteral("Tries again this many times after a failure (default 0)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption retryDelayOption =
        valueOption(QStringLiteral("retry-delay"),
                    QStringLiteral("Milliseconds before the first retry, doubled before each next (default 1000)."),
                    QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption timeoutOption =
        valueOption(QStringLiteral("timeout"), QStringLiteral("Seconds to wait for the bot's answer (default 10)."),
                    QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption verboseOption(QStringList{QStringLiteral("verbose"), QStringLiteral("print-body")},
                                           QStringLiteral("Also print the webhook sent, with its headers."));
    const QCommandLineOption jsonOption(
        QStringLiteral("json"), QStringLiteral("Print the outcome as one JSON object (the body with --verbose)."));
    const QList<QCommandLineOption> kindOptions{
        valueOption(QStringLiteral("body"), QStringLiteral("text: the text."), QStringLiteral("TEXT")),
        valueOption(QStringLiteral("id"), QStringLiteral("button-reply, list-reply: the button's or row's id."),
                    QStringLiteral("ID")),
        valueOption(QStringLiteral("title"), QStringLiteral("button-reply, list-reply: its title."),
                    QStringLiteral("TITLE")),
        valueOption(QStringLiteral("description"), QStringLiteral("list-reply: the row's description."),
                    QStringLiteral("D")),
        valueOption(QStringLiteral("latitude"), QStringLiteral("location: -90 to 90."), QStringLiteral("X")),
        valueOption(QStringLiteral("longitude"), QStringLiteral("location: -180 to 180."), QStringLiteral("Y")),
        valueOption(QStringLiteral("address"), QStringLiteral("location: the place's address."), QStringLiteral("A")),
        valueOption(QStringLiteral("response-json"), QStringLiteral("nfm-reply: the Flow's response, a JSON object."),
                    QStringLiteral("JSON")),
        valueOption(QStringLiteral("message-id"), QStringLiteral("status: the business message's id."),
                    QStringLiteral("WAMID")),
        valueOption(QStringLiteral("status"), QStringLiteral("status: sent, delivered, read or failed."),
                    QStringLiteral("VALUE")),
        valueOption(QStringLiteral("error-code"), QStringLiteral("status failed: the error code (default 131000)."),
                    QStringLiteral("N")),
        valueOption(QStringLiteral("error-title"), QStringLiteral("status failed: the error's title."),
                    QStringLiteral("T")),
        valueOption(QStringLiteral("error-details"), QStringLiteral("status failed: the error's details."),
                    QStringLiteral("D")),
    };
    parser.addOptions({toOption, secretOption, contextOption, fromOption, nameOption, profileNameOption, phoneOption,
                       displayOption, wabaOption, onPremOption, sandboxOption, retriesOption, retryDelayOption,
                       timeoutOption, verboseOption, jsonOption});
    parser.addOptions(kindOptions);
    parser.addPositionalArgument(QStringLiteral("simulate"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("KIND"), kindNames().join(QStringLiteral(", ")));

    const auto fail = [&err](const QString& why) {
        err << "simulate: " << why << '\n';
        err.flush();
        return Failed;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Answered;
    }
    const QStringList positional = parser.positionalArguments().mid(1); // after "simulate"
    if (positional.size() != 1)
        return fail(QStringLiteral("give one KIND (%1); see wa-composer simulate --help")
                        .arg(kindNames().join(QStringLiteral(", "))));
    const Kind* kind = findKind(positional.first());
    if (!kind)
        return fail(QStringLiteral("unknown kind '%1': the kinds are %2")
                        .arg(positional.first(), kindNames().join(QStringLiteral(", "))));
    const bool isStatus = kind->name == QLatin1String("status");
    const bool isLocation = kind->name == QLatin1String("location");

    // The options of the kind: the required ones given, no other kind's.
    for (const QString& name : kind->required) {
        if (!parser.isSet(name))
            return fail(QStringLiteral("%1 needs --%2").arg(kind->name, name));
    }
    for (const QCommandLineOption& option : kindOptions) {
        const QString name = option.names().first();
        if (parser.isSet(name) && !kind->required.contains(name) && !kind->optional.contains(name))
            return fail(QStringLiteral("--%1 does not apply to %2").arg(name, kind->name));
    }
    if (isStatus && parser.isSet(contextOption))
        return fail(
            QStringLiteral("--context does not apply to status (a status names its message with --message-id)"));
    if (isStatus && parser.isSet(sandboxOption))
        return fail(QStringLiteral("--sandbox applies to customer messages, not to status"));

    if (!parser.isSet(toOption))
        return fail(QStringLiteral("give the bot's webhook URL with --to URL"));
    const QUrl target(parser.value(toOption), QUrl::StrictMode);
    if (!isHttpUrl(target))
        return fail(
            QStringLiteral("--to takes an http or https URL with a host, not '%1'").arg(parser.value(toOption)));
    QUrl sandbox;
    if (parser.isSet(sandboxOption)) {
        sandbox = QUrl(parser.value(sandboxOption), QUrl::StrictMode);
        if (!isHttpUrl(sandbox))
            return fail(QStringLiteral("--sandbox takes the sandbox's http URL (e.g. http://127.0.0.1:%1), not '%2'")
                            .arg(wa::SandboxServer::kDefaultPort)
                            .arg(parser.value(sandboxOption)));
    }
    const QString from = wa::digitsOf(parser.value(fromOption));
    if (from.isEmpty())
        return fail(QStringLiteral("--from takes a phone number, not '%1'").arg(parser.value(fromOption)));
    bool okNumber = false;
    const int retries = parser.value(retriesOption).toInt(&okNumber);
    if (!okNumber || retries < 0 || retries > kMaxRetries)
        return fail(QStringLiteral("--retries takes a number from 0 to %1, not '%2'")
                        .arg(kMaxRetries)
                        .arg(parser.value(retriesOption)));
    const int retryDelayMs = parser.value(retryDelayOption).toInt(&okNumber);
    if (!okNumber || retryDelayMs < 0)
        return fail(QStringLiteral("--retry-delay takes milliseconds (0 or more), not '%1'")
                        .arg(parser.value(retryDelayOption)));
    const double timeoutSeconds = parser.value(timeoutOption).toDouble(&okNumber);
    if (!okNumber || !std::isfinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3600)
        return fail(QStringLiteral("--timeout takes a number of seconds above 0 (at most 3600), not '%1'")
                        .arg(parser.value(timeoutOption)));
    const int timeoutMs = qMax(1, int(timeoutSeconds * 1000));

    QByteArray secret = parser.value(secretOption).toUtf8();
    if (secret.isEmpty())
        secret = qgetenv("WA_APP_SECRET");

    const wa::ApiFamily family = parser.isSet(onPremOption) ? wa::ApiFamily::OnPremises : wa::ApiFamily::Cloud;
    const wa::WebhookBusiness business{parser.value(wabaOption), parser.value(phoneOption),
                                       parser.value(displayOption)};
    QString profileName = kDefaultProfileName;
    if (parser.isSet(profileNameOption))
        profileName = parser.value(profileNameOption);
    else if (!isLocation && parser.isSet(nameOption))
        profileName = parser.value(nameOption);
    const wa::WebhookCustomer customer{from, profileName};
    const wa::WebhookContext context{parser.value(contextOption), {}};
    const auto value = [&parser](const char* name) { return parser.value(QLatin1String(name)); };

    // The webhook.
    wa::BuiltWebhook built;
    if (kind->name == QLatin1String("text")) {
        built = wa::WebhookPayloadBuilder::text(business, customer, context, value("body"), family);
    } else if (kind->name == QLatin1String("button-reply")) {
        built =
            wa::WebhookPayloadBuilder::buttonReply(business, customer, context, value("id"), value("title"), family);
    } else if (kind->name == QLatin1String("list-reply")) {
        built = wa::WebhookPayloadBuilder::listReply(business, customer, context, value("id"), value("title"),
                                                     value("description"), family);
    } else if (isLocation) {
        bool latitudeOk = false;
        bool longitudeOk = false;
        const double latitude = value("latitude").toDouble(&latitudeOk);
        const double longitude = value("longitude").toDouble(&longitudeOk);
        if (!latitudeOk || !std::isfinite(latitude) || latitude < -90 || latitude > 90)
            return fail(QStringLiteral("--latitude takes a number from -90 to 90, not '%1'").arg(value("latitude")));
        if (!longitudeOk || !std::isfinite(longitude) || longitude < -180 || longitude > 180)
            return fail(
                QStringLiteral("--longitude takes a number from -180 to 180, not '%1'").arg(value("longitude")));
        std::optional<QString> place;
        if (parser.isSet(nameOption))
            place = parser.value(nameOption);
        std::optional<QString> address;
        if (parser.isSet(QStringLiteral("address")))
            address = value("address");
        built = wa::WebhookPayloadBuilder::location(business, customer, context, latitude, longitude, place, address,
                                                    family);
    } else if (kind->name == QLatin1String("nfm-reply")) {
        QJsonParseError parseError;
        const QJsonDocument response = QJsonDocument::fromJson(value("response-json").toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return fail(QStringLiteral("--response-json is not valid JSON (at character %1: %2)")
                            .arg(parseError.offset + 1)
                            .arg(parseError.errorString()));
        if (!response.isObject())
            return fail(QStringLiteral("--response-json must be a JSON object (the Flow's answer), not %1")
                            .arg(response.isArray() ? QStringLiteral("an array") : QStringLiteral("a single value")));
        if (!response.object().contains(QLatin1String("flow_token")))
            err << "simulate: warning: --response-json has no flow_token; WhatsApp always sends one\n";
        built = wa::WebhookPayloadBuilder::nfmReply(business, customer, context, response.object(), family);
    } else {
        const QString status = value("status");
        wa::WebhookStatusValue statusValue;
        if (status == QLatin1String("sent"))
            statusValue = wa::WebhookStatusValue::Sent;
        else if (status == QLatin1String("delivered"))
            statusValue = wa::WebhookStatusValue::Delivered;
        else if (status == QLatin1String("read"))
            statusValue = wa::WebhookStatusValue::Read;
        else if (status == QLatin1String("failed"))
            statusValue = wa::WebhookStatusValue::Failed;
        else
            return fail(QStringLiteral("--status takes sent, delivered, read or failed, not '%1'").arg(status));
        const bool errorGiven = parser.isSet(QStringLiteral("error-code")) ||
                                parser.isSet(QStringLiteral("error-title")) ||
                                parser.isSet(QStringLiteral("error-details"));
        if (errorGiven && statusValue != wa::WebhookStatusValue::Failed)
            return fail(QStringLiteral("--error-code, --error-title and --error-details go with --status failed"));
        wa::WebhookStatusError error;
        if (parser.isSet(QStringLiteral("error-code"))) {
            error.code = value("error-code").toInt(&okNumber);
            if (!okNumber || error.code <= 0)
                return fail(QStringLiteral("--error-code takes a positive number, not '%1'").arg(value("error-code")));
        }
        if (parser.isSet(QStringLiteral("error-title")))
            error.title = error.message = value("error-title");
        if (parser.isSet(QStringLiteral("error-details")))
            error.details = value("error-details");
        const QString messageId = value("message-id").trimmed();
        if (messageId.isEmpty())
            return fail(QStringLiteral("--message-id is empty: give the id of the business message"));
        built = wa::WebhookPayloadBuilder::status(business, customer, messageId, statusValue, family, {}, error);
    }

    const bool json = parser.isSet(jsonOption);
    const bool verbose = parser.isSet(verboseOption);
    if (secret.isEmpty())
        err << "simulate: warning: no --app-secret (nor WA_APP_SECRET): the webhook goes unsigned\n";
    // The sandbox first, so that its window is open by the time the bot answers.
    if (sandbox.isValid()) {
        QString why;
        if (!noteInSandbox(sandbox, from, timeoutMs, &why))
            return fail(why + QStringLiteral("; the webhook was not sent"));
        if (!json)
            out << "Sandbox " << sandbox.toString() << ": " << from << " wrote (the 24-hour window is open)\n";
    }

    if (!json) {
        out << "POST " << target.toString() << ": " << kind->wireName << ' '
            << (isStatus ? value("status") + QStringLiteral(" of ") : QString()) << built.messageId
            << (isStatus ? QStringLiteral(" to ") : QStringLiteral(" from ")) << from;
        if (!context.messageId.isEmpty())
            out << " (in reply to " << context.messageId << ')';
        out << (secret.isEmpty() ? ", unsigned" : ", signed") << '\n';
        if (verbose) {
            out << "> Content-Type: application/json\n";
            if (!secret.isEmpty())
                out << "> X-Hub-Signature-256: " << QString::fromLatin1(wa::WebhookSignature::sign(built.body, secret))
                    << '\n';
            out << prettyBody(built.body) << '\n';
        }
        out.flush();
    }

    wa::WebhookDeliverer deliverer;
    wa::WebhookRetryPolicy policy;
    policy.timeoutMs = timeoutMs;
    policy.maxAttempts = retries + 1;
    policy.firstRetryMs = retryDelayMs;
    deliverer.setRetryPolicy(policy);
    wa::WebhookDeliveryResult result;
    qint64 lastAttemptMs = 0;
    QEventLoop loop;
    QObject::connect(&deliverer, &wa::WebhookDeliverer::attemptFinished, &loop,
                     [&err, &lastAttemptMs](const wa::WebhookDeliveryAttempt& attempt) {
                         lastAttemptMs = attempt.elapsedMs;
                         if (attempt.willRetry) {
                             err << "simulate: attempt " << attempt.attempt << ": " << attempt.error
                                 << "; trying again in " << seconds(attempt.retryInMs) << '\n';
                             err.flush();
                         }
                     });
    QObject::connect(&deliverer, &wa::WebhookDeliverer::deliveryFinished, &loop,
                     [&result, &loop](const wa::WebhookDeliveryResult& finished) {
                         result = finished;
                         loop.quit();
                     });
    QString refused;
    if (deliverer.deliver(target, built.body, secret, &refused) == 0)
        return fail(refused);
    loop.exec();

    // An answer came in full (a timeout or a connection cut in the middle of one is no answer).
    const bool answered = result.delivered ||
                          (result.httpStatus != 0 && result.error == QStringLiteral("HTTP %1").arg(result.httpStatus));
    if (json) {
        QJsonObject object{{QStringLiteral("kind"), kind->wireName},
                           {QStringLiteral("message_id"), built.messageId},
                           {QStringLiteral("from"), from},
                           {QStringLiteral("url"), target.toString()},
                           {QStringLiteral("signed"), !secret.isEmpty()},
                           {QStringLiteral("attempts"), result.attempts},
                           {QStringLiteral("elapsed_ms"), lastAttemptMs},
                           {QStringLiteral("http_status"), answered ? QJsonValue(result.httpStatus) : QJsonValue()}};
        if (!context.messageId.isEmpty())
            object.insert(QStringLiteral("context"), context.messageId);
        if (sandbox.isValid())
            object.insert(QStringLiteral("sandbox"), sandbox.toString());
        if (answered)
            object.insert(QStringLiteral("response"), bodyValue(result.responseBody));
        if (!result.delivered)
            object.insert(QStringLiteral("error"), result.error);
        if (verbose)
            object.insert(QStringLiteral("body"), QJsonDocument::fromJson(built.body).object());
        out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
        out.flush();
    } else if (answered) {
        out << "HTTP " << result.httpStatus << " in " << lastAttemptMs << " ms"
            << (result.attempts > 1 ? QStringLiteral(" (attempt %1)").arg(result.attempts) : QString()) << '\n';
        const QString body = prettyBody(result.responseBody);
        if (!body.isEmpty())
            out << body << (result.responseTruncated ? QStringLiteral("\n(truncated)") : QString()) << '\n';
        out.flush();
    }
    if (result.delivered)
        return Answered;
    if (answered)
        return NotAccepted;
    err << "simulate: no answer from " << target.toString() << ": " << result.error
        << (result.attempts > 1 ? QStringLiteral(" (after %1 attempts)").arg(result.attempts) : QString()) << '\n';
    err.flush();
    return Failed;
}
