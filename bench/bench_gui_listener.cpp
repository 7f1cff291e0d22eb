// Benchmark (not a unit test): the window's event loop while its webhook listener takes a load
// (issue 5: the window stays responsive). bench/listener_load.sh measures the windowless `listen`
// command; this measures the real MainWindow. Its listener answers in a thread of its own
// (ListenerThread); the GUI thread keeps what the load brings to the window: the console's live
// table, the chat's new bubbles, the history's statuses and the recipient's 24-hour-window note.
//
//   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-release --target wa_bench_gui_listener
//   QT_QPA_PLATFORM=offscreen build-release/bench/wa_bench_gui_listener [--seconds 5]
//       [--rates 500,1000,2000] [--connections 8] [--idle 3] [--recipient NUMBER|none] [--sample FILE]
//       [--tab preview|chat] [--bytes 1024]
//
// - QStandardPaths' test mode (the user's events, settings and keychain are not touched), a fresh
//   event store, the window at 1500×900, shown, with the listener on 127.0.0.1 (a free port) and a
//   known app secret. The composer holds its starter list message, to the sample's contact (whose
//   every message then moves the 24-hour-window note; --recipient changes it). --tab chat shows the
//   sandbox chat, where each message of the load becomes a bubble, instead of the phone preview.
// - A load generator in its own thread and event loop: N keep-alive QTcpSocket connections, one
//   request in flight on each, POSTing the Cloud API text sample (its message id made unique per
//   request, signed with X-Hub-Signature-256). Requests fall due at a fixed offered rate; one due
//   while every connection is busy waits for a free one (so a listener slower than
//   connections / latency caps the rate), and "from due" latency counts that wait where "from
//   write" does not. Those still waiting when the rate's time is up are not sent.
// - On the GUI thread, meanwhile: a 5 ms single-shot Qt::PreciseTimer, armed again at each timeout,
//   measures the loop's lateness (when it fired − when it was due). A repeating timer would not
//   do: Qt keeps its timeouts on a fixed grid, so a late one is followed by a short interval.
//   Every 100 ms a key press (a letter, then Backspace) goes into the composer's body editor and is
//   timed until the paints it asked for are done, as in bench_keystroke; a real keystroke would
//   also wait for the loop first, which the lateness column shows.
// - A first row with no load ("idle") gives the baseline: the probe and the keystrokes alone.
//
// Exit status 0 when the run completed (no target is enforced: the issue asks for "responsive");
// stalls longer than a 60 Hz frame (16.7 ms) are counted and the longest listed. 1 when the
// window, the listener or the load generator could not be set up; 2 for bad arguments.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QPlainTextEdit>
#include <QTableView>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include "ComposerDocument.h"
#include "ComposerForm.h"
#include "EventConsole.h"
#include "EventTableModel.h"
#include "FieldEditor.h"
#include "MainWindow.h"
#include "Message.h"
#include "ListenerThread.h"
#include "WebhookSignature.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kProbeIntervalMs = 5;
// The length of the load's message ids: "wamid.GUIBENCH." + an 8-character nonce + "." + a serial of
// about 5 digits.
constexpr qsizetype kLoadIdLength = 29;
constexpr int kKeystrokeIntervalMs = 100;
constexpr double kFrameMs = 1000.0 / 60.0;
constexpr int kConnectTimeoutMs = 5000;
constexpr int kDrainTimeoutMs = 10000; // for the answers still in flight when a rate's time is up
constexpr int kSettleMs = 500;         // between rates, for the store's last commits and the table
const QByteArray kAppSecret = QByteArrayLiteral("gui-listener-bench-app-secret");

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return std::nan("");
    std::sort(values.begin(), values.end());
    const size_t index =
        std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5));
    return values[index];
}

// What one offered rate gave, as the load generator saw it.
struct LoadResult
{
    int offered = 0;     // requests per second
    int due = 0;         // fell due within the rate's time
    int sent = 0;        // written to a connection
    int ok = 0;          // answered 200 within the rate's time
    int okAfter = 0;     // answered 200 after it (in flight at its end)
    int otherStatus = 0; // answered with another status
    int errors = 0;      // a connection lost with a request in flight, or an answer that does not parse
    int notSent = 0;     // still waiting for a free connection when the time was up
    int unanswered = 0;  // in flight when the drain timed out
    double seconds = 0;
    std::vector<double> fromWriteMs; // written → answered
    std::vector<double> fromDueMs;   // due → answered (includes the wait for a free connection)
};

