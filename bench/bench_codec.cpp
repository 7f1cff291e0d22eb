// Benchmark (not a unit test): parse + validate + serialize of the largest legal list message,
// and a count of the heap allocations Validator::validate makes, to show they do not grow with
// the length of the text.
//
//   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release --target bench
//   ./build-release/bench/wa_bench [ITERATIONS]
//
// Exit status: 0 when the message validates without errors and validation allocates the same
// number of times for short and long text; 1 otherwise. The speed target (median under 50 µs) is
// reported, not enforced: it depends on the machine.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <tuple>
#include <vector>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include "Finding.h"
#include "MessageCodec.h"
#include "Validator.h"

// --- counting allocations -------------------------------------------------------------------------
//
// Global operator new/delete are replaced (in this executable only) by versions that count while
// `g_counting` is on. Qt's containers (QString, QByteArray, QList) allocate through malloc and
// realloc rather than operator new, so with glibc the malloc family is counted too; otherwise a
// QString growing one character at a time would go unseen.

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_news{0};     // operator new / new[] calls
std::atomic<long> g_mallocs{0};  // malloc, calloc, and realloc calls
std::atomic<long> g_releases{0}; // operator delete and free calls of non-null pointers

struct AllocationCount
{
    long news = 0;
    long mallocs = 0;
    long releases = 0;

    long total() const { return news + mallocs; }
    bool operator==(const AllocationCount& o) const { return news == o.news && mallocs == o.mallocs; }
    bool operator!=(const AllocationCount& o) const { return !(*this == o); }
};

} // namespace

// Define WA_BENCH_NO_MALLOC_COUNT to count operator new only (to see what the malloc wrappers cost).
#if defined(__GLIBC__) && !defined(WA_BENCH_NO_MALLOC_COUNT)
extern "C" {
void* __libc_malloc(std::size_t size) noexcept;
void* __libc_calloc(std::size_t count, std::size_t size) noexcept;
void* __libc_realloc(void* pointer, std::size_t size) noexcept;
void* __libc_memalign(std::size_t alignment, std::size_t size) noexcept;
void __libc_free(void* pointer) noexcept;

void* malloc(std::size_t size) noexcept
{
    if (g_counting.load(std::memory_order_relaxed))
        g_mallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(size);
}

void* calloc(std::size_t count, std::size_t size) noexcept
{
    if (g_counting.load(std::memory_order_relaxed))
        g_mallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) noexcept
{
    if (g_counting.load(std::memory_order_relaxed))
        g_mallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(pointer, size);
}

void free(void* pointer) noexcept
{
    if (pointer && g_counting.load(std::memory_order_relaxed))
        g_releases.fetch_add(1, std::memory_order_relaxed);
    __libc_free(pointer);
}
} // extern "C"

namespace {
constexpr bool kCountsMalloc = true;
void* rawAllocate(std::size_t size)
{
    return __libc_malloc(size == 0 ? 1 : size);
}
void* rawAllocateAligned(std::size_t size, std::size_t alignment)
{
    return __libc_memalign(alignment, size == 0 ? 1 : size);
}
void rawFree(void* pointer)
{
    __libc_free(pointer);
}
} // namespace
#else
namespace {
constexpr bool kCountsMalloc = false;
void* rawAllocate(std::size_t size)
{
    return std::malloc(size == 0 ? 1 : size);
}
void* rawAllocateAligned(std::size_t size, std::size_t alignment)
{
    // aligned_alloc wants a multiple of the alignment.
    return std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}
void rawFree(void* pointer)
{
    std::free(pointer);
}
} // namespace
#endif

namespace {

void* countedNew(std::size_t size)
{
    if (g_counting.load(std::memory_order_relaxed))
        g_news.fetch_add(1, std::memory_order_relaxed);
    return rawAllocate(size);
}

void* countedNewAligned(std::size_t size, std::align_val_t alignment)
{
    if (g_counting.load(std::memory_order_relaxed))
        g_news.fetch_add(1, std::memory_order_relaxed);
    return rawAllocateAligned(size, static_cast<std::size_t>(alignment));
}

void countedDelete(void* pointer) noexcept
{
    if (pointer && g_counting.load(std::memory_order_relaxed))
        g_releases.fetch_add(1, std::memory_order_relaxed);
    rawFree(pointer);
}

} // namespace

