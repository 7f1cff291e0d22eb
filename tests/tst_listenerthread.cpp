#include <memory>

#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "EventStore.h"
#include "ListenerThread.h"
#include "TestHttpClient.h"
#include "WebhookSignature.h"
#include "TestSamples.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::WebhookEvent::Kind)
Q_DECLARE_METATYPE(wa::WebhookEvent::Signature)

namespace {

const QByteArray kSecret = "test-app-secret";
const QByteArray kSampleId = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=";

// The text sample with message id `n` of its own.
QByteArray textBody(int n)
{
    QByteArray body = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    return body.replace(kSampleId, "wamid.thread." + QByteArray::number(n));
}

QList<WebhookEvent> eventsOf(const QSignalSpy& spy)
{
    QList<WebhookEvent> all;
    for (const QList<QVariant>& arguments : spy)
        all += arguments.at(0).value<QList<WebhookEvent>>();
    return all;
}

using TestHttpClient::Client;
using TestHttpClient::post;
using TestHttpClient::Response;

} // namespace

class TestListenerThread : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void storesAndTellsTheGuiThread();
    void answersWhileTheGuiThreadIsBusy();
    void signatures_data();
    void signatures();
    void manyClientsNothingLost();
    void clearEvents();
    void listenAndTlsErrorsAreSaid();
    void destroyedUnderLoadKeepsWhatItAcknowledged();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ListenerThread> m_listener;
    std::unique_ptr<EventStore> m_reader; // the GUI's view of the same file
    QString path() const { return m_dir->filePath(QStringLiteral("events.sqlite")); }
    void start();
};

void TestListenerThread::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_listener = std::make_unique<ListenerThread>();
    m_reader = std::make_unique<EventStore>();
}

void TestListenerThread::cleanup()
{
    m_reader.reset();
    m_listener.reset();
    m_dir.reset();
}

void TestListenerThread::start()
{
    QString error;
    QVERIFY2(m_listener->openStore(path(), &error), qPrintable(error));
    QCOMPARE(m_listener->storePath(), path());
    QVERIFY2(m_reader->openForReading(path(), &error), qPrintable(error));
    connect(m_listener.get(), &ListenerThread::eventsAdded, m_reader.get(), &EventStore::noteAdded);
    connect(m_listener.get(), &ListenerThread::cleared, m_reader.get(), &EventStore::noteCleared);
    m_listener->setAppSecret(kSecret);
    QVERIFY2(m_listener->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QVERIFY(m_listener->isListening());
    QVERIFY(m_listener->port() != 0);
    QCOMPARE(m_listener->address(), QHostAddress(QHostAddress::LocalHost));
}

void TestListenerThread::storesAndTellsTheGuiThread()
{
    start();
    QSignalSpy received(m_listener.get(), &ListenerThread::received);
    QSignalSpy added(m_reader.get(), &EventStore::eventsAdded);
    bool inGuiThread = false;
    connect(m_listener.get(), &ListenerThread::received, this,
            [&] { inGuiThread = QThread::currentThread() == thread(); });

    Client client(m_listener->port());
    QVERIFY(client.waitConnected());
    const QByteArray body = textBody(1);
    client.send(post(body, WebhookSignature::sign(body, kSecret)));
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, 200);

    QTRY_COMPARE(received.count(), 1);
    QVERIFY(inGuiThread);
    const QList<WebhookEvent> events = eventsOf(received);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().kind, WebhookEvent::Kind::Text);
    QCOMPARE(events.first().id, QStringLiteral("wamid.thread.1"));
    QCOMPARE(events.first().signature, WebhookEvent::Signature::Valid);
    QVERIFY(!events.first().duplicate);

    // the reader, told by the relayed signal, sees the row with the request byte for byte
    QTRY_COMPARE(added.count(), 1);
    QCOMPARE(m_reader->count({}), 1);
    const QList<StoredEvent> stored = m_reader->fetch({}, 0, 1);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(m_reader->request(stored.first().requestId).value_or(StoredRequest()).body, body);

    // Meta's retry of the same message is marked, not new
    client.send(post(body, WebhookSignature::sign(body, kSecret)));
    QCOMPARE(client.waitResponses(2).size(), 2);
    QTRY_COMPARE(received.count(), 2);
    QVERIFY(received.last().at(0).value<QList<WebhookEvent>>().first().duplicate);
}

