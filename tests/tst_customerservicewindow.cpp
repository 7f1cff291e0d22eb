#include <QTemporaryDir>
#include <QTest>

#include "CustomerServiceWindow.h"
#include "EventStore.h"

using namespace wa;

namespace {
bool storeEvent(EventStore& store, WebhookEvent::Kind kind, const QString& contact, const QDateTime& at)
{
    WebhookEvent e;
    e.kind = kind;
    e.id = QStringLiteral("wamid.%1.%2").arg(contact).arg(at.toSecsSinceEpoch());
    e.contact = contact;
    e.timestamp = at;
    StoredRequest request;
    request.receivedAt = at.toMSecsSinceEpoch();
    request.method = "POST";
    request.statusCode = 200;
    bool ok = false;
    store.enqueue(request, {e}, [&ok](bool stored, const QList<WebhookEvent>&) { ok = stored; });
    return store.flush() && ok;
}
} // namespace

class TestCustomerServiceWindow : public QObject
{
    Q_OBJECT

private slots:
    void window();
    void opens_data();
    void opens();
    void takeIn_data();
    void takeIn();
};

void TestCustomerServiceWindow::opens_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("contact");
    QTest::addColumn<bool>("opens");
    QTest::newRow("text from them") << int(WebhookEvent::Kind::Text) << QStringLiteral("16505551234")
                                    << QStringLiteral("+1 650-555-1234") << true;
    QTest::newRow("button reply") << int(WebhookEvent::Kind::ButtonReply) << QStringLiteral("16505551234")
                                  << QStringLiteral("16505551234") << true;
    QTest::newRow("location") << int(WebhookEvent::Kind::Location) << QStringLiteral("16505551234")
                              << QStringLiteral("16505551234") << true;
    QTest::newRow("someone else") << int(WebhookEvent::Kind::Text) << QStringLiteral("16505559999")
                                  << QStringLiteral("16505551234") << false;
    QTest::newRow("a status of ours") << int(WebhookEvent::Kind::Status) << QStringLiteral("16505551234")
                                      << QStringLiteral("16505551234") << false;
    QTest::newRow("rejected") << int(WebhookEvent::Kind::Rejected) << QStringLiteral("16505551234")
                              << QStringLiteral("16505551234") << false;
    QTest::newRow("no recipient") << int(WebhookEvent::Kind::Text) << QStringLiteral("16505551234") << QString()
                                  << false;
}

void TestCustomerServiceWindow::opens()
{
    QFETCH(int, kind);
    QFETCH(QString, from);
    QFETCH(QString, contact);
    QFETCH(bool, opens);
    WebhookEvent event;
    event.kind = WebhookEvent::Kind(kind);
    event.contact = from;
    QCOMPARE(CustomerServiceWindow::opens(event, contact), opens);
}

void TestCustomerServiceWindow::window()
{
    QTemporaryDir dir;
    EventStore store;
    QString error;
    QVERIFY2(store.open(dir.filePath(QStringLiteral("w.sqlite")), &error), qPrintable(error));
    const QDateTime now = QDateTime(QDate(2026, 11, 25), QTime(12, 0), Qt::UTC);

    QVERIFY(!CustomerServiceWindow::of(store, QStringLiteral("16505551234")).known);
    QVERIFY(CustomerServiceWindow::of(store, QStringLiteral("16505551234"))
                .describe(now)
                .contains(QStringLiteral("131047")));

    // a status of our message does not open the window; a message from the customer does
    QVERIFY(storeEvent(store, WebhookEvent::Kind::Status, QStringLiteral("16505551234"), now.addSecs(-60)));
    QVERIFY(!CustomerServiceWindow::of(store, QStringLiteral("16505551234")).known);
    QVERIFY(storeEvent(store, WebhookEvent::Kind::Text, QStringLiteral("16505551234"), now.addSecs(-2 * 3600)));
    CustomerServiceWindow w = CustomerServiceWindow::of(store, QStringLiteral("+1 650-555-1234"));
    QVERIFY(w.known);
    QVERIFY(w.isOpen(now));
    QCOMPARE(w.secondsLeft(now), qint64(22 * 3600));
    QCOMPARE(w.describe(now), QStringLiteral("24-hour window open: 22:00:00 left"));

    // it closes 24 hours after the last inbound message, and a newer reply refreshes it
    QVERIFY(!w.isOpen(now.addSecs(22 * 3600)));
    QVERIFY(w.describe(now.addSecs(25 * 3600)).contains(QStringLiteral("closed 3 h ago")));
    QVERIFY(w.describe(now.addSecs(22 * 3600 + 30)).contains(QStringLiteral("closed less than a minute ago")));
    QVERIFY(w.describe(now.addSecs(22 * 3600 + 5 * 60)).contains(QStringLiteral("closed 5 min ago")));
    QVERIFY(w.describe(now.addSecs(22 * 3600 + 47 * 3600)).contains(QStringLiteral("closed 47 h ago")));
    QVERIFY(w.describe(now.addSecs(22 * 3600 + 30 * 24 * 3600)).contains(QStringLiteral("closed 30 days ago")));
    QVERIFY(storeEvent(store, WebhookEvent::Kind::ButtonReply, QStringLiteral("16505551234"), now.addSecs(-60)));
    w = CustomerServiceWindow::of(store, QStringLiteral("16505551234"));
    QCOMPARE(w.secondsLeft(now), qint64(24 * 3600 - 60));
    // other contacts are their own
    QVERIFY(!CustomerServiceWindow::of(store, QStringLiteral("886912345678")).known);
}

