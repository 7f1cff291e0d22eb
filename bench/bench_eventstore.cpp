// Benchmark (not a unit test): the webhook event store with 100,000 events.
//
//   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release --target bench
//   ./build-release/bench/wa_bench_eventstore [EVENTS] [DIR]   (DIR: where to make the databases, kept)
//
// 1. Acknowledgement latency and batch commits, in both durability modes: one request enqueued
//    alone until its callback; 256 one-event requests enqueued together until the last callback.
// 2. Throughput: EVENTS (default 100,000) events from ~1 KB webhook bodies (parsed by
//    WebhookEventParser beforehand, in chunks, outside the timing) enqueued as fast as the store
//    takes them; events committed per second. A smaller run with synchronous = FULL for comparison.
// 3. The console's reads over those events: count() and fetch() of the first and the last page of
//    100 with filters by kind, contact and text; median of 5 runs each (target: under 100 ms).
// 4. The process's resident memory (target: under 300 MB with 100,000 stored events).
//
// Exit status 0 when the run completed and every event was stored; the targets are reported,
// not enforced.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "EventStore.h"
#include "WebhookEventParser.h"

using namespace wa;
using Clock = std::chrono::steady_clock;
using Kind = WebhookEvent::Kind;

namespace {

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

double percentile90(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[(values.size() * 9 + 9) / 10 - 1];
}

// VmRSS and VmHWM from /proc/self/status, in MB.
void memory(double* rss, double* peak)
{
    QFile status(QStringLiteral("/proc/self/status"));
    *rss = *peak = 0;
    if (!status.open(QIODevice::ReadOnly))
        return;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray& line : lines) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() >= 2 && parts.at(0) == "VmRSS:")
            *rss = parts.at(1).toDouble() / 1024.0;
        if (parts.size() >= 2 && parts.at(0) == "VmHWM:")
            *peak = parts.at(1).toDouble() / 1024.0;
    }
}

// Webhook bodies as Meta sends them, about 1 KB each: text messages (40%), statuses of our
// messages (sent, delivered, read: 40%), button and list replies (15%), locations (5%); 1,000
// contacts; every 100th request a retry of an earlier one (a duplicate).
class Generator
{
public:
    static constexpr int kContacts = 1000;

    QByteArray next()
    {
        ++m_count;
        if (m_count % 100 == 0 && !m_sent.empty())
            return m_sent[m_rng() % m_sent.size()];
        const int pick = static_cast<int>(m_rng() % 100);
        QByteArray body;
        if (pick < 40)
            body = message(QByteArrayLiteral("\"type\":\"text\",\"text\":{\"body\":\"") + words(110) + "\"}");
        else if (pick < 80)
            body = status();
        else if (pick < 90)
            body = message(QByteArrayLiteral("\"type\":\"interactive\",\"interactive\":{\"type\":\"button_reply\","
                                             "\"button_reply\":{\"id\":\"btn-") +
                           QByteArray::number(pick) + "\",\"title\":\"" + words(3) + "\"}}");
        else if (pick < 95)
            body = message(QByteArrayLiteral("\"type\":\"interactive\",\"interactive\":{\"type\":\"list_reply\","
                                             "\"list_reply\":{\"id\":\"row-") +
                           QByteArray::number(pick) + "\",\"title\":\"" + words(3) + "\",\"description\":\"" +
                           words(12) + "\"}}");
        else
            body = message(QByteArrayLiteral("\"type\":\"location\",\"location\":{\"latitude\":37.4") +
                           QByteArray::number(m_rng() % 10000) + ",\"longitude\":-122.1" +
                           QByteArray::number(m_rng() % 10000) + ",\"name\":\"" + words(4) + "\",\"address\":\"" +
                           words(10) + "\"}");
        if (m_sent.size() < 1000)
            m_sent.push_back(body);
        else
            m_sent[m_rng() % m_sent.size()] = body;
        return body;
    }

