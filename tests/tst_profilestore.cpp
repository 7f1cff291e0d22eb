#include <memory>

#include <QFile>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "ProfileStore.h"
#include "SecretStore.h"

using namespace wa;

Q_DECLARE_METATYPE(wa::ConnectionProfile)

namespace {

ConnectionProfile cloudProfile(const QString& name)
{
    ConnectionProfile p;
    p.name = name;
    p.kind = ConnectionProfile::Kind::CloudApi;
    p.baseUrl = QUrl(ConnectionProfile::kDefaultCloudBaseUrl);
    p.apiVersion = QStringLiteral("v22.0");
    p.phoneNumberId = QStringLiteral("106540352242922");
    p.timeoutMs = 15000;
    return p;
}

ConnectionProfile onPremProfile(const QString& name)
{
    ConnectionProfile p;
    p.name = name;
    p.kind = ConnectionProfile::Kind::OnPremises;
    p.baseUrl = QUrl(QStringLiteral("https://wa-gateway.example:9090"));
    p.username = QStringLiteral("admin");
    p.acceptSelfSignedCertificate = true;
    p.checkContactsFirst = true;
    return p;
}

QStringList namesOf(const QList<ConnectionProfile>& profiles)
{
    QStringList names;
    for (const ConnectionProfile& p : profiles)
        names << p.name;
    return names;
}

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void defaultsOnFreshFile();
    void putReplaceRemove();
    void typedKeysInTheFile();
    void rename();
    void sandboxNotRemovable();
    void sandboxCanBeEdited();
    void currentSurvivesReload();
    void removingCurrentFallsBackToSandbox();
    void currentNamingAMissingProfile();
    void orderSandboxFirstThenByName();
    void namesRoundTrip_data();
    void namesRoundTrip();
    void brokenEntriesSkipped_data();
    void brokenEntriesSkipped();
    void invalidProfileRefused_data();
    void invalidProfileRefused();
    void noSecretInTheFile();

private:
    // A fresh QSettings on the same file: what the next start of the app would read.
    std::unique_ptr<QSettings> reopen();
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestProfileStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("wa-composer.ini"));
}

void TestProfileStore::cleanup()
{
    m_dir.reset();
}

std::unique_ptr<QSettings> TestProfileStore::reopen()
{
    return std::make_unique<QSettings>(m_path, QSettings::IniFormat);
}

void TestProfileStore::defaultsOnFreshFile()
{
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(store.profiles().size(), 1);
    const ConnectionProfile sandbox = store.profiles().first();
    QCOMPARE(sandbox.name, QStringLiteral("Sandbox"));
    QCOMPARE(sandbox.kind, ConnectionProfile::Kind::Sandbox);
    QCOMPARE(sandbox.apiVersion, QStringLiteral("v23.0"));
    QCOMPARE(sandbox.phoneNumberId, QStringLiteral("100000000000001"));
    QCOMPARE(sandbox.timeoutMs, ConnectionProfile::kDefaultTimeoutMs);
    QVERIFY(sandbox.problems().isEmpty());
    QCOMPARE(sandbox, ProfileStore::defaultSandbox());
    QCOMPARE(store.currentName(), QStringLiteral("Sandbox"));
    QCOMPARE(store.current(), sandbox);
    QVERIFY(store.contains(QStringLiteral("Sandbox")));
    QVERIFY(!store.contains(QStringLiteral("Production")));
    QCOMPARE(store.profile(QStringLiteral("Production")), sandbox); // unknown → the Sandbox profile
    // Reading writes nothing.
    QVERIFY(settings->allKeys().isEmpty());
}

