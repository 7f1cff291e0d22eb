#include "KeychainSecretStore.h"

#include <memory>

#include <QPointer>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace wa {

namespace {

// The keychain errors that mean "there is no keychain here", as opposed to "this entry failed".
bool meansNoKeychain(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError || error == QKeychain::AccessDenied;
}

// Runs a keychain job with a deadline; `done(job or nullptr on timeout)` is called once.
void runJob(QKeychain::Job* job, QObject* context, std::function<void(QKeychain::Job*)> done)
{
    auto finished = std::make_shared<bool>(false);
    auto timer = new QTimer(job);
    timer->setSingleShot(true);
    QObject::connect(job, &QKeychain::Job::finished, context, [finished, done](QKeychain::Job* ended) {
        if (*finished)
            return;
        *finished = true;
        done(ended);
    });
    // The job stays parented to the store: if it never finishes, it is freed with the store.
    QObject::connect(timer, &QTimer::timeout, context, [finished, done] {
        if (*finished)
            return;
        *finished = true;
        done(nullptr);
    });
    timer->start(KeychainSecretStore::kJobTimeoutMs);
    job->start();
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject* parent)
    : SecretStore(parent)
    , m_memory(new MemorySecretStore(this))
{
}

QString KeychainSecretStore::describe() const
{
    if (!m_fallenBack)
        return QStringLiteral("Secrets are kept in the system keychain (service \u201c%1\u201d).").arg(kService);
    return QStringLiteral("No keychain service is available (%1): secrets are kept in memory for this session "
                          "only and are gone when the app quits.")
        .arg(m_reason);
}

void KeychainSecretStore::fallBack(const QString& why)
{
    if (m_fallenBack)
        return;
    m_fallenBack = true;
    m_reason = why;
    emit backendChanged();
}

void KeychainSecretStore::read(const QString& key, ReadCallback done)
{
    if (m_fallenBack) {
        m_memory->read(key, std::move(done));
        return;
    }
    auto job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(key);
    runJob(job, this, [this, key, done](QKeychain::Job* ended) {
        if (!ended) {
            fallBack(QStringLiteral("the keychain did not answer within %1 s").arg(kJobTimeoutMs / 1000));
            m_memory->read(key, done);
            return;
        }
        const auto error = ended->error();
        if (error == QKeychain::NoError) {
            done(true, static_cast<QKeychain::ReadPasswordJob*>(ended)->textData(), {});
        } else if (error == QKeychain::EntryNotFound) {
            // A secret written while the keychain was missing may still be in memory.
            m_memory->read(key, done);
        } else if (meansNoKeychain(error)) {
            fallBack(ended->errorString());
            m_memory->read(key, done);
        } else {
            done(false, {}, ended->errorString());
        }
    });
}

void KeychainSecretStore::write(const QString& key, const QString& secret, WriteCallback done)
{
    if (m_fallenBack) {
        m_memory->write(key, secret, std::move(done));
        return;
    }
    auto job = new QKeychain::WritePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(key);
    job->setTextData(secret);
    runJob(job, this, [this, key, secret, done](QKeychain::Job* ended) {
        if (!ended || meansNoKeychain(ended->error())) {
            fallBack(ended ? ended->errorString()
                           : QStringLiteral("the keychain did not answer within %1 s").arg(kJobTimeoutMs / 1000));
            m_memory->write(key, secret, done);
            return;
        }
        if (ended->error() == QKeychain::NoError)
            done(true, {});
        else
            done(false, ended->errorString());
    });
}

void KeychainSecretStore::remove(const QString& key, WriteCallback done)
{
    m_memory->erase(key);
    if (m_fallenBack) {
        m_memory->remove(key, std::move(done));
        return;
    }
    auto job = new QKeychain::DeletePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(key);
    runJob(job, this, [this, key, done](QKeychain::Job* ended) {
        if (!ended || meansNoKeychain(ended->error())) {
            fallBack(ended ? ended->errorString()
                           : QStringLiteral("the keychain did not answer within %1 s").arg(kJobTimeoutMs / 1000));
            done(true, {});
            return;
        }
        const auto error = ended->error();
        if (error == QKeychain::NoError || error == QKeychain::EntryNotFound)
            done(true, {});
        else
            done(false, ended->errorString());
    });
}

} // namespace wa