// The load: N keep-alive connections to the listener, one request in flight on each. Lives in its
// own thread; every function runs there.
class LoadGenerator : public QObject
{
public:
    LoadGenerator(quint16 port, int connections, QByteArray bodyTemplate, QByteArray sampleId)
        : m_port(port)
        , m_connections(static_cast<size_t>(connections))
        , m_template(std::move(bodyTemplate))
        , m_sampleId(std::move(sampleId))
        , m_nonce(QByteArray::number(QDateTime::currentMSecsSinceEpoch(), 36))
    {
    }

    // Opens the connections; `done` gets an empty string once all are connected, else why not.
    void open(std::function<void(QString)> done)
    {
        m_opened = std::move(done);
        m_tick = new QTimer(this);
        m_tick->setTimerType(Qt::PreciseTimer);
        m_tick->setInterval(1);
        connect(m_tick, &QTimer::timeout, this, &LoadGenerator::tick);
        m_drainDeadline = new QTimer(this);
        m_drainDeadline->setSingleShot(true);
        connect(m_drainDeadline, &QTimer::timeout, this, [this] { finishIfDone(true); });
        for (size_t i = 0; i < m_connections.size(); ++i)
            connectOne(i);
        QTimer::singleShot(kConnectTimeoutMs, this, [this] {
            if (m_opened)
                std::exchange(m_opened,
                              nullptr)(QStringLiteral("could not connect %1 sockets to 127.0.0.1:%2 within %3 ms")
                                           .arg(m_connections.size())
                                           .arg(m_port)
                                           .arg(kConnectTimeoutMs));
        });
    }

    // Signs the requests of one rate ahead of its time, so that the load is not slowed by them.
    void prepare(int rate, int seconds, std::function<void(int)> done)
    {
        const int count = rate * seconds;
        m_requests.clear();
        m_requests.reserve(static_cast<size_t>(count));
        for (int i = 0; i < count; ++i) {
            const QByteArray id = QByteArrayLiteral("wamid.GUIBENCH.") + m_nonce + '.' + QByteArray::number(m_serial++);
            const QByteArray body = QByteArray(m_template).replace(m_sampleId, id);
            m_requests.push_back(
                QByteArrayLiteral("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:") + QByteArray::number(m_port) +
                QByteArrayLiteral("\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ") +
                wa::WebhookSignature::sign(body, kAppSecret) + QByteArrayLiteral("\r\nContent-Length: ") +
                QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body);
        }
        done(count);
    }

    // Offers `rate` requests per second for `seconds`, then waits for the answers in flight.
    void run(int rate, int seconds, std::function<void(LoadResult)> done)
    {
        m_result = LoadResult();
        m_result.offered = rate;
        m_rate = rate;
        m_finished = std::move(done);
        m_waiting.clear();
        m_nextDue = 0;
        m_inWindow = true;
        m_start = Clock::now();
        m_end = m_start + std::chrono::seconds(seconds);
        m_tick->start();
        tick();
    }

    void close()
    {
        m_closing = true;
        m_tick->stop();
        for (Connection& c : m_connections) {
            if (c.socket) {
                c.socket->disconnect(this);
                c.socket->abort();
            }
        }
    }

private:
    struct Connection
    {
        QTcpSocket* socket = nullptr;
        QByteArray received;
        bool connected = false;
        int request = -1; // the index of the request in flight
        Clock::time_point writtenAt;
    };

    void connectOne(size_t i)
    {
        Connection& c = m_connections[i];
        if (c.socket)
            c.socket->deleteLater();
        c = Connection();
        c.socket = new QTcpSocket(this);
        connect(c.socket, &QTcpSocket::connected, this, [this, i] {
            Connection& connection = m_connections[i];
            connection.connected = true;
            connection.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            if (m_opened && std::all_of(m_connections.begin(), m_connections.end(),
                                        [](const Connection& other) { return other.connected; }))
                std::exchange(m_opened, nullptr)(QString());
            dispatch();
        });
        connect(c.socket, &QTcpSocket::readyRead, this, [this, i] { read(i); });
        connect(c.socket, &QTcpSocket::disconnected, this, [this, i] { lost(i); });
        connect(c.socket, &QTcpSocket::errorOccurred, this, [this, i] { lost(i); });
        c.socket->connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
    }