void TestProfileStore::putReplaceRemove()
{
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QString error;
        QVERIFY2(store.put(cloudProfile(QStringLiteral("Production")), &error), qPrintable(error));
        QVERIFY2(store.put(onPremProfile(QStringLiteral("Gateway")), &error), qPrintable(error));
        QCOMPARE(changed.size(), 2);
        QCOMPARE(store.profile(QStringLiteral("Production")), cloudProfile(QStringLiteral("Production")));
        // Putting the same again changes nothing.
        QVERIFY(store.put(cloudProfile(QStringLiteral("Production"))));
        QCOMPARE(changed.size(), 2);
    }
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QCOMPARE(namesOf(store.profiles()),
                 (QStringList{QStringLiteral("Sandbox"), QStringLiteral("Gateway"), QStringLiteral("Production")}));
        QCOMPARE(store.profile(QStringLiteral("Production")), cloudProfile(QStringLiteral("Production")));
        QCOMPARE(store.profile(QStringLiteral("Gateway")), onPremProfile(QStringLiteral("Gateway")));

        // Replace by name.
        ConnectionProfile changedProfile = cloudProfile(QStringLiteral("Production"));
        changedProfile.phoneNumberId = QStringLiteral("999");
        changedProfile.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8080/graph"));
        changedProfile.timeoutMs = 5000;
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QVERIFY(store.put(changedProfile));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(store.profiles().size(), 3);
        QCOMPARE(store.profile(QStringLiteral("Production")), changedProfile);
    }
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QCOMPARE(store.profile(QStringLiteral("Production")).phoneNumberId, QStringLiteral("999"));
        QCOMPARE(store.profile(QStringLiteral("Production")).timeoutMs, 5000);
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QVERIFY(store.remove(QStringLiteral("Gateway")));
        QCOMPARE(changed.size(), 1);
        QVERIFY(!store.contains(QStringLiteral("Gateway")));
        QVERIFY(!store.remove(QStringLiteral("Gateway"))); // already gone
        QVERIFY(!store.remove(QStringLiteral("Nobody")));
        QCOMPARE(changed.size(), 1);
    }
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(namesOf(store.profiles()), (QStringList{QStringLiteral("Sandbox"), QStringLiteral("Production")}));
    QVERIFY(!settings->childGroups().isEmpty());
    settings->beginGroup(QStringLiteral("profiles"));
    QVERIFY(!settings->childGroups().contains(QStringLiteral("Gateway")));
}

void TestProfileStore::typedKeysInTheFile()
{
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QVERIFY(store.put(cloudProfile(QStringLiteral("Production"))));
        QVERIFY(store.put(onPremProfile(QStringLiteral("Gateway"))));
        QVERIFY(store.setCurrent(QStringLiteral("Gateway")));
    }
    QSettings settings(m_path, QSettings::IniFormat);
    settings.beginGroup(QStringLiteral("profiles"));
    QCOMPARE(settings.value(QStringLiteral("current")).toString(), QStringLiteral("Gateway"));
    QCOMPARE(settings.value(QStringLiteral("Production/kind")).toString(), QStringLiteral("cloud"));
    QCOMPARE(settings.value(QStringLiteral("Production/base_url")).toString(),
             QStringLiteral("https://graph.facebook.com"));
    QCOMPARE(settings.value(QStringLiteral("Production/api_version")).toString(), QStringLiteral("v22.0"));
    QCOMPARE(settings.value(QStringLiteral("Production/phone_number_id")).toString(),
             QStringLiteral("106540352242922"));
    QCOMPARE(settings.value(QStringLiteral("Production/timeout_ms")).toInt(), 15000);
    QCOMPARE(settings.value(QStringLiteral("Gateway/kind")).toString(), QStringLiteral("onprem"));
    QCOMPARE(settings.value(QStringLiteral("Gateway/username")).toString(), QStringLiteral("admin"));
    QCOMPARE(settings.value(QStringLiteral("Gateway/accept_self_signed")).toBool(), true);
    QCOMPARE(settings.value(QStringLiteral("Gateway/check_contacts")).toBool(), true);
    QCOMPARE(settings.childKeys(), QStringList{QStringLiteral("current")});
    settings.beginGroup(QStringLiteral("Production"));
    QCOMPARE(settings.childKeys().size(), 8);
}

void TestProfileStore::rename()
{
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QVERIFY(store.put(cloudProfile(QStringLiteral("Staging"))));
        QVERIFY(store.setCurrent(QStringLiteral("Staging")));
        QSignalSpy current(&store, &ProfileStore::currentChanged);
        // Renaming is remove + put (the caller moves the secret to the new secretKey()).
        ConnectionProfile renamed = store.profile(QStringLiteral("Staging"));
        renamed.name = QStringLiteral("Staging EU");
        QVERIFY(store.put(renamed));
        QVERIFY(store.remove(QStringLiteral("Staging")));
        QCOMPARE(current.size(), 1); // the current profile was removed: back to the Sandbox
        QCOMPARE(current.first().first().toString(), QStringLiteral("Sandbox"));
        QVERIFY(store.setCurrent(QStringLiteral("Staging EU")));
    }
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(namesOf(store.profiles()), (QStringList{QStringLiteral("Sandbox"), QStringLiteral("Staging EU")}));
    QCOMPARE(store.currentName(), QStringLiteral("Staging EU"));
    QCOMPARE(store.current().phoneNumberId, QStringLiteral("106540352242922"));
}