    QString contact(int index) const { return QStringLiteral("1650555%1").arg(index, 4, 10, QLatin1Char('0')); }

private:
    QByteArray word()
    {
        static const char* const syllables[] = {"ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "an", "el",
                                                "or", "us", "ve", "da", "gu", "ri", "zo",  "be", "fa", "qi"};
        // Some words people search for: common ("deliver", ~2% of texts), rare ("refund", ~0.05%).
        const unsigned roll = m_rng() % 10000;
        if (roll < 35)
            return QByteArrayLiteral("deliver");
        if (roll == 35)
            return QByteArrayLiteral("refund");
        if (roll < 50)
            return QByteArrayLiteral("你好世界，谢谢");
        QByteArray w;
        const int n = 2 + static_cast<int>(m_rng() % 3);
        for (int i = 0; i < n; ++i)
            w += syllables[m_rng() % 20];
        return w;
    }

    QByteArray words(int n)
    {
        QByteArray out;
        for (int i = 0; i < n; ++i) {
            if (i)
                out += ' ';
            out += word();
        }
        return out;
    }

    QByteArray wrap(int contact, const QByteArray& part)
    {
        const QByteArray id = QByteArray::number(contact);
        return QByteArrayLiteral("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
                                 "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                                 "\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":"
                                 "\"106540352242922\"},") +
               part + "}}]}]}";
    }

    QByteArray message(const QByteArray& content)
    {
        const int contact = static_cast<int>(m_rng() % kContacts);
        const QByteArray wa = this->contact(contact).toLatin1();
        const QByteArray id =
            "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMx" + QByteArray::number(++m_ids);
        return wrap(contact, "\"contacts\":[{\"profile\":{\"name\":\"" + words(2) + "\"},\"wa_id\":\"" + wa +
                                 "\"}],\"messages\":[{\"from\":\"" + wa + "\",\"id\":\"" + id +
                                 "\",\"timestamp\":\"1750030074\"," + content + "}]");
    }

    QByteArray status()
    {
        // Three statuses per message of ours, in order.
        static const char* const states[] = {"sent", "delivered", "read"};
        if (m_statusStep % 3 == 0) {
            m_outbound = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkU3NTFDNTQ5QzY1OTk5MTIA" + QByteArray::number(++m_ids);
            m_outboundContact = static_cast<int>(m_rng() % kContacts);
        }
        const char* state = states[m_statusStep++ % 3];
        const QByteArray wa = contact(m_outboundContact).toLatin1();
        return wrap(m_outboundContact,
                    "\"statuses\":[{\"id\":\"" + m_outbound + "\",\"status\":\"" + state +
                        "\",\"timestamp\":\"1750030074\",\"recipient_id\":\"" + wa +
                        "\",\"conversation\":{\"id\":\"CONVERSATION_ID_" + QByteArray::number(m_ids) +
                        "\",\"expiration_timestamp\":\"1750116474\",\"origin\":{\"type\":\"service\"}},"
                        "\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"service\"},"
                        "\"biz_opaque_callback_data\":\"" +
                        words(70) + "\"}]");
    }

    std::mt19937 m_rng{42};
    long long m_count = 0;
    long long m_ids = 0;
    int m_statusStep = 0;
    QByteArray m_outbound;
    int m_outboundContact = 0;
    std::vector<QByteArray> m_sent;
};

struct Prepared
{
    StoredRequest request;
    QList<WebhookEvent> events;
};

std::vector<Prepared> prepare(Generator& generator, int requests, qint64* bytes)
{
    std::vector<Prepared> out;
    out.reserve(requests);
    for (int i = 0; i < requests; ++i) {
        Prepared p;
        p.request.receivedAt = 1750030074000 + i;
        p.request.method = "POST";
        p.request.target = "/webhook";
        p.request.body = generator.next();
        p.request.headers = {{"Host", "127.0.0.1:8765"},
                             {"Content-Type", "application/json"},
                             {"X-Hub-Signature-256", "sha256=" + QByteArray(64, 'a')}};
        p.request.signature = WebhookEvent::Signature::Valid;
        p.request.statusCode = 200;
        p.request.remoteAddress = QStringLiteral("127.0.0.1");
        p.events = WebhookEventParser::parse(p.request.body).events;
        for (WebhookEvent& e : p.events)
            e.signature = WebhookEvent::Signature::Valid;
        *bytes += p.request.body.size();
        out.push_back(std::move(p));
    }
    return out;
}

