#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace wa {

// Fetches header media (images by their `link`) for the preview, asynchronously, and keeps them
// in memory (least recently used first out) so that typing never fetches again. Only http and
// https; bodies over a size limit and servers that do not answer in time fail with a reason.
class MediaCache : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxBytes = 10 * 1024 * 1024;   // one medium
    static constexpr qint64 kCacheBytes = 64 * 1024 * 1024; // all kept in memory
    static constexpr int kDefaultTimeoutMs = 15000;

    explicit MediaCache(QObject* parent = nullptr);

    // Starts fetching unless the URL is cached, failed already or on its way.
    void request(const QUrl& url);
    bool isCached(const QUrl& url) const { return m_entries.contains(url); }
    QByteArray data(const QUrl& url); // empty when not cached
    QString error(const QUrl& url) const { return m_errors.value(url); }
    bool isLoading(const QUrl& url) const { return m_inFlight.contains(url); }
    // Forgets a failure so that the next request tries again.
    void retry(const QUrl& url);

    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    int requestsStarted() const { return m_requestsStarted; }

signals:
    void loaded(const QUrl& url);
    void failed(const QUrl& url, const QString& reason);

private:
    void finished(QNetworkReply* reply);
    void store(const QUrl& url, const QByteArray& bytes);

    QNetworkAccessManager* m_network;
    struct Entry
    {
        QByteArray bytes;
        quint64 lastUse = 0;
    };
    QHash<QUrl, Entry> m_entries;
    QHash<QUrl, QString> m_errors;
    QHash<QUrl, QNetworkReply*> m_inFlight;
    qint64 m_totalBytes = 0;
    quint64 m_clock = 0;
    int m_timeoutMs = kDefaultTimeoutMs;
    int m_requestsStarted = 0;
};

} // namespace wa