    // A connection closed (the listener's idle timeout, Connection: close) or failed: the request
    // in flight counts as an error, and a new connection is opened.
    void lost(size_t i)
    {
        Connection& c = m_connections[i];
        if (!c.socket || m_closing)
            return;
        if (c.request >= 0) {
            ++m_result.errors;
            --m_inFlight;
        }
        c.request = -1;
        c.connected = false;
        c.socket->disconnect(this);
        QTimer::singleShot(20, this, [this, i] {
            if (!m_closing)
                connectOne(i);
        });
        finishIfDone(false);
    }

    void tick()
    {
        const Clock::time_point now = Clock::now();
        if (m_inWindow) {
            const int total = static_cast<int>(m_requests.size());
            const double elapsed = std::chrono::duration<double>(now - m_start).count();
            const int due = std::min(total, static_cast<int>(elapsed * m_rate) + 1);
            while (m_nextDue < due)
                m_waiting.push_back(m_nextDue++);
            if (now >= m_end) {
                m_inWindow = false;
                m_tick->stop();
                m_result.due = m_nextDue;
                m_result.notSent = static_cast<int>(m_waiting.size());
                m_waiting.clear();
                m_drainDeadline->start(kDrainTimeoutMs);
            }
        }
        dispatch();
        finishIfDone(false);
    }

    Clock::time_point dueAt(int index) const
    {
        return m_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(index / m_rate));
    }

    void dispatch()
    {
        for (Connection& c : m_connections) {
            if (m_waiting.empty())
                return;
            if (!c.connected || c.request >= 0)
                continue;
            c.request = m_waiting.front();
            m_waiting.pop_front();
            c.writtenAt = Clock::now();
            c.socket->write(m_requests[static_cast<size_t>(c.request)]);
            ++m_result.sent;
            ++m_inFlight;
        }
    }

    // Reads the answers: status line, headers, a body of Content-Length bytes.
    void read(size_t i)
    {
        Connection& c = m_connections[i];
        c.received += c.socket->readAll();
        for (;;) {
            const qsizetype headerEnd = c.received.indexOf("\r\n\r\n");
            if (headerEnd < 0)
                break; // the rest of the answer is still to come
            const QList<QByteArray> lines = c.received.left(headerEnd).split('\n');
            const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
            bool statusOk = false;
            const int status = statusLine.value(1).toInt(&statusOk);
            qsizetype length = 0;
            bool closes = false;
            for (const QByteArray& line : lines) {
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                if (name == "content-length")
                    length = line.mid(colon + 1).trimmed().toLongLong();
                else if (name == "connection")
                    closes = line.mid(colon + 1).trimmed().toLower() == "close";
            }
            if (c.received.size() < headerEnd + 4 + length)
                break;
            c.received.remove(0, headerEnd + 4 + length);
            const Clock::time_point now = Clock::now();
            if (c.request >= 0) {
                --m_inFlight;
                m_result.fromWriteMs.push_back(msBetween(c.writtenAt, now));
                m_result.fromDueMs.push_back(msBetween(dueAt(c.request), now));
                if (!statusOk || status < 100)
                    ++m_result.errors;
                else if (status != 200)
                    ++m_result.otherStatus;
                else if (now <= m_end)
                    ++m_result.ok;
                else
                    ++m_result.okAfter;
                c.request = -1;
            }
            if (closes) {
                c.connected = false; // lost() opens a new one when the listener has closed it
                break;
            }
        }
        dispatch();
        finishIfDone(false);
    }

    void finishIfDone(bool deadline)
    {
        if (!m_finished || m_inWindow || (m_inFlight > 0 && !deadline))
            return;
        m_drainDeadline->stop();
        m_result.unanswered = m_inFlight;
        m_result.seconds = std::chrono::duration<double>(m_end - m_start).count();
        std::exchange(m_finished, nullptr)(m_result);
    }

    const quint16 m_port;
    std::vector<Connection> m_connections; // sized once: the lambdas hold indexes into it
    const QByteArray m_template;
    const QByteArray m_sampleId;
    const QByteArray m_nonce; // message ids differ from one run to the next too
    qint64 m_serial = 0;
    std::vector<QByteArray> m_requests;
    std::deque<int> m_waiting; // due, not written yet
    QTimer* m_tick = nullptr;
    QTimer* m_drainDeadline = nullptr;
    std::function<void(QString)> m_opened;
    std::function<void(LoadResult)> m_finished;
    LoadResult m_result;
    double m_rate = 0;
    int m_nextDue = 0;
    int m_inFlight = 0;
    bool m_inWindow = false;
    bool m_closing = false;
    Clock::time_point m_start;
    Clock::time_point m_end;
};

