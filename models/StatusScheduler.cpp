#include "StatusScheduler.h"

#include <QDateTime>
#include <QTimer>

#include "SandboxServer.h"

namespace wa {

StatusScheduler::StatusScheduler(SandboxServer* sandbox, WebhookDeliverer* deliverer, QObject* parent)
    : QObject(parent)
    , m_sandbox(sandbox)
    , m_deliverer(deliverer)
{
    if (sandbox)
        connect(sandbox, &SandboxServer::messageAccepted, this, &StatusScheduler::accepted);
}

void StatusScheduler::setTarget(const QUrl& botWebhookUrl, const QByteArray& appSecret)
{
    m_target = botWebhookUrl;
    m_appSecret = appSecret;
}

void StatusScheduler::cancelPending()
{
    ++m_generation;
}

WebhookBusiness StatusScheduler::effectiveBusiness(const QString& phoneNumberId) const
{
    WebhookBusiness business = m_business;
    if (business.wabaId.isEmpty())
        business.wabaId = kDefaultWabaId;
    if (business.phoneNumberId.isEmpty()) {
        business.phoneNumberId = !phoneNumberId.isEmpty() ? phoneNumberId
                                 : m_sandbox              ? m_sandbox->phoneNumberId()
                                                          : SandboxServer::kDefaultPhoneNumberId;
    }
    if (business.displayPhoneNumber.isEmpty())
        business.displayPhoneNumber =
            m_sandbox ? m_sandbox->displayPhoneNumber() : SandboxServer::kDefaultDisplayPhoneNumber;
    return business;
}

void StatusScheduler::accepted(const SandboxMessage& message)
{
    if (!m_enabled)
        return;
    Pending pending;
    pending.messageId = message.id;
    pending.family = message.family;
    pending.waId = message.waId;
    pending.phoneNumberId = message.phoneNumberId;
    // Each wait is counted from the previous status, so that they go out in order whatever the
    // delays (a later one set shorter than an earlier one goes right after it).
    const int sent = qMax(0, m_delays.sentMs);
    if (message.failure) {
        pending.error = *message.failure;
        pending.plan.append({WebhookStatusValue::Failed, sent});
    } else {
        const int delivered = qMax(sent, m_delays.deliveredMs);
        pending.plan.append({WebhookStatusValue::Sent, sent});
        pending.plan.append({WebhookStatusValue::Delivered, delivered - sent});
        if (m_delays.read)
            pending.plan.append({WebhookStatusValue::Read, qMax(delivered, m_delays.readMs) - delivered});
    }
    scheduleNext(std::move(pending));
}

void StatusScheduler::scheduleNext(Pending pending)
{
    if (pending.plan.isEmpty())
        return;
    const int wait = pending.plan.first().second;
    const quint64 generation = m_generation;
    QTimer::singleShot(wait, Qt::PreciseTimer, this, [this, pending, generation]() mutable {
        if (generation != m_generation) // cancelPending() since
            return;
        const WebhookStatusValue value = pending.plan.takeFirst().first;
        send(pending, value);
        scheduleNext(std::move(pending));
    });
}

void StatusScheduler::send(const Pending& pending, WebhookStatusValue value)
{
    WebhookOptions options;
    options.timestamp = QDateTime::currentDateTimeUtc();
    // The customer's profile name is not known to Meta's status webhooks: recipient_id only.
    const BuiltWebhook built =
        WebhookPayloadBuilder::status(effectiveBusiness(pending.phoneNumberId), WebhookCustomer{pending.waId, {}},
                                      pending.messageId, value, pending.family, options, pending.error);
    quint64 deliveryId = 0;
    if (!m_target.isEmpty() && m_deliverer)
        deliveryId = m_deliverer->deliver(m_target, built.body, m_appSecret);
    const QString status = WebhookPayloadBuilder::statusName(value);
    QString error;
    if (value == WebhookStatusValue::Failed)
        error = QStringLiteral("(#%1) %2: %3").arg(pending.error.code).arg(pending.error.title, pending.error.details);
    emit statusQueued(pending.messageId, status, deliveryId, built.body);
    emit statusChanged(pending.messageId, status, error);
}

} // namespace wa
