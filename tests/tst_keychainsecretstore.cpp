#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include "KeychainSecretStore.h"

// The keychain store works wherever the tests run: with a keychain service (a desktop) the secret
// goes there and is removed again; without one (CI, a headless box) it falls back to memory and
// says so. Either way what is written is read back, and removed is gone.
class TestKeychainSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void writeReadRemove();
    void fallbackSaysSo();

private:
    static bool write(wa::SecretStore& store, const QString& key, const QString& secret, QString* error);
    static bool read(wa::SecretStore& store, const QString& key, QString* secret);
    static bool remove(wa::SecretStore& store, const QString& key);
};

bool TestKeychainSecretStore::write(wa::SecretStore& store, const QString& key, const QString& secret, QString* error)
{
    bool done = false;
    bool ok = false;
    store.write(key, secret, [&](bool written, const QString& why) {
        done = true;
        ok = written;
        *error = why;
    });
    if (!QTest::qWaitFor([&] { return done; }, wa::KeychainSecretStore::kJobTimeoutMs + 5000))
        *error = QStringLiteral("no answer");
    return ok;
}

bool TestKeychainSecretStore::read(wa::SecretStore& store, const QString& key, QString* secret)
{
    bool done = false;
    bool found = false;
    store.read(key, [&](bool ok, const QString& value, const QString&) {
        done = true;
        found = ok;
        *secret = value;
    });
    (void)QTest::qWaitFor([&] { return done; }, wa::KeychainSecretStore::kJobTimeoutMs + 5000);
    return done && found;
}

bool TestKeychainSecretStore::remove(wa::SecretStore& store, const QString& key)
{
    bool done = false;
    bool ok = false;
    store.remove(key, [&](bool removed, const QString&) {
        done = true;
        ok = removed;
    });
    (void)QTest::qWaitFor([&] { return done; }, wa::KeychainSecretStore::kJobTimeoutMs + 5000);
    return done && ok;
}

void TestKeychainSecretStore::writeReadRemove()
{
    wa::KeychainSecretStore store;
    const QString key = QStringLiteral("test/%1/token").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    const QString secret = QStringLiteral("EAAG-test-secret-%1").arg(QUuid::createUuid().toString());
    QString error;
    QVERIFY2(write(store, key, secret, &error), qPrintable(error));
    QString back;
    QVERIFY(read(store, key, &back));
    QCOMPARE(back, secret);
    QVERIFY(remove(store, key));
    QVERIFY(!read(store, key, &back));
}

void TestKeychainSecretStore::fallbackSaysSo()
{
    wa::KeychainSecretStore store;
    QSignalSpy changed(&store, &wa::SecretStore::backendChanged);
    const QString key = QStringLiteral("test/%1/token").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    QString error;
    QVERIFY2(write(store, key, QStringLiteral("s3cret-value-1234"), &error), qPrintable(error));
    if (store.isPersistent()) {
        QVERIFY(changed.isEmpty());
        QVERIFY(store.describe().contains(QLatin1String("keychain")));
    } else {
        QCOMPARE(changed.count(), 1);
        QVERIFY2(store.describe().contains(QLatin1String("memory for this session")), qPrintable(store.describe()));
    }
    remove(store, key);
}

QTEST_GUILESS_MAIN(TestKeychainSecretStore)
#include "tst_keychainsecretstore.moc"
