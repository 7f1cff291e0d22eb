#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include "WebhookDeliverer.h"
#include "SandboxServer.h" // complete for QPointer
#include "WebhookPayloadBuilder.h"

namespace wa {

class SandboxServer;
struct SandboxMessage;

// When the sandbox's status webhooks go out after it accepts a message, as Meta sends them.
struct StatusDelays
{
    int sentMs = 100;
    int deliveredMs = 600;
    int readMs = 1500; // after acceptance, like the others
    bool read = true;  // false: the customer never reads (sent and delivered only)
};

// Plays Meta's delivery side for the sandbox: for each message the sandbox accepts it sends the
// signed status webhooks sent → delivered → read (or failed, when the sandbox marked the message
// to fail, e.g. 131047 outside the customer service window) to the bot's webhook URL, in the
// Cloud API or On-Premises shape of the message, through a WebhookDeliverer (retries included).
class StatusScheduler : public QObject
{
    Q_OBJECT

public:
    // The WABA id of the Cloud API wrapper (entry[].id) when the business sets none.
    static inline const QString kDefaultWabaId = QStringLiteral("100000000000000");

    StatusScheduler(SandboxServer* sandbox, WebhookDeliverer* deliverer, QObject* parent = nullptr);

    // Where statuses go; an empty URL sends none (they are still signalled as scheduled).
    void setTarget(const QUrl& botWebhookUrl, const QByteArray& appSecret);
    QUrl target() const { return m_target; }
    void setDelays(const StatusDelays& delays) { m_delays = delays; }
    StatusDelays delays() const { return m_delays; }
    // The business the statuses are about; empty fields take the sandbox's (phone-number ID and
    // display number) and kDefaultWabaId.
    void setBusiness(const WebhookBusiness& business) { m_business = business; }
    WebhookBusiness business() const { return m_business; }
    // The business with the empty fields filled in as above (phoneNumberId: the message's).
    WebhookBusiness effectiveBusiness(const QString& phoneNumberId = {}) const;
    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }
    // Forgets every status not yet handed to the deliverer (those queued there go on).
    void cancelPending();

signals:
    // A status webhook was handed to the deliverer (deliveryId 0: no target set, or the deliverer
    // refused the target URL); `body` is the webhook as built.
    void statusQueued(const QString& messageId, const QString& status, quint64 deliveryId, const QByteArray& body);
    // For the chat's ticks: the message now has this status ("sent", "delivered", "read", "failed");
    // `error` describes a failure ("(#131047) Re-engagement message: …"), empty otherwise.
    void statusChanged(const QString& messageId, const QString& status, const QString& error);

private:
    // The statuses still to go out for one message, each with its wait after the previous one.
    struct Pending
    {
        QString messageId;
        ApiFamily family = ApiFamily::Cloud;
        QString waId;
        QString phoneNumberId;
        WebhookStatusError error;
        QList<QPair<WebhookStatusValue, int>> plan;
    };

    void accepted(const SandboxMessage& message);
    void scheduleNext(Pending pending);
    void send(const Pending& pending, WebhookStatusValue value);

    QPointer<SandboxServer> m_sandbox;
    QPointer<WebhookDeliverer> m_deliverer;
    QUrl m_target;
    QByteArray m_appSecret;
    StatusDelays m_delays;
    WebhookBusiness m_business;
    bool m_enabled = true;
    quint64 m_generation = 0; // cancelPending() invalidates timers already running
};

} // namespace wa
