#include "WebhookReplayer.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "WebhookSignature.h"

namespace wa {

WebhookReplayer::WebhookReplayer(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
}

bool WebhookReplayer::replay(const StoredRequest& stored, const QUrl& target, const QByteArray& appSecret,
                             QString* error)
{
    const QString scheme = target.scheme().toLower();
    if (!target.isValid() || target.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = tr("Replay needs an http or https URL, not \"%1\".").arg(target.toString());
        return false;
    }
    QNetworkRequest request(target);
    request.setTransferTimeout(kTimeoutMs);
    for (const auto& [name, value] : stored.headers) {
        const QByteArray lower = name.toLower();
        // what the transport writes itself, and the signature when it is made again
        if (lower == "host" || lower == "content-length" || lower == "connection" || lower == "transfer-encoding" ||
            lower == "expect" || (lower == "x-hub-signature-256" && !appSecret.isEmpty()))
            continue;
        request.setRawHeader(name, value);
    }
    if (!appSecret.isEmpty())
        request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign(stored.body, appSecret));
    if (!request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QNetworkReply* reply = m_network->sendCustomRequest(
        request, stored.method.isEmpty() ? QByteArray("POST") : stored.method, stored.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, timer] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString why = status == 0 ? reply->errorString() : QString();
        emit finished(status, reply->readAll(), timer->elapsed(), why);
    });
    return true;
}

} // namespace wa
