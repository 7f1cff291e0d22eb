#include "HttpServer.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace wa {

// One client connection: buffers and parses its bytes, answers its requests in order. Deleted
// (later) when the client is gone; the socket is its child.
class HttpConnection : public QObject
{
public:
    HttpConnection(QTcpSocket* socket, HttpServer* server, int idleTimeoutMs, qsizetype maxBufferedBytes);

    // Received and not parsed yet: what the parser holds behind a complete request, and the socket's buffer.
    qsizetype bufferedBytes() const { return m_parser.bufferedBytes() + m_socket->bytesAvailable(); }
    // The client has not taken kMaxUnsentBytes of its answers: nothing more is answered or read.
    bool outputFull()
    {
        m_server->noteUnsent(m_socket->bytesToWrite());
        if (m_socket->bytesToWrite() > HttpServer::kMaxUnsentBytes)
            m_outputFull = true;
        return m_socket->bytesToWrite() > HttpServer::kMaxUnsentBytes;
    }

private:
    void readBytes();
    void processBuffered();
    void answered(const QByteArray& response);
    void send(const QByteArray& response, bool close);
    void idle();

    QTcpSocket* m_socket;
    HttpServer* m_server;
    HttpRequestParser m_parser;
    QTimer* m_idle;
    qsizetype m_maxBufferedBytes;
    bool m_waiting = false; // an answer is pending (given asynchronously): later requests wait
    bool m_closeAfterAnswer = false;
    bool m_dispatching = false; // inside the handler: an answer given at once is not re-entered
    bool m_closing = false;
    bool m_outputFull = false; // stopped at kMaxUnsentBytes: bytesWritten() goes on
};

HttpServer::HttpServer(QObject* parent)
    : QObject(parent)
{
    adopt(new QTcpServer(this));
}

void HttpServer::adopt(QTcpServer* server)
{
    if (m_server)
        m_server->deleteLater();
    m_server = server;
    m_server->setMaxPendingConnections(kMaxConnections);
    m_server->setListenBacklogSize(kListenBacklog);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &HttpServer::accept);
}

void HttpServer::clearTls()
{
    if (!m_tls || m_server->isListening())
        return;
    adopt(new QTcpServer(this));
    m_tls = false;
}

bool HttpServer::setTls(const QString& certificateFile, const QString& keyFile, QString* error)
{
    if (m_server->isListening()) {
        *error = QStringLiteral("TLS must be set before the server listens");
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificateFile, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("no PEM certificate could be read from %1").arg(certificateFile);
        return false;
    }
    QFile keyIn(keyFile);
    if (!keyIn.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the key %1: %2").arg(keyFile, keyIn.errorString());
        return false;
    }
    const QByteArray pem = keyIn.readAll();
    QSslKey key(pem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        *error = QStringLiteral("%1 holds no unencrypted PEM private key (RSA or EC)").arg(keyFile);
        return false;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
    auto* server = new QSslServer(this);
    server->setSslConfiguration(configuration);
    adopt(server);
    m_tls = true;
    return true;
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (!m_server->listen(address, port)) {
        *error =
            QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server->errorString());
        return false;
    }
    return true;
}

void HttpServer::close()
{
    m_server->close();
}

bool HttpServer::isListening() const
{
    return m_server->isListening();
}

quint16 HttpServer::port() const
{
    return m_server->serverPort();
}

QHostAddress HttpServer::address() const
{
    return m_server->serverAddress();
}

int HttpServer::connectionCount() const
{
    int n = 0;
    for (const QPointer<HttpConnection>& c : m_connections)
        n += c ? 1 : 0;
    return n;
}

qsizetype HttpServer::bufferedBytes() const
{
    qsizetype n = 0;
    for (const QPointer<HttpConnection>& c : m_connections)
        n += c ? c->bufferedBytes() : 0;
    return n;
}

void HttpServer::accept()
{
    m_connections.removeAll(nullptr);
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        if (m_connections.size() >= kMaxConnections) {
            // Over the cap: refused at once, so that the connections already served go on.
            socket->write(
                HttpRequestParser::response(503, "too many connections\n", "text/plain; charset=utf-8", false));
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        m_connections.append(new HttpConnection(socket, this, m_idleTimeoutMs, m_maxBufferedBytes));
    }
}

void HttpServer::handle(const HttpRequest& request, const QHostAddress& peer, Answer answer)
{
    if (!m_handler) {
        answer(HttpRequestParser::response(404, "nothing is served here\n", "text/plain; charset=utf-8",
                                           request.keepAlive));
        return;
    }
    m_handler(request, peer, std::move(answer));
}

// --- one connection -------------------------------------------------------------------------------

