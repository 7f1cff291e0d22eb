#pragma once

#include <functional>

#include <QHash>
#include <QObject>
#include <QString>

namespace wa {

// Where tokens, passwords and app secrets live: the OS keychain (KeychainSecretStore in app/, on
// QtKeychain) or, where no keychain service runs, memory for this session only. Asynchronous, as
// keychains are; callbacks run on the caller's thread, maybe after the call returns.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    using ReadCallback = std::function<void(bool found, const QString& secret, const QString& error)>;
    using WriteCallback = std::function<void(bool ok, const QString& error)>;

    using QObject::QObject;

    virtual void read(const QString& key, ReadCallback done) = 0;
    virtual void write(const QString& key, const QString& secret, WriteCallback done) = 0;
    virtual void remove(const QString& key, WriteCallback done) = 0;

    // False while secrets are only kept in memory (gone when the app quits).
    virtual bool isPersistent() const = 0;
    // For the UI: "Secrets are kept in the system keychain." / "No keychain service is running:
    // secrets are kept in memory for this session only."
    virtual QString describe() const = 0;

signals:
    // isPersistent() or describe() changed (the keychain turned out to be unavailable).
    void backendChanged();
};

// Secrets in memory, for the session (and for tests).
class MemorySecretStore : public SecretStore
{
    Q_OBJECT

public:
    using SecretStore::SecretStore;

    void read(const QString& key, ReadCallback done) override;
    void write(const QString& key, const QString& secret, WriteCallback done) override;
    void remove(const QString& key, WriteCallback done) override;
    bool isPersistent() const override { return false; }
    QString describe() const override;

    // Synchronous access, for the fallback of a keychain store.
    bool contains(const QString& key) const { return m_secrets.contains(key); }
    QString value(const QString& key) const { return m_secrets.value(key); }
    void insert(const QString& key, const QString& secret) { m_secrets.insert(key, secret); }
    void erase(const QString& key) { m_secrets.remove(key); }

private:
    QHash<QString, QString> m_secrets;
};

} // namespace wa
