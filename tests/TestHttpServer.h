#pragma once

// A scripted HTTP/1.1 server for tests of HTTP clients, on 127.0.0.1 and a free port. Header-only
// test support: no Q_OBJECT (tests wait with QTRY_* on requests()), requests parsed by the
// project's HttpRequestParser.
//
//     TestHttpServer server;
//     QVERIFY(server.listen());
//     server.setHandler([](const wa::HttpRequest& request) {
//         if (request.url().path() == QLatin1String("/v1/users/login"))
//             return TestHttpServer::Reply::json(200, R"({"users":[{"token":"t"}]})");
//         return TestHttpServer::Reply::never(); // or close(), reset(), or a delay
//     });
//     … point the client at server.url("/v1/messages") …
//     QTRY_COMPARE(server.requests().size(), 1);
//
// Every complete request is recorded (requests()) before its handler is called, in the order
// received. Requests on one connection are answered in order (keep-alive); a request the server
// could not parse is answered with the parser's error status and the connection closed. With
// listenTls() the same runs over TLS (QSslServer), for certificate tests.

#include <functional>
#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#if QT_CONFIG(ssl)
#include <QSslConfiguration>
#include <QSslServer>
#endif

#include "HttpRequestParser.h"

class TestHttpServer : public QObject
{
public:
    // What to do with one request.
    struct Reply
    {
        enum class Action {
            Answer,      // write the status, headers and body (after delayMs)
            NeverAnswer, // keep the connection open and say nothing (client timeouts)
            Close,       // close the connection without answering (after delayMs)
            Reset,       // abort the connection (TCP reset) without answering (after delayMs)
        };

        int status = 200;
        wa::HttpRequest::HeaderList headers; // besides Content-Length and Connection, written as given
        QByteArray body;
        int delayMs = 0;
        Action action = Action::Answer;

        static Reply json(int status, const QByteArray& body, int delayMs = 0)
        {
            Reply reply;
            reply.status = status;
            reply.headers = {{"Content-Type", "application/json"}};
            reply.body = body;
            reply.delayMs = delayMs;
            return reply;
        }
        static Reply text(int status, const QByteArray& body, const QByteArray& contentType = "text/plain")
        {
            Reply reply;
            reply.status = status;
            reply.headers = {{"Content-Type", contentType}};
            reply.body = body;
            return reply;
        }
        static Reply never()
        {
            Reply reply;
            reply.action = Action::NeverAnswer;
            return reply;
        }
        static Reply close(int delayMs = 0)
        {
            Reply reply;
            reply.action = Action::Close;
            reply.delayMs = delayMs;
            return reply;
        }
        static Reply reset(int delayMs = 0)
        {
            Reply reply;
            reply.action = Action::Reset;
            reply.delayMs = delayMs;
            return reply;
        }
    };

    using Handler = std::function<Reply(const wa::HttpRequest& request)>;

    explicit TestHttpServer(QObject* parent = nullptr)
        : QObject(parent)
    {
    }

    // The handler for every request not answered by the queue (see enqueue()). Without one, 404.
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Replies used one per request, in order, before the handler is asked.
    void enqueue(const Reply& reply) { m_queue.append(reply); }

    // Plain HTTP on 127.0.0.1; port 0 picks a free one.
    bool listen(quint16 port = 0)
    {
        m_tls = false;
        return start(new QTcpServer(this), port);
    }

#if QT_CONFIG(ssl)
    // HTTPS on 127.0.0.1 with the given certificate and key; port 0 picks a free one.
    bool listenTls(const QSslConfiguration& configuration, quint16 port = 0)
    {
        auto* server = new QSslServer(this);
        server->setSslConfiguration(configuration);
        // A client that refuses the certificate ends the handshake: QSslServer drops that socket
        // itself, and it never reaches pendingConnectionAvailable.
        m_tls = true;
        return start(server, port);
    }
#endif

    // Stops listening and drops every open connection (the port is then closed).
    void close()
    {
        if (m_server)
            m_server->close();
        for (const QPointer<QTcpSocket>& socket : std::as_const(m_sockets)) {
            if (socket)
                socket->abort();
        }
        m_sockets.clear();
    }

