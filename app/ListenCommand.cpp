#include "ListenCommand.h"

#include <algorithm>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

#include "EventStore.h"
#include "StopOnSignal.h"
#include "WebhookServer.h"

namespace {

enum ExitCode { Stopped = 0, Failed = 2 };

QString defaultDatabase()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/events.sqlite");
}

QString humanLine(const wa::WebhookEvent& e)
{
    QString line = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")) + QLatin1Char(' ') +
                   wa::WebhookEvent::kindName(e.kind).leftJustified(12) + QLatin1Char(' ');
    if (!e.contact.isEmpty())
        line += e.contact + (e.contactName.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(e.contactName)) +
                QLatin1String(": ");
    line += e.summary;
    if (e.signature != wa::WebhookEvent::Signature::Valid && e.kind != wa::WebhookEvent::Kind::Verification)
        line += QStringLiteral(" [%1]").arg(wa::WebhookEvent::signatureName(e.signature));
    if (e.duplicate)
        line += QLatin1String(" [duplicate]");
    return line;
}

} // namespace

int ListenCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs the webhook listener: answers Meta's verification, checks X-Hub-Signature-256, stores "
                       "every event (answering 200 once it is stored) and prints one line per event."));
    parser.addHelpOption();
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QStringLiteral("Port to listen on (default %1; 0 picks a free one).").arg(wa::WebhookServer::kDefaultPort),
        QStringLiteral("N"), QString::number(wa::WebhookServer::kDefaultPort));
    const QCommandLineOption bindOption(QStringLiteral("bind"),
                                        QStringLiteral("Address to listen on (default 127.0.0.1; 0.0.0.0 is every "
                                                       "interface, with a warning)."),
                                        QStringLiteral("ADDR"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption tokenOption(QStringLiteral("verify-token"),
                                         QStringLiteral("The verify token of the GET verification."),
                                         QStringLiteral("T"));
    const QCommandLineOption secretOption(
        QStringLiteral("app-secret"),
        QStringLiteral("The app secret for X-Hub-Signature-256 (or WA_APP_SECRET); without one events are "
                       "accepted and marked unsigned."),
        QStringLiteral("S"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("One JSON object per line."));
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("The SQLite event store (default %1).").arg(defaultDatabase()),
                                      QStringLiteral("FILE"));
    const QCommandLineOption certOption(
        QStringLiteral("tls-cert"), QStringLiteral("Serve HTTPS with this PEM certificate (chain); needs --tls-key."),
        QStringLiteral("FILE"));
    const QCommandLineOption keyOption(QStringLiteral("tls-key"),
                                       QStringLiteral("The PEM private key of --tls-cert (unencrypted)."),
                                       QStringLiteral("FILE"));
    parser.addOptions({portOption, bindOption, tokenOption, secretOption, jsonOption, dbOption, certOption, keyOption});
    parser.addPositionalArgument(QStringLiteral("listen"), QStringLiteral("The command."));

    const auto fail = [&err](const QString& why) {
        err << "wa-composer listen: " << why << '\n';
        err.flush();
        return Failed;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Stopped;
    }
    bool portOk = false;
    const int port = parser.value(portOption).toInt(&portOk);
    if (!portOk || port < 0 || port > 65535)
        return fail(QStringLiteral("--port takes a number from 0 to 65535, not '%1'.").arg(parser.value(portOption)));
    const QHostAddress address(parser.value(bindOption));
    if (address.isNull())
        return fail(QStringLiteral("--bind takes an IP address, not '%1'.").arg(parser.value(bindOption)));
    if (!address.isLoopback())
        err << "wa-composer listen: warning: listening on " << address.toString()
            << ", not only on this machine: whoever can reach it can post events.\n";
    QByteArray secret = parser.value(secretOption).toUtf8();
    if (secret.isEmpty())
        secret = qgetenv("WA_APP_SECRET");

    const QString database = parser.isSet(dbOption) ? parser.value(dbOption) : defaultDatabase();
    if (database != QLatin1String(":memory:"))
        QDir().mkpath(QFileInfo(database).absolutePath());
    wa::EventStore store;
    QString error;
    if (!store.open(database, &error))
        return fail(QStringLiteral("cannot open the event store %1: %2").arg(database, error));

    wa::WebhookServer server;
    if (parser.isSet(certOption) != parser.isSet(keyOption))
        return fail(QStringLiteral("--tls-cert and --tls-key go together."));
    if (parser.isSet(certOption) && !server.setTls(parser.value(certOption), parser.value(keyOption), &error))
        return fail(error);
    server.setVerifyToken(parser.value(tokenOption).toUtf8());
    server.setAppSecret(secret);
    server.setSink(wa::WebhookServer::sinkInto(&store));
    const bool json = parser.isSet(jsonOption);
    QObject::connect(&server, &wa::WebhookServer::received, &server,
                     [&out, json](const wa::ReceivedRequest&, const QList<wa::WebhookEvent>& events) {
                         for (const wa::WebhookEvent& e : events) {
                             if (json)
                                 out << QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact));
                             else
                                 out << humanLine(e);
                             out << '\n';
                         }
                         out.flush();
                     });
    if (!server.listen(address, static_cast<quint16>(port), &error))
        return fail(error);
    err << "wa-composer listen: listening on " << (server.isTls() ? "https" : "http") << "://"
        << (address.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(address.toString())
                                                                : address.toString())
        << ':' << server.port() << "/ — verify token " << (parser.isSet(tokenOption) ? "set" : "not set")
        << ", app secret " << (secret.isEmpty() ? "not set (events are marked unsigned)" : "set") << ", store "
        << store.path() << '\n';
    err.flush();

    const StopOnSignal stopOnSignal;
    // WA_LISTEN_LOOP_PROBE=1 (for bench/listener_load.sh): a 5 ms timer measures the longest time
    // the event loop went without running it, beyond those 5 ms.
    constexpr qint64 probeIntervalMs = 5;
    QTimer loopProbe;
    QElapsedTimer sinceProbe;
    qint64 longestStallNs = 0;
    if (qEnvironmentVariableIntValue("WA_LISTEN_LOOP_PROBE") == 1) {
        loopProbe.setTimerType(Qt::PreciseTimer);
        QObject::connect(&loopProbe, &QTimer::timeout, &loopProbe, [&sinceProbe, &longestStallNs] {
            longestStallNs = std::max(longestStallNs, sinceProbe.nsecsElapsed() - probeIntervalMs * 1000000);
            sinceProbe.start();
        });
        sinceProbe.start();
        loopProbe.start(probeIntervalMs);
    }
    QCoreApplication::exec();
    server.close();
    store.flush();
    if (loopProbe.isActive())
        err << "wa-composer listen: longest event-loop stall: " << QString::number(longestStallNs / 1e6, 'f', 1)
            << " ms\n";
    err << "wa-composer listen: stopped\n";
    return Stopped;
}
