#pragma once

#include <functional>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>

#include "HttpRequestParser.h"
#include "HttpServer.h"
#include "WebhookEvent.h"

namespace wa {

class EventStore;

// What the listener hands over for storing: the request as received and what was made of it.
struct ReceivedRequest
{
    HttpRequest request;
    QHostAddress remoteAddress;
    qint64 receivedAtMs = 0;
    int statusCode = 0; // what the listener answers (or will answer once stored)
    WebhookEvent::Signature signature = WebhookEvent::Signature::Unsigned;
};

// The embedded webhook listener: HTTP/1.1 on an HttpServer (requests parsed by HttpRequestParser).
// GET answers Meta's verification; POST checks X-Hub-Signature-256, parses the events and hands
// them to the sink, answering 200 only once the sink says they are stored. Limits answer with
// their status codes (400, 413, 431), idle or trickling clients are closed, connections are capped.
class WebhookServer : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultPort = 8765; // not on any browser's blocked list
    // The HttpServer's limits: a client idle or trickling this long is closed; more connections
    // than this are refused, the others unaffected.
    static constexpr int kIdleTimeoutMs = HttpServer::kIdleTimeoutMs;
    static constexpr int kMaxConnections = HttpServer::kMaxConnections;

    // Stores a request and its events; calls `done(ok, storedEvents)` once they are committed
    // (ok = false answers 500 so that Meta retries). storedEvents carry the duplicate marks.
    using Sink = std::function<void(const ReceivedRequest& request, const QList<WebhookEvent>& events,
                                    std::function<void(bool ok, const QList<WebhookEvent>& stored)> done)>;

    // A sink that stores into an event store (the app's and the listen command's).
    static Sink sinkInto(EventStore* store);

    explicit WebhookServer(QObject* parent = nullptr);
    ~WebhookServer() override;

    void setVerifyToken(const QByteArray& token) { m_verifyToken = token; }
    void setAppSecret(const QByteArray& secret) { m_appSecret = secret; }
    void setSink(Sink sink) { m_sink = std::move(sink); }
    void setIdleTimeout(int milliseconds) { m_http->setIdleTimeout(milliseconds); }

    // Binds 127.0.0.1 unless told otherwise; port 0 picks a free one. False and why on failure.
    bool listen(const QHostAddress& address, quint16 port, QString* error);
    // HTTPS instead of HTTP (before listen()): PEM certificate chain and key files. False and why.
    bool setTls(const QString& certificateFile, const QString& keyFile, QString* error);
    bool isTls() const;
    void clearTls();
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    int connectionCount() const;

signals:
    // After the events of one request are stored (or a request was rejected/refused).
    void received(const wa::ReceivedRequest& request, const QList<wa::WebhookEvent>& events);

private:
    // Answers one request; `answer` is called (maybe later) with the response.
    void handle(const ReceivedRequest& received, std::function<void(const QByteArray&)> answer);
    void store(ReceivedRequest received, QList<WebhookEvent> events, std::function<void(const QByteArray&)> answer);

    HttpServer* m_http;
    QByteArray m_verifyToken;
    QByteArray m_appSecret;
    Sink m_sink;
};

} // namespace wa