// Runs `work` in the generator's thread and waits for its answer in an event loop of this (the
// GUI) thread, so the window goes on working meanwhile; nullopt when it did not answer in time.
template <typename T>
std::optional<T> callAndWait(LoadGenerator* generator, int timeoutMs,
                             std::function<void(LoadGenerator*, std::function<void(T)>)> work)
{
    struct State
    {
        std::optional<T> value;
        QEventLoop* loop = nullptr;
    };
    auto state = std::make_shared<State>();
    QEventLoop loop;
    state->loop = &loop;
    QMetaObject::invokeMethod(generator, [generator, state, work] {
        work(generator, [state](T value) {
            // qApp outlives every call; the state says whether anyone still waits
            QMetaObject::invokeMethod(qApp, [state, value = std::move(value)] {
                state->value = value;
                if (state->loop)
                    state->loop->quit();
            });
        });
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    state->loop = nullptr;
    return state->value;
}

void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// What the GUI thread saw during one rate.
struct GuiResult
{
    std::vector<double> latenessMs;
    std::vector<double> keystrokeMs;
    std::vector<std::pair<double, double>> stalls; // (seconds into the rate, lateness ms) over a frame
};

// Measures the GUI thread for `seconds` while `startLoad` (called once the probes run) lasts; the
// load's result comes through `loadDone`, which this waits for too.
GuiResult measure(QPlainTextEdit* body, int seconds, const std::function<void()>& startLoad,
                  const std::function<bool()>& loadDone)
{
    GuiResult gui;
    const Clock::time_point start = Clock::now();
    Clock::time_point armed = start;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setSingleShot(true);
    probe.setInterval(kProbeIntervalMs);
    QObject::connect(&probe, &QTimer::timeout, &probe, [&] {
        const Clock::time_point now = Clock::now();
        const double late = msBetween(armed, now) - kProbeIntervalMs;
        gui.latenessMs.push_back(late);
        if (late > kFrameMs)
            gui.stalls.emplace_back(msBetween(start, now) / 1000.0, late);
        armed = Clock::now();
        probe.start();
    });
    QTimer keys;
    keys.setTimerType(Qt::PreciseTimer);
    keys.setInterval(kKeystrokeIntervalMs);
    int keystroke = 0;
    QObject::connect(&keys, &QTimer::timeout, &keys, [&] {
        // a letter, then Backspace, so that the body stays as it was
        const bool letter = keystroke++ % 2 == 0;
        QKeyEvent press(QEvent::KeyPress, letter ? Qt::Key_A : Qt::Key_Backspace, Qt::NoModifier,
                        letter ? QStringLiteral("a") : QString());
        const Clock::time_point pressed = Clock::now();
        QApplication::sendEvent(body, &press);
        QApplication::processEvents(); // delivers the update requests: the paints (and whatever else is pending)
        gui.keystrokeMs.push_back(msBetween(pressed, Clock::now()));
    });
    QEventLoop loop;
    bool timeUp = false;
    QTimer::singleShot(seconds * 1000, &loop, [&] {
        probe.stop();
        keys.stop();
        timeUp = true;
        loop.quit();
    });
    armed = Clock::now();
    probe.start();
    keys.start();
    startLoad();
    loop.exec();
    // The load's answers still in flight; the window keeps working, unmeasured.
    while (timeUp && !loadDone())
        wait(10);
    return gui;
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().split(' ').mid(0, 3).join(' '));
}

// VmRSS and VmHWM of this process, in MB ("?" when /proc says nothing).
QString memoryUse()
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    QString rss = QStringLiteral("?");
    QString peak = QStringLiteral("?");
    for (const QByteArray& line : file.readAll().split('\n')) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() >= 2 && (parts.first() == "VmRSS:" || parts.first() == "VmHWM:"))
            (parts.first() == "VmRSS:" ? rss : peak) = QString::number(parts.at(1).toDouble() / 1024.0, 'f', 1);
    }
    return QStringLiteral("RSS %1 MB (peak %2 MB)").arg(rss, peak);
}

