// Benchmark (not a unit test): the sandbox under load and the simulated customer's round trip.
//
//   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release --target bench
//   ./build-release/bench/wa_bench_sandbox [--seconds S] [--connections C] [--taps N] [--command PATH]
//
// 1. Throughput: valid interactive list messages (the takeout-menu sample, 676 bytes) POSTed to
//    the Cloud API endpoint by a local client over C keep-alive connections (default 8), each with one
//    request in flight; messages accepted (HTTP 200 with an id, after decoding and validation) per
//    second over S seconds (default 5) after 1 s of warm-up, with the latency of each request.
//    a) SandboxServer in this process, on its own thread (the client on the main thread);
//    b) with --command: the `wa-composer sandbox --json` process (log to /dev/null, status webhooks
//       scheduled for each message but sent nowhere), as a script would run it.
//    Target: at least 2,000 accepted per second.
// 2. Tap to webhook: N simulated customer taps (default 1000, after 50 warm-up) one after the other:
//    from the start of the action (WebhookPayloadBuilder::buttonReply + X-Hub-Signature-256 + POST by
//    the WebhookDeliverer) until a local bot (the app's WebhookServer checking the signature, on its
//    own thread) has received and parsed it; and until the deliverer has the bot's 200. Median, p90,
//    p99 and max. Target: median under 5 ms.
//
// Traffic goes to 127.0.0.1 only. Exit status 0 when every request was answered as expected (the
// speed targets are reported, not enforced), 1 otherwise.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QList>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include "SandboxServer.h"
#include "StatusScheduler.h"
#include "WebhookDeliverer.h"
#include "WebhookPayloadBuilder.h"
#include "WebhookServer.h"
#include "WebhookSignature.h"

using namespace wa;
using Clock = std::chrono::steady_clock;

namespace {

// shared/samples/messages/list-takeout-menu.json, compact.
const QByteArray kListMessage =
    R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive",)"
    R"("interactive":{"type":"list","header":{"type":"text","text":"Lunch menu"},)"
    R"("body":{"text":"Pick a dish and we will have it ready in *15 minutes*."},)"
    R"("footer":{"text":"Prices include tax"},"action":{"button":"See dishes","sections":[)"
    R"({"title":"Noodles","rows":[{"id":"beef-noodle","title":"Beef noodle soup","description":"Slow braised shank, NT$180"},)"
    R"({"id":"dan-dan","title":"Dan dan noodles","description":"Sesame and chili, NT$120"}]},)"
    R"({"title":"Rice","rows":[{"id":"lu-rou","title":"Braised pork rice","description":"NT$60"},)"
    R"({"id":"chicken-rice","title":"Chicken rice"}]}]}}})";

const QByteArray kAppSecret = "bench-app-secret";

double msBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

// Nearest rank.
double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const size_t rank = std::max<size_t>(1, size_t(std::ceil(p / 100.0 * double(values.size()))));
    return values[std::min(rank, values.size()) - 1];
}

QByteArray loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return "?";
    const QList<QByteArray> parts = file.readAll().split(' ');
    return parts.mid(0, 3).join(' ');
}

struct LoadResult
{
    qint64 accepted = 0;     // 200 with a message id, in the measured window
    qint64 otherAnswers = 0; // anything else, in the window
    int socketErrors = 0;
    double seconds = 0;
    std::vector<double> latenciesMs;
};

// C keep-alive connections, each sending the next request when the answer to the last has come.
class LoadClient
{
public:
    LoadClient(quint16 port, int connections)
        : m_port(port)
        , m_connections(connections)
    {
        m_request = "POST /v23.0/" + SandboxServer::kDefaultPhoneNumberId.toLatin1() +
                    "/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    SandboxServer::kDefaultAccessToken.toLatin1() +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(kListMessage.size()) +
                    "\r\n\r\n" + kListMessage;
    }

