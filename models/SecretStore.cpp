#include "SecretStore.h"

#include <utility>

namespace wa {

namespace {
QString emptyKeyError()
{
    return QStringLiteral("No key given for the secret");
}
} // namespace

// Each operation takes effect at once and reports later, queued on this object, as a keychain's
// job would: callers cannot come to rely on a callback running inside the call. A callback still
// queued when the store is destroyed is dropped with it.

void MemorySecretStore::read(const QString& key, ReadCallback done)
{
    bool found = false;
    QString secret;
    QString error;
    if (key.isEmpty()) {
        error = emptyKeyError();
    } else if (const auto it = m_secrets.constFind(key); it != m_secrets.cend()) {
        found = true;
        secret = *it;
    }
    if (!done)
        return;
    QMetaObject::invokeMethod(
        this, [done = std::move(done), found, secret, error] { done(found, secret, error); }, Qt::QueuedConnection);
}

void MemorySecretStore::write(const QString& key, const QString& secret, WriteCallback done)
{
    QString error;
    if (key.isEmpty())
        error = emptyKeyError();
    else
        m_secrets.insert(key, secret);
    if (!done)
        return;
    QMetaObject::invokeMethod(
        this, [done = std::move(done), error] { done(error.isEmpty(), error); }, Qt::QueuedConnection);
}

void MemorySecretStore::remove(const QString& key, WriteCallback done)
{
    // Removing what is not there succeeds: the key is absent afterwards either way.
    QString error;
    if (key.isEmpty())
        error = emptyKeyError();
    else
        m_secrets.remove(key);
    if (!done)
        return;
    QMetaObject::invokeMethod(
        this, [done = std::move(done), error] { done(error.isEmpty(), error); }, Qt::QueuedConnection);
}

QString MemorySecretStore::describe() const
{
    return QStringLiteral("No keychain service is running: secrets are kept in memory for this session only.");
}

} // namespace wa