QString fixed(double value, int decimals = 2)
{
    return std::isnan(value) ? QStringLiteral("-") : QString::number(value, 'f', decimals);
}

// The text sample and its message id (which each request replaces with its own).
bool loadSample(const QString& fileName, int bytes, QByteArray* body, QByteArray* id, QString* error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString());
        return false;
    }
    *body = file.readAll();
    const QJsonObject message =
        QJsonDocument::fromJson(*body)
            .object()
            .value(QStringLiteral(
                "entry"))[0][QStringLiteral("changes")][0][QStringLiteral("value")][QStringLiteral("messages")][0]
            .toObject();
    *id = message.value(QStringLiteral("id")).toString().toUtf8();
    if (id->isEmpty() || body->count(*id) != 1) {
        *error = QStringLiteral("%1: expected one messages[0].id to replace").arg(fileName);
        return false;
    }
    // The load is 1 KB bodies: the customer's text is lengthened with words (ASCII, nothing
    // to escape) until a body with the load's ids weighs `bytes`.
    const QByteArray text = message.value(QStringLiteral("text"))[QStringLiteral("body")].toString().toUtf8();
    const qsizetype grow = bytes - (body->size() - id->size() + kLoadIdLength);
    if (bytes > 0 && grow > 0) {
        if (text.isEmpty() || body->count('"' + text + '"') != 1) {
            *error =
                QStringLiteral("%1: --bytes needs a text message (messages[0].text.body) to lengthen").arg(fileName);
            return false;
        }
        QByteArray padding;
        while (padding.size() < grow)
            padding += QByteArrayLiteral(" and in a larger size");
        padding.truncate(grow);
        body->replace('"' + text + '"', '"' + text + padding + '"');
    }
    return true;
}

