#include <QSignalSpy>
#include <QTest>

#include "SecretStore.h"

using namespace wa;

namespace {

struct ReadResult
{
    bool called = false;
    bool duringCall = false; // the callback ran inside read(): it must not
    bool found = false;
    QString secret;
    QString error;
};

struct WriteResult
{
    bool called = false;
    bool duringCall = false;
    bool ok = false;
    QString error;
};

// Reads `key` and waits for the callback, which must not run inside read().
ReadResult readNow(SecretStore& store, const QString& key)
{
    ReadResult result;
    store.read(key, [&result](bool found, const QString& secret, const QString& error) {
        result.called = true;
        result.found = found;
        result.secret = secret;
        result.error = error;
    });
    result.duringCall = result.called;
    if (!QTest::qWaitFor([&result] { return result.called; }, 5000))
        qWarning("no read callback within 5 s");
    return result;
}

WriteResult writeNow(SecretStore& store, const QString& key, const QString& secret)
{
    WriteResult result;
    store.write(key, secret, [&result](bool ok, const QString& error) {
        result.called = true;
        result.ok = ok;
        result.error = error;
    });
    result.duringCall = result.called;
    if (!QTest::qWaitFor([&result] { return result.called; }, 5000))
        qWarning("no write callback within 5 s");
    return result;
}

WriteResult removeNow(SecretStore& store, const QString& key)
{
    WriteResult result;
    store.remove(key, [&result](bool ok, const QString& error) {
        result.called = true;
        result.ok = ok;
        result.error = error;
    });
    result.duringCall = result.called;
    if (!QTest::qWaitFor([&result] { return result.called; }, 5000))
        qWarning("no write callback within 5 s");
    return result;
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void writeReadRemove();
    void missingKey();
    void emptyKeyIsRefused();
    void callbacksAreQueued();
    void callbacksDroppedWithTheStore();
    void nullCallbacksAreAllowed();
    void describesItself();
};

void TestSecretStore::writeReadRemove()
{
    MemorySecretStore store;
    const QString key = QStringLiteral("profile/Production/token");
    const WriteResult written = writeNow(store, key, QStringLiteral("EAAG-secret-token-1234"));
    QVERIFY(written.called);
    QVERIFY(!written.duringCall);
    QVERIFY(written.ok);
    QVERIFY(written.error.isEmpty());
    QVERIFY(store.contains(key));

    ReadResult read = readNow(store, key);
    QVERIFY(read.called);
    QVERIFY(!read.duringCall);
    QVERIFY(read.found);
    QCOMPARE(read.secret, QStringLiteral("EAAG-secret-token-1234"));
    QVERIFY(read.error.isEmpty());

    // Overwriting replaces.
    QVERIFY(writeNow(store, key, QStringLiteral("second")).ok);
    QCOMPARE(readNow(store, key).secret, QStringLiteral("second"));
    QCOMPARE(store.value(key), QStringLiteral("second"));

    const WriteResult removed = removeNow(store, key);
    QVERIFY(removed.called);
    QVERIFY(!removed.duringCall);
    QVERIFY(removed.ok);
    QVERIFY(!store.contains(key));
    read = readNow(store, key);
    QVERIFY(read.called);
    QVERIFY(!read.found);
    QVERIFY(read.secret.isEmpty());
}

void TestSecretStore::missingKey()
{
    MemorySecretStore store;
    store.insert(QStringLiteral("profile/A/token"), QStringLiteral("a"));
    const ReadResult read = readNow(store, QStringLiteral("profile/B/token"));
    QVERIFY(read.called);
    QVERIFY(!read.found);
    QVERIFY(read.secret.isEmpty());
    QVERIFY2(read.error.isEmpty(), "a missing secret is not an error");
    // Removing what is not there succeeds: it is absent afterwards either way.
    const WriteResult removed = removeNow(store, QStringLiteral("profile/B/token"));
    QVERIFY(removed.ok);
    QVERIFY(store.contains(QStringLiteral("profile/A/token")));
}

void TestSecretStore::emptyKeyIsRefused()
{
    MemorySecretStore store;
    const WriteResult written = writeNow(store, QString(), QStringLiteral("x"));
    QVERIFY(written.called);
    QVERIFY(!written.ok);
    QVERIFY(written.error.contains(QLatin1String("key")));
    QVERIFY(!store.contains(QString()));
    const ReadResult read = readNow(store, QString());
    QVERIFY(!read.found);
    QVERIFY(!read.error.isEmpty());
    QVERIFY(!removeNow(store, QString()).ok);
}

// Like a keychain's jobs: the operation takes effect at once, the callback runs later from the
// event loop, never inside the call.
void TestSecretStore::callbacksAreQueued()
{
    MemorySecretStore store;
    QStringList order;
    store.write(QStringLiteral("k"), QStringLiteral("v"),
                [&order](bool, const QString&) { order << QStringLiteral("write"); });
    store.read(QStringLiteral("k"), [&order](bool found, const QString& secret, const QString&) {
        order << (found ? QStringLiteral("read ") + secret : QStringLiteral("read nothing"));
    });
    store.remove(QStringLiteral("k"), [&order](bool, const QString&) { order << QStringLiteral("remove"); });
    order << QStringLiteral("returned");
    QCOMPARE(order, QStringList{QStringLiteral("returned")});
    QTRY_COMPARE(order.size(), 4);
    QCOMPARE(order, (QStringList{QStringLiteral("returned"), QStringLiteral("write"), QStringLiteral("read v"),
                                 QStringLiteral("remove")}));
}

void TestSecretStore::callbacksDroppedWithTheStore()
{
    bool called = false;
    {
        MemorySecretStore store;
        store.write(QStringLiteral("k"), QStringLiteral("v"), [&called](bool, const QString&) { called = true; });
    }
    QCoreApplication::processEvents();
    QTest::qWait(10);
    QVERIFY(!called);
}

void TestSecretStore::nullCallbacksAreAllowed()
{
    MemorySecretStore store;
    store.write(QStringLiteral("k"), QStringLiteral("v"), {});
    store.read(QStringLiteral("k"), {});
    QCoreApplication::processEvents();
    QCOMPARE(store.value(QStringLiteral("k")), QStringLiteral("v"));
    store.remove(QStringLiteral("k"), {});
    QCoreApplication::processEvents();
    QVERIFY(!store.contains(QStringLiteral("k")));
}

void TestSecretStore::describesItself()
{
    MemorySecretStore store;
    QVERIFY(!store.isPersistent());
    QVERIFY(store.describe().contains(QLatin1String("memory")));
    QVERIFY(store.describe().contains(QLatin1String("session")));
    SecretStore* base = &store; // through the interface, as the app uses it
    QVERIFY(!base->isPersistent());
    QCOMPARE(base->describe(), store.describe());
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
