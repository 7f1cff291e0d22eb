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

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
