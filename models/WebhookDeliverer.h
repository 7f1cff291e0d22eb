#pragma once

#include <deque>
#include <map>
#include <memory>

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace wa {

// How a delivery is tried: Meta retries a bot that is down with a growing back-off.
struct WebhookRetryPolicy
{
    int timeoutMs = 10000;       // one attempt gets no answer within this: it failed
    int firstRetryMs = 1000;     // wait before the second attempt, doubled before each next one
    int maxAttempts = 5;         // in all, the first one included
    int maxRetryMs = 15 * 60000; // the doubling stops here
};

// One attempt at a delivery, for the console.
struct WebhookDeliveryAttempt
{
    quint64 deliveryId = 0;
    QUrl target;
    int attempt = 0;    // 1-based
    int httpStatus = 0; // 0 when no HTTP answer came
    QString error;      // empty when delivered: "HTTP 500", "Connection refused by 127.0.0.1:8080", …
    qint64 elapsedMs = 0;
    bool willRetry = false;
    int retryInMs = 0; // when willRetry
};

// How a delivery ended.
struct WebhookDeliveryResult
{
    quint64 deliveryId = 0;
    QUrl target;
    bool delivered = false;  // a 2xx answer came
    bool cancelled = false;  // cancelAll() ended it
    int httpStatus = 0;      // of the last attempt
    QString error;           // of the last attempt; "Cancelled" when cancelled
    QByteArray responseBody; // of the last attempt, at most kMaxResponseBytes
    bool responseTruncated = false;
    int attempts = 0;
    qint64 totalMs = 0; // from deliver() to the end
};

// POSTs webhook bodies to a bot the way Meta does: signed with X-Hub-Signature-256 (omitted when
// the app secret is empty), retried with exponential back-off until a 2xx answer or the last
// attempt. Deliveries to one URL go out one at a time in the order given, so that sent, delivered
// and read reach the bot in that order even when one of them has to be retried; different URLs
// do not wait for each other.
class WebhookDeliverer : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype kMaxResponseBytes = 64 * 1024; // of an answer kept for the console

    explicit WebhookDeliverer(QObject* parent = nullptr);
    ~WebhookDeliverer() override;

    // Applies to deliveries queued from now on.
    void setRetryPolicy(const WebhookRetryPolicy& policy);
    WebhookRetryPolicy retryPolicy() const { return m_policy; }

    // Queues one POST of `body` to `target`; returns its delivery id (never 0). A URL that is not
    // http(s) with a host is refused at once: 0, and why in *error.
    quint64 deliver(const QUrl& target, const QByteArray& body, const QByteArray& appSecret, QString* error = nullptr);
    // Ends every delivery: queued ones, pending retries and attempts in flight (aborted). Each ends
    // with deliveryFinished(cancelled).
    void cancelAll();
    // Deliveries not finished yet.
    int pendingCount() const;

signals:
    void attemptFinished(const wa::WebhookDeliveryAttempt& attempt);
    void deliveryFinished(const wa::WebhookDeliveryResult& result);

private:
    struct Delivery
    {
        quint64 id = 0;
        QUrl target;
        QByteArray body;
        QByteArray signature; // empty: no header
        WebhookRetryPolicy policy;
        int attempts = 0;
        int lastStatus = 0;
        QString lastError;
        QElapsedTimer since;
    };
    // The deliveries to one URL. Never removed while the deliverer lives: a lane's timer may be
    // the one whose signal is running when a slot calls cancelAll().
    struct Lane
    {
        std::deque<Delivery> queue; // the front one is being tried
        QPointer<QNetworkReply> reply;
        QTimer* retry = nullptr;
        QElapsedTimer attemptTimer;
        QByteArray response;
        bool truncated = false;
        bool timedOut = false;
    };

    Lane* laneFor(const QUrl& target);
    void pump(Lane* lane);
    void startAttempt(Lane* lane);
    void attemptEnded(Lane* lane, QNetworkReply* reply);
    void collect(Lane* lane, QNetworkReply* reply);
    void abortQuietly(Lane* lane);

    QNetworkAccessManager* m_network;
    WebhookRetryPolicy m_policy;
    quint64 m_nextId = 1;
    std::map<QString, std::unique_ptr<Lane>> m_lanes;
};

} // namespace wa