void TestProfileStore::sandboxNotRemovable()
{
    auto settings = reopen();
    ProfileStore store(settings.get());
    QSignalSpy changed(&store, &ProfileStore::profilesChanged);
    QVERIFY(!store.remove(QStringLiteral("Sandbox")));
    QVERIFY(store.contains(QStringLiteral("Sandbox")));
    QCOMPARE(changed.size(), 0);

    // Nor can it become another kind.
    ConnectionProfile other = cloudProfile(QStringLiteral("Sandbox"));
    QString error;
    QVERIFY(!store.put(other, &error));
    QVERIFY2(error.contains(QLatin1String("Sandbox")), qPrintable(error));
    QCOMPARE(store.profile(QStringLiteral("Sandbox")).kind, ConnectionProfile::Kind::Sandbox);
    QCOMPARE(changed.size(), 0);
}

void TestProfileStore::sandboxCanBeEdited()
{
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        ConnectionProfile sandbox = store.profile(QStringLiteral("Sandbox"));
        sandbox.timeoutMs = 2000;
        sandbox.phoneNumberId = QStringLiteral("100000000000002");
        QVERIFY(store.put(sandbox));
    }
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(store.profiles().size(), 1);
    QCOMPARE(store.current().timeoutMs, 2000);
    QCOMPARE(store.current().phoneNumberId, QStringLiteral("100000000000002"));
}

void TestProfileStore::currentSurvivesReload()
{
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QVERIFY(store.put(cloudProfile(QStringLiteral("Production"))));
        QSignalSpy current(&store, &ProfileStore::currentChanged);
        QVERIFY(!store.setCurrent(QStringLiteral("Nobody")));
        QCOMPARE(current.size(), 0);
        QVERIFY(store.setCurrent(QStringLiteral("Production")));
        QCOMPARE(current.size(), 1);
        QCOMPARE(current.first().first().toString(), QStringLiteral("Production"));
        QVERIFY(store.setCurrent(QStringLiteral("Production"))); // already current: no signal
        QCOMPARE(current.size(), 1);
        QCOMPARE(store.current().kind, ConnectionProfile::Kind::CloudApi);
    }
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(store.currentName(), QStringLiteral("Production"));
    QCOMPARE(store.current(), cloudProfile(QStringLiteral("Production")));
}

void TestProfileStore::removingCurrentFallsBackToSandbox()
{
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QVERIFY(store.put(cloudProfile(QStringLiteral("Production"))));
        QVERIFY(store.setCurrent(QStringLiteral("Production")));
        QSignalSpy current(&store, &ProfileStore::currentChanged);
        QVERIFY(store.remove(QStringLiteral("Production")));
        QCOMPARE(store.currentName(), QStringLiteral("Sandbox"));
        QCOMPARE(current.size(), 1);
    }
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(store.currentName(), QStringLiteral("Sandbox"));
}

void TestProfileStore::currentNamingAMissingProfile()
{
    {
        QSettings settings(m_path, QSettings::IniFormat);
        settings.setValue(QStringLiteral("profiles/current"), QStringLiteral("Gone"));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("current profile \u201cGone\u201d")));
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(store.currentName(), QStringLiteral("Sandbox"));
    QCOMPARE(store.current(), ProfileStore::defaultSandbox());
}

void TestProfileStore::orderSandboxFirstThenByName()
{
    auto settings = reopen();
    ProfileStore store(settings.get());
    for (const char* name : {"zeta", "Alpha", "beta", "Gamma"})
        QVERIFY(store.put(cloudProfile(QString::fromLatin1(name))));
    const QStringList expected{QStringLiteral("Sandbox"), QStringLiteral("Alpha"), QStringLiteral("beta"),
                               QStringLiteral("Gamma"), QStringLiteral("zeta")};
    QCOMPARE(namesOf(store.profiles()), expected);
    auto again = reopen();
    ProfileStore reloaded(again.get());
    QCOMPARE(namesOf(reloaded.profiles()), expected);
}

void TestProfileStore::namesRoundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("spaces and punctuation") << QStringLiteral("Prod (EU) #2, test=1; a%b");
    QTest::newRow("non-ASCII") << QStringLiteral("Produção \u2013 \u53f0\u7063");
    QTest::newRow("the current key's name") << QStringLiteral("current");
    QTest::newRow("dots") << QStringLiteral("v1.2.3");
}

