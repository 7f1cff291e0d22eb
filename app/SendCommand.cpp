#include "SendCommand.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QTextStream>

#include "ConnectionProfile.h"
#include "KeychainSecretStore.h"
#include "MessageCodec.h"
#include "MessageSender.h"
#include "ProfileStore.h"
#include "SandboxServer.h"
#include "Validator.h"

namespace {

enum ExitCode { Accepted = 0, ApiError = 1, Failed = 2 };

QByteArray readInput(const QString& path, QString* error)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read standard input");
            return {};
        }
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return {};
        }
    }
    return file.readAll();
}

QString prettyBody(const QByteArray& body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && !document.isNull())
        return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
    return QString::fromUtf8(body).trimmed();
}

void printExchange(QTextStream& out, const wa::HttpExchange& exchange)
{
    out << "> " << exchange.method << ' ' << exchange.url.toString() << '\n';
    for (const auto& [name, value] : exchange.requestHeaders)
        out << "> " << name << ": " << QString::fromUtf8(value) << '\n';
    if (exchange.status == 0) {
        out << "< (no answer after " << exchange.elapsedMs << " ms)\n";
        return;
    }
    out << "< HTTP " << exchange.status << " (" << exchange.elapsedMs << " ms)\n";
    const QString body = prettyBody(exchange.responseBody);
    if (!body.isEmpty())
        out << body << '\n';
}

QString readSecret(wa::SecretStore& store, const QString& key)
{
    QEventLoop loop;
    QString found;
    store.read(key, [&](bool ok, const QString& secret, const QString&) {
        if (ok)
            found = secret;
        loop.quit();
    });
    loop.exec();
    return found;
}

} // namespace

int SendCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Sends one message (a JSON file, - for standard input) through a saved connection profile or the given\n"
        "endpoint, and prints the request and the response. The access token (On-Premises: the password) comes\n"
        "from WA_ACCESS_TOKEN when it is set, otherwise from the profile's keychain entry; it is never printed.\n"
        "Exit status: 0 accepted, 1 the API answered with an error, 2 not sent (input or transport error)."));
    parser.addHelpOption();
    const QCommandLineOption profileOption(QStringLiteral("profile"),
                                           QStringLiteral("A saved connection profile (default: the current one)."),
                                           QStringLiteral("NAME"));
    const QCommandLineOption toOption(QStringLiteral("to"), QStringLiteral("The recipient, replacing the file's `to`."),
                                      QStringLiteral("NUMBER"));
    const QCommandLineOption baseUrlOption(QStringLiteral("base-url"),
                                           QStringLiteral("Send to this endpoint instead of a profile (e.g. "
                                                          "https://graph.facebook.com or http://127.0.0.1:8790)."),
                                           QStringLiteral("URL"));
    const QCommandLineOption phoneOption(QStringLiteral("phone-number-id"),
                                         QStringLiteral("The Cloud API phone-number ID (with --base-url)."),
                                         QStringLiteral("ID"));
    const QCommandLineOption versionOption(
        QStringLiteral("api-version"),
        QStringLiteral("The Cloud API version (default %1).").arg(wa::ConnectionProfile::kDefaultApiVersion),
        QStringLiteral("vNN.N"), wa::ConnectionProfile::kDefaultApiVersion);
    const QCommandLineOption onPremOption(QStringLiteral("on-premises"),
                                          QStringLiteral("The endpoint is an On-Premises API (with --base-url)."));
    const QCommandLineOption userOption(QStringLiteral("username"),
                                        QStringLiteral("On-Premises login user (with --on-premises; default admin)."),
                                        QStringLiteral("USER"), QStringLiteral("admin"));
    const QCommandLineOption insecureOption(
        QStringLiteral("insecure"),
        QStringLiteral("On-Premises: accept a self-signed certificate (the connection is not verified)."));
    const QCommandLineOption contactsOption(
        QStringLiteral("check-contact"), QStringLiteral("On-Premises: check the recipient with /v1/contacts first."));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           QStringLiteral("Seconds to wait for each answer (default 30)."),
                                           QStringLiteral("S"), QStringLiteral("30"));
    const QCommandLineOption noValidateOption(QStringLiteral("no-validate"),
                                              QStringLiteral("Send even when the validator finds errors."));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print the outcome as one JSON object (exchanges redacted)."));
    parser.addOptions({profileOption, toOption, baseUrlOption, phoneOption, versionOption, onPremOption, userOption,
                       insecureOption, contactsOption, timeoutOption, noValidateOption, jsonOption});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The message to send (- reads stdin)."));

    QStringList args = arguments;
    args.removeAt(1); // "send"
    if (!parser.parse(args)) {
        err << "send: " << parser.errorText() << '\n';
        return Failed;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Accepted;
    }
    if (parser.positionalArguments().size() != 1) {
        err << "send: give exactly one FILE (- for standard input); see wa-composer send --help\n";
        return Failed;
    }
    if (parser.isSet(profileOption) && parser.isSet(baseUrlOption)) {
        err << "send: --profile and --base-url exclude each other\n";
        return Failed;
    }

    // The profile: saved, or made from the options.
    wa::ConnectionProfile profile;
    QSettings settings;
    wa::ProfileStore profiles(&settings);
    if (parser.isSet(baseUrlOption)) {
        profile.name = QStringLiteral("command line");
        profile.kind = parser.isSet(onPremOption) ? wa::ConnectionProfile::Kind::OnPremises
                                                  : wa::ConnectionProfile::Kind::CloudApi;
        profile.baseUrl = QUrl(parser.value(baseUrlOption));
        profile.phoneNumberId = parser.value(phoneOption);
        profile.apiVersion = parser.value(versionOption);
        profile.username = parser.value(userOption);
        profile.acceptSelfSignedCertificate = parser.isSet(insecureOption);
        profile.checkContactsFirst = parser.isSet(contactsOption);
    } else {
        const QString name = parser.value(profileOption);
        if (!name.isEmpty() && !profiles.contains(name)) {
            QStringList names;
            for (const auto& known : profiles.profiles())
                names << known.name;
            err << "send: no profile named \"" << name << "\" (there are: " << names.join(QStringLiteral(", "))
                << ")\n";
            return Failed;
        }
        profile = name.isEmpty() ? profiles.current() : profiles.profile(name);
        if (profile.kind == wa::ConnectionProfile::Kind::Sandbox && profile.baseUrl.isEmpty())
            profile.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(wa::SandboxServer::kDefaultPort));
    }
    bool secondsOk = false;
    const double seconds = parser.value(timeoutOption).toDouble(&secondsOk);
    if (!secondsOk || seconds <= 0) {
        err << "send: --timeout takes a number of seconds above 0, not \"" << parser.value(timeoutOption) << "\"\n";
        return Failed;
    }
    profile.timeoutMs = int(seconds * 1000);
    if (const QStringList problems = profile.problems(); !problems.isEmpty()) {
        for (const QString& problem : problems)
            err << "send: " << problem << '\n';
        return Failed;
    }

    // The message.
    QString readError;
    const QString path = parser.positionalArguments().first();
    const QByteArray bytes = readInput(path, &readError);
    if (!readError.isEmpty()) {
        err << "send: " << readError << '\n';
        return Failed;
    }
    const wa::DecodeResult decoded = wa::MessageCodec::decode(bytes);
    if (!decoded.ok()) {
        err << "send: " << path << ": " << decoded.error.message << '\n';
        return Failed;
    }
    wa::Message message = *decoded.message;
    if (parser.isSet(toOption))
        message.to = parser.value(toOption);
    if (!message.to || message.to->trimmed().isEmpty()) {
        err << "send: " << path << " has no recipient: give --to NUMBER\n";
        return Failed;
    }
    if (!parser.isSet(noValidateOption)) {
        int errors = 0;
        for (const wa::Finding& finding :
             wa::Validator::validate(wa::MessageCodec::convert(message, profile.family()), profile.family())) {
            if (finding.severity != wa::Severity::Error)
                continue;
            ++errors;
            err << path << ": " << finding.path << ": " << finding.message << '\n';
        }
        if (errors > 0) {
            err << "send: not sent: " << errors << " error(s) above (--no-validate sends anyway)\n";
            return Failed;
        }
    }

    // The secret.
    QString secret = qEnvironmentVariable("WA_ACCESS_TOKEN");
    if (secret.isEmpty() && profile.kind == wa::ConnectionProfile::Kind::Sandbox)
        secret = wa::SandboxServer::kDefaultAccessToken;
    if (secret.isEmpty() && !parser.isSet(baseUrlOption)) {
        wa::KeychainSecretStore keychain;
        secret = readSecret(keychain, profile.secretKey());
    }
    if (secret.isEmpty()) {
        err << "send: no " << (profile.kind == wa::ConnectionProfile::Kind::OnPremises ? "password" : "access token")
            << ": set WA_ACCESS_TOKEN"
            << (parser.isSet(baseUrlOption)
                    ? QString()
                    : QStringLiteral(" or save it in the profile \u201c%1\u201d").arg(profile.name))
            << '\n';
        return Failed;
    }

    QNetworkAccessManager network;
    wa::MessageSender sender(&network);
    wa::SendOutcome outcome;
    QEventLoop loop;
    QObject::connect(&sender, &wa::MessageSender::finished, &loop, [&](const wa::SendOutcome& finished) {
        outcome = finished;
        loop.quit();
    });
    sender.send(profile, secret, message);
    loop.exec();

    if (parser.isSet(jsonOption)) {
        QJsonObject object{{QStringLiteral("result"), wa::sendResultName(outcome.result)},
                           {QStringLiteral("summary"), outcome.summary()},
                           {QStringLiteral("exchanges"), wa::exchangesToJson(outcome.exchanges)},
                           {QStringLiteral("elapsed_ms"), outcome.elapsedMs}};
        if (!outcome.messageId.isEmpty())
            object.insert(QStringLiteral("message_id"), outcome.messageId);
        if (!outcome.waId.isEmpty())
            object.insert(QStringLiteral("wa_id"), outcome.waId);
        if (outcome.result == wa::SendOutcome::Result::ApiError) {
            object.insert(QStringLiteral("error"),
                          QJsonObject{{QStringLiteral("http_status"), outcome.apiError.httpStatus},
                                      {QStringLiteral("code"), outcome.apiError.code},
                                      {QStringLiteral("message"), outcome.apiError.message},
                                      {QStringLiteral("details"), outcome.apiError.details},
                                      {QStringLiteral("explanation"), outcome.apiError.explanation}});
        }
        out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
    } else {
        for (const wa::HttpExchange& exchange : outcome.exchanges)
            printExchange(out, exchange);
        if (outcome.result == wa::SendOutcome::Result::ApiError && !outcome.apiError.explanation.isEmpty())
            out << "\n" << outcome.apiError.explanation << '\n';
        out << outcome.summary() << '\n';
    }
    switch (outcome.result) {
    case wa::SendOutcome::Result::Accepted:
        return Accepted;
    case wa::SendOutcome::Result::ApiError:
        return ApiError;
    case wa::SendOutcome::Result::TransportError:
    case wa::SendOutcome::Result::InputError:
        if (parser.isSet(jsonOption))
            return Failed;
        err << "send: " << outcome.summary() << '\n';
        return Failed;
    }
    return Failed;
}