    LoadResult run(int warmupMs, int measureMs)
    {
        LoadResult result;
        QObject context;
        struct Connection
        {
            QTcpSocket* socket = nullptr;
            QByteArray buffer;
            Clock::time_point sentAt;
        };
        std::vector<Connection> connections(static_cast<size_t>(m_connections));
        bool measuring = false;
        bool stopping = false;
        int inFlight = 0;
        Clock::time_point windowStart;
        QEventLoop loop;

        const auto send = [&](Connection& c) {
            c.sentAt = Clock::now();
            ++inFlight;
            c.socket->write(m_request);
        };
        for (Connection& c : connections) {
            c.socket = new QTcpSocket(&context);
            c.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            Connection* self = &c;
            QObject::connect(c.socket, &QTcpSocket::readyRead, &context, [&, self] {
                self->buffer += self->socket->readAll();
                for (;;) {
                    const qsizetype headerEnd = self->buffer.indexOf("\r\n\r\n");
                    if (headerEnd < 0)
                        return;
                    const QByteArray head = self->buffer.left(headerEnd).toLower();
                    const qsizetype at = head.indexOf("content-length:");
                    const qsizetype lineEnd = at < 0 ? -1 : head.indexOf("\r\n", at);
                    const qsizetype length =
                        at < 0
                            ? 0
                            : head.mid(at + 15, (lineEnd < 0 ? head.size() : lineEnd) - at - 15).trimmed().toLongLong();
                    if (self->buffer.size() < headerEnd + 4 + length)
                        return;
                    const int status = self->buffer.mid(9, 3).toInt();
                    const bool accepted = status == 200 && self->buffer.mid(headerEnd + 4, length).contains("\"wamid.");
                    self->buffer.remove(0, headerEnd + 4 + length);
                    --inFlight;
                    if (measuring) {
                        result.latenciesMs.push_back(msBetween(self->sentAt, Clock::now()));
                        if (accepted)
                            ++result.accepted;
                        else
                            ++result.otherAnswers;
                    }
                    if (!stopping)
                        send(*self);
                    else if (inFlight == 0)
                        loop.quit();
                }
            });
            QObject::connect(c.socket, &QTcpSocket::errorOccurred, &context, [&](QAbstractSocket::SocketError) {
                ++result.socketErrors;
                loop.quit();
            });
            QObject::connect(c.socket, &QTcpSocket::connected, &context, [&, self] { send(*self); });
            c.socket->connectToHost(QHostAddress::LocalHost, m_port);
        }
        QTimer::singleShot(warmupMs, Qt::PreciseTimer, &context, [&] {
            measuring = true;
            windowStart = Clock::now();
        });
        QTimer::singleShot(warmupMs + measureMs, Qt::PreciseTimer, &context, [&] {
            measuring = false;
            stopping = true;
            result.seconds = msBetween(windowStart, Clock::now()) / 1000.0;
            if (inFlight == 0)
                loop.quit();
        });
        QTimer::singleShot(warmupMs + measureMs + 10000, &context, [&] { loop.quit(); }); // a hung server
        loop.exec();
        return result;
    }

private:
    quint16 m_port;
    int m_connections;
    QByteArray m_request;
};

bool report(const char* what, const LoadResult& r)
{
    const double rate = r.seconds > 0 ? double(r.accepted) / r.seconds : 0.0;
    std::printf("  %s\n", what);
    std::printf("    accepted:        %lld in %.2f s = %.0f messages/s   (target: at least 2000) %s\n",
                static_cast<long long>(r.accepted), r.seconds, rate, rate >= 2000 ? "met" : "NOT met");
    std::printf("    latency:         p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
                percentile(r.latenciesMs, 50), percentile(r.latenciesMs, 90), percentile(r.latenciesMs, 99),
                percentile(r.latenciesMs, 100));
    std::printf("    other answers:   %lld; socket errors: %d\n", static_cast<long long>(r.otherAnswers),
                r.socketErrors);
    return r.otherAnswers == 0 && r.socketErrors == 0 && r.accepted > 0;
}

// 1a: the server on its own thread in this process.
bool inProcessThroughput(int connections, int seconds)
{
    QThread thread;
    thread.setObjectName(QStringLiteral("sandbox"));
    auto* sandbox = new SandboxServer; // deleted on its thread when the thread finishes
    sandbox->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, sandbox, &QObject::deleteLater);
    std::atomic<qint64> acceptedByServer{0};
    QObject::connect(
        sandbox, &SandboxServer::messageAccepted, sandbox, [&acceptedByServer] { ++acceptedByServer; },
        Qt::DirectConnection);
    thread.start();
    quint16 port = 0;
    QString error;
    QMetaObject::invokeMethod(
        sandbox,
        [&] {
            if (sandbox->listen(QHostAddress::LocalHost, 0, &error))
                port = sandbox->port();
        },
        Qt::BlockingQueuedConnection);
    if (port == 0) {
        std::printf("  the sandbox did not listen: %s\n", qPrintable(error));
        thread.quit();
        thread.wait();
        return false;
    }
    const LoadResult result = LoadClient(port, connections).run(1000, seconds * 1000);
    thread.quit();
    thread.wait();
    const bool ok = report("a) SandboxServer on its own thread, this process", result);
    std::printf("    the server signalled %lld accepted messages in all (warm-up included)\n",
                static_cast<long long>(acceptedByServer.load()));
    return ok;
}

