#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "TestHttpClient.h"
#include "HttpServer.h"

using namespace wa;

namespace {

using TestHttpClient::Client;
using TestHttpClient::Response;
using TestHttpClient::responsesIn;

QByteArray get(const QByteArray& path, bool keepAlive = true)
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void noHandlerIs404();
    void asynchronousAnswersInOrder();
    void manyPipelinedAnsweredAtOnce();
    void secondAnswerIgnored();
    void connectionCloseClosesAfterAnswer();
    void parserErrorAnsweredThenClosed_data();
    void parserErrorAnsweredThenClosed();
    void idleClientClosed();
    void answerAfterClientLeftIsHarmless();
    void defaults();
    void pipelinedBacklogCapped_data();
    void pipelinedBacklogCapped();
    void tricklingClientClosed_data();
    void tricklingClientClosed();
    void clientNotReadingIsNotAnsweredWithoutBound();

private:
    std::unique_ptr<HttpServer> m_server;
};

void TestHttpServer::init()
{
    m_server = std::make_unique<HttpServer>();
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QVERIFY(m_server->port() != 0);
}

void TestHttpServer::cleanup()
{
    m_server.reset();
}

void TestHttpServer::noHandlerIs404()
{
    Client client(m_server->port());
    client.socket.write(get("/"));
    QCOMPARE(client.waitResponses(1).value(0).status, 404);
}

void TestHttpServer::asynchronousAnswersInOrder()
{
    // The first request is answered late, the second at once: the answers still come in order.
    QList<QByteArray> handled;
    m_server->setHandler(
        [&handled, this](const HttpRequest& request, const QHostAddress& peer, HttpServer::Answer answer) {
            QCOMPARE(peer, QHostAddress(QHostAddress::LocalHost));
            handled << request.target;
            const QByteArray response = HttpRequestParser::response(200, request.target);
            if (request.target == "/slow")
                QTimer::singleShot(200, m_server.get(), [answer, response] { answer(response); });
            else
                answer(response);
        });
    Client client(m_server->port());
    client.socket.write(get("/slow") + get("/quick") + get("/last"));
    const QList<Response> responses = client.waitResponses(3);
    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(0).body, QByteArray("/slow"));
    QCOMPARE(responses.at(1).body, QByteArray("/quick"));
    QCOMPARE(responses.at(2).body, QByteArray("/last"));
    QCOMPARE(handled, (QList<QByteArray>{"/slow", "/quick", "/last"}));
    QVERIFY(!client.closed);
}

void TestHttpServer::manyPipelinedAnsweredAtOnce()
{
    int n = 0;
    m_server->setHandler([&n](const HttpRequest&, const QHostAddress&, HttpServer::Answer answer) {
        answer(HttpRequestParser::response(200, QByteArray::number(n++)));
    });
    QByteArray requests;
    for (int i = 0; i < 2000; ++i)
        requests += get("/x");
    Client client(m_server->port());
    client.socket.write(requests);
    const QList<Response> responses = client.waitResponses(2000, 10000);
    QCOMPARE(responses.size(), 2000);
    QCOMPARE(responses.last().body, QByteArray("1999"));
}

void TestHttpServer::secondAnswerIgnored()
{
    m_server->setHandler([](const HttpRequest& request, const QHostAddress&, HttpServer::Answer answer) {
        answer(HttpRequestParser::response(200, request.target));
        answer(HttpRequestParser::response(500, "twice"));
    });
    Client client(m_server->port());
    client.socket.write(get("/a") + get("/b"));
    const QList<Response> responses = client.waitResponses(2);
    QCOMPARE(responses.size(), 2);
    QCOMPARE(responses.at(0).body, QByteArray("/a"));
    QCOMPARE(responses.at(1).body, QByteArray("/b"));
    QTest::qWait(50);
    QCOMPARE(responsesIn(client.received).size(), 2);
}

void TestHttpServer::connectionCloseClosesAfterAnswer()
{
    m_server->setHandler([](const HttpRequest& request, const QHostAddress&, HttpServer::Answer answer) {
        answer(HttpRequestParser::response(200, "bye", "text/plain", request.keepAlive));
    });
    Client client(m_server->port());
    client.socket.write(get("/", false));
    QCOMPARE(client.waitResponses(1).value(0).status, 200);
    QTRY_VERIFY(client.closed);
}

void TestHttpServer::parserErrorAnsweredThenClosed_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("body over 4 MiB") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5242880\r\n\r\n") << 413;
    QTest::newRow("headers over 16 KiB") << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(17 * 1024, 'a') +
                                                       "\r\n\r\n")
                                         << 431;
    QTest::newRow("request line over 16 KiB")
        << QByteArray("GET /" + QByteArray(17 * 1024, 'a') + " HTTP/1.1\r\n") << 414;
    QTest::newRow("garbage") << QByteArray("\x00\x01garbage\r\n\r\n", 13) << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
}

