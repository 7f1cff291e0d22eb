#pragma once

// Test support, header-only: a raw HTTP/1.1 client on a real socket for the server tests — it
// sends bytes exactly as given (pipelined, in pieces, malformed) and reads back every complete
// response (Content-Length framed), so tests see what the server wrote, byte for byte.

#include <functional>

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTcpSocket>
#include <QTest>

namespace TestHttpClient {

struct Response
{
    int status = 0;
    QByteArray head; // status line and headers
    QByteArray body;
};

// A webhook POST to /webhook as Meta sends it: JSON, signed when `signature` is not null.
inline QByteArray post(const QByteArray& body, const QByteArray& signature, bool keepAlive = true)
{
    QByteArray request = "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    if (!signature.isNull())
        request += "X-Hub-Signature-256: " + signature + "\r\n";
    if (!keepAlive)
        request += "Connection: close\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return request;
}

// Every complete response in `bytes`.
inline QList<Response> responsesIn(const QByteArray& bytes)
{
    QList<Response> out;
    qsizetype at = 0;
    while (true) {
        const qsizetype end = bytes.indexOf("\r\n\r\n", at);
        if (end < 0)
            break;
        Response r;
        r.head = bytes.mid(at, end - at);
        r.status = r.head.mid(9, 3).toInt();
        qsizetype length = 0;
        for (const QByteArray& line : r.head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (bytes.size() < end + 4 + length)
            break;
        r.body = bytes.mid(end + 4, length);
        out.append(r);
        at = end + 4 + length;
    }
    return out;
}

class Client : public QObject
{
public:
    explicit Client(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected()
    {
        return socket.state() == QAbstractSocket::ConnectedState ||
               waitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; });
    }
    void send(const QByteArray& bytes) { socket.write(bytes); }
    bool waitFor(const std::function<bool()>& done, int ms = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!done() && timer.elapsed() < ms)
            QTest::qWait(5);
        return done();
    }
    QList<Response> waitResponses(int count, int ms = 5000)
    {
        waitFor([this, count] { return responsesIn(received).size() >= count; }, ms);
        return responsesIn(received);
    }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

} // namespace TestHttpClient
