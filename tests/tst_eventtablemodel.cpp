#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "EventStore.h"
#include "EventTableModel.h"

using namespace wa;

namespace {

WebhookEvent makeEvent(WebhookEvent::Kind kind, const QString& id, const QString& contact, const QString& summary)
{
    WebhookEvent e;
    e.kind = kind;
    e.id = id;
    e.contact = contact;
    e.summary = summary;
    e.signature = WebhookEvent::Signature::Valid;
    return e;
}

bool store(EventStore& s, const QList<WebhookEvent>& events)
{
    StoredRequest request;
    request.receivedAt = 1764072000000;
    request.method = "POST";
    request.target = "/webhook";
    request.body = "{}";
    request.statusCode = 200;
    bool ok = false;
    s.enqueue(request, events, [&ok](bool stored, const QList<WebhookEvent>&) { ok = stored; });
    return s.flush() && ok;
}

} // namespace

class TestEventTableModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void rowsAndColumns();
    void liveAppend();
    void burstsAreCoalesced();
    void filter();
    void pagesThroughManyRows();
    void clear();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<EventStore> m_store;
};

void TestEventTableModel::init()
{
    m_store = std::make_unique<EventStore>();
    QString error;
    QVERIFY2(
        m_store->open(
            m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction()))), &error),
        qPrintable(error));
}

void TestEventTableModel::cleanup()
{
    m_store.reset();
}

void TestEventTableModel::rowsAndColumns()
{
    QVERIFY(store(*m_store, {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("wamid.1"),
                                       QStringLiteral("16505551234"), QStringLiteral("Text: hi")),
                             makeEvent(WebhookEvent::Kind::Status, QStringLiteral("wamid.2"),
                                       QStringLiteral("16505551234"), QStringLiteral("Status read of wamid.2"))}));
    EventTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(EventTableModel::ColumnCount));
    QCOMPARE(model.index(0, EventTableModel::KindColumn).data().toString(), QStringLiteral("text"));
    QCOMPARE(model.index(0, EventTableModel::SummaryColumn).data().toString(), QStringLiteral("Text: hi"));
    QCOMPARE(model.index(1, EventTableModel::KindColumn).data().toString(), QStringLiteral("status"));
    QCOMPARE(model.index(1, EventTableModel::SignatureColumn).data().toString(), QStringLiteral("valid"));
    QCOMPARE(model.headerData(EventTableModel::ContactColumn, Qt::Horizontal).toString(), QStringLiteral("Contact"));
    QVERIFY(model.index(0, 0)
                .data(EventTableModel::EventJsonRole)
                .toString()
                .contains(QStringLiteral("\"kind\":\"text\"")));
}

// Under load the store commits many small batches; the table takes them in a few updates, not one
// per batch (each update counts and repaints on the GUI thread that answers the listener).
void TestEventTableModel::burstsAreCoalesced()
{
    EventTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 40; ++i) {
        QVERIFY(store(*m_store, {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("burst-%1").arg(i),
                                           QStringLiteral("1"), QStringLiteral("burst"))}));
    }
    QTRY_COMPARE(model.rowCount(), 40);
    const qint64 elapsed = timer.elapsed();
    // at most one update per refresh interval (plus the last one)
    QVERIFY2(inserted.count() <= elapsed / EventTableModel::kRefreshIntervalMs + 2,
             qPrintable(QStringLiteral("%1 updates in %2 ms").arg(inserted.count()).arg(elapsed)));
    QVERIFY(inserted.count() < 40);
    // refreshAdded() shows what is pending at once
    QVERIFY(store(*m_store, {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("now"), QStringLiteral("1"),
                                       QStringLiteral("now"))}));
    QTRY_VERIFY(m_store->count(EventFilter()) == 41);
    model.refreshAdded();
    QCOMPARE(model.rowCount(), 41);
}

void TestEventTableModel::liveAppend()
{
    EventTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(store(*m_store, {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("a"), QStringLiteral("1"),
                                       QStringLiteral("one"))}));
    QTRY_COMPARE(model.rowCount(), 1);
    QVERIFY(store(
        *m_store,
        {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("b"), QStringLiteral("1"), QStringLiteral("two")),
         makeEvent(WebhookEvent::Kind::Text, QStringLiteral("a"), QStringLiteral("1"), QStringLiteral("one again"))}));
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.index(2, EventTableModel::SummaryColumn).data().toString(), QStringLiteral("one again"));
    QVERIFY(model.index(2, 0).data(EventTableModel::DuplicateRole).toBool()); // Meta's retry, marked
    QVERIFY(model.index(2, EventTableModel::KindColumn).data().toString().contains(QStringLiteral("duplicate")));
}

void TestEventTableModel::filter()
{
    QVERIFY(store(*m_store, {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("1"), QStringLiteral("111"),
                                       QStringLiteral("Text: 你好")),
                             makeEvent(WebhookEvent::Kind::ButtonReply, QStringLiteral("2"), QStringLiteral("222"),
                                       QStringLiteral("Tapped \"Yes\"")),
                             makeEvent(WebhookEvent::Kind::Text, QStringLiteral("3"), QStringLiteral("222"),
                                       QStringLiteral("Text: bye"))}));
    EventTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EventFilter f;
    f.kinds = {WebhookEvent::Kind::Text};
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 2);
    f.contact = QStringLiteral("222");
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, EventTableModel::SummaryColumn).data().toString(), QStringLiteral("Text: bye"));
    model.setFilter(EventFilter{{}, {}, QStringLiteral("你好")});
    QCOMPARE(model.rowCount(), 1);
    model.setFilter({});
    QCOMPARE(model.rowCount(), 3);
}

void TestEventTableModel::pagesThroughManyRows()
{
    QList<WebhookEvent> events;
    for (int i = 0; i < 3 * EventTableModel::kPageSize + 7; ++i)
        events.append(makeEvent(WebhookEvent::Kind::Text, QStringLiteral("wamid.%1").arg(i), QStringLiteral("1"),
                                QStringLiteral("row %1").arg(i)));
    QVERIFY(store(*m_store, events));
    EventTableModel model(m_store.get());
    QCOMPARE(model.rowCount(), events.size());
    for (int row : {0, EventTableModel::kPageSize - 1, EventTableModel::kPageSize, 2 * EventTableModel::kPageSize + 3,
                    int(events.size()) - 1})
        QCOMPARE(model.index(row, EventTableModel::SummaryColumn).data().toString(), QStringLiteral("row %1").arg(row));
}

void TestEventTableModel::clear()
{
    QVERIFY(store(*m_store, {makeEvent(WebhookEvent::Kind::Text, QStringLiteral("1"), QStringLiteral("1"),
                                       QStringLiteral("x"))}));
    EventTableModel model(m_store.get());
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    m_store->clear();
    QTRY_COMPARE(model.rowCount(), 0);
    QVERIFY(reset.count() >= 1);
}

QTEST_GUILESS_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
