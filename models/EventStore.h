#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QList>
#include <QObject>
#include <QString>

#include "EventFilter.h"
#include "StoredEvent.h"
#include "StoredRequest.h"
#include "WebhookEvent.h"

namespace wa {

// The webhook listener's SQLite store: every request received and the events it gave.
//
// Writes are acknowledged only once committed. enqueue() hands a request over and returns at
// once; a writer thread with its own connection commits what is queued, up to kMaxBatchRequests
// requests per transaction, and the callback runs in the store's thread after COMMIT has
// succeeded (ok = true; answer 200) or the transaction has failed (ok = false; answer 500 so that
// Meta retries). Batches size themselves to the load: while one commits, the next fills up.
//
// Reads (count, fetch, request) run in the store's thread on a second connection; in WAL mode
// they never wait for the writer, and they see every batch whose callbacks have run.
//
//     EventStore store;
//     if (!store.open(path, &error)) …
//     store.enqueue(request, events, [socket](bool ok, QList<WebhookEvent> stored) {
//         socket->write(ok ? ok200 : error500); // stored[i].duplicate is set
//     });
//
// Use it from the thread it was created in. It expects to be its file's only writer (other stores
// may read the same file, as the tests do).
class EventStore : public QObject
{
    Q_OBJECT

public:
    static constexpr int kSchemaVersion = 1;
    // Requests per transaction at most: a batch of 256 one-event requests commits in a few ms.
    static constexpr int kMaxBatchRequests = 256;
    // How long a write waits for a lock held by another connection before it fails.
    static constexpr int kDefaultBusyTimeoutMs = 5000;

    // What an acknowledged event survives. Both use WAL.
    enum class Durability {
        // synchronous = NORMAL: a commit is written to the WAL file but not fsynced, so it is in
        // the operating system's hands when COMMIT returns; the app being killed or crashing
        // loses nothing acknowledged. An OS crash or power cut may lose the last commits (the
        // database stays consistent).
        ProcessCrash,
        // synchronous = FULL: every commit also waits for fsync of the WAL file, so acknowledged
        // events survive an OS crash or power cut too.
        PowerLoss,
    };

    using Committed = std::function<void(bool ok, QList<WebhookEvent> storedEvents)>;

    explicit EventStore(QObject* parent = nullptr);
    ~EventStore() override; // commits what is queued, then closes

    // Before open().
    void setDurability(Durability durability);
    Durability durability() const;
    void setBusyTimeout(int milliseconds);
    // False makes a new database go without the FTS5 text index, as when SQLite has no FTS5: text
    // is then searched with LIKE over every event (for tests of that path). An existing database
    // keeps what it has.
    void setFullTextIndexEnabled(bool enabled);

    // Opens or creates the database, applying the schema (or the migrations up to
    // kSchemaVersion) in one transaction. ":memory:" gives a private database in a temporary
    // file that is deleted on close(): the writer and the reader need two connections to it.
    bool open(const QString& path, QString* error = nullptr);
    // Opens a file that another store writes (the window's listener writes from a thread of its
    // own: see ListenerThread), for reading only: no writer thread. Reads work as after open();
    // enqueue() answers false and clear() fails with writeFailed(). Not for ":memory:".
    bool openForReading(const QString& path, QString* error = nullptr);
    bool isReadOnly() const;
    void close();
    bool isOpen() const;
    QString path() const; // the file opened (the temporary one for ":memory:")
    // True when text search uses the FTS5 trigram index (words of 3 characters or more); false when
    // it reads every event's text with LIKE.
    bool hasFullTextIndex() const;
    QString lastError() const;

    // Queues a request and its events. The callback is called exactly once, later, in the store's
    // thread (never from within enqueue()): ok = true after the batch holding them has been
    // committed, with the events as stored (duplicate set when an event with the same id, and
    // for a status the same status, was stored before or comes earlier in the batch); ok = false
    // with the events unchanged when it could not be stored (the store is not open, or the
    // transaction failed: see lastError()).
    void enqueue(StoredRequest request, QList<WebhookEvent> events, Committed committed);
    // Commits everything queued now (a clear() too) and runs the callbacks of everything done,
    // blocking until then (for shutdown and tests). True when all of it succeeded.
    bool flush();
    int pendingRequests() const; // enqueued, callback not run yet

    // The console's view; the events are ordered by row id, newest last. The store keeps the ids
    // of the last filter asked: a new filter costs one query (well under 100 ms over 100,000
    // events, see BENCHMARKS.md); asking it again, or any page of it, only adds the rows
    // committed since.
    int count(const EventFilter& filter);
    QList<StoredEvent> fetch(const EventFilter& filter, int offset, int limit);
    // The request as received, body byte for byte; nullopt when there is no such request.
    std::optional<StoredRequest> request(qint64 requestId);
    // Deletes every request and event, in the writer thread, after what is already queued (events
    // enqueued after clear() are kept). Returns at once: cleared() tells when it is done (100,000
    // events take about 2 s); reads until then still see the old events. Row ids are never reused.
    void clear();

    // For a store that reads a file another store writes (the window's, whose listener writes in
    // a thread of its own; see ListenerThread): that store's eventsAdded() and cleared(), said
    // again here for this store's views. Reads here already see what the other committed.
    void noteAdded(qint64 firstRowId, int count);
    void noteCleared();

signals:
    // After each commit: the rows firstRowId … firstRowId + count - 1 are new.
    void eventsAdded(qint64 firstRowId, int count);
    void cleared();
    // A batch of requests, or a clear(), could not be committed (lastError() has the reason).
    void writeFailed(const QString& error);

private:
    struct Private;
    std::unique_ptr<Private> d;

    bool deliver(); // runs the callbacks of what the writer has done; false when some of it failed
    bool failed(const QString& message, QString* error);
    bool open(const QString& path, bool readOnly, QString* error);
};

} // namespace wa
