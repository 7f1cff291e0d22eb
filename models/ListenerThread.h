#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>

#include "WebhookEvent.h"

class QThread;

namespace wa {

class EventStore;
class WebhookServer;

// The window's webhook listener, off the GUI thread: a WebhookServer and the EventStore it stores
// into live in a thread of their own, so that reading sockets, checking signatures, parsing and
// acknowledging never wait for a paint, and a paint never waits for them. The windowless `listen`
// command needs no such thread and uses the two directly.
//
// The calls below are made from the thread that created the object (the GUI's). Those that answer
// something (openStore, setTls, listen, close, flush) wait for the listener's thread to do it; it
// never waits for theirs, so they cannot deadlock. The GUI reads the store's file through an
// EventStore of its own (in WAL mode reads never wait for the writer), told of new rows by
// eventsAdded() and cleared(), which arrive in this object's thread like every other signal.
//
//     auto* listener = new ListenerThread(this);
//     listener->openStore(path, &error);
//     reader->openForReading(path, &error);
//     connect(listener, &ListenerThread::eventsAdded, reader, &EventStore::noteAdded);
//     listener->setAppSecret(secret);
//     listener->listen(QHostAddress::LocalHost, 8765, &error);
class ListenerThread : public QObject
{
    Q_OBJECT

public:
    explicit ListenerThread(QObject* parent = nullptr);
    ~ListenerThread() override; // stops listening, commits what is queued, stops the thread

    // Opens (or creates) the event store the listener writes; false and why on failure. Requests
    // that come while it is not open are answered 500, as the WebhookServer does.
    bool openStore(const QString& path, QString* error);
    QString storePath() const { return m_storePath; }

    // Take effect for the requests read after them.
    void setVerifyToken(const QByteArray& token);
    void setAppSecret(const QByteArray& secret);

    // As WebhookServer's, done in the listener's thread.
    bool setTls(const QString& certificateFile, const QString& keyFile, QString* error);
    void clearTls();
    bool isTls() const { return m_tls; }
    bool listen(const QHostAddress& address, quint16 port, QString* error);
    void close();
    bool isListening() const { return m_listening; }
    quint16 port() const { return m_port; }
    QHostAddress address() const { return m_address; }

    // Deletes every stored request and event, after what is already queued; cleared() follows.
    void clearEvents();
    // Waits until everything received so far is committed; its signals follow from the event
    // loop. True when all of it was stored.
    bool flush();

signals:
    // The events of the requests stored (or rejected) since the last time, in order: one signal
    // per turn of the listener's loop rather than one per request, so that a load of thousands of
    // requests a second costs the GUI a few calls a second. Duplicates are marked.
    void received(const QList<wa::WebhookEvent>& events);
    // The store's own signals, relayed.
    void eventsAdded(qint64 firstRowId, int count);
    void cleared();
    void writeFailed(const QString& error);

private:
    template <typename Function> void inThread(Function function);
    void queueReceived(const QList<WebhookEvent>& events); // listener's thread

    QThread* m_thread;
    QObject* m_context; // lives in m_thread; parent of the two below
    WebhookServer* m_server = nullptr;
    EventStore* m_store = nullptr;

    // What the GUI's thread knows, set by the calls that wait.
    QString m_storePath;
    bool m_tls = false;
    bool m_listening = false;
    quint16 m_port = 0;
    QHostAddress m_address;

    // The listener's thread's alone.
    QList<WebhookEvent> m_received;
    bool m_receivedPosted = false;
};

} // namespace wa