HttpConnection::HttpConnection(QTcpSocket* socket, HttpServer* server, int idleTimeoutMs, qsizetype maxBufferedBytes)
    : QObject(server)
    , m_socket(socket)
    , m_server(server)
    , m_idle(new QTimer(this))
    , m_maxBufferedBytes(maxBufferedBytes)
{
    socket->setParent(this);
    // Bounded, so that Qt stops taking bytes from the kernel when the connection stops reading.
    socket->setReadBufferSize(HttpServer::kReadChunkBytes);
    m_idle->setSingleShot(true);
    m_idle->setInterval(idleTimeoutMs);
    connect(m_idle, &QTimer::timeout, this, &HttpConnection::idle);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::readBytes);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (!m_outputFull || outputFull())
            return;
        m_outputFull = false;
        QPointer<HttpConnection> self(this);
        processBuffered();
        if (self)
            readBytes();
    });
    connect(socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    m_idle->start();
    if (socket->bytesAvailable() > 0)
        readBytes();
}

void HttpConnection::readBytes()
{
    // The idle timer is not restarted by bytes: a client trickling a request byte by byte is
    // closed when the whole request has taken longer than the limit.
    QPointer<HttpConnection> self(this);
    while (self && m_socket->bytesAvailable() > 0) {
        if (m_closing) {
            m_socket->readAll(); // the connection is being closed: what the client still sends is dropped
            return;
        }
        if (outputFull())
            return;
        const qsizetype available = m_socket->bytesAvailable();
        m_server->noteBuffered(bufferedBytes());
        if (m_waiting) {
            // Behind a pending answer the backlog is capped: past it the bytes stay in the socket,
            // whose bounded buffer then stops Qt reading, and TCP makes the client wait. answered()
            // reads on. readAll() (not read(n)) when it all fits: it re-arms Qt's read notifier.
            const qsizetype room = m_maxBufferedBytes - m_parser.bufferedBytes();
            if (room <= 0)
                return;
            m_parser.feed(room < available ? m_socket->read(room) : m_socket->readAll());
        } else {
            m_parser.feed(m_socket->readAll());
        }
        m_server->noteBuffered(bufferedBytes());
        processBuffered();
    }
}

void HttpConnection::processBuffered()
{
    while (!m_waiting && !m_closing && !outputFull()) {
        const HttpRequestParser::Status status = m_parser.status();
        if (status == HttpRequestParser::Status::Error) {
            send(m_parser.errorResponse(), true);
            return;
        }
        if (m_parser.takeExpectContinue())
            m_socket->write(HttpRequestParser::continueResponse());
        if (status != HttpRequestParser::Status::Complete)
            return;
        const HttpRequest request = m_parser.takeRequest();
        m_closeAfterAnswer = !request.keepAlive;
        m_waiting = true;
        m_idle->stop(); // the wait for the answer is ours, not the client's
        QPointer<HttpConnection> self(this);
        m_dispatching = true;
        m_server->handle(request, m_socket->peerAddress(), [self](const QByteArray& response) {
            if (!self || !self->m_waiting)
                return; // the client is gone, or a second answer to the same request
            self->answered(response);
        });
        if (!self)
            return;
        m_dispatching = false;
        // Answered at once: the loop goes on with what is buffered (no recursion per request).
    }
}

void HttpConnection::answered(const QByteArray& response)
{
    m_waiting = false;
    send(response, m_closeAfterAnswer);
    if (m_closing)
        return;
    m_idle->start();
    m_parser.feed({});
    if (m_dispatching)
        return; // answered inside the handler: the caller's loops go on
    QPointer<HttpConnection> self(this);
    processBuffered();
    // Reading may have stopped at the cap while this answer was pending: what waits in the socket
    // comes now, in order, behind what the parser had buffered (up to the cap again if the next
    // answer is pending already).
    if (self)
        readBytes();
}

void HttpConnection::send(const QByteArray& response, bool close)
{
    m_socket->write(response);
    if (close) {
        m_closing = true; // nothing more is read or answered on this connection
        m_idle->stop();
        m_socket->disconnectFromHost();
        // a client that neither reads nor closes its end is cut off
        QTimer::singleShot(HttpServer::kAbortAfterCloseMs, m_socket, [socket = m_socket] { socket->abort(); });
    }
}

void HttpConnection::idle()
{
    if (m_waiting)
        return;
    if (m_parser.hasPartialRequest())
        m_socket->write(
            HttpRequestParser::response(408, "request not completed in time\n", "text/plain; charset=utf-8", false));
    m_socket->disconnectFromHost();
    // a client that does not close its end is cut off
    QTimer::singleShot(HttpServer::kAbortAfterCloseMs, m_socket, [socket = m_socket] { socket->abort(); });
}

} // namespace wa