void TestProfileStore::namesRoundTrip()
{
    QFETCH(QString, name);
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QVERIFY(store.put(cloudProfile(name)));
        QVERIFY(store.setCurrent(name));
    }
    auto settings = reopen();
    ProfileStore store(settings.get());
    QCOMPARE(namesOf(store.profiles()), (QStringList{QStringLiteral("Sandbox"), name}));
    QCOMPARE(store.currentName(), name);
    QCOMPARE(store.current(), cloudProfile(name));
    QVERIFY(store.remove(name));
    auto again = reopen();
    ProfileStore emptied(again.get());
    QCOMPARE(namesOf(emptied.profiles()), QStringList{QStringLiteral("Sandbox")});
}

void TestProfileStore::brokenEntriesSkipped_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("key");    // "" leaves the profile without any keys but this
    QTest::addColumn<QString>("value");  // "<remove>" removes the key
    QTest::addColumn<QString>("reason"); // in the warning

    QTest::newRow("unknown kind") << QStringLiteral("Weird") << QStringLiteral("kind") << QStringLiteral("telegram")
                                  << QStringLiteral("unknown kind");
    QTest::newRow("no kind") << QStringLiteral("Kindless") << QStringLiteral("kind") << QStringLiteral("<remove>")
                             << QStringLiteral("no \u201ckind\u201d");
    QTest::newRow("timeout not a number") << QStringLiteral("Slow") << QStringLiteral("timeout_ms")
                                          << QStringLiteral("soon") << QStringLiteral("timeout_ms");
    QTest::newRow("flag not a bool") << QStringLiteral("Flaky") << QStringLiteral("check_contacts")
                                     << QStringLiteral("maybe") << QStringLiteral("check_contacts");
    QTest::newRow("bad URL") << QStringLiteral("Nowhere") << QStringLiteral("base_url")
                             << QStringLiteral("http://exa mple.com:99999") << QStringLiteral("base_url");
    QTest::newRow("no phone-number ID") << QStringLiteral("Phoneless") << QStringLiteral("phone_number_id")
                                        << QStringLiteral("") << QStringLiteral("phone-number ID");
    QTest::newRow("zero timeout") << QStringLiteral("Hasty") << QStringLiteral("timeout_ms") << QStringLiteral("0")
                                  << QStringLiteral("timeout");
    QTest::newRow("Sandbox of another kind") << QStringLiteral("Sandbox") << QStringLiteral("kind")
                                             << QStringLiteral("cloud") << QStringLiteral("kind sandbox");
}

void TestProfileStore::brokenEntriesSkipped()
{
    QFETCH(QString, name);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, reason);
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        QVERIFY(store.put(cloudProfile(QStringLiteral("Good"))));
        QVERIFY(store.put(cloudProfile(name == QLatin1String("Sandbox") ? QStringLiteral("Other") : name)));
        QVERIFY(store.setCurrent(QStringLiteral("Good")));
    }
    {
        // A hand edit (or an older or newer version) breaks one entry.
        QSettings settings(m_path, QSettings::IniFormat);
        if (name == QLatin1String("Sandbox")) {
            const QStringList keys = [&] {
                settings.beginGroup(QStringLiteral("profiles/Other"));
                const QStringList k = settings.childKeys();
                settings.endGroup();
                return k;
            }();
            for (const QString& k : keys)
                settings.setValue(QStringLiteral("profiles/Sandbox/") + k,
                                  settings.value(QStringLiteral("profiles/Other/") + k));
        }
        const QString path = QStringLiteral("profiles/%1/%2").arg(name, key);
        if (value == QLatin1String("<remove>"))
            settings.remove(path);
        else
            settings.setValue(path, value);
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("\u201c%1\u201d.*%2")
                                                              .arg(QRegularExpression::escape(name),
                                                                   QRegularExpression::escape(reason))));
    auto settings = reopen();
    ProfileStore store(settings.get());
    QVERIFY(store.contains(QStringLiteral("Good")));
    QCOMPARE(store.currentName(), QStringLiteral("Good"));
    if (name == QLatin1String("Sandbox")) {
        QCOMPARE(store.profile(QStringLiteral("Sandbox")), ProfileStore::defaultSandbox());
    } else {
        QVERIFY(!store.contains(name));
        QCOMPARE(store.profiles().size(), 2);
        // The broken entry is left as it was (a hand edit can repair it); a put of its name replaces it.
        QVERIFY(settings->contains(QStringLiteral("profiles/%1/api_version").arg(name)));
        QVERIFY(store.put(cloudProfile(name)));
        auto again = reopen();
        ProfileStore repaired(again.get());
        QCOMPARE(repaired.profile(name), cloudProfile(name));
    }
}

