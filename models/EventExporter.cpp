#include "EventExporter.h"

#include <algorithm>

#include <QJsonDocument>
#include <QSaveFile>
#include <QThread>

#include "EventStore.h"

namespace wa {

EventExporter::EventExporter(QObject* parent)
    : QObject(parent)
{
}

EventExporter::~EventExporter()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
    }
}

bool EventExporter::start(const QString& storePath, const EventFilter& filter, const QString& fileName, QString* error)
{
    if (m_thread) {
        if (error)
            *error = tr("An export is running already.");
        return false;
    }
    m_cancel = false;
    m_thread = QThread::create([this, storePath, filter, fileName] {
        int written = 0;
        QString why;
        const bool ok = exportTo(
            storePath, filter, fileName,
            [this](int done, int total) {
                QMetaObject::invokeMethod(
                    this, [this, done, total] { emit progress(done, total); }, Qt::QueuedConnection);
                return !m_cancel;
            },
            &written, &why);
        QMetaObject::invokeMethod(
            this,
            [this, ok, written, why] {
                // The thread has returned from here, or is about to: wait() is short.
                m_thread->wait();
                m_thread->deleteLater();
                m_thread = nullptr;
                emit finished(ok, written, why);
            },
            Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("wa-event-export"));
    m_thread->setParent(this);
    m_thread->start();
    return true;
}

void EventExporter::cancel()
{
    m_cancel = true;
}

bool EventExporter::exportTo(const QString& storePath, const EventFilter& filter, const QString& fileName,
                             const std::function<bool(int, int)>& progress, int* written, QString* error)
{
    *written = 0;
    EventStore store;
    QString why;
    if (!store.openForReading(storePath, &why)) {
        *error = tr("Cannot export: the event store cannot be read (%1).").arg(why);
        return false;
    }
    const int total = store.count(filter);
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
        return false;
    }
    for (int offset = 0; offset < total; offset += kPageSize) {
        const int wanted = std::min(kPageSize, total - offset);
        const QList<StoredEvent> page = store.fetch(filter, offset, wanted);
        for (const StoredEvent& stored : page) {
            const QByteArray line = QJsonDocument(stored.event.toJson()).toJson(QJsonDocument::Compact) + '\n';
            if (file.write(line) != line.size()) {
                *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
                file.cancelWriting();
                return false;
            }
            ++*written;
        }
        if (progress && !progress(*written, total)) {
            *error = tr("Cancelled: %1 was not written.").arg(fileName);
            file.cancelWriting();
            return false;
        }
        if (page.size() < wanted) {
            if (!store.lastError().isEmpty()) {
                *error = tr("Cannot export: reading the event store failed (%1).").arg(store.lastError());
                file.cancelWriting();
                return false;
            }
            break; // cleared meanwhile: what there was is written
        }
    }
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
        return false;
    }
    return true;
}

} // namespace wa