void* operator new(std::size_t size)
{
    if (void* p = countedNew(size))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size)
{
    if (void* p = countedNew(size))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
    return countedNew(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept
{
    return countedNew(size);
}
void* operator new(std::size_t size, std::align_val_t alignment)
{
    if (void* p = countedNewAligned(size, alignment))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment)
{
    if (void* p = countedNewAligned(size, alignment))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept
{
    return countedNewAligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept
{
    return countedNewAligned(size, alignment);
}
void operator delete(void* pointer) noexcept
{
    countedDelete(pointer);
}
void operator delete[](void* pointer) noexcept
{
    countedDelete(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept
{
    countedDelete(pointer);
}
void operator delete[](void* pointer, std::size_t) noexcept
{
    countedDelete(pointer);
}
void operator delete(void* pointer, const std::nothrow_t&) noexcept
{
    countedDelete(pointer);
}
void operator delete[](void* pointer, const std::nothrow_t&) noexcept
{
    countedDelete(pointer);
}
void operator delete(void* pointer, std::align_val_t) noexcept
{
    countedDelete(pointer);
}
void operator delete[](void* pointer, std::align_val_t) noexcept
{
    countedDelete(pointer);
}
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept
{
    countedDelete(pointer);
}
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept
{
    countedDelete(pointer);
}
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept
{
    countedDelete(pointer);
}
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept
{
    countedDelete(pointer);
}

namespace {

// --- the message ----------------------------------------------------------------------------------

// Exactly `length` characters (ASCII, so code points = UTF-16 units = bytes): `prefix`, then a
// sentence repeated. No white space at either end.
QString text(const QString& prefix, int length)
{
    static const QString filler = QStringLiteral("Fresh noodles, slow braised beef and crisp greens daily. ");
    QString out = prefix;
    while (out.size() < length)
        out += filler;
    out.truncate(length);
    while (out.endsWith(QLatin1Char(' ')))
        out[out.size() - 1] = QLatin1Char('x');
    return out;
}

// A list message with 10 sections of 1 row; every other field at its limit (interactive-messages.md
// §2 list): header 60, body `bodyLength`, footer 60, button 20, section titles 24, row ids 200,
// row titles 24, row descriptions `descriptionLength`. Ids and titles are unique.
QByteArray listMessage(int bodyLength, int descriptionLength)
{
    QJsonArray sections;
    for (int i = 0; i < 10; ++i) {
        const QString n = QStringLiteral("%1").arg(i, 2, 10, QLatin1Char('0'));
        QJsonObject row{
            {QStringLiteral("id"), text(QStringLiteral("row-%1-").arg(n), 200)},
            {QStringLiteral("title"), text(QStringLiteral("Dish %1 ").arg(n), 24)},
            {QStringLiteral("description"), text(QStringLiteral("%1 ").arg(n), descriptionLength)},
        };
        sections.append(QJsonObject{
            {QStringLiteral("title"), text(QStringLiteral("Section %1 ").arg(n), 24)},
            {QStringLiteral("rows"), QJsonArray{row}},
        });
    }
    const QJsonObject interactive{
        {QStringLiteral("type"), QStringLiteral("list")},
        {QStringLiteral("header"), QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                               {QStringLiteral("text"), text(QStringLiteral("Header "), 60)}}},
        {QStringLiteral("body"), QJsonObject{{QStringLiteral("text"), text(QStringLiteral("Body "), bodyLength)}}},
        {QStringLiteral("footer"), QJsonObject{{QStringLiteral("text"), text(QStringLiteral("Footer "), 60)}}},
        {QStringLiteral("action"), QJsonObject{{QStringLiteral("button"), text(QStringLiteral("Menu "), 20)},
                                               {QStringLiteral("sections"), sections}}},
    };
    const QJsonObject message{
        {QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
        {QStringLiteral("recipient_type"), QStringLiteral("individual")},
        {QStringLiteral("to"), QStringLiteral("16505551234")},
        {QStringLiteral("type"), QStringLiteral("interactive")},
        {QStringLiteral("interactive"), interactive},
    };
    return QJsonDocument(message).toJson(QJsonDocument::Compact);
}

void printFindings(const QList<wa::Finding>& findings)
{
    for (const wa::Finding& f : findings)
        std::printf("    %s %s %s: %s\n", qPrintable(wa::severityName(f.severity)), qPrintable(f.code),
                    qPrintable(f.path), qPrintable(f.message));
}

// The findings a message at these lengths must have: none, except the list body's legacy-length
// warning above 1024 characters (interactive-messages.md §2 list, **Decision**).
bool findingsAsExpected(const QList<wa::Finding>& findings, int bodyLength)
{
    if (wa::hasErrors(findings))
        return false;
    if (bodyLength <= 1024)
        return findings.isEmpty();
    return findings.size() == 1 && findings.first().code == QLatin1String("body_legacy_length") &&
           findings.first().severity == wa::Severity::Warning;
}

// --- statistics -----------------------------------------------------------------------------------

struct Stats
{
    double median = 0;
    double p90 = 0;
    double min = 0;
};

// Nanoseconds in, microseconds out. p90 by nearest rank.
Stats stats(std::vector<long long> samples)
{
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    Stats s;
    s.min = samples.front() / 1000.0;
    s.median = (n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2.0) / 1000.0;
    const size_t rank = (n * 9 + 9) / 10; // ceil(0.9 n)
    s.p90 = samples[std::min(n, std::max<size_t>(rank, 1)) - 1] / 1000.0;
    return s;
}

// --- allocations of Validator::validate -----------------------------------------------------------

struct Variant
{
    const char* name;
    int bodyLength;
    int descriptionLength;
};

AllocationCount validationAllocations(const Variant& v, int* findingCount)
{
    const wa::DecodeResult decoded = wa::MessageCodec::decode(listMessage(v.bodyLength, v.descriptionLength));
    if (!decoded.ok()) {
        std::printf("  %s: does not decode: %s\n", v.name, qPrintable(decoded.error.message));
        std::exit(1);
    }
    const wa::Message& message = *decoded.message;
    // Once before counting, for anything done on first use only (static tables, hash seeds).
    (void)wa::Validator::validate(message);

    g_news = 0;
    g_mallocs = 0;
    g_releases = 0;
    g_counting = true;
    QList<wa::Finding> findings = wa::Validator::validate(message);
    g_counting = false;
    AllocationCount count{g_news.load(), g_mallocs.load(), g_releases.load()};
    *findingCount = static_cast<int>(findings.size());
    if (!findingsAsExpected(findings, v.bodyLength)) {
        std::printf("  %s: unexpected findings:\n", v.name);
        printFindings(findings);
        std::exit(1);
    }
    return count;
}

// Compares two variants; returns whether their counts are equal.
bool compareAllocations(const Variant& a, const Variant& b)
{
    int findingsA = 0;
    int findingsB = 0;
    const AllocationCount countA = validationAllocations(a, &findingsA);
    const AllocationCount countB = validationAllocations(b, &findingsB);
    for (const auto& [v, c, f] : {std::tuple(a, countA, findingsA), std::tuple(b, countB, findingsB)}) {
        std::printf("  %-34s body %4d, descriptions %2d chars, %d finding%s: %3ld allocations "
                    "(operator new %ld, malloc/realloc %ld; %ld released)\n",
                    v.name, v.bodyLength, v.descriptionLength, f, f == 1 ? " " : "s", c.total(), c.news, c.mallocs,
                    c.releases);
    }
    const bool equal = countA == countB;
    std::printf("  -> %s\n", equal ? "equal" : (findingsA == findingsB ? "DIFFERENT" : "different"));
    return equal;
}

} // namespace

int main(int argc, char* argv[])
{
    const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20000;
    const int warmup = std::max(100, iterations / 10);

    std::printf("wa_bench: parse + validate + serialize of the largest legal list message\n");
#if defined(WA_BUILD_TYPE)
    std::printf("build type: %s\n", WA_BUILD_TYPE);
#endif
#if !defined(NDEBUG)
    std::printf("WARNING: assertions are on (not a Release build); the figures mean little.\n");
#endif

    // The message, checked before it is timed.
    const QByteArray bytes = listMessage(4096, 72);
    std::printf("message: %lld bytes of JSON; header 60, body 4096, footer 60, button 20 chars; "
                "10 sections (title 24) x 1 row (id 200, title 24, description 72)\n",
                static_cast<long long>(bytes.size()));
    const wa::DecodeResult checked = wa::MessageCodec::decode(bytes);
    if (!checked.ok()) {
        std::printf("FAIL: the message does not decode: %s\n", qPrintable(checked.error.message));
        return 1;
    }
    const QList<wa::Finding> findings = wa::Validator::validate(*checked.message);
    std::printf("findings: %lld\n", static_cast<long long>(findings.size()));
    printFindings(findings);
    if (!findingsAsExpected(findings, 4096)) {
        std::printf("FAIL: expected no errors and only the body_legacy_length warning\n");
        return 1;
    }
    const QByteArray encoded = wa::MessageCodec::encode(*checked.message, wa::ApiFamily::Cloud, QJsonDocument::Compact);
    if (QJsonDocument::fromJson(encoded).object() != QJsonDocument::fromJson(bytes).object()) {
        std::printf("FAIL: encoding the decoded message does not give the same JSON back\n");
        return 1;
    }

    // Timing: each iteration decodes, validates and encodes; every phase is timed on its own.
    using Clock = std::chrono::steady_clock;
    std::vector<long long> total;
    std::vector<long long> decodeTimes;
    std::vector<long long> validateTimes;
    std::vector<long long> encodeTimes;
    total.reserve(static_cast<size_t>(iterations));
    decodeTimes.reserve(static_cast<size_t>(iterations));
    validateTimes.reserve(static_cast<size_t>(iterations));
    encodeTimes.reserve(static_cast<size_t>(iterations));
    qsizetype sink = 0; // keeps the work observable
    const auto ns = [](Clock::duration d) {
        return static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
    };
    for (int i = -warmup; i < iterations; ++i) {
        const Clock::time_point t0 = Clock::now();
        const wa::DecodeResult decoded = wa::MessageCodec::decode(bytes);
        const Clock::time_point t1 = Clock::now();
        const QList<wa::Finding> f = wa::Validator::validate(*decoded.message);
        const Clock::time_point t2 = Clock::now();
        const QByteArray out = wa::MessageCodec::encode(*decoded.message, wa::ApiFamily::Cloud, QJsonDocument::Compact);
        const Clock::time_point t3 = Clock::now();
        sink += f.size() + out.size();
        if (i < 0)
            continue;
        total.push_back(ns(t3 - t0));
        decodeTimes.push_back(ns(t1 - t0));
        validateTimes.push_back(ns(t2 - t1));
        encodeTimes.push_back(ns(t3 - t2));
    }
    const Stats all = stats(total);
    const Stats d = stats(decodeTimes);
    const Stats v = stats(validateTimes);
    const Stats e = stats(encodeTimes);
    std::printf("\niterations: %d (after %d warm-up), steady_clock, one thread\n", iterations, warmup);
    std::printf("  %-28s %10s %10s %10s\n", "phase", "median µs", "p90 µs", "min µs");
    std::printf("  %-28s %10.2f %10.2f %10.2f\n", "decode + validate + encode", all.median, all.p90, all.min);
    std::printf("  %-28s %10.2f %10.2f %10.2f\n", "  MessageCodec::decode", d.median, d.p90, d.min);
    std::printf("  %-28s %10.2f %10.2f %10.2f\n", "  Validator::validate", v.median, v.p90, v.min);
    std::printf("  %-28s %10.2f %10.2f %10.2f\n", "  MessageCodec::encode", e.median, e.p90, e.min);
    std::printf("target: median under 50 µs: %s (%.2f µs)\n", all.median < 50.0 ? "met" : "NOT MET", all.median);

    // Where the time goes: the codec's two halves each split into Qt's JSON work and the codec's own.
    const QJsonObject parsed = QJsonDocument::fromJson(bytes).object();
    const wa::Message model = wa::MessageCodec::fromJson(parsed);
    const QJsonObject written = wa::MessageCodec::toJson(model, wa::ApiFamily::Cloud);
    const auto timeMedian = [&](auto&& work) {
        std::vector<long long> samples;
        samples.reserve(static_cast<size_t>(iterations));
        for (int i = -warmup; i < iterations; ++i) {
            const Clock::time_point t0 = Clock::now();
            sink += work();
            const Clock::time_point t1 = Clock::now();
            if (i >= 0)
                samples.push_back(ns(t1 - t0));
        }
        return stats(std::move(samples)).median;
    };
    const double parse = timeMedian([&] { return QJsonDocument::fromJson(bytes).object().size(); });
    const double read = timeMedian([&] { return wa::MessageCodec::fromJson(parsed).extra.size(); });
    const double write = timeMedian([&] { return wa::MessageCodec::toJson(model, wa::ApiFamily::Cloud).size(); });
    const double serialize = timeMedian([&] { return QJsonDocument(written).toJson(QJsonDocument::Compact).size(); });
    std::printf("\nthe codec's halves, each timed on its own (median µs)\n");
    std::printf("  %-52s %8.2f\n", "decode: QJsonDocument::fromJson (Qt parses the bytes)", parse);
    std::printf("  %-52s %8.2f\n", "decode: MessageCodec::fromJson (QJsonObject -> model)", read);
    std::printf("  %-52s %8.2f\n", "encode: MessageCodec::toJson (model -> QJsonObject)", write);
    std::printf("  %-52s %8.2f\n", "encode: QJsonDocument::toJson (Qt writes the bytes)", serialize);

    // How many allocations one iteration makes, phase by phase (the allocator is a large part of the time).
    const auto countAllocations = [](auto&& work) {
        g_news = 0;
        g_mallocs = 0;
        g_counting = true;
        work();
        g_counting = false;
        return AllocationCount{g_news.load(), g_mallocs.load(), 0};
    };
    std::optional<wa::DecodeResult> decodedOnce;
    const AllocationCount decodeCount = countAllocations([&] { decodedOnce = wa::MessageCodec::decode(bytes); });
    QList<wa::Finding> findingsOnce;
    const AllocationCount validateCount =
        countAllocations([&] { findingsOnce = wa::Validator::validate(*decodedOnce->message); });
    QByteArray encodedOnce;
    const AllocationCount encodeCount = countAllocations([&] {
        encodedOnce = wa::MessageCodec::encode(*decodedOnce->message, wa::ApiFamily::Cloud, QJsonDocument::Compact);
    });
    sink += findingsOnce.size() + encodedOnce.size();
    QJsonObject objectOnce;
    const AllocationCount toJsonCount =
        countAllocations([&] { objectOnce = wa::MessageCodec::toJson(*decodedOnce->message, wa::ApiFamily::Cloud); });
    const AllocationCount writeCount =
        countAllocations([&] { encodedOnce = QJsonDocument(objectOnce).toJson(QJsonDocument::Compact); });
    const AllocationCount parseCount = countAllocations([&] { objectOnce = QJsonDocument::fromJson(bytes).object(); });
    std::printf("\nheap allocations in one iteration: %ld (decode %ld, validate %ld, encode %ld; "
                "operator new %ld, malloc/realloc %ld)\n",
                decodeCount.total() + validateCount.total() + encodeCount.total(), decodeCount.total(),
                validateCount.total(), encodeCount.total(), decodeCount.news + validateCount.news + encodeCount.news,
                decodeCount.mallocs + validateCount.mallocs + encodeCount.mallocs);
    std::printf("  of which QJsonDocument::fromJson %ld, MessageCodec::toJson %ld, QJsonDocument::toJson %ld\n",
                parseCount.total(), toJsonCount.total(), writeCount.total());
    if (sink == 0)
        std::printf("(sink %lld)\n", static_cast<long long>(sink));

    // Allocations of Validator::validate alone, for short and long text.
    std::printf("\nheap allocations in one Validator::validate call (%s)\n",
                kCountsMalloc ? "operator new and the malloc family" : "operator new only");
    const Variant shortText{"10-char body, 1-char descriptions", 10, 1};
    const Variant longText{"4096-char body, 72-char descr.", 4096, 72};
    const Variant longNoWarning{"1024-char body, 72-char descr.", 1024, 72};
    const Variant shortWarned{"1025-char body, 1-char descr.", 1025, 1};

    // The instrument first: work that does grow with the text must show up in the counts.
    const auto appendAllocations = [](int length) {
        g_news = 0;
        g_mallocs = 0;
        g_counting = true;
        QString grown;
        for (int i = 0; i < length; ++i)
            grown += QLatin1Char('x');
        std::vector<char> bytes;
        for (int i = 0; i < length; ++i)
            bytes.push_back('x');
        g_counting = false;
        return AllocationCount{g_news.load(), g_mallocs.load(), 0};
    };
    const AllocationCount grow10 = appendAllocations(10);
    const AllocationCount grow4096 = appendAllocations(4096);
    std::printf("counter check: appending 10 vs 4096 characters one at a time to a QString and a std::vector: "
                "operator new %ld vs %ld, malloc/realloc %ld vs %ld\n",
                grow10.news, grow4096.news, grow10.mallocs, grow4096.mallocs);
    if (grow10.news >= grow4096.news || (kCountsMalloc && grow10.mallocs >= grow4096.mallocs)) {
        std::printf("FAIL: the allocation counter does not see allocations that grow with the text\n");
        return 1;
    }
    std::printf("as asked (the 4096-char body adds the body_legacy_length warning, so one finding more):\n");
    compareAllocations(shortText, longText);
    std::printf("the same findings, short and long text (these must be equal):\n");
    bool ok = compareAllocations(shortText, longNoWarning);
    ok = compareAllocations(shortWarned, longText) && ok;
    if (!ok) {
        std::printf("FAIL: Validator::validate allocates more for longer text\n");
        return 1;
    }
    std::printf("validation allocations do not depend on the length of the text\n");
    return 0;
}