struct Throughput
{
    int requests = 0;
    int events = 0;
    int stored = 0;
    int duplicates = 0;
    double seconds = 0;
    double enqueueSeconds = 0; // in enqueue() itself, on the caller's thread
    qint64 bodyBytes = 0;
};

// Enqueues `total` requests, in chunks prepared outside the timing, each chunk as fast as
// enqueue() takes it; the time runs from the first enqueue of a chunk to its last callback.
Throughput fill(EventStore& store, int total)
{
    constexpr int kChunk = 10000;
    Generator generator;
    Throughput t;
    while (t.requests < total) {
        const int n = qMin(kChunk, total - t.requests);
        std::vector<Prepared> chunk = prepare(generator, n, &t.bodyBytes);
        const auto start = Clock::now();
        double enqueueing = 0;
        for (Prepared& p : chunk) {
            const auto call = Clock::now();
            t.events += static_cast<int>(p.events.size());
            store.enqueue(std::move(p.request), std::move(p.events), [&t](bool ok, QList<WebhookEvent> stored) {
                if (!ok)
                    return;
                t.stored += static_cast<int>(stored.size());
                for (const WebhookEvent& e : stored)
                    t.duplicates += e.duplicate ? 1 : 0;
            });
            enqueueing += std::chrono::duration<double>(Clock::now() - call).count();
        }
        t.enqueueSeconds += enqueueing;
        // The writer has been committing since the first enqueue; flush() waits for the rest.
        store.flush();
        t.seconds += std::chrono::duration<double>(Clock::now() - start).count();
        t.requests += n;
    }
    return t;
}

StoredRequest smallRequest(int i)
{
    StoredRequest r;
    r.receivedAt = 1750030074000 + i;
    r.method = "POST";
    r.target = "/webhook";
    r.body = QByteArrayLiteral("{\"object\":\"whatsapp_business_account\",\"n\":") + QByteArray::number(i) + '}';
    r.statusCode = 200;
    return r;
}

WebhookEvent smallEvent(int i)
{
    WebhookEvent e;
    e.kind = Kind::Text;
    e.id = QStringLiteral("wamid.small-%1").arg(i);
    e.contact = QStringLiteral("16505551234");
    e.summary = QStringLiteral("Text: hello %1").arg(i);
    e.fields = QJsonObject{{QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), e.summary}}}};
    e.payload = QJsonObject{{QStringLiteral("id"), e.id}, {QStringLiteral("type"), QStringLiteral("text")}};
    return e;
}

// Acknowledgement latency: one request alone, and a batch of 256, each until the last callback.
void latencies(EventStore::Durability durability, const QString& dir)
{
    EventStore store;
    store.setDurability(durability);
    QString error;
    if (!store.open(
            QDir(dir).filePath(
                QStringLiteral("latency-%1.sqlite").arg(durability == EventStore::Durability::PowerLoss ? 1 : 0)),
            &error)) {
        std::printf("cannot open: %s\n", qPrintable(error));
        return;
    }
    int serial = 0;
    std::vector<double> single;
    std::vector<double> batch;
    for (int round = 0; round < 40; ++round) {
        bool done = false;
        auto start = Clock::now();
        store.enqueue(smallRequest(serial), {smallEvent(serial)}, [&done](bool ok, QList<WebhookEvent>) { done = ok; });
        ++serial;
        while (!done)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        single.push_back(msSince(start));

        int left = EventStore::kMaxBatchRequests;
        start = Clock::now();
        for (int i = 0; i < EventStore::kMaxBatchRequests; ++i, ++serial)
            store.enqueue(smallRequest(serial), {smallEvent(serial)}, [&left](bool, QList<WebhookEvent>) { --left; });
        store.flush();
        batch.push_back(msSince(start));
        if (left != 0)
            std::printf("  !! %d callbacks missing\n", left);
    }
    std::printf("  %-28s one request alone: median %6.3f ms, p90 %6.3f ms;  256 requests: median %6.2f ms, p90 %6.2f "
                "ms\n",
                durability == EventStore::Durability::PowerLoss ? "synchronous = FULL:" : "synchronous = NORMAL:",
                median(single), percentile90(single), median(batch), percentile90(batch));
}