// 1b: the `wa-composer sandbox` command.
bool commandThroughput(const QString& command, int connections, int seconds)
{
    QProcess process;
    process.setStandardOutputFile(QProcess::nullDevice());
    process.start(command,
                  {QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--json")});
    static const QRegularExpression listening(QStringLiteral(R"(Sandbox listening on http://127\.0\.0\.1:(\d+))"));
    QByteArray err;
    quint16 port = 0;
    QElapsedTimer timer;
    timer.start();
    while (port == 0 && timer.elapsed() < 10000 && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        err += process.readAllStandardError();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(err));
        if (match.hasMatch())
            port = quint16(match.captured(1).toUInt());
    }
    if (port == 0) {
        std::printf("  %s sandbox did not start: %s\n", qPrintable(command), err.constData());
        return false;
    }
    const LoadResult result = LoadClient(port, connections).run(1000, seconds * 1000);
    process.terminate();
    const bool stopped = process.waitForFinished(10000) && process.exitCode() == 0;
    if (!stopped)
        process.kill();
    const bool ok = report("b) the `wa-composer sandbox --json` process (log to /dev/null)", result);
    std::printf("    stopped on SIGTERM: %s\n", stopped ? "yes, exit 0" : "NO");
    return ok && stopped;
}

// 2: tap → webhook at the bot.
bool tapRoundTrip(int taps)
{
    constexpr int kWarmup = 50;
    const WebhookBusiness business{StatusScheduler::kDefaultWabaId, SandboxServer::kDefaultPhoneNumberId,
                                   SandboxServer::kDefaultDisplayPhoneNumber};
    const WebhookCustomer customer{QStringLiteral("16505551234"), QStringLiteral("Sheena Nelson")};
    const WebhookContext context{QStringLiteral("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA"), {}};

    // The action alone, without the network.
    std::vector<double> buildUs;
    for (int i = 0; i < 2000; ++i) {
        const Clock::time_point start = Clock::now();
        const BuiltWebhook built =
            WebhookPayloadBuilder::buttonReply(business, customer, context, QStringLiteral("slot-%1").arg(i),
                                               QStringLiteral("Tuesday 10:00"), ApiFamily::Cloud);
        const QByteArray signature = WebhookSignature::sign(built.body, kAppSecret);
        buildUs.push_back(msBetween(start, Clock::now()) * 1000.0);
        if (signature.size() != 71) // "sha256=" and 64 hex digits
            return false;
    }

    QThread thread;
    thread.setObjectName(QStringLiteral("bot"));
    auto* bot = new WebhookServer;
    bot->setAppSecret(kAppSecret);
    bot->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, bot, &QObject::deleteLater);
    std::mutex mutex;
    Clock::time_point receivedAt;
    QString receivedId;
    bool receivedValid = false;
    QObject::connect(
        bot, &WebhookServer::received, bot,
        [&](const ReceivedRequest& request, const QList<WebhookEvent>& events) {
            const Clock::time_point now = Clock::now();
            std::lock_guard<std::mutex> lock(mutex);
            receivedAt = now;
            receivedId = events.size() == 1 ? events.first().id : QString();
            receivedValid = request.signature == WebhookEvent::Signature::Valid && events.size() == 1 &&
                            events.first().kind == WebhookEvent::Kind::ButtonReply;
        },
        Qt::DirectConnection);
    thread.start();
    quint16 port = 0;
    QString error;
    QMetaObject::invokeMethod(
        bot,
        [&] {
            if (bot->listen(QHostAddress::LocalHost, 0, &error))
                port = bot->port();
        },
        Qt::BlockingQueuedConnection);
    if (port == 0) {
        std::printf("  the bot did not listen: %s\n", qPrintable(error));
        thread.quit();
        thread.wait();
        return false;
    }
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/webhook").arg(port));
    WebhookDeliverer deliverer;
    std::vector<double> toBotMs;
    std::vector<double> toAnswerMs;
    int failures = 0;
    int done = 0;
    QEventLoop loop;
    Clock::time_point tapStart;
    QString expectedId;
    std::function<void()> tap = [&] {
        tapStart = Clock::now();
        const BuiltWebhook built =
            WebhookPayloadBuilder::buttonReply(business, customer, context, QStringLiteral("slot-%1").arg(done),
                                               QStringLiteral("Tuesday 10:00"), ApiFamily::Cloud);
        expectedId = built.messageId;
        if (deliverer.deliver(url, built.body, kAppSecret) == 0) {
            ++failures;
            loop.quit();
        }
    };
    QObject::connect(&deliverer, &WebhookDeliverer::deliveryFinished, &loop, [&](const WebhookDeliveryResult& result) {
        const Clock::time_point answeredAt = Clock::now();
        Clock::time_point at;
        bool valid = false;
        {
            std::lock_guard<std::mutex> lock(mutex);
            at = receivedAt;
            valid = receivedValid && receivedId == expectedId;
        }
        if (!result.delivered || !valid) {
            ++failures;
            std::printf("  tap %d: %s\n", done,
                        result.delivered ? "the bot received something else" : qPrintable(result.error));
        } else if (done >= kWarmup) {
            toBotMs.push_back(msBetween(tapStart, at));
            toAnswerMs.push_back(msBetween(tapStart, answeredAt));
        }
        ++done;
        if (done == kWarmup + taps || failures > 0)
            loop.quit();
        else
            QTimer::singleShot(0, &loop, tap); // the next tap, after this one has ended
    });
    QTimer::singleShot(0, &loop, tap);
    QTimer::singleShot(120000, &loop, [&] {
        ++failures;
        loop.quit();
    });
    loop.exec();
    thread.quit();
    thread.wait();

    const double median = percentile(toBotMs, 50);
    std::printf("  build + sign (no network), 2000 times:   median %.1f µs, p90 %.1f µs\n", percentile(buildUs, 50),
                percentile(buildUs, 90));
    std::printf("  tap -> bot received and parsed it:       median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms"
                "   (target: median under 5 ms) %s\n",
                median, percentile(toBotMs, 90), percentile(toBotMs, 99), percentile(toBotMs, 100),
                median < 5.0 && !toBotMs.empty() ? "met" : "NOT met");
    std::printf("  tap -> the bot's 200 back at the sender: median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
                percentile(toAnswerMs, 50), percentile(toAnswerMs, 90), percentile(toAnswerMs, 99),
                percentile(toAnswerMs, 100));
    std::printf("  taps timed: %zu (after %d warm-up); failures: %d\n", toBotMs.size(), kWarmup, failures);
    return failures == 0 && int(toBotMs.size()) == taps;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Measured seconds of load."),
                                           QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"), QStringLiteral("Keep-alive connections."),
                                               QStringLiteral("C"), QStringLiteral("8"));
    const QCommandLineOption tapsOption(QStringLiteral("taps"), QStringLiteral("Timed taps."), QStringLiteral("N"),
                                        QStringLiteral("1000"));
    const QCommandLineOption commandOption(QStringLiteral("command"),
                                           QStringLiteral("Also load `PATH sandbox` (the wa-composer executable)."),
                                           QStringLiteral("PATH"));
    parser.addOptions({secondsOption, connectionsOption, tapsOption, commandOption});
    parser.process(app);
    const int seconds = parser.value(secondsOption).toInt();
    const int connections = parser.value(connectionsOption).toInt();
    const int taps = parser.value(tapsOption).toInt();
    if (seconds < 1 || seconds > 60 || connections < 1 || connections > 200 || taps < 1 || taps > 100000) {
        std::fprintf(stderr, "--seconds 1-60, --connections 1-200, --taps 1-100000\n");
        return 2;
    }

    std::printf("sandbox benchmark (%s build); nproc %u, load average %s\n", WA_BUILD_TYPE,
                std::thread::hardware_concurrency(), loadAverage().constData());
    std::printf("1. throughput: valid list messages (%lld bytes) over %d keep-alive connections, one in flight each, "
                "%d s after 1 s warm-up\n",
                static_cast<long long>(kListMessage.size()), connections, seconds);
    bool ok = inProcessThroughput(connections, seconds);
    if (parser.isSet(commandOption))
        ok = commandThroughput(parser.value(commandOption), connections, seconds) && ok;
    std::printf("2. tap to webhook: %d button replies, one after another, to the app's WebhookServer on its own "
                "thread (signature checked)\n",
                taps);
    ok = tapRoundTrip(taps) && ok;
    std::printf("load average after: %s\n", loadAverage().constData());
    return ok ? 0 : 1;
}
