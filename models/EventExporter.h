#pragma once

#include <atomic>
#include <functional>

#include <QObject>
#include <QString>

#include "EventFilter.h"

class QThread;

namespace wa {

// Writes the stored events a filter lets through as JSON Lines (one WebhookEvent::toJson() object
// per line, oldest first), in a thread of its own: 100,000 events take over a second, which the
// window must not wait for. It reads the store's file through a store of its own, for reading
// only, a page at a time; the file is written through QSaveFile, so it is replaced only once all
// of it is written (a failure or a cancel leaves what was there).
//
//     auto* exporter = new EventExporter(this);
//     connect(exporter, &EventExporter::progress, bar, [bar](int written, int total) { … });
//     connect(exporter, &EventExporter::finished, this, [](bool ok, int written, const QString& error) { … });
//     exporter->start(store->path(), filter, fileName, &error);
class EventExporter : public QObject
{
    Q_OBJECT

public:
    static constexpr int kPageSize = 1000;

    explicit EventExporter(QObject* parent = nullptr);
    ~EventExporter() override; // cancels what runs and waits for it

    // Starts an export; false and why when one is running already.
    bool start(const QString& storePath, const EventFilter& filter, const QString& fileName, QString* error);
    // The running export stops at its next page; finished() says "cancelled".
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }

    // The same, in the calling thread. `progress` is called after each page with the events
    // written so far and the total; returning false cancels. False and why on failure.
    static bool exportTo(const QString& storePath, const EventFilter& filter, const QString& fileName,
                         const std::function<bool(int written, int total)>& progress, int* written, QString* error);

signals:
    void progress(int written, int total);
    // ok: every event the filter let through when the export started is in the file (and those
    // stored since, when they came before it read its last page).
    void finished(bool ok, int written, const QString& error);

private:
    QThread* m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
};

} // namespace wa