void TestProfileStore::invalidProfileRefused_data()
{
    QTest::addColumn<ConnectionProfile>("profile");
    QTest::addColumn<QString>("reason");

    ConnectionProfile p = cloudProfile(QString());
    QTest::newRow("no name") << p << QStringLiteral("no name");
    p = cloudProfile(QStringLiteral("   "));
    QTest::newRow("blank name") << p << QStringLiteral("no name");
    p = cloudProfile(QStringLiteral("EU/Prod"));
    QTest::newRow("slash in the name") << p << QStringLiteral("\u201c/\u201d");
    p = cloudProfile(QStringLiteral("EU\\Prod"));
    QTest::newRow("backslash in the name") << p << QStringLiteral("\u201c\\\u201d");
    p = cloudProfile(QStringLiteral("Prod"));
    p.phoneNumberId.clear();
    QTest::newRow("cloud without phone-number ID") << p << QStringLiteral("no phone-number ID");
    p = cloudProfile(QStringLiteral("Prod"));
    p.baseUrl = QUrl(QStringLiteral("graph.facebook.com"));
    QTest::newRow("relative base URL") << p << QStringLiteral("no valid base URL");
    p = cloudProfile(QStringLiteral("Prod"));
    p.baseUrl = QUrl(QStringLiteral("ftp://graph.facebook.com"));
    QTest::newRow("ftp base URL") << p << QStringLiteral("https://");
    p = cloudProfile(QStringLiteral("Prod"));
    p.apiVersion = QStringLiteral("23");
    QTest::newRow("API version") << p << QStringLiteral("not like v23.0");
    p = onPremProfile(QStringLiteral("Gateway"));
    p.username.clear();
    QTest::newRow("on-prem without user") << p << QStringLiteral("no user name");
    p = onPremProfile(QStringLiteral("Gateway"));
    p.timeoutMs = 0;
    QTest::newRow("no timeout") << p << QStringLiteral("no timeout");
}

void TestProfileStore::invalidProfileRefused()
{
    QFETCH(ConnectionProfile, profile);
    QFETCH(QString, reason);
    auto settings = reopen();
    ProfileStore store(settings.get());
    QSignalSpy changed(&store, &ProfileStore::profilesChanged);
    QString error;
    QVERIFY(!store.put(profile, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!store.put(profile)); // no error pointer: still refused, no crash
    QCOMPARE(changed.size(), 0);
    QCOMPARE(store.profiles().size(), 1);
    QVERIFY(settings->allKeys().isEmpty());
}

// Secrets live in a SecretStore; the settings file never holds one.
void TestProfileStore::noSecretInTheFile()
{
    const QString token = QStringLiteral("EAAGm0PX4ZCpsBAKZCZCtoken7f3a9d2e");
    const QString password = QStringLiteral("gateway-password-0d9c7b");
    MemorySecretStore secrets;
    {
        auto settings = reopen();
        ProfileStore store(settings.get());
        const ConnectionProfile cloud = cloudProfile(QStringLiteral("Production"));
        const ConnectionProfile onPrem = onPremProfile(QStringLiteral("Gateway"));
        QVERIFY(store.put(cloud));
        QVERIFY(store.put(onPrem));
        QVERIFY(store.setCurrent(QStringLiteral("Gateway")));
        secrets.insert(cloud.secretKey(), token);
        secrets.insert(onPrem.secretKey(), password);
        secrets.insert(store.profile(QStringLiteral("Sandbox")).secretKey(), token);
        ConnectionProfile sandbox = store.profile(QStringLiteral("Sandbox"));
        sandbox.timeoutMs = 1234;
        QVERIFY(store.put(sandbox));
    }
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray raw = file.readAll();
    QVERIFY2(raw.contains("Production") && raw.contains("Gateway") && raw.contains("1234"), raw.constData());
    QVERIFY(!raw.contains(token.toUtf8()));
    QVERIFY(!raw.contains(password.toUtf8()));
    QVERIFY(!raw.contains(token.right(12).toUtf8()));
    QVERIFY(!raw.contains(password.right(6).toUtf8()));
    QVERIFY(secrets.contains(QStringLiteral("profile/Production/token")));
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
