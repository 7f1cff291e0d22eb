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

    // False (and why) when the URL is not http(s); otherwise finished() follows.
    bool replay(const StoredRequest& request, const QUrl& target, const QByteArray& appSecret, QString* error);

signals:
    // status 0 and a reason when the request did not get an answer.
    void finished(int status, const QByteArray& body, qint64 elapsedMs, const QString& error);

private:
    QNetworkAccessManager* m_network;
};

} // namespace wa
