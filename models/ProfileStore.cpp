#include "ProfileStore.h"

#include <algorithm>
#include <optional>

#include <QLoggingCategory>
#include <QSettings>

namespace wa {

Q_LOGGING_CATEGORY(lcProfileStore, "wa.profilestore")

namespace {

// The settings layout, declared once: "profiles/current" and one subgroup "profiles/<name>" per
// profile with the keys below. Each typed key reads back its member of ConnectionProfile, and a
// missing key gives that member's default (ConnectionProfile's initialisers are the defaults).
const QLatin1String kGroup("profiles");
const QLatin1String kCurrentKey("current");
const QLatin1String kKindKey("kind");
const QLatin1String kBaseUrlKey("base_url");

QString groupOf(const QString& name)
{
    return QString(kGroup) + QLatin1Char('/') + name;
}

template <typename T> struct Key
{
    QLatin1String name;
    T ConnectionProfile::*member;
};

const Key<QString> kStringKeys[] = {
    {QLatin1String("api_version"), &ConnectionProfile::apiVersion},
    {QLatin1String("phone_number_id"), &ConnectionProfile::phoneNumberId},
    {QLatin1String("username"), &ConnectionProfile::username},
};
const Key<bool> kBoolKeys[] = {
    {QLatin1String("accept_self_signed"), &ConnectionProfile::acceptSelfSignedCertificate},
    {QLatin1String("check_contacts"), &ConnectionProfile::checkContactsFirst},
};
const Key<int> kIntKeys[] = {
    {QLatin1String("timeout_ms"), &ConnectionProfile::timeoutMs},
};

// Typed reads: nullopt when the stored value is not of the key's type. INI files give strings,
// native formats may give the type itself.
std::optional<QString> toText(const QVariant& value)
{
    if (value.typeId() == QMetaType::QString)
        return value.toString();
    if (value.typeId() == QMetaType::QByteArray || value.typeId() == QMetaType::Int ||
        value.typeId() == QMetaType::LongLong)
        return value.toString();
    return std::nullopt;
}

std::optional<bool> toBool(const QVariant& value)
{
    if (value.typeId() == QMetaType::Bool)
        return value.toBool();
    const QString text = value.toString().trimmed().toLower();
    if (text == QLatin1String("true") || text == QLatin1String("1"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("0"))
        return false;
    return std::nullopt;
}

std::optional<int> toInt(const QVariant& value)
{
    bool ok = false;
    const int number = value.typeId() == QMetaType::Int ? value.toInt(&ok) : value.toString().trimmed().toInt(&ok);
    return ok ? std::optional<int>(number) : std::nullopt;
}

// One profile from the current group (the profile's own); nullopt and why when it is unusable.
std::optional<ConnectionProfile> readProfile(const QSettings& settings, const QString& name, QString* why)
{
    ConnectionProfile profile =
        name == ProfileStore::kSandboxName ? ProfileStore::defaultSandbox() : ConnectionProfile();
    profile.name = name;
    const QVariant kind = settings.value(kKindKey);
    if (!kind.isValid()) {
        *why = QStringLiteral("it has no \u201ckind\u201d");
        return std::nullopt;
    }
    if (!profileKindFromName(kind.toString(), &profile.kind)) {
        *why = QStringLiteral("unknown kind \u201c%1\u201d (expected sandbox, cloud or onprem)").arg(kind.toString());
        return std::nullopt;
    }
    const auto broken = [why](QLatin1String key, const QVariant& value, const char* expected) {
        *why = QStringLiteral("\u201c%1\u201d is not %2: \u201c%3\u201d")
                   .arg(key, QLatin1String(expected), value.toString());
        return std::nullopt;
    };

    if (const QVariant value = settings.value(kBaseUrlKey); value.isValid()) {
        const auto text = toText(value);
        const QUrl url(text.value_or(QString()), QUrl::StrictMode);
        if (!text || (!text->isEmpty() && !url.isValid()))
            return broken(kBaseUrlKey, value, "a URL");
        profile.baseUrl = url;
    } else if (profile.kind == ConnectionProfile::Kind::CloudApi) {
        profile.baseUrl = QUrl(ConnectionProfile::kDefaultCloudBaseUrl);
    }
    for (const auto& key : kStringKeys) {
        if (const QVariant value = settings.value(key.name); value.isValid()) {
            const auto text = toText(value);
            if (!text)
                return broken(key.name, value, "text");
            profile.*key.member = *text;
        }
    }
    for (const auto& key : kBoolKeys) {
        if (const QVariant value = settings.value(key.name); value.isValid()) {
            const auto flag = toBool(value);
            if (!flag)
                return broken(key.name, value, "true or false");
            profile.*key.member = *flag;
        }
    }
    for (const auto& key : kIntKeys) {
        if (const QVariant value = settings.value(key.name); value.isValid()) {
            const auto number = toInt(value);
            if (!number)
                return broken(key.name, value, "a whole number");
            profile.*key.member = *number;
        }
    }
    if (const QStringList problems = profile.problems(); !problems.isEmpty()) {
        *why = problems.join(QStringLiteral("; "));
        return std::nullopt;
    }
    return profile;
}

bool sandboxFirstThenByName(const ConnectionProfile& a, const ConnectionProfile& b)
{
    const bool aSandbox = a.name == ProfileStore::kSandboxName;
    const bool bSandbox = b.name == ProfileStore::kSandboxName;
    if (aSandbox != bSandbox)
        return aSandbox;
    const int folded = QString::compare(a.name, b.name, Qt::CaseInsensitive);
    return folded != 0 ? folded < 0 : a.name < b.name;
}

} // namespace

ConnectionProfile ProfileStore::defaultSandbox()
{
    ConnectionProfile sandbox;
    sandbox.name = kSandboxName;
    sandbox.kind = ConnectionProfile::Kind::Sandbox;
    sandbox.apiVersion = ConnectionProfile::kDefaultApiVersion;
    sandbox.phoneNumberId = kSandboxPhoneNumberId;
    return sandbox;
}

ProfileStore::ProfileStore(QSettings* settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{
    load();
}

void ProfileStore::load()
{
    m_profiles.clear();
    std::optional<ConnectionProfile> sandbox;
    m_settings->beginGroup(kGroup);
    const QString storedCurrent = m_settings->value(kCurrentKey).toString();
    const QStringList names = m_settings->childGroups();
    for (const QString& name : names) {
        m_settings->beginGroup(name);
        QString why;
        std::optional<ConnectionProfile> profile = readProfile(*m_settings, name, &why);
        m_settings->endGroup();
        if (profile && name == kSandboxName && profile->kind != ConnectionProfile::Kind::Sandbox) {
            why = QStringLiteral("the \u201c%1\u201d profile must be of kind sandbox").arg(kSandboxName);
            profile.reset();
        }
        if (!profile) {
            // Left in the file as it is (a hand edit can repair it); put() of the same name replaces it.
            qCWarning(lcProfileStore).noquote() << QStringLiteral("Skipping the profile \u201c%1\u201d in %2: %3")
                                                       .arg(name, m_settings->fileName(), why);
            continue;
        }
        if (name == kSandboxName)
            sandbox = profile;
        else
            m_profiles.append(*profile);
    }
    m_settings->endGroup();
    m_profiles.append(sandbox.value_or(defaultSandbox()));
    std::sort(m_profiles.begin(), m_profiles.end(), sandboxFirstThenByName);

    m_current = kSandboxName;
    if (!storedCurrent.isEmpty()) {
        if (contains(storedCurrent))
            m_current = storedCurrent;
        else
            qCWarning(lcProfileStore).noquote()
                << QStringLiteral("The current profile \u201c%1\u201d in %2 does not exist (or was skipped): using %3")
                       .arg(storedCurrent, m_settings->fileName(), kSandboxName);
    }
}

bool ProfileStore::contains(const QString& name) const
{
    return std::any_of(m_profiles.cbegin(), m_profiles.cend(),
                       [&name](const ConnectionProfile& profile) { return profile.name == name; });
}

ConnectionProfile ProfileStore::profile(const QString& name) const
{
    for (const ConnectionProfile& profile : m_profiles) {
        if (profile.name == name)
            return profile;
    }
    for (const ConnectionProfile& profile : m_profiles) {
        if (profile.name == kSandboxName)
            return profile;
    }
    return defaultSandbox(); // not reached: the Sandbox profile is always there
}

ConnectionProfile ProfileStore::current() const
{
    return profile(m_current);
}

bool ProfileStore::put(const ConnectionProfile& profile, QString* error)
{
    const auto refuse = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (profile.name.trimmed().isEmpty())
        return refuse(QStringLiteral("The profile has no name"));
    if (profile.name.contains(QLatin1Char('/')) || profile.name.contains(QLatin1Char('\\')))
        return refuse(QStringLiteral("The profile name \u201c%1\u201d may not contain \u201c/\u201d or \u201c\\\u201d")
                          .arg(profile.name));
    if (profile.name == kSandboxName && profile.kind != ConnectionProfile::Kind::Sandbox)
        return refuse(QStringLiteral("The \u201c%1\u201d profile is always of kind %2: give this one another name")
                          .arg(kSandboxName, profileKindLabel(ConnectionProfile::Kind::Sandbox)));
    if (const QStringList problems = profile.problems(); !problems.isEmpty())
        return refuse(problems.join(QStringLiteral("; ")));

    const auto it = std::find_if(m_profiles.begin(), m_profiles.end(),
                                 [&profile](const ConnectionProfile& known) { return known.name == profile.name; });
    if (it != m_profiles.end() && *it == profile)
        return true;
    if (it != m_profiles.end()) {
        *it = profile;
    } else {
        m_profiles.append(profile);
        std::sort(m_profiles.begin(), m_profiles.end(), sandboxFirstThenByName);
    }
    save(profile);
    sync();
    emit profilesChanged();
    return true;
}

bool ProfileStore::remove(const QString& name)
{
    if (name == kSandboxName)
        return false;
    const auto it = std::find_if(m_profiles.begin(), m_profiles.end(),
                                 [&name](const ConnectionProfile& known) { return known.name == name; });
    if (it == m_profiles.end())
        return false;
    m_profiles.erase(it);
    m_settings->remove(groupOf(name));
    const bool wasCurrent = m_current == name;
    if (wasCurrent) {
        m_current = kSandboxName;
        saveCurrent();
    }
    sync();
    emit profilesChanged();
    if (wasCurrent)
        emit currentChanged(m_current);
    return true;
}

bool ProfileStore::setCurrent(const QString& name)
{
    if (!contains(name))
        return false;
    if (name == m_current)
        return true;
    m_current = name;
    saveCurrent();
    sync();
    emit currentChanged(m_current);
    return true;
}

void ProfileStore::save(const ConnectionProfile& profile)
{
    // No secret here: the token or password is in the SecretStore under profile.secretKey().
    const QString group = groupOf(profile.name);
    m_settings->remove(group); // keys of an older layout or a broken entry go too
    m_settings->beginGroup(group);
    m_settings->setValue(kKindKey, profileKindName(profile.kind));
    m_settings->setValue(kBaseUrlKey, profile.baseUrl.toString());
    for (const auto& key : kStringKeys)
        m_settings->setValue(key.name, profile.*key.member);
    for (const auto& key : kBoolKeys)
        m_settings->setValue(key.name, profile.*key.member);
    for (const auto& key : kIntKeys)
        m_settings->setValue(key.name, profile.*key.member);
    m_settings->endGroup();
}

void ProfileStore::saveCurrent()
{
    m_settings->setValue(groupOf(kCurrentKey), m_current);
}

// Written at once so that a second window or the command line sees the change; a file that
// cannot be written is reported, and the change still holds for this session.
void ProfileStore::sync()
{
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError)
        qCWarning(lcProfileStore).noquote()
            << QStringLiteral("Cannot write the profiles to %1 (%2)")
                   .arg(m_settings->fileName(), m_settings->status() == QSettings::AccessError
                                                    ? QStringLiteral("access error")
                                                    : QStringLiteral("format error"));
}

} // namespace wa
