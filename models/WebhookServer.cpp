#include "WebhookServer.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include "EventStore.h"
#include "WebhookEventParser.h"
#include "WebhookSignature.h"

namespace wa {

namespace {

WebhookEvent verificationEvent(const QUrlQuery& query, bool accepted)
{
    WebhookEvent e;
    e.kind = WebhookEvent::Kind::Verification;
    e.fields.insert(QStringLiteral("verification"),
                    QJsonObject{{QStringLiteral("mode"), query.queryItemValue(QStringLiteral("hub.mode"))},
                                {QStringLiteral("challenge"), query.queryItemValue(QStringLiteral("hub.challenge"))},
                                {QStringLiteral("accepted"), accepted}});
    e.summary = accepted ? QStringLiteral("Verification accepted (hub.challenge %1)")
                               .arg(query.queryItemValue(QStringLiteral("hub.challenge")))
                         : QStringLiteral("Verification refused: wrong verify token");
    return e;
}

WebhookEvent rejectedEvent(const QString& why, WebhookEvent::Signature signature)
{
    WebhookEvent e;
    e.kind = WebhookEvent::Kind::Rejected;
    e.signature = signature;
    e.fields.insert(QStringLiteral("rejected"), QJsonObject{{QStringLiteral("reason"), why}});
    e.summary = QStringLiteral("Rejected: %1").arg(why);
    return e;
}

} // namespace

WebhookServer::Sink WebhookServer::sinkInto(EventStore* store)
{
    return [store](const ReceivedRequest& received, const QList<WebhookEvent>& events,
                   std::function<void(bool, const QList<WebhookEvent>&)> done) {
        StoredRequest request;
        request.receivedAt = received.receivedAtMs;
        request.method = received.request.method;
        request.target = received.request.target;
        request.headers = received.request.headers;
        request.body = received.request.body;
        request.signature = received.signature;
        request.statusCode = received.statusCode;
        request.remoteAddress = received.remoteAddress.toString();
        store->enqueue(request, events, [done](bool ok, const QList<WebhookEvent>& stored) { done(ok, stored); });
    };
}

WebhookServer::WebhookServer(QObject* parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    m_server->setMaxPendingConnections(kMaxConnections);
    // The kernel's queue of connections not yet accepted; Qt's default of 50 would make a burst of
    // clients wait on TCP retries.
    m_server->setListenBacklogSize(kMaxConnections);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &WebhookServer::accept);
}

WebhookServer::~WebhookServer() = default;

bool WebhookServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (!m_server->listen(address, port)) {
        *error =
            QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server->errorString());
        return false;
    }
    return true;
}

void WebhookServer::close()
{
    m_server->close();
}

bool WebhookServer::isListening() const
{
    return m_server->isListening();
}

quint16 WebhookServer::port() const
{
    return m_server->serverPort();
}

QHostAddress WebhookServer::address() const
{
    return m_server->serverAddress();
}

int WebhookServer::connectionCount() const
{
    int n = 0;
    for (const QPointer<WebhookConnection>& c : m_connections)
        n += c ? 1 : 0;
    return n;
}

void WebhookServer::accept()
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
        m_connections.append(new WebhookConnection(socket, this, m_idleTimeoutMs));
    }
}

void WebhookServer::handle(const ReceivedRequest& incoming, std::function<void(const QByteArray&)> answer)
{
    ReceivedRequest received = incoming;
    const HttpRequest& request = received.request;
    if (request.method == "GET") {
        const QUrlQuery query(request.url());
        if (!query.hasQueryItem(QStringLiteral("hub.mode"))) {
            received.statusCode = 200;
            answer(HttpRequestParser::response(200, "wa-composer webhook listener: POST events here\n"));
            return;
        }
        const bool accepted =
            query.queryItemValue(QStringLiteral("hub.mode")) == QLatin1String("subscribe") &&
            !m_verifyToken.isEmpty() &&
            WebhookSignature::constantTimeEquals(
                query.queryItemValue(QStringLiteral("hub.verify_token"), QUrl::FullyDecoded).toUtf8(), m_verifyToken);
        received.statusCode = accepted ? 200 : 403;
        const QByteArray body = accepted
                                    ? query.queryItemValue(QStringLiteral("hub.challenge"), QUrl::FullyDecoded).toUtf8()
                                    : QByteArray("verify token does not match\n");
        store(received, {verificationEvent(query, accepted)}, [answer, received, body](const QByteArray&) {
            answer(HttpRequestParser::response(received.statusCode, body));
        });
        return;
    }
    if (request.method != "POST") {
        received.statusCode = 405;
        answer(HttpRequestParser::response(405, "GET (verification) and POST (events) only\n"));
        return;
    }
    received.signature = WebhookSignature::verify(request.body, request.header("X-Hub-Signature-256"), m_appSecret);
    if (received.signature == WebhookEvent::Signature::Missing ||
        received.signature == WebhookEvent::Signature::Invalid) {
        received.statusCode = 403;
        const QString why = received.signature == WebhookEvent::Signature::Missing
                                ? QStringLiteral("no X-Hub-Signature-256 header")
                                : QStringLiteral("X-Hub-Signature-256 does not match the body and the app secret");
        store(received, {rejectedEvent(why, received.signature)},
              [answer, why](const QByteArray&) { answer(HttpRequestParser::response(403, why.toUtf8() + '\n')); });
        return;
    }
    const WebhookParseResult parsed = WebhookEventParser::parse(request.body);
    if (!parsed.error.isEmpty()) {
        received.statusCode = 400;
        WebhookEvent raw = rejectedEvent(parsed.error, received.signature);
        raw.kind = WebhookEvent::Kind::Unknown;
        raw.summary = QStringLiteral("Not JSON: %1").arg(parsed.error);
        const QByteArray body = parsed.error.toUtf8() + '\n';
        store(received, {raw}, [answer, body](const QByteArray&) { answer(HttpRequestParser::response(400, body)); });
        return;
    }
    QList<WebhookEvent> events = parsed.events;
    for (WebhookEvent& e : events)
        e.signature = received.signature;
    received.statusCode = 200;
    store(received, events, [answer](const QByteArray& response) { answer(response); });
}

