#include "SandboxCommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QUrl>

#include "MessageCodec.h"
#include "SandboxServer.h"
#include "StatusScheduler.h"
#include "StopOnSignal.h"
#include "WebhookDeliverer.h"

namespace {

enum ExitCode { Stopped = 0, Failed = 2 };

constexpr int kSummaryChars = 60; // of a message's text in a log line

QString elided(const QString& text)
{
    const QString line = text.simplified();
    if (line.size() <= kSummaryChars)
        return line;
    return line.left(kSummaryChars - 1) + QStringLiteral("…");
}

QString quoted(const QString& text)
{
    return QStringLiteral("“%1”").arg(elided(text));
}

// One line for people about what the bot sent: `list “Pick a slot” (button “Slots”, 2 sections, 5 rows)`.
QString summaryOf(const wa::SandboxMessage& message)
{
    if (message.type == QLatin1String("text"))
        return QStringLiteral("text ") +
               quoted(message.payload.value(QLatin1String("text")).toObject().value(QLatin1String("body")).toString());
    if (!message.message || !message.message->interactive)
        return message.type;
    const wa::Interactive& interactive = *message.message->interactive;
    QString line = interactive.type.value_or(QStringLiteral("interactive"));
    if (interactive.body && interactive.body->text)
        line += QLatin1Char(' ') + quoted(*interactive.body->text);
    if (!interactive.action)
        return line;
    const wa::Action& action = *interactive.action;
    switch (interactive.kind()) {
    case wa::InteractiveType::List: {
        int rows = 0;
        const int sections = action.sections ? int(action.sections->size()) : 0;
        if (action.sections) {
            for (const wa::Section& section : *action.sections)
                rows += section.rows ? int(section.rows->size()) : 0;
        }
        line += QStringLiteral(" (button %1, %2 section(s), %3 row(s))")
                    .arg(quoted(action.button.value_or(QString())))
                    .arg(sections)
                    .arg(rows);
        break;
    }
    case wa::InteractiveType::Button: {
        QStringList titles;
        if (action.buttons) {
            for (const wa::ReplyButton& button : *action.buttons)
                titles << button.title.value_or(QString());
        }
        line += QStringLiteral(" [%1]").arg(titles.join(QStringLiteral(" | ")));
        break;
    }
    case wa::InteractiveType::CtaUrl:
    case wa::InteractiveType::Flow:
        if (action.parameters) {
            const auto& p = *action.parameters;
            line += QStringLiteral(" (%1)").arg(
                p.displayText ? quoted(*p.displayText) + QStringLiteral(" → ") + p.url.value_or(QString())
                              : QStringLiteral("button ") + quoted(p.flowCta.value_or(QString())));
        }
        break;
    default:
        break;
    }
    return line;
}

QString contextOf(const wa::SandboxMessage& message)
{
    return message.payload.value(QLatin1String("context")).toObject().value(QLatin1String("message_id")).toString();
}

QString clock()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
}

QString nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString inSeconds(int ms)
{
    return QString::number(ms / 1000.0, 'f', ms < 10000 ? 1 : 0) + QStringLiteral(" s");
}

// Parses a number of milliseconds (0 or more) from an option, or says why not.
bool readMilliseconds(const QCommandLineParser& parser, const QCommandLineOption& option, int* value, QString* error)
{
    bool ok = false;
    const int ms = parser.value(option).toInt(&ok);
    if (!ok || ms < 0) {
        *error = QStringLiteral("--%1 takes milliseconds (0 or more), not '%2'.")
                     .arg(option.names().first(), parser.value(option));
        return false;
    }
    *value = ms;
    return true;
}

// Prints each event as a line for people or as one JSON object.
class EventLog
{
public:
    EventLog(QTextStream& out, bool json)
        : m_out(out)
        , m_json(json)
    {
    }
    void write(const QString& human, QJsonObject record)
    {
        if (m_json) {
            record.insert(QStringLiteral("time"), nowIso());
            m_out << QString::fromUtf8(QJsonDocument(record).toJson(QJsonDocument::Compact)) << '\n';
        } else {
            m_out << clock() << ' ' << human << '\n';
        }
        m_out.flush();
    }

private:
    QTextStream& m_out;
    bool m_json;
};

} // namespace

int SandboxCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the sandbox on 127.0.0.1 without a window: the Cloud API send endpoint\n"
        "(POST /{version}/{phone-number-id}/messages, Bearer token) and the On-Premises subset, validating\n"
        "messages and answering like WhatsApp does. With --webhook the status webhooks (sent, delivered, read)\n"
        "of each accepted message go to the bot, signed with --app-secret (or WA_APP_SECRET), retried like Meta\n"
        "does. One line per event: each message the bot sent (accepted or rejected) and each status webhook\n"
        "(delivered, retrying, gave up). The first line says where it listens (with --json it is a JSON\n"
        "object with \"event\":\"listening\", and the sentence goes to standard error).\n"
        "POST /sandbox/customer-messages {\"wa_id\":…} tells it a customer wrote (simulate --sandbox does).\n"
        "Stops on Ctrl+C or SIGTERM."));
    parser.addHelpOption();
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QStringLiteral("Port to listen on (default %1; 0 picks a free one).").arg(wa::SandboxServer::kDefaultPort),
        QStringLiteral("N"), QString::number(wa::SandboxServer::kDefaultPort));
    const QCommandLineOption webhookOption(QStringLiteral("webhook"),
                                           QStringLiteral("The bot's webhook URL, where status webhooks go."),
                                           QStringLiteral("URL"));
    const QCommandLineOption secretOption(
        QStringLiteral("app-secret"),
        QStringLiteral("The app secret that signs the status webhooks (or WA_APP_SECRET); never printed."),
        QStringLiteral("S"));
    const QCommandLineOption tokenOption(QStringLiteral("token"),
                                         QStringLiteral("The access token bots send as Bearer (default %1).")
                                             .arg(wa::SandboxServer::kDefaultAccessToken),
                                         QStringLiteral("T"), wa::SandboxServer::kDefaultAccessToken);
    const QCommandLineOption phoneOption(QStringLiteral("phone-number-id"),
                                         QStringLiteral("The phone-number ID of the send path (default %1).")
                                             .arg(wa::SandboxServer::kDefaultPhoneNumberId),
                                         QStringLiteral("ID"), wa::SandboxServer::kDefaultPhoneNumberId);
    const QCommandLineOption strictOption(
        QStringLiteral("strict-window"),
        QStringLiteral("Refuse messages to a customer who has not written in 24 hours (131047), as WhatsApp does."));
    const QCommandLineOption windowFailureOption(
        QStringLiteral("window-failure"),
        QStringLiteral("With --strict-window: 'reject' answers 131047 (default); 'failed-status' accepts the message "
                       "and sends one failed status webhook with 131047, as WhatsApp sometimes does."),
        QStringLiteral("MODE"), QStringLiteral("reject"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("One JSON object per line."));
    const wa::StatusDelays delays;
    const QCommandLineOption sentOption(
        QStringLiteral("sent-after"),
        QStringLiteral("Milliseconds from acceptance to the sent status (default %1).").arg(delays.sentMs),
        QStringLiteral("MS"), QString::number(delays.sentMs));
    const QCommandLineOption deliveredOption(
        QStringLiteral("delivered-after"),
        QStringLiteral("Milliseconds from acceptance to the delivered status (default %1).").arg(delays.deliveredMs),
        QStringLiteral("MS"), QString::number(delays.deliveredMs));
    const QCommandLineOption readOption(
        QStringLiteral("read-after"),
        QStringLiteral("Milliseconds from acceptance to the read status (default %1).").arg(delays.readMs),
        QStringLiteral("MS"), QString::number(delays.readMs));
    const QCommandLineOption noReadOption(QStringLiteral("no-read"),
                                          QStringLiteral("The customer never reads: sent and delivered only."));
    const wa::WebhookRetryPolicy retry;
    const QCommandLineOption retryDelayOption(
        QStringLiteral("retry-delay"),
        QStringLiteral("Milliseconds before retrying a status webhook, doubled each time (default %1).")
            .arg(retry.firstRetryMs),
        QStringLiteral("MS"), QString::number(retry.firstRetryMs));
    const QCommandLineOption attemptsOption(
        QStringLiteral("max-attempts"),
        QStringLiteral("Attempts at each status webhook before giving up (default %1).").arg(retry.maxAttempts),
        QStringLiteral("N"), QString::number(retry.maxAttempts));
    const QCommandLineOption webhookTimeoutOption(
        QStringLiteral("webhook-timeout"),
        QStringLiteral("Milliseconds the bot gets to answer a webhook (default %1).").arg(retry.timeoutMs),
        QStringLiteral("MS"), QString::number(retry.timeoutMs));
    parser.addOptions({portOption, webhookOption, secretOption, tokenOption, phoneOption, strictOption,
                       windowFailureOption, jsonOption, sentOption, deliveredOption, readOption, noReadOption,
                       retryDelayOption, attemptsOption, webhookTimeoutOption});

    const auto fail = [&err](const QString& why) {
        err << "wa-composer sandbox: " << why << '\n';
        err.flush();
        return Failed;
    };
    parser.addPositionalArgument(QStringLiteral("sandbox"), QStringLiteral("The command."));
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Stopped;
    }
    if (parser.positionalArguments().size() > 1) // the first is "sandbox"
        return fail(QStringLiteral("unexpected argument '%1'; see wa-composer sandbox --help")
                        .arg(parser.positionalArguments().at(1)));
    bool ok = false;
    const int port = parser.value(portOption).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return fail(QStringLiteral("--port takes a number from 0 to 65535, not '%1'.").arg(parser.value(portOption)));
    QUrl webhook;
    if (parser.isSet(webhookOption)) {
        webhook = QUrl(parser.value(webhookOption), QUrl::StrictMode);
        const QString scheme = webhook.scheme().toLower();
        if (!webhook.isValid() || webhook.host().isEmpty() ||
            (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            return fail(QStringLiteral("--webhook takes the bot's http or https URL, not '%1'.")
                            .arg(parser.value(webhookOption)));
    }
    const QString token = parser.value(tokenOption);
    if (token.trimmed().isEmpty())
        return fail(QStringLiteral("--token is empty."));
    const QString phoneNumberId = parser.value(phoneOption);
    if (phoneNumberId.isEmpty() || wa::digitsOf(phoneNumberId) != phoneNumberId)
        return fail(QStringLiteral("--phone-number-id takes digits, not '%1'.").arg(phoneNumberId));
    wa::StatusDelays statusDelays;
    wa::WebhookRetryPolicy policy;
    QString why;
    if (!readMilliseconds(parser, sentOption, &statusDelays.sentMs, &why) ||
        !readMilliseconds(parser, deliveredOption, &statusDelays.deliveredMs, &why) ||
        !readMilliseconds(parser, readOption, &statusDelays.readMs, &why) ||
        !readMilliseconds(parser, retryDelayOption, &policy.firstRetryMs, &why) ||
        !readMilliseconds(parser, webhookTimeoutOption, &policy.timeoutMs, &why))
        return fail(why);
    statusDelays.read = !parser.isSet(noReadOption);
    if (policy.timeoutMs == 0)
        return fail(QStringLiteral("--webhook-timeout must be above 0."));
    policy.maxAttempts = parser.value(attemptsOption).toInt(&ok);
    if (!ok || policy.maxAttempts < 1 || policy.maxAttempts > 100)
        return fail(
            QStringLiteral("--max-attempts takes a number from 1 to 100, not '%1'.").arg(parser.value(attemptsOption)));
    const QString windowFailure = parser.value(windowFailureOption);
    if (windowFailure != QLatin1String("reject") && windowFailure != QLatin1String("failed-status"))
        return fail(QStringLiteral("--window-failure takes reject or failed-status, not '%1'.").arg(windowFailure));
    QByteArray secret = parser.value(secretOption).toUtf8();
    if (secret.isEmpty())
        secret = qgetenv("WA_APP_SECRET");

    // Declared before the objects whose signals use them, so that they outlive those objects.
    const bool json = parser.isSet(jsonOption);
    EventLog log(out, json);
    // Which status each delivery carries: the deliverer only knows ids.
    struct StatusDelivery
    {
        QString messageId;
        QString status;
        qint64 lastAttemptMs = 0;
    };
    QHash<quint64, StatusDelivery> statusDeliveries;

    wa::SandboxServer sandbox;
    sandbox.setAccessToken(token);
    sandbox.setPhoneNumberId(phoneNumberId);
    sandbox.setStrictWindow(parser.isSet(strictOption));
    sandbox.setWindowFailure(windowFailure == QLatin1String("reject") ? wa::WindowFailure::Reject
                                                                      : wa::WindowFailure::FailedStatus);
    wa::WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(policy);
    wa::StatusScheduler scheduler(&sandbox, &deliverer);
    scheduler.setBusiness(wa::WebhookBusiness{wa::StatusScheduler::kDefaultWabaId, sandbox.phoneNumberId(),
                                              sandbox.displayPhoneNumber()});
    scheduler.setDelays(statusDelays);
    scheduler.setTarget(webhook, secret);

    QObject::connect(&sandbox, &wa::SandboxServer::messageAccepted, &sandbox, [&log](const wa::SandboxMessage& m) {
        const QString summary = summaryOf(m);
        const QString context = contextOf(m);
        QJsonObject record{{QStringLiteral("event"), QStringLiteral("accepted")},
                           {QStringLiteral("id"), m.id},
                           {QStringLiteral("family"), wa::familyName(m.family)},
                           {QStringLiteral("to"), m.waId},
                           {QStringLiteral("type"), m.type},
                           {QStringLiteral("summary"), summary}};
        if (m.message && m.message->interactive && m.message->interactive->type)
            record.insert(QStringLiteral("interactive_type"), *m.message->interactive->type);
        if (!context.isEmpty())
            record.insert(QStringLiteral("context"), context);
        log.write(QStringLiteral("accepted  %1 to %2: %3%4")
                      .arg(m.id, m.waId, summary,
                           context.isEmpty() ? QString() : QStringLiteral(" (in reply to %1)").arg(context)),
                  record);
    });
    QObject::connect(&sandbox, &wa::SandboxServer::customerMessageNoted, &sandbox,
                     [&log](const QString& waId, const QDateTime& at) {
                         log.write(QStringLiteral("customer  %1 wrote: 24-hour window open").arg(waId),
                                   QJsonObject{{QStringLiteral("event"), QStringLiteral("customer_message")},
                                               {QStringLiteral("wa_id"), waId},
                                               {QStringLiteral("at"), at.toUTC().toString(Qt::ISODate)}});
                     });
    QObject::connect(&sandbox, &wa::SandboxServer::requestRejected, &sandbox, [&log](const wa::SandboxRejection& r) {
        QJsonArray findings;
        for (const wa::Finding& f : r.findings)
            findings.append(f.toJson());
        const QJsonObject record{{QStringLiteral("event"), QStringLiteral("rejected")},
                                 {QStringLiteral("http_status"), r.httpStatus},
                                 {QStringLiteral("code"), r.errorCode},
                                 {QStringLiteral("family"), wa::familyName(r.family)},
                                 {QStringLiteral("message"), r.message},
                                 {QStringLiteral("details"), r.details},
                                 {QStringLiteral("method"), QString::fromLatin1(r.method)},
                                 {QStringLiteral("target"), QString::fromUtf8(r.target)},
                                 {QStringLiteral("findings"), findings}};
        log.write(QStringLiteral("rejected  %1 %2 → HTTP %3, code %4: %5%6")
                      .arg(QString::fromLatin1(r.method), QString::fromUtf8(r.target))
                      .arg(r.httpStatus)
                      .arg(r.errorCode)
                      .arg(r.message, r.details.isEmpty() ? QString() : QStringLiteral(" — ") + r.details),
                  record);
    });

    QObject::connect(&scheduler, &wa::StatusScheduler::statusQueued, &scheduler,
                     [&log, &statusDeliveries](const QString& messageId, const QString& status, quint64 deliveryId) {
                         if (deliveryId != 0) {
                             statusDeliveries.insert(deliveryId, StatusDelivery{messageId, status, 0});
                             return;
                         }
                         log.write(
                             QStringLiteral("status    %1 for %2 (not sent: no --webhook)").arg(status, messageId),
                             QJsonObject{{QStringLiteral("event"), QStringLiteral("status")},
                                         {QStringLiteral("result"), QStringLiteral("not_sent")},
                                         {QStringLiteral("status"), status},
                                         {QStringLiteral("message_id"), messageId}});
                     });
    QObject::connect(&deliverer, &wa::WebhookDeliverer::attemptFinished, &deliverer,
                     [&log, &statusDeliveries](const wa::WebhookDeliveryAttempt& attempt) {
                         StatusDelivery& delivery = statusDeliveries[attempt.deliveryId];
                         delivery.lastAttemptMs = attempt.elapsedMs;
                         if (!attempt.willRetry)
                             return; // the end is logged once the delivery finishes
                         QJsonObject record{{QStringLiteral("event"), QStringLiteral("status")},
                                            {QStringLiteral("result"), QStringLiteral("retrying")},
                                            {QStringLiteral("status"), delivery.status},
                                            {QStringLiteral("message_id"), delivery.messageId},
                                            {QStringLiteral("url"), attempt.target.toString()},
                                            {QStringLiteral("attempt"), attempt.attempt},
                                            {QStringLiteral("error"), attempt.error},
                                            {QStringLiteral("latency_ms"), attempt.elapsedMs},
                                            {QStringLiteral("retry_in_ms"), attempt.retryInMs}};
                         if (attempt.httpStatus != 0)
                             record.insert(QStringLiteral("http_status"), attempt.httpStatus);
                         log.write(QStringLiteral("status    %1 for %2: attempt %3 failed: %4; retrying in %5")
                                       .arg(delivery.status, delivery.messageId)
                                       .arg(attempt.attempt)
                                       .arg(attempt.error, inSeconds(attempt.retryInMs)),
                                   record);
                     });
    QObject::connect(&deliverer, &wa::WebhookDeliverer::deliveryFinished, &deliverer,
                     [&log, &statusDeliveries](const wa::WebhookDeliveryResult& result) {
                         const StatusDelivery delivery = statusDeliveries.take(result.deliveryId);
                         if (result.cancelled)
                             return; // stopping
                         QJsonObject record{{QStringLiteral("event"), QStringLiteral("status")},
                                            {QStringLiteral("status"), delivery.status},
                                            {QStringLiteral("message_id"), delivery.messageId},
                                            {QStringLiteral("url"), result.target.toString()},
                                            {QStringLiteral("attempts"), result.attempts},
                                            {QStringLiteral("latency_ms"), delivery.lastAttemptMs},
                                            {QStringLiteral("total_ms"), result.totalMs}};
                         if (result.httpStatus != 0)
                             record.insert(QStringLiteral("http_status"), result.httpStatus);
                         if (result.delivered) {
                             record.insert(QStringLiteral("result"), QStringLiteral("delivered"));
                             log.write(QStringLiteral("status    %1 for %2 → HTTP %3 in %4 ms%5")
                                           .arg(delivery.status, delivery.messageId)
                                           .arg(result.httpStatus)
                                           .arg(delivery.lastAttemptMs)
                                           .arg(result.attempts > 1
                                                    ? QStringLiteral(" (attempt %1)").arg(result.attempts)
                                                    : QString()),
                                       record);
                             return;
                         }
                         record.insert(QStringLiteral("result"), QStringLiteral("gave_up"));
                         record.insert(QStringLiteral("error"), result.error);
                         log.write(QStringLiteral("status    %1 for %2: gave up after %3 attempt(s): %4")
                                       .arg(delivery.status, delivery.messageId)
                                       .arg(result.attempts)
                                       .arg(result.error),
                                   record);
                     });

    QString error;
    if (!sandbox.listen(QHostAddress::LocalHost, static_cast<quint16>(port), &error))
        return fail(error);
    const QString listening = QStringLiteral("Sandbox listening on %1 (phone-number ID %2, token %3)")
                                  .arg(sandbox.baseUrl(), sandbox.phoneNumberId(), sandbox.accessToken());
    if (json) {
        out << QString::fromUtf8(
                   QJsonDocument(
                       QJsonObject{{QStringLiteral("event"), QStringLiteral("listening")},
                                   {QStringLiteral("url"), sandbox.baseUrl()},
                                   {QStringLiteral("port"), sandbox.port()},
                                   {QStringLiteral("phone_number_id"), sandbox.phoneNumberId()},
                                   {QStringLiteral("display_phone_number"), sandbox.displayPhoneNumber()},
                                   {QStringLiteral("token"), sandbox.accessToken()},
                                   {QStringLiteral("webhook"), webhook.isEmpty() ? QJsonValue() : webhook.toString()},
                                   {QStringLiteral("signed"), !secret.isEmpty()},
                                   {QStringLiteral("strict_window"), sandbox.strictWindow()}})
                       .toJson(QJsonDocument::Compact))
            << '\n';
        err << listening << '\n';
    } else {
        out << listening << '\n';
    }
    out.flush();
    err << "wa-composer sandbox: status webhooks "
        << (webhook.isEmpty()
                ? QStringLiteral("not sent (no --webhook)")
                : QStringLiteral("to %1, %2")
                      .arg(webhook.toString(),
                           secret.isEmpty() ? QStringLiteral("unsigned (no app secret)") : QStringLiteral("signed")))
        << (sandbox.strictWindow() ? "; strict 24-hour window" : "") << '\n';
    err.flush();

    const StopOnSignal stopOnSignal;
    QCoreApplication::exec();
    sandbox.close();
    scheduler.cancelPending();
    deliverer.cancelAll();
    err << "wa-composer sandbox: stopped\n";
    err.flush();
    return Stopped;
}
