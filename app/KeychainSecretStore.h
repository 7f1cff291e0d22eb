#pragma once

#include "SecretStore.h"

namespace wa {

// Secrets in the OS keychain through QtKeychain (the Secret Service on Linux, the Keychain on macOS,
// the Credential Manager on Windows). Where no keychain service answers — a headless box without
// a D-Bus session, or a desktop without a keyring — it falls back to memory for the session and
// says so (isPersistent() false, backendChanged()). There is no plain-text fallback on disk.
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT

public:
    static inline const QString kService = QStringLiteral("wa-composer");
    // A keychain job that has not answered by then is taken as "no keychain" (a locked or absent
    // Secret Service can otherwise leave a job waiting forever).
    static constexpr int kJobTimeoutMs = 5000;

    explicit KeychainSecretStore(QObject* parent = nullptr);

    void read(const QString& key, ReadCallback done) override;
    void write(const QString& key, const QString& secret, WriteCallback done) override;
    void remove(const QString& key, WriteCallback done) override;
    bool isPersistent() const override { return !m_fallenBack; }
    QString describe() const override;

private:
    void fallBack(const QString& why);

    MemorySecretStore* m_memory;
    bool m_fallenBack = false;
    QString m_reason;
};

} // namespace wa
