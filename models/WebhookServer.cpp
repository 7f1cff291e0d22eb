#include "WebhookServer.h"

#include <QDateTime>
#include <QJsonObject>
#include <QPointer>
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

// Every answer says what the connection then does: HttpServer closes it after the answer when the
// request asked for that (Connection: close, or HTTP/1.0 without keep-alive).
QByteArray reply(const HttpRequest& request, int status, const QByteArray& body,
                 const QByteArray& contentType = "text/plain; charset=utf-8")
{
    return HttpRequestParser::response(status, body, contentType, request.keepAlive);
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
    , m_http(new HttpServer(this))
{
    m_http->setHandler([this](const HttpRequest& request, const QHostAddress& peer, HttpServer::Answer answer) {
        ReceivedRequest received;
        received.request = request;
        received.remoteAddress = peer;
        received.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        handle(received, [answer](const QByteArray& response) { answer(response); });
    });
}

WebhookServer::~WebhookServer() = default;

bool WebhookServer::setTls(const QString& certificateFile, const QString& keyFile, QString* error)
{
    return m_http->setTls(certificateFile, keyFile, error);
}

void WebhookServer::clearTls()
{
    m_http->clearTls();
}

bool WebhookServer::isTls() const
{
    return m_http->isTls();
}

bool WebhookServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    return m_http->listen(address, port, error);
}

void WebhookServer::close()
{
    m_http->close();
}

bool WebhookServer::isListening() const
{
    return m_http->isListening();
}

quint16 WebhookServer::port() const
{
    return m_http->port();
}

QHostAddress WebhookServer::address() const
{
    return m_http->address();
}

int WebhookServer::connectionCount() const
{
    return m_http->connectionCount();
}

void WebhookServer::handle(const ReceivedRequest& incoming, std::function<void(const QByteArray&)> answer)
{
    ReceivedRequest received = incoming;
    const HttpRequest& request = received.request;
    if (request.method == "GET") {
        const QUrlQuery query(request.url());
        if (!query.hasQueryItem(QStringLiteral("hub.mode"))) {
            received.statusCode = 200;
            answer(reply(request, 200, "wa-composer webhook listener: POST events here\n"));
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
            answer(reply(received.request, received.statusCode, body));
        });
        return;
    }
    if (request.method != "POST") {
        received.statusCode = 405;
        answer(reply(request, 405, "GET (verification) and POST (events) only\n"));
        return;
    }
    received.signature = WebhookSignature::verify(request.body, request.header("X-Hub-Signature-256"), m_appSecret);
    if (received.signature == WebhookEvent::Signature::Missing ||
        received.signature == WebhookEvent::Signature::Invalid) {
        received.statusCode = 403;
        const QString why = received.signature == WebhookEvent::Signature::Missing
                                ? QStringLiteral("no X-Hub-Signature-256 header")
                                : QStringLiteral("X-Hub-Signature-256 does not match the body and the app secret");
        store(received, {rejectedEvent(why, received.signature)}, [answer, received, why](const QByteArray&) {
            answer(reply(received.request, 403, why.toUtf8() + '\n'));
        });
        return;
    }
    const WebhookParseResult parsed = WebhookEventParser::parse(request.body);
    if (!parsed.error.isEmpty()) {
        received.statusCode = 400;
        WebhookEvent raw = rejectedEvent(parsed.error, received.signature);
        raw.kind = WebhookEvent::Kind::Unknown;
        raw.summary = QStringLiteral("Not JSON: %1").arg(parsed.error);
        const QByteArray body = parsed.error.toUtf8() + '\n';
        store(received, {raw},
              [answer, received, body](const QByteArray&) { answer(reply(received.request, 400, body)); });
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
    const QByteArray ok = reply(request.request, request.statusCode, "{\"ok\":true}", "application/json");
    if (!m_sink) {
        emit received(request, events);
        answer(ok);
        return;
    }
    QPointer<WebhookServer> self(this);
    m_sink(request, events, [self, request, answer, ok](bool stored, const QList<WebhookEvent>& storedEvents) {
        if (!stored) {
            // Not stored, so not acknowledged: Meta sends it again.
            answer(reply(request.request, 500, "could not store the event; send it again\n"));
            return;
        }
        if (self)
            emit self->received(request, storedEvents);
        answer(ok);
    });
}

} // namespace wa