struct Query
{
    const char* name;
    EventFilter filter;
};

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int total = args.size() > 1 ? args.at(1).toInt() : 100000;
    QTemporaryDir temporary(args.size() > 2 ? QDir(args.at(2)).filePath(QStringLiteral("wa-bench-XXXXXX"))
                                            : QDir::temp().filePath(QStringLiteral("wa-bench-XXXXXX")));
    temporary.setAutoRemove(args.size() <= 2); // a DIR given keeps the databases for a look
    if (!temporary.isValid() || total <= 0) {
        std::printf("usage: wa_bench_eventstore [EVENTS] [DIR]\n");
        return 2;
    }
#ifdef QT_DEBUG
    std::printf("warning: a debug build; measure a Release build\n");
#endif
    std::printf("wa_bench_eventstore: %d requests, database in %s\n\n", total, qPrintable(temporary.path()));

    std::printf("acknowledgement latency (small one-event requests, 40 rounds; batch = 256 enqueued at once):\n");
    latencies(EventStore::Durability::ProcessCrash, temporary.path());
    latencies(EventStore::Durability::PowerLoss, temporary.path());

    // The same requests into a new file in each mode, for a fair comparison.
    const int comparison = qMin(total, 20000);
    std::printf("\nthroughput, %d requests into a new file:\n", comparison);
    for (const auto durability : {EventStore::Durability::ProcessCrash, EventStore::Durability::PowerLoss}) {
        const bool full = durability == EventStore::Durability::PowerLoss;
        EventStore store;
        store.setDurability(durability);
        if (!store.open(QDir(temporary.path())
                            .filePath(full ? QStringLiteral("full.sqlite") : QStringLiteral("normal.sqlite")))) {
            std::printf("cannot open the database\n");
            return 1;
        }
        const Throughput t = fill(store, comparison);
        std::printf("  %-28s %.0f events/s committed (%.2f s)\n",
                    full ? "synchronous = FULL:" : "synchronous = NORMAL:", t.stored / t.seconds, t.seconds);
    }

    EventStore store;
    // WA_BENCH_NO_FTS=1: the store without its FTS5 index (text searched with LIKE), for comparison.
    store.setFullTextIndexEnabled(qEnvironmentVariableIsEmpty("WA_BENCH_NO_FTS"));
    QString error;
    const QString path = QDir(temporary.path()).filePath(QStringLiteral("events.sqlite"));
    if (!store.open(path, &error)) {
        std::printf("cannot open: %s\n", qPrintable(error));
        return 1;
    }
    const Throughput t = fill(store, total);
    std::printf("\nthroughput, synchronous = NORMAL, %d requests (bodies %.0f bytes on average): %d events, %d "
                "stored, %d duplicates marked, %.2f s -> %.0f events/s committed\n",
                t.requests, static_cast<double>(t.bodyBytes) / t.requests, t.events, t.stored, t.duplicates, t.seconds,
                t.stored / t.seconds);
    std::printf("  enqueue() on the caller's thread: %.2f µs a request on average\n",
                1e6 * t.enqueueSeconds / t.requests);
    std::printf("  file: %.1f MB (+ WAL %.1f MB); FTS5 index: %s\n", QFileInfo(path).size() / 1048576.0,
                QFileInfo(path + QStringLiteral("-wal")).size() / 1048576.0, store.hasFullTextIndex() ? "yes" : "no");

    double rss = 0;
    double peak = 0;
    memory(&rss, &peak);
    std::printf("  memory after storing: RSS %.1f MB (peak %.1f MB, includes a 10,000-request chunk prepared in "
                "memory)\n\n",
                rss, peak);

    Generator names;
    const QString someone = names.contact(7);
    std::vector<Query> queries;
    queries.push_back({"everything", {}});
    queries.push_back({"kind: status", {{Kind::Status}, {}, {}}});
    queries.push_back({"kinds: button + list reply", {{Kind::ButtonReply, Kind::ListReply}, {}, {}}});
    queries.push_back({"contact", {{}, someone, {}}});
    queries.push_back({"contact + kind text", {{Kind::Text}, someone, {}}});
    queries.push_back({"text: common word", {{}, {}, QStringLiteral("deliver")}});
    queries.push_back({"text: rare word", {{}, {}, QStringLiteral("refund")}});
    queries.push_back({"text: two words", {{}, {}, QStringLiteral("deliver kalo")}});
    queries.push_back({"text: CJK, 4 chars", {{}, {}, QStringLiteral("世界，谢")}});
    queries.push_back({"text: CJK, 2 chars (LIKE)", {{}, {}, QStringLiteral("你好")}});
    queries.push_back({"text: 2 chars (LIKE)", {{}, {}, QStringLiteral("zq")}});
    queries.push_back({"text: no match", {{}, {}, QStringLiteral("xyzzy")}});
    queries.push_back({"kind + contact + text", {{Kind::Text}, someone, QStringLiteral("ka")}});

    // The store keeps the ids of the last filter asked: count() of a new filter finds them all,
    // and every fetch() of it, and count() again, only add what was committed since. Each run
    // first asks another filter, so that "count" is the cost of a new filter.
    EventFilter other;
    other.contact = QStringLiteral("nobody");
    std::printf("console reads over %d events (median of 5, ms; a page is 100 events):\n", store.count({}));
    std::printf("  %-28s %8s %11s %11s %11s %15s\n", "filter", "matches", "new filter", "first page", "last page",
                "new + last page");
    std::printf("  %-28s %8s %11s %11s %11s %15s\n", "", "", "(count)", "", "", "");
    double worst = 0;
    for (const Query& q : queries) {
        std::vector<double> counts;
        std::vector<double> firsts;
        std::vector<double> lasts;
        int matches = 0;
        for (int run = 0; run < 5; ++run) {
            store.count(other);
            auto start = Clock::now();
            matches = store.count(q.filter);
            counts.push_back(msSince(start));
            start = Clock::now();
            const QList<StoredEvent> first = store.fetch(q.filter, 0, 100);
            firsts.push_back(msSince(start));
            start = Clock::now();
            const QList<StoredEvent> last = store.fetch(q.filter, qMax(0, matches - 100), 100);
            lasts.push_back(msSince(start));
            if (first.size() != qMin(100, matches) || last.size() != qMin(100, matches))
                std::printf("  !! %s: pages of %lld and %lld for %d matches\n", q.name,
                            static_cast<long long>(first.size()), static_cast<long long>(last.size()), matches);
        }
        const double sum = median(counts) + median(lasts);
        worst = qMax(worst, sum);
        std::printf("  %-28s %8d %11.2f %11.2f %11.2f %15.2f\n", q.name, matches, median(counts), median(firsts),
                    median(lasts), sum);
    }
    std::printf("target: filtering %d events under 100 ms (a new filter: count + the last page): %s (worst %.1f ms)\n",
                store.count({}), worst < 100 ? "met" : "NOT MET", worst);

    memory(&rss, &peak);
    std::printf("\nmemory with %d stored events, after the reads: RSS %.1f MB (target under 300 MB: %s)\n",
                store.count({}), rss, rss < 300 ? "met" : "NOT MET");

    if (args.size() > 2)
        return t.stored == t.events ? 0 : 1; // keep the data
    // clear() returns at once; the writer thread deletes, and cleared() follows.
    bool cleared = false;
    QObject::connect(&store, &EventStore::cleared, &store, [&cleared] { cleared = true; });
    const auto start = Clock::now();
    store.clear();
    const double returned = msSince(start);
    while (!cleared)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    std::printf("clear(): returned after %.3f ms; cleared() after %.0f ms; %d events left\n", returned, msSince(start),
                store.count({}));
    return t.stored == t.events ? 0 : 1;
}
