#include "MediaCache.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace wa {

MediaCache::MediaCache(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
}

void MediaCache::request(const QUrl& url)
{
    if (m_entries.contains(url) || m_errors.contains(url) || m_inFlight.contains(url))
        return;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty()) {
        const QString reason = tr("not an http or https link");
        m_errors.insert(url, reason);
        emit failed(url, reason);
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(5);
    QNetworkReply* reply = m_network->get(request);
    ++m_requestsStarted;
    m_inFlight.insert(url, reply);
    connect(reply, &QNetworkReply::downloadProgress, this, [reply](qint64 received, qint64 total) {
        if (received > kMaxBytes || total > kMaxBytes) {
            reply->setProperty("tooLarge", true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
}

void MediaCache::finished(QNetworkReply* reply)
{
    reply->deleteLater();
    const QUrl url = m_inFlight.key(reply);
    m_inFlight.remove(url);
    QString reason;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->property("tooLarge").toBool())
        reason = tr("larger than %1 MB").arg(kMaxBytes / (1024 * 1024));
    else if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError)
        reason = tr("no answer within %1 s").arg(m_timeoutMs / 1000.0);
    else if (status >= 400)
        reason = tr("the server answered HTTP %1").arg(status);
    else if (reply->error() != QNetworkReply::NoError)
        reason = reply->errorString();
    if (!reason.isEmpty()) {
        m_errors.insert(url, reason);
        emit failed(url, reason);
        return;
    }
    store(url, reply->readAll());
    emit loaded(url);
}

void MediaCache::store(const QUrl& url, const QByteArray& bytes)
{
    m_entries.insert(url, Entry{bytes, ++m_clock});
    m_totalBytes += bytes.size();
    while (m_totalBytes > kCacheBytes && m_entries.size() > 1) {
        auto oldest = m_entries.begin();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        }
        m_totalBytes -= oldest->bytes.size();
        m_entries.erase(oldest);
    }
}

QByteArray MediaCache::data(const QUrl& url)
{
    const auto it = m_entries.find(url);
    if (it == m_entries.end())
        return {};
    it->lastUse = ++m_clock;
    return it->bytes;
}

void MediaCache::retry(const QUrl& url)
{
    m_errors.remove(url);
}

} // namespace wa