bool parsePositive(const QString& text, int max, int* value)
{
    bool ok = false;
    *value = text.toInt(&ok);
    return ok && *value >= 1 && *value <= max;
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Test mode, and names of its own: the events, settings and recovery file go to a folder of
    // this benchmark under ~/.qttest, never the user's (nor the tests').
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wa-composer-bench"));
    QCoreApplication::setApplicationName(QStringLiteral("wa_bench_gui_listener"));
    QApplication app(argc, argv);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The window's event loop while its webhook listener takes a load."));
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Seconds per rate (1-60)."),
                                           QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption ratesOption(QStringLiteral("rates"),
                                         QStringLiteral("Offered rates, requests/s, comma-separated (1-20000 each)."),
                                         QStringLiteral("LIST"), QStringLiteral("500,1000,2000"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
                                               QStringLiteral("Keep-alive connections (1-64)."), QStringLiteral("N"),
                                               QStringLiteral("8"));
    const QCommandLineOption idleOption(QStringLiteral("idle"),
                                        QStringLiteral("Seconds measured with no load first (0-60; 0: none)."),
                                        QStringLiteral("S"), QStringLiteral("3"));
    const QCommandLineOption sampleOption(QStringLiteral("sample"), QStringLiteral("The webhook body to send."),
                                          QStringLiteral("FILE"),
                                          QStringLiteral(WA_SAMPLES_DIR) + QStringLiteral("/webhooks/cloud-text.json"));
    const QCommandLineOption recipientOption(
        QStringLiteral("recipient"),
        QStringLiteral("The composer's recipient (default: the starter's, the sample's contact); \"none\" clears it, "
                       "and with it the 24-hour-window look-up each commit causes."),
        QStringLiteral("NUMBER"));
    const QCommandLineOption bytesOption(
        QStringLiteral("bytes"),
        QStringLiteral("Body size: the sample's text is lengthened to make bodies of about this many bytes "
                       "(0: the sample as it is)."),
        QStringLiteral("N"), QStringLiteral("1024"));
    const QCommandLineOption tabOption(
        QStringLiteral("tab"),
        QStringLiteral("The preview tab shown: \"preview\" (the composer's phone, the default) or \"chat\" (the "
                       "sandbox chat, where every customer message of the load becomes a bubble)."),
        QStringLiteral("TAB"), QStringLiteral("preview"));
    parser.addOptions({secondsOption, ratesOption, connectionsOption, idleOption, sampleOption, recipientOption,
                       tabOption, bytesOption});
    parser.process(app);
    int seconds = 0;
    int connections = 0;
    int idleSeconds = 0;
    if (!parsePositive(parser.value(secondsOption), 60, &seconds) ||
        !parsePositive(parser.value(connectionsOption), 64, &connections) ||
        !(parser.value(idleOption) == QLatin1String("0") ||
          parsePositive(parser.value(idleOption), 60, &idleSeconds))) {
        std::fprintf(stderr, "--seconds takes 1-60, --connections 1-64, --idle 0-60\n");
        return 2;
    }
    bool bytesOk = false;
    const int bytes = parser.value(bytesOption).toInt(&bytesOk);
    if (!bytesOk || bytes < 0 || bytes > 1024 * 1024) {
        std::fprintf(stderr, "--bytes takes 0-1048576\n");
        return 2;
    }
    std::vector<int> rates;
    for (const QString& item : parser.value(ratesOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        int rate = 0;
        if (!parsePositive(item.trimmed(), 20000, &rate)) {
            std::fprintf(stderr, "not a rate of 1-20000 requests/s: \"%s\"\n", qPrintable(item));
            return 2;
        }
        rates.push_back(rate);
    }
    QByteArray bodyTemplate;
    QByteArray sampleId;
    QString error;
    if (!loadSample(parser.value(sampleOption), bytes, &bodyTemplate, &sampleId, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }

    // A fresh store each run, so that runs compare (the folder is this benchmark's own).
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dataDir.contains(QLatin1String("qttest")))
        QDir(dataDir).removeRecursively();

    struct Row
    {
        LoadResult load;
        GuiResult gui;
        int eventsShown = 0; // rows the console's table gained
    };
    std::vector<Row> rows;
    quint16 port = 0;
    QString recipient;
    QString shownTab;
    int storedEvents = 0;
    QString memoryAfter;
    const QString loadBefore = loadAverage();
    {
        MainWindow window;
        window.resize(1500, 900);
        window.show();
        wait(300); // the first layouts and paints, the JSON pane
        window.setAppSecret(QString::fromUtf8(kAppSecret));
        if (!window.startListening(0, &error)) {
            std::fprintf(stderr, "the listener did not start: %s\n", qPrintable(error));
            return 1;
        }
        port = window.listener()->port();
        if (parser.isSet(recipientOption)) {
            wa::Message message = window.document()->message();
            const QString recipient = parser.value(recipientOption);
            message.to = recipient == QLatin1String("none") ? std::nullopt : std::optional<QString>(recipient);
            window.document()->setMessage(message);
        }
        recipient = window.document()->message().to.value_or(QStringLiteral("none"));
        const QString tab = parser.value(tabOption);
        if (tab != QLatin1String("preview") && tab != QLatin1String("chat")) {
            std::fprintf(stderr, "--tab: \"preview\" or \"chat\", not \"%s\"\n", qPrintable(tab));
            return 2;
        }
        window.previewTabs()->setCurrentIndex(tab == QLatin1String("chat") ? window.previewTabs()->count() - 1 : 0);
        shownTab = window.previewTabs()->tabText(window.previewTabs()->currentIndex());
        QPlainTextEdit* body = window.form()->bodyEditor()->multiLineInput();
        body->setFocus();
        body->moveCursor(QTextCursor::End);
        wa::EventTableModel* table = window.console()->model();

        QThread thread;
        thread.setObjectName(QStringLiteral("load generator"));
        auto* generator = new LoadGenerator(port, connections, bodyTemplate, sampleId);
        generator->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, generator, &QObject::deleteLater);
        thread.start();
        const auto stop = [&] {
            QMetaObject::invokeMethod(
                generator, [generator] { generator->close(); }, Qt::BlockingQueuedConnection);
            thread.quit();
            thread.wait();
        };
        const std::optional<QString> opened =
            callAndWait<QString>(generator, kConnectTimeoutMs + 1000,
                                 [](LoadGenerator* g, std::function<void(QString)> done) { g->open(std::move(done)); });
        if (!opened || !opened->isEmpty()) {
            std::fprintf(stderr, "the load generator: %s\n", opened ? qPrintable(*opened) : "no answer");
            stop();
            return 1;
        }

        if (idleSeconds > 0) {
            Row row;
            row.gui = measure(
                body, idleSeconds, [] {}, [] { return true; });
            row.load.seconds = idleSeconds;
            rows.push_back(std::move(row));
        }
        for (int rate : rates) {
            const std::optional<int> prepared =
                callAndWait<int>(generator, 60000, [rate, seconds](LoadGenerator* g, std::function<void(int)> done) {
                    g->prepare(rate, seconds, std::move(done));
                });
            if (!prepared) {
                std::fprintf(stderr, "the load generator did not prepare its requests\n");
                stop();
                return 1;
            }
            const int rowsBefore = table->rowCount();
            auto result = std::make_shared<std::optional<LoadResult>>();
            Row row;
            row.gui = measure(
                body, seconds,
                [&, result, rate] {
                    QMetaObject::invokeMethod(generator, [generator, result, rate, seconds] {
                        generator->run(rate, seconds, [result](LoadResult r) {
                            QMetaObject::invokeMethod(qApp, [result, r = std::move(r)] { *result = r; });
                        });
                    });
                },
                [result] { return result->has_value(); });
            row.load = std::move(**result);
            wait(kSettleMs); // the last commits reach the table before the next rate
            row.eventsShown = table->rowCount() - rowsBefore;
            rows.push_back(std::move(row));
        }
        stop();
        // What the user saw at the end, for a look (as the tests' WA_SCREENSHOTS grabs).
        if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS"))
            window.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") +
                               QStringLiteral("/gui-listener-%1.png").arg(tab));
        // The whole app's memory with what the runs stored, the console scrolled to its newest.
        window.console()->table()->scrollToBottom();
        wait(kSettleMs);
        storedEvents = table->rowCount();
        memoryAfter = memoryUse();
        window.document()->setModified(false);
    }
    const QString loadAfter = loadAverage();
    if (dataDir.contains(QLatin1String("qttest")))
        QDir(dataDir).removeRecursively();

    std::printf(
        "wa_bench_gui_listener (%s build): MainWindow 1500x900 (%s), its listener on 127.0.0.1:%u, %d keep-alive "
        "connections\n",
        WA_BUILD_TYPE, qPrintable(QGuiApplication::platformName()), port, connections);
    std::printf(
        "  POSTs of %s (about %d bytes, a unique message id each, signed), %d s per rate; nproc %d, load average "
        "%s before, %s after\n",
        qPrintable(QFileInfo(parser.value(sampleOption)).fileName()),
        static_cast<int>(bodyTemplate.size() - sampleId.size() + kLoadIdLength), seconds, QThread::idealThreadCount(),
        qPrintable(loadBefore), qPrintable(loadAfter));
    std::printf("  GUI thread: %d ms precise single-shot probe (lateness = fired - due); a keystroke into the body "
                "every %d ms, timed until painted; the composer's recipient: %s; the tab shown: %s\n",
                kProbeIntervalMs, kKeystrokeIntervalMs, qPrintable(recipient), qPrintable(shownTab));
    std::printf("  memory at the end, with %d events in the store and the console at its newest: %s\n\n", storedEvents,
                qPrintable(memoryAfter));
    std::printf("%-8s | %7s %7s %7s %7s | %8s %8s %8s %8s | %8s %8s %8s %6s | %8s %8s\n", "offered", "200/s", "write",
                "write", "due", "not", "200s", "events", "errors/", "loop", "loop", "loop", "stalls", "keystr.",
                "keystr.");
    std::printf("%-8s | %7s %7s %7s %7s | %8s %8s %8s %8s | %8s %8s %8s %6s | %8s %8s\n", "req/s", "", "p50 ms",
                "p99 ms", "p99 ms", "sent", "in time", "shown", "non-200", "p50 ms", "p99 ms", "max ms", ">16.7",
                "p50 ms", "p90 ms");
    for (const Row& row : rows) {
        const GuiResult& gui = row.gui;
        const LoadResult& load = row.load;
        const bool idle = load.offered == 0;
        const double lateMax =
            gui.latenessMs.empty() ? std::nan("") : *std::max_element(gui.latenessMs.begin(), gui.latenessMs.end());
        std::printf(
            "%-8s | %7s %7s %7s %7s | %8s %8s %8s %8s | %8s %8s %8s %6d | %8s %8s\n",
            idle ? "idle" : qPrintable(QString::number(load.offered)),
            idle ? "-" : qPrintable(fixed(load.ok / load.seconds, 0)),
            qPrintable(fixed(percentile(load.fromWriteMs, 0.5))), qPrintable(fixed(percentile(load.fromWriteMs, 0.99))),
            qPrintable(fixed(percentile(load.fromDueMs, 0.99))), idle ? "-" : qPrintable(QString::number(load.notSent)),
            idle ? "-" : qPrintable(QString::number(load.ok)),
            idle ? "-" : qPrintable(QString::number(row.eventsShown)),
            idle ? "-" : qPrintable(QString::number(load.errors + load.otherStatus + load.unanswered)),
            qPrintable(fixed(percentile(gui.latenessMs, 0.5))), qPrintable(fixed(percentile(gui.latenessMs, 0.99))),
            qPrintable(fixed(lateMax)), static_cast<int>(gui.stalls.size()),
            qPrintable(fixed(percentile(gui.keystrokeMs, 0.5))), qPrintable(fixed(percentile(gui.keystrokeMs, 0.9))));
    }
    std::printf("\n  200/s: answers 200 received within the rate's seconds, per second. write p50/p99: from the "
                "request's write to its answer;\n  due p99: from when it fell due (adds the wait for a free "
                "connection). not sent: due, but no connection was free when the\n  time was up. events shown: rows "
                "the console's table gained. loop: the probe's lateness; stalls: samples later than a\n  frame. "
                "keystroke: key press until its paints are done (what was pending in the loop included).\n");
    for (size_t i = 0; i < rows.size(); ++i) {
        const Row& row = rows[i];
        const GuiResult& gui = row.gui;
        // the row's number too: a rate may be asked more than once (to see the store grow)
        const QString name =
            QStringLiteral("row %1, ").arg(i + 1) +
            (row.load.offered == 0 ? QStringLiteral("idle") : QStringLiteral("%1/s").arg(row.load.offered));
        if (row.load.offered > 0)
            std::printf(
                "  %s: due %d, sent %d, 200 in time %d, 200 after %d, other status %d, errors %d, unanswered %d; "
                "%d probe samples, %d keystrokes\n",
                qPrintable(name), row.load.due, row.load.sent, row.load.ok, row.load.okAfter, row.load.otherStatus,
                row.load.errors, row.load.unanswered, static_cast<int>(gui.latenessMs.size()),
                static_cast<int>(gui.keystrokeMs.size()));
        if (gui.stalls.empty())
            continue;
        std::vector<std::pair<double, double>> longest = gui.stalls;
        std::sort(longest.begin(), longest.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        QStringList listed;
        double stalled = 0;
        for (const auto& stall : gui.stalls)
            stalled += stall.second;
        for (size_t k = 0; k < std::min<size_t>(8, longest.size()); ++k)
            listed << QStringLiteral("%1 ms at %2 s").arg(fixed(longest[k].second, 1), fixed(longest[k].first, 2));
        std::printf("    %s: %d stalls over a frame (16.7 ms), %.0f ms late in all; longest: %s\n", qPrintable(name),
                    static_cast<int>(gui.stalls.size()), stalled, qPrintable(listed.join(QStringLiteral(", "))));
    }
    return 0;
}
