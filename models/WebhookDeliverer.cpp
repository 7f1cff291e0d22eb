#include "WebhookDeliverer.h"

#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include "WebhookSignature.h"

namespace wa {

namespace {

// What Meta's webhook requests call themselves; some bots check it.
const QByteArray kUserAgent = QByteArrayLiteral("facebookexternalua");

QString hostAndPort(const QUrl& url)
{
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    const int port = url.port(url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 ? 443 : 80);
    return host + QLatin1Char(':') + QString::number(port);
}

// "10 s", "1.5 s" reads better than milliseconds for the defaults; "150 ms" for short test values.
QString duration(int ms)
{
    if (ms >= 1000 && ms % 100 == 0)
        return QString::number(ms / 1000.0) + QStringLiteral(" s");
    return QString::number(ms) + QStringLiteral(" ms");
}

// The wait before the next attempt after `attemptsDone` attempts: first, then doubling, capped.
int backoff(const WebhookRetryPolicy& policy, int attemptsDone)
{
    qint64 delay = policy.firstRetryMs;
    for (int i = 1; i < attemptsDone && delay < policy.maxRetryMs; ++i)
        delay *= 2;
    return static_cast<int>(qMin<qint64>(delay, policy.maxRetryMs));
}

// Why an attempt that did not end in a 2xx answer failed, naming what failed.
QString failureText(const QNetworkReply* reply, int status, bool timedOut, int timeoutMs, const QUrl& target)
{
    if (timedOut)
        return status == 0
                   ? QStringLiteral("No answer within %1").arg(duration(timeoutMs))
                   : QStringLiteral("No complete answer within %1 (HTTP %2)").arg(duration(timeoutMs)).arg(status);
    const QString peer = hostAndPort(target);
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("Connection refused by %1").arg(peer);
    case QNetworkReply::RemoteHostClosedError:
        return status == 0 ? QStringLiteral("Connection closed by %1 before it answered").arg(peer)
                           : QStringLiteral("Connection closed by %1 in the middle of the answer (HTTP %2)")
                                 .arg(peer)
                                 .arg(status);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("Host not found: %1").arg(target.host());
    case QNetworkReply::TimeoutError:
        return QStringLiteral("Connecting to %1 timed out").arg(peer);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS handshake with %1 failed: %2").arg(peer, reply->errorString());
    default:
        break;
    }
    if (status != 0)
        return QStringLiteral("HTTP %1").arg(status);
    return QStringLiteral("%1: %2").arg(peer, reply->errorString());
}

} // namespace

