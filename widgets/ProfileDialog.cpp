#include "ProfileDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ProfileStore.h"
#include "SecretStore.h"

using wa::ConnectionProfile;

ProfileDialog::ProfileDialog(wa::ProfileStore* profiles, wa::SecretStore* secrets, QWidget* parent)
    : QDialog(parent)
    , m_profiles(profiles)
    , m_secrets(secrets)
    , m_list(new QListWidget(this))
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_baseUrl(new QLineEdit(this))
    , m_version(new QLineEdit(this))
    , m_phoneNumberId(new QLineEdit(this))
    , m_username(new QLineEdit(this))
    , m_secretLabel(new QLabel(this))
    , m_secret(new QLineEdit(this))
    , m_secretState(new QLabel(this))
    , m_selfSigned(new QCheckBox(tr("Accept a self-signed certificate"), this))
    , m_selfSignedWarning(new QLabel(this))
    , m_checkContacts(new QCheckBox(tr("Check the recipient with /v1/contacts before each send"), this))
    , m_timeout(new QSpinBox(this))
    , m_problems(new QLabel(this))
    , m_keychain(new QLabel(this))
    , m_remove(new QPushButton(tr("Remove"), this))
{
    setWindowTitle(tr("Connection profiles"));
    for (auto kind :
         {ConnectionProfile::Kind::Sandbox, ConnectionProfile::Kind::CloudApi, ConnectionProfile::Kind::OnPremises})
        m_kind->addItem(wa::profileKindLabel(kind), int(kind));
    m_secret->setEchoMode(QLineEdit::Password);
    m_timeout->setRange(1, 600);
    m_timeout->setSuffix(tr(" s"));
    m_selfSignedWarning->setText(
        tr("⚠ The server's certificate will not be checked: anyone between you and it can read the password "
           "and the messages. Use only for a gateway you run yourself."));
    m_selfSignedWarning->setWordWrap(true);
    m_selfSignedWarning->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_keychain->setWordWrap(true);
    m_secretState->setWordWrap(true);

    auto form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Base URL"), m_baseUrl);
    form->addRow(tr("API version"), m_version);
    form->addRow(tr("Phone-number ID"), m_phoneNumberId);
    form->addRow(tr("User name"), m_username);
    form->addRow(m_secretLabel, m_secret);
    form->addRow(QString(), m_secretState);
    form->addRow(QString(), m_selfSigned);
    form->addRow(QString(), m_selfSignedWarning);
    form->addRow(QString(), m_checkContacts);
    form->addRow(tr("Timeout"), m_timeout);
    form->addRow(QString(), m_problems);

    auto add = new QPushButton(tr("Add"), this);
    auto save = new QPushButton(tr("Save profile"), this);
    save->setDefault(true);
    auto listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_remove);
    auto left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);
    auto right = new QVBoxLayout;
    right->addLayout(form);
    right->addStretch(1);
    auto saveRow = new QHBoxLayout;
    saveRow->addStretch(1);
    saveRow->addWidget(save);
    right->addLayout(saveRow);
    auto columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 3);
    auto close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_keychain);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, &ProfileDialog::addProfile);
    connect(m_remove, &QPushButton::clicked, this, &ProfileDialog::removeCurrent);
    connect(save, &QPushButton::clicked, this, [this] {
        QString error;
        if (!saveCurrent(&error))
            m_problems->setText(error);
    });
    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString& name) {
        if (!name.isEmpty() && name != m_shown)
            showProfile(m_profiles->profile(name));
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProfileDialog::kindChanged);
    connect(m_selfSigned, &QCheckBox::toggled, m_selfSignedWarning, &QLabel::setVisible);
    for (QLineEdit* edit : {m_name, m_baseUrl, m_version, m_phoneNumberId, m_username})
        connect(edit, &QLineEdit::textChanged, this, &ProfileDialog::updateProblems);
    auto describeKeychain = [this] { m_keychain->setText(m_secrets->describe()); };
    connect(m_secrets, &wa::SecretStore::backendChanged, this, describeKeychain);
    describeKeychain();

    fillList();
    select(m_profiles->currentName());
    resize(760, 460);
}

void ProfileDialog::fillList()
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const ConnectionProfile& profile : m_profiles->profiles())
        m_list->addItem(profile.name);
}

void ProfileDialog::select(const QString& name)
{
    const auto found = m_list->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty()) {
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentItem(found.first());
    }
    showProfile(m_profiles->profile(name));
}

void ProfileDialog::showProfile(const ConnectionProfile& profile)
{
    m_shown = profile.name;
    m_name->setText(profile.name);
    m_kind->setCurrentIndex(m_kind->findData(int(profile.kind)));
    m_baseUrl->setText(profile.baseUrl.toString());
    m_version->setText(profile.apiVersion);
    m_phoneNumberId->setText(profile.phoneNumberId);
    m_username->setText(profile.username);
    m_selfSigned->setChecked(profile.acceptSelfSignedCertificate);
    m_selfSignedWarning->setVisible(profile.acceptSelfSignedCertificate);
    m_checkContacts->setChecked(profile.checkContactsFirst);
    m_timeout->setValue(qMax(1, profile.timeoutMs / 1000));
    m_secret->clear();
    m_secretState->clear();
    kindChanged();
    if (profile.kind != ConnectionProfile::Kind::Sandbox && m_profiles->contains(profile.name)) {
        // Say whether a secret is saved, showing only its end.
        QPointer<ProfileDialog> self(this);
        const QString shown = profile.name;
        m_secrets->read(profile.secretKey(), [self, shown](bool found, const QString& secret, const QString& error) {
            if (!self || self->m_shown != shown)
                return;
            self->m_secretState->setText(
                found ? tr("%1 saved — type to replace it").arg(wa::redactSecret(secret))
                      : (error.isEmpty() ? tr("Nothing saved yet") : tr("Cannot read the keychain: %1").arg(error)));
        });
    }
    const bool sandbox =
        profile.kind == ConnectionProfile::Kind::Sandbox && profile.name == wa::ProfileStore::kSandboxName;
    m_remove->setEnabled(!sandbox);
    m_name->setReadOnly(sandbox);
    m_kind->setEnabled(!sandbox);
    updateProblems();
}

