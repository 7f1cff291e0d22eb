#pragma once

#include <QByteArray>
#include <QObject>
#include <QUrl>

#include "StoredRequest.h"

class QNetworkAccessManager;

namespace wa {

// Sends a received webhook again to a URL — typically the bot under test on this machine — with
// the same body and headers, and a fresh X-Hub-Signature-256 when an app secret is given.
class WebhookReplayer : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTimeoutMs = 15000;

    explicit WebhookReplayer(QObject* parent = nullptr);

    // False (and why) when the URL is not http(s); otherwise finished() follows. The request goes
    // to replayUrl(target, request).
    bool replay(const StoredRequest& request, const QUrl& target, const QByteArray& appSecret, QString* error);

    // Where a stored request is replayed: the URL given, with the stored request's query in place
    // of the URL's own when the stored request had one. A verification GET is its query
    // (hub.mode, hub.verify_token, hub.challenge), so what was received is what is sent; a POST
    // that came without a query keeps the URL's (a bot's own ?key=…, say).
    static QUrl replayUrl(const QUrl& url, const StoredRequest& request);
    // The stored request's query as received, without the "?", bytes outside printable ASCII
    // percent-encoded; empty when it had none.
    static QByteArray storedQuery(const StoredRequest& request);

signals:
    // status 0 and a reason when the request did not get an answer.
    void finished(int status, const QByteArray& body, qint64 elapsedMs, const QString& error);

private:
    QNetworkAccessManager* m_network;
};

} // namespace wa