WebhookDeliverer::WebhookDeliverer(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    // Meta does not follow redirects: a 3xx is an answer that is not 2xx.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

WebhookDeliverer::~WebhookDeliverer()
{
    for (auto& entry : m_lanes)
        abortQuietly(entry.second.get());
}

void WebhookDeliverer::setRetryPolicy(const WebhookRetryPolicy& policy)
{
    m_policy = policy;
    m_policy.timeoutMs = qMax(1, policy.timeoutMs);
    m_policy.firstRetryMs = qMax(0, policy.firstRetryMs);
    m_policy.maxAttempts = qMax(1, policy.maxAttempts);
    m_policy.maxRetryMs = qMax(m_policy.firstRetryMs, policy.maxRetryMs);
}

quint64 WebhookDeliverer::deliver(const QUrl& target, const QByteArray& body, const QByteArray& appSecret,
                                  QString* error)
{
    const QString scheme = target.scheme().toLower();
    if (!target.isValid() || target.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        if (error) {
            *error =
                tr("Webhooks are delivered to an http or https URL with a host, not \"%1\".").arg(target.toString());
        }
        return 0;
    }
    Delivery delivery;
    delivery.id = m_nextId++;
    delivery.target = target;
    delivery.body = body;
    if (!appSecret.isEmpty())
        delivery.signature = WebhookSignature::sign(body, appSecret);
    delivery.policy = m_policy;
    delivery.since.start();
    const quint64 id = delivery.id;
    Lane* lane = laneFor(target);
    lane->queue.push_back(std::move(delivery));
    pump(lane);
    return id;
}

void WebhookDeliverer::cancelAll()
{
    // Everything is ended first and announced after: a slot may queue new deliveries.
    QList<WebhookDeliveryResult> ended;
    for (auto& entry : m_lanes) {
        Lane* lane = entry.second.get();
        abortQuietly(lane);
        lane->retry->stop();
        for (const Delivery& delivery : lane->queue) {
            WebhookDeliveryResult result;
            result.deliveryId = delivery.id;
            result.target = delivery.target;
            result.cancelled = true;
            result.httpStatus = delivery.lastStatus;
            result.error = delivery.lastError.isEmpty() ? tr("Cancelled")
                                                        : tr("Cancelled (last attempt: %1)").arg(delivery.lastError);
            result.attempts = delivery.attempts;
            result.totalMs = delivery.since.elapsed();
            ended.append(result);
        }
        lane->queue.clear();
    }
    for (const WebhookDeliveryResult& result : ended)
        emit deliveryFinished(result);
}

int WebhookDeliverer::pendingCount() const
{
    qsizetype count = 0;
    for (const auto& entry : m_lanes)
        count += static_cast<qsizetype>(entry.second->queue.size());
    return static_cast<int>(count);
}

WebhookDeliverer::Lane* WebhookDeliverer::laneFor(const QUrl& target)
{
    std::unique_ptr<Lane>& lane = m_lanes[target.toString(QUrl::FullyEncoded)];
    if (!lane) {
        lane = std::make_unique<Lane>();
        lane->retry = new QTimer(this);
        lane->retry->setSingleShot(true);
        Lane* raw = lane.get();
        connect(lane->retry, &QTimer::timeout, this, [this, raw] { pump(raw); });
    }
    return lane.get();
}

void WebhookDeliverer::pump(Lane* lane)
{
    if (lane->reply || lane->retry->isActive() || lane->queue.empty())
        return;
    startAttempt(lane);
}

void WebhookDeliverer::startAttempt(Lane* lane)
{
    Delivery& delivery = lane->queue.front();
    ++delivery.attempts;
    QNetworkRequest request(delivery.target);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, kUserAgent);
    if (!delivery.signature.isEmpty())
        request.setRawHeader(QByteArrayLiteral("X-Hub-Signature-256"), delivery.signature);
    lane->response.clear();
    lane->truncated = false;
    lane->timedOut = false;
    lane->attemptTimer.start();
    QNetworkReply* reply = m_network->post(request, delivery.body);
    lane->reply = reply;
    // Our own limit on the whole attempt (connecting included), so the error can say so.
    auto* timeout = new QTimer(reply);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, this, [lane, reply] {
        if (lane->reply != reply)
            return;
        lane->timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, lane, reply] {
        if (lane->reply == reply)
            collect(lane, reply);
    });
    connect(reply, &QNetworkReply::finished, this, [this, lane, reply] { attemptEnded(lane, reply); });
    timeout->start(delivery.policy.timeoutMs);
}

void WebhookDeliverer::collect(Lane* lane, QNetworkReply* reply)
{
    if (!reply->isReadable()) // aborted: nothing more to read
        return;
    // Read everything so the connection drains, keep only the start.
    const QByteArray chunk = reply->readAll();
    const qsizetype room = kMaxResponseBytes - lane->response.size();
    if (chunk.size() > room) {
        lane->response += chunk.left(room);
        lane->truncated = true;
    } else {
        lane->response += chunk;
    }
}

void WebhookDeliverer::attemptEnded(Lane* lane, QNetworkReply* reply)
{
    reply->deleteLater();
    if (lane->reply != reply || lane->queue.empty())
        return;
    collect(lane, reply);
    lane->reply = nullptr;
    Delivery& delivery = lane->queue.front();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool delivered = !lane->timedOut && reply->error() == QNetworkReply::NoError && status >= 200 && status < 300;
    WebhookDeliveryAttempt attempt;
    attempt.deliveryId = delivery.id;
    attempt.target = delivery.target;
    attempt.attempt = delivery.attempts;
    attempt.httpStatus = status;
    attempt.elapsedMs = lane->attemptTimer.elapsed();
    if (!delivered)
        attempt.error = failureText(reply, status, lane->timedOut, delivery.policy.timeoutMs, delivery.target);
    delivery.lastStatus = status;
    delivery.lastError = attempt.error;

    if (!delivered && delivery.attempts < delivery.policy.maxAttempts) {
        attempt.willRetry = true;
        attempt.retryInMs = backoff(delivery.policy, delivery.attempts);
        lane->retry->start(attempt.retryInMs);
        emit attemptFinished(attempt);
        return;
    }

    WebhookDeliveryResult result;
    result.deliveryId = delivery.id;
    result.target = delivery.target;
    result.delivered = delivered;
    result.httpStatus = status;
    result.error = attempt.error;
    result.responseBody = lane->response;
    result.responseTruncated = lane->truncated;
    result.attempts = delivery.attempts;
    result.totalMs = delivery.since.elapsed();
    lane->queue.pop_front();
    // The lane is free before anyone hears of it, so a slot may deliver or cancel at will.
    emit attemptFinished(attempt);
    emit deliveryFinished(result);
    pump(lane);
}

void WebhookDeliverer::abortQuietly(Lane* lane)
{
    if (!lane->reply)
        return;
    QNetworkReply* reply = lane->reply;
    lane->reply = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

} // namespace wa