void ProfileDialog::kindChanged()
{
    const auto kind = ConnectionProfile::Kind(m_kind->currentData().toInt());
    const bool sandbox = kind == ConnectionProfile::Kind::Sandbox;
    const bool onPrem = kind == ConnectionProfile::Kind::OnPremises;
    m_baseUrl->setEnabled(!sandbox);
    m_baseUrl->setPlaceholderText(sandbox  ? tr("the embedded sandbox on 127.0.0.1")
                                  : onPrem ? tr("https://wa-gateway.example:9090")
                                           : ConnectionProfile::kDefaultCloudBaseUrl);
    if (kind == ConnectionProfile::Kind::CloudApi && m_baseUrl->text().isEmpty())
        m_baseUrl->setText(ConnectionProfile::kDefaultCloudBaseUrl);
    m_version->setEnabled(!onPrem);
    m_phoneNumberId->setEnabled(!onPrem);
    m_username->setEnabled(onPrem);
    m_secretLabel->setText(onPrem ? tr("Password") : tr("Access token"));
    m_secret->setEnabled(!sandbox);
    m_secret->setPlaceholderText(sandbox ? tr("built in: the sandbox accepts its own token") : QString());
    m_selfSigned->setEnabled(onPrem);
    m_checkContacts->setEnabled(onPrem);
    updateProblems();
}

ConnectionProfile ProfileDialog::formProfile() const
{
    ConnectionProfile profile;
    profile.name = m_name->text().trimmed();
    profile.kind = ConnectionProfile::Kind(m_kind->currentData().toInt());
    if (profile.kind != ConnectionProfile::Kind::Sandbox)
        profile.baseUrl = QUrl::fromUserInput(m_baseUrl->text().trimmed());
    profile.apiVersion = m_version->text().trimmed();
    profile.phoneNumberId = m_phoneNumberId->text().trimmed();
    profile.username = m_username->text().trimmed();
    profile.acceptSelfSignedCertificate =
        profile.kind == ConnectionProfile::Kind::OnPremises && m_selfSigned->isChecked();
    profile.checkContactsFirst = profile.kind == ConnectionProfile::Kind::OnPremises && m_checkContacts->isChecked();
    profile.timeoutMs = m_timeout->value() * 1000;
    return profile;
}

void ProfileDialog::updateProblems()
{
    m_problems->setText(formProfile().problems().join(QLatin1Char('\n')));
}

bool ProfileDialog::saveCurrent(QString* error)
{
    const ConnectionProfile profile = formProfile();
    QString why;
    if (!m_profiles->put(profile, &why)) {
        if (error)
            *error = why;
        return false;
    }
    // A renamed profile: the old entry and its secret go.
    if (!m_shown.isEmpty() && m_shown != profile.name && m_profiles->contains(m_shown)) {
        const ConnectionProfile old = m_profiles->profile(m_shown);
        m_profiles->remove(m_shown);
        m_secrets->remove(old.secretKey(), [](bool, const QString&) {});
    }
    if (!m_secret->text().isEmpty()) {
        QPointer<ProfileDialog> self(this);
        const QString secret = m_secret->text();
        m_secrets->write(profile.secretKey(), secret, [self, secret](bool ok, const QString& writeError) {
            if (!self)
                return;
            self->m_secretState->setText(ok ? tr("%1 saved — type to replace it").arg(wa::redactSecret(secret))
                                            : tr("Not saved: %1").arg(writeError));
        });
        m_secret->clear();
    }
    m_shown = profile.name;
    fillList();
    select(profile.name);
    return true;
}

void ProfileDialog::addProfile()
{
    ConnectionProfile profile;
    profile.kind = ConnectionProfile::Kind::CloudApi;
    profile.baseUrl = QUrl(ConnectionProfile::kDefaultCloudBaseUrl);
    int n = 1;
    do
        profile.name = n == 1 ? tr("Cloud API") : tr("Cloud API %1").arg(n);
    while (m_profiles->contains(profile.name) && ++n);
    m_list->clearSelection();
    showProfile(profile);
    m_shown.clear(); // not stored until saved
    m_name->setFocus();
    m_name->selectAll();
}

bool ProfileDialog::removeCurrent()
{
    if (m_shown.isEmpty() || !m_profiles->contains(m_shown))
        return false;
    const ConnectionProfile profile = m_profiles->profile(m_shown);
    if (!m_profiles->remove(m_shown))
        return false;
    m_secrets->remove(profile.secretKey(), [](bool, const QString&) {});
    fillList();
    select(m_profiles->currentName());
    return true;
}
