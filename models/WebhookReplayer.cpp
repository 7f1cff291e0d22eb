#include "WebhookReplayer.h"

#include <memory>
#include <utility>

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

QByteArray WebhookReplayer::storedQuery(const StoredRequest& request)
{
    const qsizetype mark = request.target.indexOf('?');
    if (mark < 0)
        return {};
    QByteArray query = request.target.mid(mark + 1);
    const qsizetype fragment = query.indexOf('#'); // not sent by clients, but never part of a query
    if (fragment >= 0)
        query.truncate(fragment);
    QByteArray out;
    out.reserve(query.size());
    for (const char c : std::as_const(query)) {
        const auto b = static_cast<uchar>(c);
        if (b > 0x20 && b < 0x7F)
            out += c;
        else
            out += '%' + QByteArray::number(b, 16).rightJustified(2, '0').toUpper();
    }
    return out;
}

QUrl WebhookReplayer::replayUrl(const QUrl& url, const StoredRequest& request)
{
    const QByteArray query = storedQuery(request);
    if (query.isEmpty())
        return url;
    QUrl out = url;
    out.setQuery(QString::fromLatin1(query), QUrl::TolerantMode);
    return out;
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
    QNetworkRequest request(replayUrl(target, stored));
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
    if (!stored.body.isEmpty() && !request.hasRawHeader("Content-Type"))
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