void TestHttpServer::parserErrorAnsweredThenClosed()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    bool handled = false;
    m_server->setHandler([&handled](const HttpRequest&, const QHostAddress&, HttpServer::Answer answer) {
        handled = true;
        answer(HttpRequestParser::response(200, "ok"));
    });
    Client client(m_server->port());
    client.socket.write(request);
    const QList<Response> responses = client.waitResponses(1);
    QCOMPARE(responses.value(0).status, status);
    QTRY_VERIFY(client.closed);
    QCOMPARE(responsesIn(client.received).size(), 1); // answered once, however many bytes followed
    QVERIFY(!handled);
}

void TestHttpServer::idleClientClosed()
{
    m_server->setIdleTimeout(200);
    Client quiet(m_server->port());
    Client partial(m_server->port());
    partial.socket.write("GET / HTT");
    QTRY_VERIFY_WITH_TIMEOUT(quiet.closed && partial.closed, 3000);
    QVERIFY(quiet.received.isEmpty()); // nothing asked, nothing answered
    QCOMPARE(responsesIn(partial.received).value(0).status, 408);
}

void TestHttpServer::answerAfterClientLeftIsHarmless()
{
    HttpServer::Answer later;
    m_server->setHandler(
        [&later](const HttpRequest&, const QHostAddress&, HttpServer::Answer answer) { later = std::move(answer); });
    {
        Client client(m_server->port());
        client.socket.write(get("/"));
        QTRY_VERIFY(later);
        client.socket.abort();
    }
    QTRY_COMPARE(m_server->connectionCount(), 0);
    later(HttpRequestParser::response(200, "too late"));
}

void TestHttpServer::defaults()
{
    const HttpServer fresh;
    QCOMPARE(fresh.idleTimeout(), 10000);
    QCOMPARE(fresh.maxBufferedBytes(), qsizetype(4 * 1024 * 1024 + 16 * 1024));
    QCOMPARE(fresh.bufferedBytes(), 0);
    QCOMPARE(fresh.peakBufferedBytes(), 0);
}

void TestHttpServer::pipelinedBacklogCapped_data()
{
    QTest::addColumn<qint64>("cap"); // 0: the default
    QTest::addColumn<int>("bodyBytes");
    QTest::addColumn<int>("requests");
    QTest::newRow("default cap, 1 MiB requests") << qint64(0) << 1024 * 1024 << 15;
    QTest::newRow("256 KiB cap, 100 kB requests") << qint64(256 * 1024) << 100 * 1000 << 10;
}

// A client pipelining far more than the cap behind a request whose answer is held: the server stops
// reading at the cap (plus one read chunk at most), and once the answers come every request is
// answered, in order, none lost or mixed up.
void TestHttpServer::pipelinedBacklogCapped()
{
    QFETCH(qint64, cap);
    QFETCH(int, bodyBytes);
    QFETCH(int, requests);
    if (cap > 0)
        m_server->setMaxBufferedBytes(cap);
    else
        cap = HttpServer::kMaxBufferedBytes;
    QCOMPARE(m_server->maxBufferedBytes(), cap);

    QList<std::function<void()>> held; // every answer waits for the test
    m_server->setHandler([&held](const HttpRequest& request, const QHostAddress&, HttpServer::Answer answer) {
        const QByteArray response = HttpRequestParser::response(
            200, request.target + ' ' + QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex());
        held << [answer, response] { answer(response); };
    });
    QByteArray wire;
    QList<QByteArray> expected;
    for (int i = 0; i < requests; ++i) {
        const QByteArray target = "/r" + QByteArray::number(i);
        QByteArray body = target + QByteArray(bodyBytes, char('a' + i % 26));
        body.resize(bodyBytes);
        wire += "POST " + target +
                " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
                body;
        expected << target + ' ' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
    }
    QVERIFY(wire.size() > 3 * cap);

    Client client(m_server->port());
    client.send(wire);
    // The first request is handed over and held; the client sends on until the server stops reading.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->bufferedBytes() >= cap, 10000);
    QCOMPARE(held.size(), 1);
    QVERIFY(client.received.isEmpty());
    const qsizetype limit = cap + HttpServer::kReadChunkBytes;
    QVERIFY2(m_server->peakBufferedBytes() <= limit,
             qPrintable(QStringLiteral("%1 bytes buffered, over %2").arg(m_server->peakBufferedBytes()).arg(limit)));

    // The answers one by one: each lets the next request through (and the reading on, up to the cap).
    for (int released = 0; released < requests; ++released) {
        QTRY_VERIFY_WITH_TIMEOUT(held.size() > released, 5000);
        QCOMPARE(held.size(), released + 1);
        const std::function<void()> release = held.at(released); // a copy: answering appends to `held`
        release();
    }
    const QList<Response> responses = client.waitResponses(requests, 10000);
    QCOMPARE(responses.size(), requests);
    for (int i = 0; i < requests; ++i)
        QCOMPARE(responses.at(i).body, expected.at(i));
    QVERIFY2(m_server->peakBufferedBytes() <= limit,
             qPrintable(QStringLiteral("%1 bytes buffered, over %2").arg(m_server->peakBufferedBytes()).arg(limit)));
    QCOMPARE(m_server->bufferedBytes(), 0);
    QVERIFY(!client.closed);
}

