#include "SendController.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>

#include "MessageCodec.h"
#include "MessageSender.h"
#include "ProfileStore.h"
#include "SecretStore.h"
#include "SendHistory.h"

SendController::SendController(QSettings* settings, wa::SecretStore* secrets, wa::SendHistory* history, QObject* parent)
    : QObject(parent)
    , m_profiles(new wa::ProfileStore(settings, this))
    , m_secrets(secrets)
    , m_history(history)
    , m_network(new QNetworkAccessManager(this))
    , m_sender(new wa::MessageSender(m_network, this))
{
    connect(m_sender, &wa::MessageSender::started, this,
            [this](const QString& step) { emit started(m_profile.name, step); });
    connect(m_sender, &wa::MessageSender::finished, this, &SendController::finish);
}

void SendController::setSandbox(const QUrl& baseUrl, const QString& token)
{
    m_sandboxUrl = baseUrl;
    m_sandboxToken = token;
}

wa::ConnectionProfile SendController::effectiveProfile(const QString& name) const
{
    wa::ConnectionProfile profile = name.isEmpty() ? m_profiles->current() : m_profiles->profile(name);
    if (profile.kind == wa::ConnectionProfile::Kind::Sandbox)
        profile.baseUrl = m_sandboxUrl;
    return profile;
}

void SendController::send(const wa::Message& message, const QString& profileName)
{
    if (m_busy) {
        wa::SendOutcome refused;
        refused.inputMessage = tr("A send is already in flight: wait for it or cancel it.");
        emit finished(refused, 0);
        return;
    }
    m_busy = true;
    const quint64 generation = ++m_generation;
    m_profile = effectiveProfile(profileName);
    m_recipient = message.to.value_or(QString());
    m_payload = wa::MessageCodec::encode(message, m_profile.family(), QJsonDocument::Indented);
    emit started(m_profile.name, QStringLiteral("secret"));
    if (m_profile.kind == wa::ConnectionProfile::Kind::Sandbox) {
        if (m_sandboxUrl.isEmpty()) {
            wa::SendOutcome outcome;
            outcome.inputMessage = tr("The embedded sandbox is not running (see the status bar for why).");
            QTimer::singleShot(0, this, [this, outcome] { finish(outcome); });
            return;
        }
        m_sender->send(m_profile, m_sandboxToken, message);
        return;
    }
    const wa::ConnectionProfile profile = m_profile;
    QPointer<SendController> self(this);
    m_secrets->read(profile.secretKey(), [self, generation, profile, message](bool found, const QString& secret,
                                                                              const QString& error) {
        if (!self || generation != self->m_generation || !self->m_busy)
            return; // cancelled meanwhile
        if (!found || secret.isEmpty()) {
            wa::SendOutcome outcome;
            outcome.inputMessage =
                error.isEmpty() ? tr("No %1 is saved for the profile \u201c%2\u201d: add it in Profiles\u2026")
                                      .arg(profile.kind == wa::ConnectionProfile::Kind::OnPremises ? tr("password")
                                                                                                   : tr("access token"),
                                           profile.name)
                                : tr("The %1 of the profile \u201c%2\u201d cannot be read from the keychain: %3")
                                      .arg(profile.kind == wa::ConnectionProfile::Kind::OnPremises ? tr("password")
                                                                                                   : tr("access token"),
                                           profile.name, error);
            self->finish(outcome);
            return;
        }
        self->m_sender->send(profile, secret, message);
    });
}

void SendController::cancel()
{
    if (!m_busy)
        return;
    if (m_sender->busy()) {
        m_sender->cancel(); // finished() follows with Cancelled
        return;
    }
    // Still waiting for the keychain: nothing went out.
    ++m_generation;
    wa::SendOutcome outcome;
    outcome.result = wa::SendOutcome::Result::TransportError;
    outcome.transport = wa::TransportFailure::Cancelled;
    outcome.transportMessage = tr("Cancelled before anything was sent.");
    finish(outcome);
}

void SendController::finish(const wa::SendOutcome& outcome)
{
    if (!m_busy)
        return;
    m_busy = false;
    qint64 id = 0;
    // Only what went out is history; a send stopped before any request (no token saved) is not.
    if (m_history && m_history->isOpen() && !outcome.exchanges.isEmpty())
        id = m_history->record(m_profile, m_recipient, m_payload, outcome);
    emit finished(outcome, id);
}
