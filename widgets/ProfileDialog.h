#pragma once

#include <QDialog>

#include "ConnectionProfile.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace wa {
class ProfileStore;
class SecretStore;
} // namespace wa

// Edits the connection profiles: kind, endpoint, IDs and options go to the ProfileStore (QSettings);
// the token or password goes to the SecretStore (the keychain) and is never shown again, only its
// last four characters ("••••1234 saved").
class ProfileDialog : public QDialog
{
    Q_OBJECT

public:
    ProfileDialog(wa::ProfileStore* profiles, wa::SecretStore* secrets, QWidget* parent = nullptr);

    // Shows this profile in the form (for tests and for "Edit profile…").
    void select(const QString& name);
    // Stores the form's profile (and its secret when one was typed); false and why.
    bool saveCurrent(QString* error = nullptr);
    void addProfile();
    bool removeCurrent();

    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* baseUrlEdit() const { return m_baseUrl; }
    QLineEdit* versionEdit() const { return m_version; }
    QLineEdit* phoneNumberIdEdit() const { return m_phoneNumberId; }
    QLineEdit* usernameEdit() const { return m_username; }
    QLineEdit* secretEdit() const { return m_secret; }
    QCheckBox* selfSignedBox() const { return m_selfSigned; }
    QLabel* selfSignedWarning() const { return m_selfSignedWarning; }
    QLabel* secretState() const { return m_secretState; }
    QLabel* problemsLabel() const { return m_problems; }
    QLabel* keychainLabel() const { return m_keychain; }

private:
    void fillList();
    void showProfile(const wa::ConnectionProfile& profile);
    wa::ConnectionProfile formProfile() const;
    void kindChanged();
    void updateProblems();

    wa::ProfileStore* m_profiles;
    wa::SecretStore* m_secrets;
    QString m_shown; // the name of the profile in the form, as stored
    QListWidget* m_list;
    QLineEdit* m_name;
    QComboBox* m_kind;
    QLineEdit* m_baseUrl;
    QLineEdit* m_version;
    QLineEdit* m_phoneNumberId;
    QLineEdit* m_username;
    QLabel* m_secretLabel;
    QLineEdit* m_secret;
    QLabel* m_secretState;
    QCheckBox* m_selfSigned;
    QLabel* m_selfSignedWarning;
    QCheckBox* m_checkContacts;
    QSpinBox* m_timeout;
    QLabel* m_problems;
    QLabel* m_keychain;
    QPushButton* m_remove;
};