    quint16 port() const
    {
        return m_server ? m_server->serverPort() : 0;
    }
    // "http://127.0.0.1:PORT" + path (https with listenTls()).
    QUrl url(const QString& path = QString()) const
    {
        QUrl url;
        url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(port());
        url.setPath(path);
        return url;
    }

    // Every complete request received, in order.
    const QList<wa::HttpRequest>& requests() const
    {
        return m_requests;
    }
    void clearRequests()
    {
        m_requests.clear();
    }
    // Connections accepted so far (TLS: those whose handshake succeeded).
    int connectionCount() const
    {
        return m_connectionCount;
    }

private:
    bool start(QTcpServer* server, quint16 port)
    {
        if (m_server)
            m_server->deleteLater();
        m_server = server;
        connect(server, &QTcpServer::pendingConnectionAvailable, this, [this] { accept(); });
        return server->listen(QHostAddress::LocalHost, port);
    }

    void accept()
    {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            ++m_connectionCount;
            m_sockets.append(socket);
            auto* connection = new Connection(socket, this);
            connect(socket, &QTcpSocket::readyRead, connection, [connection] { connection->read(); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            if (socket->bytesAvailable() > 0)
                connection->read();
        }
    }

    Reply replyFor(const wa::HttpRequest& request)
    {
        if (!m_queue.isEmpty())
            return m_queue.takeFirst();
        if (m_handler)
            return m_handler(request);
        return Reply::text(404, "no handler\n");
    }

    static QByteArray encode(const Reply& reply, bool keepAlive)
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' +
                         wa::HttpRequestParser::reasonPhrase(reply.status) + "\r\n";
        for (const auto& [name, value] : reply.headers)
            out += name + ": " + value + "\r\n";
        const bool hasContent = reply.status >= 200 && reply.status != 204 && reply.status != 304;
        if (hasContent)
            out += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
        out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
        if (hasContent)
            out += reply.body;
        return out;
    }

    // One client connection, a child of its socket: parses, records, answers in order.
    class Connection : public QObject
    {
    public:
        Connection(QTcpSocket* socket, TestHttpServer* server)
            : QObject(socket)
            , m_socket(socket)
            , m_server(server)
        {
        }

        void read()
        {
            m_parser.feed(m_socket->readAll());
            process();
        }

    private:
        void process()
        {
            while (!m_waiting) {
                const auto status = m_parser.status();
                if (status == wa::HttpRequestParser::Status::Error) {
                    m_socket->write(m_parser.errorResponse());
                    m_socket->disconnectFromHost();
                    return;
                }
                if (m_parser.takeExpectContinue())
                    m_socket->write(wa::HttpRequestParser::continueResponse());
                if (status != wa::HttpRequestParser::Status::Complete)
                    return;
                const wa::HttpRequest request = m_parser.takeRequest();
                m_server->m_requests.append(request);
                const Reply reply = m_server->replyFor(request);
                if (reply.action == Reply::Action::NeverAnswer) {
                    m_waiting = true; // and later requests on this connection wait for ever too
                    return;
                }
                m_waiting = true;
                const bool keepAlive = request.keepAlive;
                QTimer::singleShot(reply.delayMs, this, [this, reply, keepAlive] { answer(reply, keepAlive); });
            }
        }

        void answer(const Reply& reply, bool keepAlive)
        {
            m_waiting = false;
            switch (reply.action) {
            case Reply::Action::Close:
                m_socket->disconnectFromHost();
                return;
            case Reply::Action::Reset:
                m_socket->abort();
                return;
            case Reply::Action::NeverAnswer:
                return;
            case Reply::Action::Answer:
                break;
            }
            m_socket->write(encode(reply, keepAlive));
            if (!keepAlive) {
                m_socket->disconnectFromHost();
                return;
            }
            m_parser.feed({});
            process();
        }

        QTcpSocket* m_socket;
        TestHttpServer* m_server;
        wa::HttpRequestParser m_parser;
        bool m_waiting = false;
    };

    QPointer<QTcpServer> m_server;
    bool m_tls = false;
    Handler m_handler;
    QList<Reply> m_queue;
    QList<wa::HttpRequest> m_requests;
    QList<QPointer<QTcpSocket>> m_sockets;
    int m_connectionCount = 0;
};
