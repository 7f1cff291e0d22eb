#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include "ConnectionProfile.h"
#include "SendOutcome.h"
#include "WebhookEvent.h"

namespace wa {

// One stored send.
struct SentRecord
{
    qint64 id = 0;    // row id
    QDateTime sentAt; // UTC
    QString profileName;
    ConnectionProfile::Kind profileKind = ConnectionProfile::Kind::Sandbox;
    QString recipient;  // the `to` as composed
    QByteArray payload; // the message JSON as sent (the profile's family)
    SendOutcome::Result result = SendOutcome::Result::InputError;
    int httpStatus = 0; // of the message request; 0 when none answered
    QByteArray responseBody;
    QString messageId;        // on acceptance
    QString summary;          // SendOutcome::summary()
    QByteArray exchangesJson; // the exchanges (already redacted), for the request view
    // Delivery, joined from the status webhooks received for messageId: the furthest of
    // sent → delivered → read, or failed (with its error). Empty before any arrived.
    QString deliveryStatus;
    QDateTime deliveryAt;
    QString deliveryError; // "131047: Re-engagement message — …" for failed
};

// Every send, kept in SQLite through Qt SQL (its own connection on the caller's thread; sends are
// few). Statuses are kept apart from the sends and joined when read, so a status webhook that
// arrives before the send's response is stored is not lost.
class SendHistory : public QObject
{
    Q_OBJECT

public:
    static constexpr int kSchemaVersion = 1; // PRAGMA user_version; history-N.sql migrates N-1 to N

    explicit SendHistory(QObject* parent = nullptr);
    ~SendHistory() override;

    // Creates or opens the database file (":memory:" for tests). False and why on failure.
    bool open(const QString& path, QString* error = nullptr);
    bool isOpen() const;
    void close();

    // Stores one send; returns its row id (0 on failure, with lastError()).
    qint64 record(const ConnectionProfile& profile, const QString& recipient, const QByteArray& payload,
                  const SendOutcome& outcome, const QDateTime& sentAt = QDateTime::currentDateTimeUtc());
    // Takes the status events among `events` (others are ignored) and keeps them by message id.
    // Returns how many were new.
    int applyStatuses(const QList<WebhookEvent>& events);

    // Newest first.
    QList<SentRecord> records(int limit = 500, int offset = 0) const;
    std::optional<SentRecord> find(qint64 id) const;
    std::optional<SentRecord> findByMessageId(const QString& messageId) const;
    int count() const;
    QString lastError() const { return m_lastError; }

signals:
    void changed(); // a send recorded or a delivery status arrived

private:
    QString m_connectionName;
    mutable QString m_lastError;
};

} // namespace wa
