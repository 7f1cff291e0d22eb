#pragma once

#include <functional>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>

#include "HttpRequestParser.h"

class QTcpServer;

namespace wa {

class HttpConnection;

// The HTTP/1.1 server under the embedded servers (webhook listener, sandbox): a QTcpServer with
// one connection object per client that buffers its bytes, parses them with HttpRequestParser and
// answers its requests in order — pipelined requests wait for the answer before them, which may
// come later (asynchronously). Keep-alive unless the client says otherwise.
//
// Limits, each answered with its status code: the parser's body and header limits (413, 431, 414,
// 400, 505, then close); a client idle or trickling a request for longer than the idle timeout
// (408 when part of a request came, then close); more than kMaxConnections clients (503 to the
// newcomer, the others unaffected). While an answer is pending, a client pipelining more than
// kMaxBufferedBytes behind it is not read from until the answer is written (TCP pushes back).
class HttpServer : public QObject
{
    Q_OBJECT

public:
    static constexpr int kIdleTimeoutMs = 10000; // a client idle or trickling this long is closed
    static constexpr int kMaxConnections = 256;  // more are refused, the others unaffected
    // The kernel's queue of connections not yet accepted; Qt's default of 50 would make a burst of
    // clients wait on TCP retries.
    static constexpr int kListenBacklog = kMaxConnections;
    // After closing its end, how long a client gets to close its own before it is cut off.
    static constexpr int kAbortAfterCloseMs = 1000;
    // While a request waits for its answer, the bytes the client sends behind it are kept unparsed
    // up to this much (the parser's largest legal request: 4 MiB body + 16 KiB head); then the
    // connection stops reading until the answer is written, and TCP makes the client wait.
    static constexpr qsizetype kMaxBufferedBytes =
        HttpRequestParser::kMaxBodyBytes + HttpRequestParser::kMaxHeaderBytes;
    // The most a connection takes from its socket at once; also the socket's own read buffer, so
    // that a connection holds at most kMaxBufferedBytes + kReadChunkBytes unparsed (over TLS, Qt
    // decrypts up to one more TLS record, 16 KiB, past the socket's limit).
    static constexpr qsizetype kReadChunkBytes = 64 * 1024;
    // Answers written but not yet taken by the client's TCP stack: past this much, a connection
    // neither answers nor reads until the client reads (a client pipelining small requests and
    // never reading its answers would otherwise grow the app's memory without bound).
    static constexpr qsizetype kMaxUnsentBytes = 4 * 1024 * 1024;

    // Called with the whole response (HttpRequestParser::response()), at once or later; once only.
    using Answer = std::function<void(QByteArray response)>;
    // Answers one request. The connection closes after the answer when request.keepAlive is false.
    using Handler = std::function<void(const HttpRequest& request, const QHostAddress& peer, Answer answer)>;

    explicit HttpServer(QObject* parent = nullptr);
    ~HttpServer() override;

    // Without a handler every request is answered 404.
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // For the connections accepted from now on.
    void setIdleTimeout(int milliseconds) { m_idleTimeoutMs = milliseconds; }
    int idleTimeout() const { return m_idleTimeoutMs; }
    // For the connections accepted from now on (tests use a small one); kMaxBufferedBytes by default.
    void setMaxBufferedBytes(qsizetype bytes) { m_maxBufferedBytes = qMax<qsizetype>(bytes, 0); }
    qsizetype maxBufferedBytes() const { return m_maxBufferedBytes; }
    // The bytes received and not parsed yet, summed over the open connections.
    qsizetype bufferedBytes() const;
    // The most that one connection has held unparsed at any time since the server was made.
    qsizetype peakBufferedBytes() const { return m_peakBufferedBytes; }
    // The most one connection has held of answers not yet taken by its client (for tests).
    qsizetype peakUnsentBytes() const { return m_peakUnsentBytes; }

    // Serves HTTPS from now on (before listen()): the certificate chain and the private key, both PEM
    // files. False and why when they cannot be read, do not match, or the server is listening.
    bool setTls(const QString& certificateFile, const QString& keyFile, QString* error);
    bool isTls() const { return m_tls; }
    // Plain HTTP again (before listen()).
    void clearTls();

    // Binds the address (port 0 picks a free one). False and why on failure.
    bool listen(const QHostAddress& address, quint16 port, QString* error);
    // Stops accepting; the connections already open are served to their end.
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    int connectionCount() const;

private:
    friend class HttpConnection;
    void accept();
    void handle(const HttpRequest& request, const QHostAddress& peer, Answer answer);
    void noteBuffered(qsizetype bytes) { m_peakBufferedBytes = qMax(m_peakBufferedBytes, bytes); }
    void noteUnsent(qsizetype bytes) { m_peakUnsentBytes = qMax(m_peakUnsentBytes, bytes); }

    void adopt(QTcpServer* server);

    QTcpServer* m_server = nullptr;
    bool m_tls = false;
    Handler m_handler;
    int m_idleTimeoutMs = kIdleTimeoutMs;
    qsizetype m_maxBufferedBytes = kMaxBufferedBytes;
    qsizetype m_peakBufferedBytes = 0;
    qsizetype m_peakUnsentBytes = 0;
    QList<QPointer<HttpConnection>> m_connections;
};

} // namespace wa
