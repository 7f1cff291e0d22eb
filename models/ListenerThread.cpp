#include "ListenerThread.h"

#include <QThread>

#include "EventStore.h"
#include "WebhookServer.h"

namespace wa {

ListenerThread::ListenerThread(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_context(new QObject)
{
    m_thread->setObjectName(QStringLiteral("wa-webhook-listener"));
    m_context->moveToThread(m_thread);
    // The documented way to end a worker: deleted by the thread as it finishes (with the server and
    // the store, its children).
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();
    inThread([this] {
        m_store = new EventStore(m_context);
        m_server = new WebhookServer(m_context);
        m_server->setSink(WebhookServer::sinkInto(m_store));
        connect(m_server, &WebhookServer::received, m_context,
                [this](const ReceivedRequest&, const QList<WebhookEvent>& events) { queueReceived(events); });
        // Relayed to this object's thread (queued: the receiver lives there).
        connect(m_store, &EventStore::eventsAdded, this, &ListenerThread::eventsAdded);
        connect(m_store, &EventStore::cleared, this, &ListenerThread::cleared);
        connect(m_store, &EventStore::writeFailed, this, &ListenerThread::writeFailed);
    });
}

ListenerThread::~ListenerThread()
{
    inThread([this] {
        m_server->close();
        m_store->close(); // commits what is queued (its requests are answered if still connected)
    });
    m_thread->quit();
    m_thread->wait();
}

template <typename Function> void ListenerThread::inThread(Function function)
{
    QMetaObject::invokeMethod(m_context, std::move(function), Qt::BlockingQueuedConnection);
}

bool ListenerThread::openStore(const QString& path, QString* error)
{
    bool ok = false;
    QString why;
    QString opened;
    inThread([&] {
        m_store->close();
        ok = m_store->open(path, &why);
        opened = m_store->path();
    });
    m_storePath = ok ? opened : QString();
    if (!ok && error)
        *error = why;
    return ok;
}

void ListenerThread::setVerifyToken(const QByteArray& token)
{
    QMetaObject::invokeMethod(
        m_context, [this, token] { m_server->setVerifyToken(token); }, Qt::QueuedConnection);
}

void ListenerThread::setAppSecret(const QByteArray& secret)
{
    QMetaObject::invokeMethod(
        m_context, [this, secret] { m_server->setAppSecret(secret); }, Qt::QueuedConnection);
}

bool ListenerThread::setTls(const QString& certificateFile, const QString& keyFile, QString* error)
{
    bool ok = false;
    QString why;
    inThread([&] {
        ok = m_server->setTls(certificateFile, keyFile, &why);
        m_tls = m_server->isTls();
    });
    if (!ok && error)
        *error = why;
    return ok;
}

void ListenerThread::clearTls()
{
    inThread([this] {
        m_server->clearTls();
        m_tls = m_server->isTls();
    });
}

bool ListenerThread::listen(const QHostAddress& address, quint16 port, QString* error)
{
    bool ok = false;
    QString why;
    inThread([&] {
        ok = m_server->listen(address, port, &why);
        m_listening = m_server->isListening();
        m_port = m_server->port();
        m_address = m_server->address();
    });
    if (!ok && error)
        *error = why;
    return ok;
}

void ListenerThread::close()
{
    inThread([this] {
        m_server->close();
        m_listening = false;
    });
}

void ListenerThread::clearEvents()
{
    QMetaObject::invokeMethod(
        m_context, [this] { m_store->clear(); }, Qt::QueuedConnection);
}

bool ListenerThread::flush()
{
    bool ok = false;
    inThread([&] { ok = m_store->flush(); });
    return ok;
}

void ListenerThread::queueReceived(const QList<WebhookEvent>& events)
{
    m_received += events;
    if (m_receivedPosted)
        return;
    m_receivedPosted = true;
    // After the rest of this turn (a commit's callbacks all run in one): one hand-over for them all.
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_receivedPosted = false;
            QList<WebhookEvent> batch;
            batch.swap(m_received);
            if (batch.isEmpty())
                return;
            QMetaObject::invokeMethod(
                this, [this, batch = std::move(batch)] { emit received(batch); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace wa