void WebhookServer::store(ReceivedRequest request, QList<WebhookEvent> events,
                          std::function<void(const QByteArray&)> answer)
{
    const QByteArray ok =
        HttpRequestParser::response(request.statusCode, "{\"ok\":true}", "application/json", request.request.keepAlive);
    if (!m_sink) {
        emit received(request, events);
        answer(ok);
        return;
    }
    QPointer<WebhookServer> self(this);
    m_sink(request, events, [self, request, answer, ok](bool stored, const QList<WebhookEvent>& storedEvents) {
        if (!stored) {
            // Not stored, so not acknowledged: Meta sends it again.
            answer(HttpRequestParser::response(500, "could not store the event; send it again\n"));
            return;
        }
        if (self)
            emit self->received(request, storedEvents);
        answer(ok);
    });
}

// --- one connection -------------------------------------------------------------------------------

WebhookConnection::WebhookConnection(QTcpSocket* socket, WebhookServer* server, int idleTimeoutMs)
    : QObject(server)
    , m_socket(socket)
    , m_server(server)
    , m_idle(new QTimer(this))
{
    socket->setParent(this);
    m_idle->setSingleShot(true);
    m_idle->setInterval(idleTimeoutMs);
    connect(m_idle, &QTimer::timeout, this, &WebhookConnection::idle);
    connect(socket, &QTcpSocket::readyRead, this, &WebhookConnection::readBytes);
    connect(socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    m_idle->start();
    if (socket->bytesAvailable() > 0)
        readBytes();
}

void WebhookConnection::readBytes()
{
    // The idle timer is not restarted by bytes: a client trickling a request byte by byte is
    // closed when the whole request has taken longer than the limit.
    m_parser.feed(m_socket->readAll());
    processBuffered();
}

void WebhookConnection::processBuffered()
{
    while (!m_waiting) {
        const HttpRequestParser::Status status = m_parser.status();
        if (status == HttpRequestParser::Status::Error) {
            send(m_parser.errorResponse(), true);
            return;
        }
        if (m_parser.takeExpectContinue())
            m_socket->write(HttpRequestParser::continueResponse());
        if (status != HttpRequestParser::Status::Complete)
            return;
        ReceivedRequest received;
        received.request = m_parser.takeRequest();
        received.remoteAddress = m_socket->peerAddress();
        received.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_closeAfterAnswer = !received.request.keepAlive;
        m_waiting = true;
        m_idle->stop(); // the wait for the store is ours, not the client's
        QPointer<WebhookConnection> self(this);
        m_server->handle(received, [self](const QByteArray& response) {
            if (!self)
                return;
            self->m_waiting = false;
            self->send(response, self->m_closeAfterAnswer);
            if (!self->m_closeAfterAnswer) {
                self->m_idle->start();
                self->m_parser.feed({});
                self->processBuffered();
            }
        });
    }
}

void WebhookConnection::send(const QByteArray& response, bool close)
{
    m_socket->write(response);
    if (close)
        m_socket->disconnectFromHost();
}

void WebhookConnection::idle()
{
    if (m_waiting)
        return;
    if (m_parser.hasPartialRequest())
        m_socket->write(
            HttpRequestParser::response(408, "request not completed in time\n", "text/plain; charset=utf-8", false));
    m_socket->disconnectFromHost();
    // a client that does not close its end is cut off
    QTimer::singleShot(1000, m_socket, [socket = m_socket] { socket->abort(); });
}

} // namespace wa
