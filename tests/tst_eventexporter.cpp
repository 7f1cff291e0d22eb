#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "EventExporter.h"
#include "EventStore.h"

using namespace wa;

namespace {

// Stores `count` events in one batch each of 500: every third a status, the others texts.
bool fill(EventStore& store, int count)
{
    bool ok = true;
    for (int first = 0; first < count; first += 500) {
        for (int i = first; i < std::min(count, first + 500); ++i) {
            WebhookEvent e;
            e.kind = i % 3 == 0 ? WebhookEvent::Kind::Status : WebhookEvent::Kind::Text;
            e.id = QStringLiteral("wamid.export.%1").arg(i);
            e.contact = QStringLiteral("16505551234");
            e.summary = QStringLiteral("event %1").arg(i);
            if (e.kind == WebhookEvent::Kind::Status)
                e.fields.insert(QStringLiteral("status"), QStringLiteral("delivered"));
            StoredRequest request;
            request.method = "POST";
            request.target = "/webhook";
            request.body = "{}";
            request.statusCode = 200;
            store.enqueue(request, {e}, [&ok](bool stored, const QList<WebhookEvent>&) { ok = ok && stored; });
        }
        ok = store.flush() && ok;
    }
    return ok;
}

QList<QByteArray> linesOf(const QString& fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

class TestEventExporter : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void exportsWhatTheFilterShows_data();
    void exportsWhatTheFilterShows();
    void inItsOwnThread();
    void cancelLeavesTheFileAsItWas();
    void errorsNameWhatIsWrong_data();
    void errorsNameWhatIsWrong();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<EventStore> m_store;
    QString storePath() const { return m_dir->filePath(QStringLiteral("events.sqlite")); }
    QString out() const { return m_dir->filePath(QStringLiteral("out.jsonl")); }
};

void TestEventExporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<EventStore>();
    QString error;
    QVERIFY2(m_store->open(storePath(), &error), qPrintable(error));
    QVERIFY(fill(*m_store, 2500));
}

void TestEventExporter::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestEventExporter::exportsWhatTheFilterShows_data()
{
    QTest::addColumn<QList<int>>("kinds"); // empty: all
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("firstId");
    QTest::newRow("everything") << QList<int>{} << 2500 << QStringLiteral("wamid.export.0");
    QTest::newRow("statuses") << QList<int>{int(WebhookEvent::Kind::Status)} << 834 << QStringLiteral("wamid.export.0");
    QTest::newRow("texts") << QList<int>{int(WebhookEvent::Kind::Text)} << 1666 << QStringLiteral("wamid.export.1");
    QTest::newRow("none") << QList<int>{int(WebhookEvent::Kind::Location)} << 0 << QString();
}

void TestEventExporter::exportsWhatTheFilterShows()
{
    QFETCH(QList<int>, kinds);
    QFETCH(int, expected);
    QFETCH(QString, firstId);
    EventFilter filter;
    for (int kind : kinds)
        filter.kinds.append(WebhookEvent::Kind(kind));
    int written = -1;
    QList<int> seen;
    QString error;
    QVERIFY2(EventExporter::exportTo(
                 storePath(), filter, out(),
                 [&](int done, int total) {
                     seen.append(done);
                     return total == expected;
                 },
                 &written, &error),
             qPrintable(error));
    QCOMPARE(written, expected);
    const QList<QByteArray> lines = linesOf(out());
    QCOMPARE(lines.size(), expected);
    if (expected > 0) {
        QCOMPARE(QJsonDocument::fromJson(lines.first()).object().value(QStringLiteral("id")).toString(), firstId);
        // one page at a time, oldest first
        QCOMPARE(seen.first(), std::min(expected, EventExporter::kPageSize));
        QCOMPARE(seen.last(), expected);
        int previous = -1;
        for (const QByteArray& line : lines) {
            const int n = QJsonDocument::fromJson(line)
                              .object()
                              .value(QStringLiteral("id"))
                              .toString()
                              .section(QLatin1Char('.'), 2)
                              .toInt();
            QVERIFY(n > previous);
            previous = n;
        }
    }
}