void TestHttpServer::tricklingClientClosed_data()
{
    QTest::addColumn<QByteArray>("start");   // sent at once
    QTest::addColumn<QByteArray>("trickle"); // then this every 100 ms, never finishing the request
    QTest::newRow("head") << QByteArray("GET /never HTTP/1.1\r\nX-Trickle: ") << QByteArray("a");
    QTest::newRow("body") << QByteArray("POST /never HTTP/1.1\r\nContent-Length: 100000\r\n\r\n") << QByteArray("b");
}

// Bytes do not restart the idle timer: a client trickling a request is closed (408) about when the
// idle timeout is over, while another client on the same server is served all along.
void TestHttpServer::tricklingClientClosed()
{
    QFETCH(QByteArray, start);
    QFETCH(QByteArray, trickle);
    m_server->setIdleTimeout(600);
    m_server->setHandler([](const HttpRequest& request, const QHostAddress&, HttpServer::Answer answer) {
        answer(HttpRequestParser::response(200, request.target));
    });
    Client other(m_server->port());
    Client trickler(m_server->port());
    QVERIFY(other.waitConnected());
    QVERIFY(trickler.waitConnected());
    QElapsedTimer timer;
    timer.start();
    qint64 closedAt = -1;
    connect(&trickler.socket, &QTcpSocket::disconnected, &trickler,
            [&closedAt, &timer] { closedAt = timer.elapsed(); });

    trickler.send(start);
    int trickled = 0;
    int served = 0;
    while (!trickler.closed && timer.elapsed() < 3000) {
        QTest::qWait(100);
        if (trickler.closed)
            break;
        trickler.send(trickle);
        trickler.socket.flush();
        ++trickled;
        const QByteArray target = "/other/" + QByteArray::number(served);
        other.send(get(target));
        const QList<Response> responses = other.waitResponses(served + 1, 1000);
        QCOMPARE(responses.size(), served + 1);
        QCOMPARE(responses.last().body, target);
        ++served;
    }
    QVERIFY2(trickler.closed, "a client trickling a request was not closed: do its bytes restart the idle timer?");
    QCOMPARE(responsesIn(trickler.received).value(0).status, 408);
    QVERIFY2(closedAt >= 500 && closedAt < 1500, qPrintable(QStringLiteral("closed after %1 ms").arg(closedAt)));
    QVERIFY2(trickled >= 4, qPrintable(QStringLiteral("only %1 bytes trickled").arg(trickled)));
    QVERIFY(served >= 4);
    // The other client is still open and served.
    QVERIFY(!other.closed);
    other.send(get("/after"));
    QCOMPARE(other.waitResponses(served + 1).value(served).body, QByteArray("/after"));
}

// A client pipelining small requests and never reading its answers: the answers waiting for it are
// capped (the server stops answering and reading), and all of them come once it reads.
void TestHttpServer::clientNotReadingIsNotAnsweredWithoutBound()
{
    const QByteArray answerBody(2048, 'x'); // 40 bytes ask for 2 KB: 50 times more out than in
    int answered = 0;
    m_server->setHandler([&](const HttpRequest&, const QHostAddress&, HttpServer::Answer answer) {
        ++answered;
        answer(HttpRequestParser::response(200, answerBody));
    });
    constexpr int kRequests = 12000; // 24 MB of answers: more than the cap and the kernel's buffers
    QByteArray wire;
    for (int i = 0; i < kRequests; ++i)
        wire += "GET /" + QByteArray::number(i) + " HTTP/1.1\r\nHost: a\r\n\r\n";
    QTcpSocket client;
    client.setReadBufferSize(16 * 1024); // the client takes nothing more than this from its kernel
    client.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(client.waitForConnected(5000));
    client.write(wire);
    // The server answers until the client's kernel and the cap are full, then stops.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->peakUnsentBytes() > HttpServer::kMaxUnsentBytes, 10000);
    QTest::qWait(300);
    const int stalledAt = answered;
    QTest::qWait(300);
    QCOMPARE(answered, stalledAt);
    QVERIFY2(answered < kRequests, "every request was answered: the client's buffers were not full");
    const qsizetype limit = HttpServer::kMaxUnsentBytes + answerBody.size() + 1024;
    QVERIFY2(
        m_server->peakUnsentBytes() <= limit,
        qPrintable(QStringLiteral("%1 bytes of answers waiting, over %2").arg(m_server->peakUnsentBytes()).arg(limit)));

    // The client reads: every answer comes, in order.
    client.setReadBufferSize(0);
    QByteArray received;
    int complete = 0;
    QElapsedTimer timer;
    timer.start();
    while (complete < kRequests && timer.elapsed() < 20000) {
        QTest::qWait(5); // the server is in this thread: its loop must run
        received += client.readAll();
        complete = int(received.count("HTTP/1.1 200"));
    }
    QCOMPARE(complete, kRequests);
    QCOMPARE(answered, kRequests);
    QVERIFY(m_server->peakUnsentBytes() <= limit);
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
