#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include "ConnectionProfile.h"

class QSettings;

namespace wa {

// The named connection profiles and which one is current, kept in QSettings (group "profiles").
// Secrets are never written here. There is always a profile named "Sandbox" of kind Sandbox; it
// cannot be removed and is current on a fresh install.
class ProfileStore : public QObject
{
    Q_OBJECT

public:
    static inline const QString kSandboxName = QStringLiteral("Sandbox");
    // The phone-number ID the embedded sandbox answers to.
    static inline const QString kSandboxPhoneNumberId = QStringLiteral("100000000000001");

    // The "Sandbox" profile as on a fresh install.
    static ConnectionProfile defaultSandbox();

    // Reads from and writes to `settings` (not owned; must outlive the store).
    explicit ProfileStore(QSettings* settings, QObject* parent = nullptr);

    QList<ConnectionProfile> profiles() const { return m_profiles; }
    bool contains(const QString& name) const;
    ConnectionProfile profile(const QString& name) const; // the Sandbox profile when unknown
    ConnectionProfile current() const;
    QString currentName() const { return m_current; }

    // Adds or replaces (by name); renaming is remove + put. False and why for an empty name, a name
    // with "/" or "\" (they separate settings groups), a "Sandbox" profile of another kind, or a
    // profile whose problems() are not empty.
    bool put(const ConnectionProfile& profile, QString* error = nullptr);
    bool remove(const QString& name); // false for the Sandbox profile or an unknown name
    bool setCurrent(const QString& name);

signals:
    void profilesChanged();
    void currentChanged(const QString& name);

private:
    void load();
    void save(const ConnectionProfile& profile); // its subgroup, replaced whole
    void saveCurrent();
    void sync();

    QSettings* m_settings;
    QList<ConnectionProfile> m_profiles;
    QString m_current;
};

} // namespace wa