// The point of the thread: answering needs nothing of the GUI's event loop. This thread blocks in
// its socket's waits (no event is processed here) and still gets its answers.
void TestListenerThread::answersWhileTheGuiThreadIsBusy()
{
    start();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
    QVERIFY(socket.waitForConnected(5000));
    for (int n = 0; n < 20; ++n) {
        const QByteArray body = textBody(100 + n);
        socket.write(post(body, WebhookSignature::sign(body, kSecret)));
        QVERIFY(socket.waitForBytesWritten(5000));
        QByteArray answer;
        while (!answer.contains("{\"ok\":true}")) {
            QVERIFY2(socket.waitForReadyRead(5000), "no answer while the GUI thread was busy");
            answer += socket.readAll();
        }
        QVERIFY(answer.startsWith("HTTP/1.1 200"));
    }
    QVERIFY(m_listener->flush());
    QCOMPARE(m_reader->count({}), 20);
}

void TestListenerThread::signatures_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("signWith"); // null: no header
    QTest::addColumn<int>("status");
    QTest::addColumn<WebhookEvent::Kind>("kind");
    QTest::addColumn<WebhookEvent::Signature>("signature");
    QTest::newRow("valid") << kSecret << kSecret << 200 << WebhookEvent::Kind::Text << WebhookEvent::Signature::Valid;
    QTest::newRow("wrong secret") << kSecret << QByteArray("another") << 403 << WebhookEvent::Kind::Rejected
                                  << WebhookEvent::Signature::Invalid;
    QTest::newRow("missing") << kSecret << QByteArray() << 403 << WebhookEvent::Kind::Rejected
                             << WebhookEvent::Signature::Missing;
    QTest::newRow("no secret set") << QByteArray() << QByteArray() << 200 << WebhookEvent::Kind::Text
                                   << WebhookEvent::Signature::Unsigned;
}

void TestListenerThread::signatures()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, signWith);
    QFETCH(int, status);
    QFETCH(WebhookEvent::Kind, kind);
    QFETCH(WebhookEvent::Signature, signature);
    start();
    m_listener->setAppSecret(secret); // for the requests read after it
    QSignalSpy received(m_listener.get(), &ListenerThread::received);
    Client client(m_listener->port());
    QVERIFY(client.waitConnected());
    const QByteArray body = textBody(7);
    client.send(post(body, signWith.isNull() ? QByteArray() : WebhookSignature::sign(body, signWith)));
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, status);
    QTRY_COMPARE(received.count(), 1);
    const QList<WebhookEvent> events = eventsOf(received);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().kind, kind);
    QCOMPARE(events.first().signature, signature);
    QTRY_COMPARE(m_reader->count({}), 1); // a rejected attempt is kept too
}

void TestListenerThread::manyClientsNothingLost()
{
    start();
    constexpr int kClients = 8;
    constexpr int kEach = 40;
    QSignalSpy received(m_listener.get(), &ListenerThread::received);
    std::vector<std::unique_ptr<Client>> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.push_back(std::make_unique<Client>(m_listener->port()));
        QVERIFY(clients.back()->waitConnected());
        QByteArray pipelined;
        for (int n = 0; n < kEach; ++n) {
            const QByteArray body = textBody(1000 * c + n);
            pipelined += post(body, WebhookSignature::sign(body, kSecret));
        }
        clients.back()->send(pipelined);
    }
    for (const auto& client : clients) {
        const QList<Response> responses = client->waitResponses(kEach, 20000);
        QCOMPARE(responses.size(), kEach);
        for (const Response& r : responses)
            QCOMPARE(r.status, 200);
    }
    QTRY_COMPARE_WITH_TIMEOUT(eventsOf(received).size(), kClients * kEach, 10000);
    QSet<QString> ids;
    for (const WebhookEvent& e : eventsOf(received))
        ids.insert(e.id);
    QCOMPARE(ids.size(), kClients * kEach); // each once
    QTRY_COMPARE(m_reader->count({}), kClients * kEach);
}