void TestCustomerServiceWindow::takeIn_data()
{
    // The window before: the customer wrote 2 h before `now`. Then one event comes.
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("from");
    QTest::addColumn<int>("secondsBeforeNow"); // the event's timestamp; -1: none (received now)
    QTest::addColumn<bool>("changes");
    QTest::addColumn<qint64>("secondsLeft");
    QTest::newRow("a newer message") << int(WebhookEvent::Kind::Text) << QStringLiteral("16505551234") << 60 << true
                                     << qint64(24 * 3600 - 60);
    QTest::newRow("an older one (a retry)") << int(WebhookEvent::Kind::ButtonReply) << QStringLiteral("16505551234")
                                            << 3 * 3600 << false << qint64(22 * 3600);
    QTest::newRow("no timestamp: when received")
        << int(WebhookEvent::Kind::Location) << QStringLiteral("16505551234") << -1 << true << qint64(24 * 3600);
    QTest::newRow("someone else") << int(WebhookEvent::Kind::Text) << QStringLiteral("16505559999") << 60 << false
                                  << qint64(22 * 3600);
    QTest::newRow("a status") << int(WebhookEvent::Kind::Status) << QStringLiteral("16505551234") << 60 << false
                              << qint64(22 * 3600);
}

void TestCustomerServiceWindow::takeIn()
{
    QFETCH(int, kind);
    QFETCH(QString, from);
    QFETCH(int, secondsBeforeNow);
    QFETCH(bool, changes);
    QFETCH(qint64, secondsLeft);
    QTemporaryDir dir;
    EventStore store;
    QString error;
    QVERIFY2(store.open(dir.filePath(QStringLiteral("w.sqlite")), &error), qPrintable(error));
    const QDateTime now = QDateTime(QDate(2026, 11, 25), QTime(12, 0), Qt::UTC);
    const QString contact = QStringLiteral("+1 650-555-1234");
    QVERIFY(storeEvent(store, WebhookEvent::Kind::Text, QStringLiteral("16505551234"), now.addSecs(-2 * 3600)));
    CustomerServiceWindow window = CustomerServiceWindow::of(store, contact);

    WebhookEvent e;
    e.kind = WebhookEvent::Kind(kind);
    e.contact = from;
    if (secondsBeforeNow >= 0)
        e.timestamp = now.addSecs(-secondsBeforeNow);
    QCOMPARE(window.takeIn(e, contact, now), changes);
    QVERIFY(window.known);
    QCOMPARE(window.secondsLeft(now), secondsLeft);
    // what asking the store again would say, when the event has its time
    if (secondsBeforeNow >= 0) {
        QVERIFY(storeEvent(store, e.kind, from, e.timestamp));
        const CustomerServiceWindow asked = CustomerServiceWindow::of(store, contact);
        QCOMPARE(window.lastInbound, asked.lastInbound);
        QCOMPARE(window.closesAt, asked.closesAt);
    }
}

QTEST_GUILESS_MAIN(TestCustomerServiceWindow)
#include "tst_customerservicewindow.moc"
