#pragma once

#include <QObject>
#include <QUrl>

#include "ConnectionProfile.h"
#include "Message.h"
#include "SendOutcome.h"

class QNetworkAccessManager;
class QSettings;

namespace wa {
class MessageSender;
class ProfileStore;
class SecretStore;
class SendHistory;
} // namespace wa

// Sending from the window: picks the profile, fetches its secret from the keychain (the Sandbox
// profile uses the embedded sandbox's address and token), sends through MessageSender and records
// every outcome in the history. One send at a time.
class SendController : public QObject
{
    Q_OBJECT

public:
    SendController(QSettings* settings, wa::SecretStore* secrets, wa::SendHistory* history, QObject* parent = nullptr);

    wa::ProfileStore* profiles() const { return m_profiles; }
    wa::SecretStore* secrets() const { return m_secrets; }
    wa::SendHistory* history() const { return m_history; }
    wa::MessageSender* sender() const { return m_sender; }

    // Where the embedded sandbox listens, and the token it accepts (the Sandbox profile's endpoint).
    void setSandbox(const QUrl& baseUrl, const QString& token);
    QUrl sandboxUrl() const { return m_sandboxUrl; }

    // The profile as it will be used: the Sandbox profile with the sandbox's address filled in.
    wa::ConnectionProfile effectiveProfile(const QString& name) const;
    // Sends through the named profile (the current one when empty); finished() follows.
    void send(const wa::Message& message, const QString& profileName = {});
    void cancel();
    bool busy() const { return m_busy; }

signals:
    void started(const QString& profileName, const QString& step);
    void finished(const wa::SendOutcome& outcome, qint64 historyId);

private:
    void finish(const wa::SendOutcome& outcome);

    wa::ProfileStore* m_profiles;
    wa::SecretStore* m_secrets;
    wa::SendHistory* m_history;
    QNetworkAccessManager* m_network;
    wa::MessageSender* m_sender;
    QUrl m_sandboxUrl;
    QString m_sandboxToken;
    bool m_busy = false;
    quint64 m_generation = 0;        // tells a late keychain answer of a cancelled send apart
    wa::ConnectionProfile m_profile; // of the send in flight
    QString m_recipient;
    QByteArray m_payload;
};