void TestListenerThread::clearEvents()
{
    start();
    Client client(m_listener->port());
    QVERIFY(client.waitConnected());
    for (int n = 0; n < 3; ++n) {
        const QByteArray body = textBody(n);
        client.send(post(body, WebhookSignature::sign(body, kSecret)));
    }
    QCOMPARE(client.waitResponses(3).size(), 3);
    QTRY_COMPARE(m_reader->count({}), 3);
    QSignalSpy cleared(m_reader.get(), &EventStore::cleared);
    m_listener->clearEvents();
    QTRY_COMPARE(cleared.count(), 1);
    QCOMPARE(m_reader->count({}), 0);
    // and the listener goes on storing
    const QByteArray body = textBody(99);
    client.send(post(body, WebhookSignature::sign(body, kSecret)));
    QCOMPARE(client.waitResponses(4).size(), 4);
    QTRY_COMPARE(m_reader->count({}), 1);
}

void TestListenerThread::listenAndTlsErrorsAreSaid()
{
    start();
    ListenerThread second;
    QString error;
    QVERIFY(!second.listen(QHostAddress::LocalHost, m_listener->port(), &error));
    QVERIFY2(error.contains(QString::number(m_listener->port())), qPrintable(error));
    QVERIFY(!second.isListening());
    QCOMPARE(second.port(), quint16(0));

    error.clear();
    QVERIFY(!second.setTls(m_dir->filePath(QStringLiteral("no-such-cert.pem")),
                           m_dir->filePath(QStringLiteral("no-such-key.pem")), &error));
    QVERIFY2(error.contains(QStringLiteral("no-such-cert.pem")), qPrintable(error));
    QVERIFY(!second.isTls());

    error.clear();
    QVERIFY(!second.openStore(m_dir->filePath(QStringLiteral("missing-folder/events.sqlite")), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(second.storePath().isEmpty());

    m_listener->close();
    QVERIFY(!m_listener->isListening());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
    QVERIFY(!socket.waitForConnected(2000) || socket.waitForDisconnected(2000));
}

// Closing the window under load: what was answered 200 is in the store.
void TestListenerThread::destroyedUnderLoadKeepsWhatItAcknowledged()
{
    start();
    constexpr int kRequests = 200;
    Client client(m_listener->port());
    QVERIFY(client.waitConnected());
    QByteArray pipelined;
    for (int n = 0; n < kRequests; ++n) {
        const QByteArray body = textBody(n);
        pipelined += post(body, WebhookSignature::sign(body, kSecret));
    }
    client.send(pipelined);
    QVERIFY(client.waitFor([&] { return !TestHttpClient::responsesIn(client.received).isEmpty(); }));
    m_listener.reset(); // while requests are still coming in
    client.waitFor([&] { return client.closed; }, 3000);
    int acknowledged = 0;
    for (const Response& r : TestHttpClient::responsesIn(client.received))
        acknowledged += r.status == 200 ? 1 : 0;
    QVERIFY(acknowledged > 0);
    m_reader->close();
    EventStore after;
    QString error;
    QVERIFY2(after.open(path(), &error), qPrintable(error));
    QVERIFY2(after.count({}) >= acknowledged,
             qPrintable(QStringLiteral("%1 stored, %2 acknowledged").arg(after.count({})).arg(acknowledged)));
}

QTEST_GUILESS_MAIN(TestListenerThread)
#include "tst_listenerthread.moc"