void TestEventExporter::inItsOwnThread()
{
    EventExporter exporter;
    QSignalSpy progress(&exporter, &EventExporter::progress);
    QSignalSpy finished(&exporter, &EventExporter::finished);
    QString error;
    QVERIFY2(exporter.start(storePath(), {}, out(), &error), qPrintable(error));
    QVERIFY(exporter.isRunning());
    QVERIFY(!exporter.start(storePath(), {}, out(), &error)); // one at a time
    QVERIFY(error.contains(QStringLiteral("running")));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QCOMPARE(finished.first().at(1).toInt(), 2500);
    QVERIFY(finished.first().at(2).toString().isEmpty());
    QVERIFY(!exporter.isRunning());
    QCOMPARE(progress.count(), 3); // 1000, 2000, 2500
    QCOMPARE(progress.last().at(0).toInt(), 2500);
    QCOMPARE(progress.last().at(1).toInt(), 2500);
    QCOMPARE(linesOf(out()).size(), 2500);
    // and again, with the one before finished
    QVERIFY2(exporter.start(storePath(), {}, out(), &error), qPrintable(error));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.last().at(0).toBool(), true);
}

void TestEventExporter::cancelLeavesTheFileAsItWas()
{
    {
        QFile before(out());
        QVERIFY(before.open(QIODevice::WriteOnly));
        before.write("what was there\n");
    }
    int written = 0;
    QString error;
    // cancelled after the first page
    QVERIFY(!EventExporter::exportTo(
        storePath(), {}, out(), [](int, int) { return false; }, &written, &error));
    QCOMPARE(written, EventExporter::kPageSize);
    QVERIFY2(error.contains(QStringLiteral("Cancelled")) && error.contains(out()), qPrintable(error));
    QCOMPARE(linesOf(out()), QList<QByteArray>{"what was there"});

    // the same through the thread
    EventExporter exporter;
    QSignalSpy finished(&exporter, &EventExporter::finished);
    connect(&exporter, &EventExporter::progress, &exporter, &EventExporter::cancel);
    QVERIFY(exporter.start(storePath(), {}, out(), &error));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(finished.first().at(2).toString().contains(QStringLiteral("Cancelled")));
    QCOMPARE(linesOf(out()), QList<QByteArray>{"what was there"});
}

void TestEventExporter::errorsNameWhatIsWrong_data()
{
    QTest::addColumn<bool>("badStore");
    QTest::addColumn<QString>("fileName"); // relative to the test's folder
    QTest::addColumn<QString>("says");
    QTest::newRow("no such folder") << false << QStringLiteral("missing/out.jsonl")
                                    << QStringLiteral("missing/out.jsonl");
    QTest::newRow("a folder") << false << QString() << QStringLiteral("Cannot write");
    QTest::newRow("no store") << true << QStringLiteral("out.jsonl") << QStringLiteral("event store");
}

void TestEventExporter::errorsNameWhatIsWrong()
{
    QFETCH(bool, badStore);
    QFETCH(QString, fileName);
    QFETCH(QString, says);
    const QString target = fileName.isEmpty() ? m_dir->path() : m_dir->filePath(fileName);
    const QString store = badStore ? m_dir->filePath(QStringLiteral("no-folder/none.sqlite")) : storePath();
    int written = -1;
    QString error;
    QVERIFY(!EventExporter::exportTo(store, {}, target, {}, &written, &error));
    QVERIFY2(error.contains(says), qPrintable(error));
    QCOMPARE(written, 0);
    if (!fileName.isEmpty() && !badStore)
        QVERIFY(!QFile::exists(target));
}

QTEST_GUILESS_MAIN(TestEventExporter)
#include "tst_eventexporter.moc"
