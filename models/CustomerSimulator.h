#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include "ChatModel.h"
#include "SandboxServer.h" // complete for QPointer
#include "WebhookPayloadBuilder.h"

namespace wa {

class SandboxServer;
class StatusScheduler;
class WebhookDeliverer;

// A customer the tester plays.
struct SimulatedCustomer
{
    QString name;     // the WhatsApp profile name
    QString waId;     // digits with the country code
    QString language; // "en_US", "zh_TW", "ar", …
};

// A place to share in one click.
struct LocationPreset
{
    QString name;
    QString address;
    double latitude = 0;
    double longitude = 0;
};

// What one action of the tester did: the webhook built and queued to the bot, or why not.
struct SimulationResult
{
    QString error;        // empty when done
    QString kind;         // "text", "button_reply", "list_reply", "location", "nfm_reply"
    BuiltWebhook webhook; // id and body
    quint64 deliveryId = 0;
    QUrl url; // openCta(): the URL WhatsApp opens (nothing is sent)

    bool ok() const { return error.isEmpty(); }
};

// The tester's side of the bot test loop: plays the customers of the sandbox business. What the
// bot sends through the sandbox shows in the chat (business entries, ticks from the status
// scheduler); each action of the tester (text, tap a reply button, pick a list row, share a location,
// answer a Flow) builds the webhook Meta would send, opens the customer's 24-hour window in the
// sandbox, adds the customer entry to the chat and delivers the webhook, signed, to the bot:
//
//     CustomerSimulator simulator(sandbox);
//     simulator.setBotWebhook(QUrl("http://127.0.0.1:3000/webhook"), "app-secret");
//     simulator.tapButton(messageId, "yes");   // → interactive/button_reply with context.id = messageId
class CustomerSimulator : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype kMaxTextChars = 4096; // of a text the customer types, in code points

    // The sandbox is required. A deliverer, scheduler or chat not given is made here (children of
    // this); given ones must outlive it, and a given scheduler keeps its deliverer. The scheduler's
    // statuses go to the bot webhook.
    explicit CustomerSimulator(SandboxServer* sandbox, WebhookDeliverer* deliverer = nullptr,
                               StatusScheduler* scheduler = nullptr, ChatModel* chat = nullptr,
                               QObject* parent = nullptr);

    SandboxServer* sandbox() const { return m_sandbox; }
    WebhookDeliverer* deliverer() const { return m_deliverer; }
    StatusScheduler* scheduler() const { return m_scheduler; }
    ChatModel* chat() const { return m_chat; }

    // The customers (three by default: en_US, zh_TW and ar) and the one played now. An empty list
    // is refused; the current customer stays when still listed, else it becomes the first.
    static QList<SimulatedCustomer> defaultCustomers();
    bool setCustomers(const QList<SimulatedCustomer>& customers);
    QList<SimulatedCustomer> customers() const { return m_customers; }
    // False when no listed customer has that number (digits compared).
    bool setCurrentCustomer(const QString& waId);
    SimulatedCustomer currentCustomer() const;

    // The business the webhooks are about; empty fields take the sandbox's (phone-number ID, display
    // number) and StatusScheduler::kDefaultWabaId. Also given to the scheduler.
    void setBusiness(const WebhookBusiness& business);
    WebhookBusiness business() const;
    // Where the webhooks go, and the app secret they are signed with (empty: unsigned). Also the
    // scheduler's target.
    void setBotWebhook(const QUrl& url, const QByteArray& appSecret);
    QUrl botWebhookUrl() const { return m_botUrl; }
    QByteArray appSecret() const { return m_appSecret; }
    // The shape of the customer webhooks (Cloud API by default). Statuses follow each message's.
    void setFamily(ApiFamily family) { m_family = family; }
    ApiFamily family() const { return m_family; }

    // The tester's actions. Each refuses (error set, nothing sent) when no bot webhook URL is set
    // or its input is wrong, naming what is wrong.
    // A text of the current customer, optionally quoting a message (contextId).
    SimulationResult sendText(const QString& body, const QString& contextId = {});
    // Taps a reply button of a business message; refused when the message is not a reply-button
    // message, has no button `buttonId`, or was already answered (WhatsApp disables its buttons).
    SimulationResult tapButton(const QString& messageId, const QString& buttonId);
    // Picks a row of a list message (a list stays usable after a pick).
    SimulationResult pickRow(const QString& messageId, const QString& rowId);
    // Shares a location, answering `contextId` when given (e.g. a location request message).
    SimulationResult shareLocation(const QString& contextId, double latitude, double longitude,
                                   const std::optional<QString>& name = std::nullopt,
                                   const std::optional<QString>& address = std::nullopt);
    SimulationResult shareLocation(const QString& contextId, const LocationPreset& preset);
    static QList<LocationPreset> locationPresets();
    // A CTA URL message's button: WhatsApp opens the URL, nothing goes to the bot. result.url.
    SimulationResult openCta(const QString& messageId);
    // Completes a Flow message: `response` goes out as nfm_reply.response_json (its flow_token, when
    // missing, is the message's, or "unused").
    SimulationResult sendFlowResponse(const QString& messageId, const QJsonObject& response);

signals:
    // For the console: a customer webhook was queued to the bot.
    void customerMessageSent(const wa::SimulationResult& result);
    // An action was refused: why.
    void actionRefused(const QString& error);
    // Every webhook queued to the bot (customer messages, and the scheduler's statuses as
    // "status: sent", …): connect DeliveryLogModel::noteQueued here.
    void webhookQueued(quint64 deliveryId, const QString& kind, const QByteArray& body, const QUrl& target);
    void currentCustomerChanged(const QString& waId);
    void ctaOpened(const QUrl& url);

private:
    SimulationResult refuse(const QString& kind, const QString& error);
    // The interactive business message of the chat an action answers (of `type`), or why not.
    std::optional<ChatEntry> businessMessage(const QString& messageId, InteractiveType type, QString* error) const;
    WebhookCustomer customerFor(const QString& waId) const;
    WebhookContext contextFor(const QString& messageId) const;
    // Notes the customer message in the sandbox, appends it to the chat and delivers it.
    SimulationResult deliver(const QString& kind, const QString& waId, const BuiltWebhook& built, const QDateTime& at);
    bool checkTarget(QString* error) const;

    QPointer<SandboxServer> m_sandbox;
    WebhookDeliverer* m_deliverer;
    StatusScheduler* m_scheduler;
    ChatModel* m_chat;
    QList<SimulatedCustomer> m_customers;
    int m_current = 0;
    WebhookBusiness m_business;
    QUrl m_botUrl;
    QByteArray m_appSecret;
    ApiFamily m_family = ApiFamily::Cloud;
};

} // namespace wa
