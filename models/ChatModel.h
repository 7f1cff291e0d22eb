#pragma once

#include <optional>

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "Message.h"

namespace wa {

struct SandboxMessage;
struct WebhookDeliveryAttempt;
struct WebhookDeliveryResult;

// One bubble of a simulated conversation: a message the bot sent through the sandbox, or one the
// simulated customer sent to the bot.
struct ChatEntry
{
    enum class Direction { FromBusiness, FromCustomer };
    // A business message's ticks, from the status webhooks: ✓ sent, ✓✓ delivered, blue ✓✓ read.
    enum class Status { None, Sent, Delivered, Read, Failed };
    // A customer message's webhook to the bot.
    enum class Webhook { None, Delivering, Delivered, Retrying, GaveUp };

    QString id; // wamid (or the On-Premises id)
    Direction direction = Direction::FromBusiness;
    QString waId; // the customer, digits only
    QDateTime time;
    ApiFamily family = ApiFamily::Cloud;
    // Business: the message as the bot sent it. Customer: the webhook's messages[] object.
    QJsonObject payload;
    std::optional<Message> message; // business interactive messages, decoded
    QString text;                   // one line: the text, "Tapped “Yes”", "📍 Location: Ferry Building", …
    QString contextId;              // the message this one answers (context.id / context.message_id)

    Status status = Status::None;
    QString statusError; // of a failed status: "(#131047) Re-engagement message: …"

    Webhook webhook = Webhook::None;
    quint64 deliveryId = 0;
    int attempts = 0;
    int httpStatus = 0;   // of the last attempt; 0 when none answered
    qint64 latencyMs = 0; // of the last attempt
    int retryInMs = 0;    // when Retrying
    QString webhookError; // of the last attempt

    bool answered = false; // a customer message answered this (interactive) business message
    QString answeredBy;    // the first such customer message's id

    // "" / "sent" / "delivered" / "read" / "failed".
    QString statusName() const;
    // "", "delivering", "delivered HTTP 200 in 12 ms", "retrying (attempt 1, next in 0.2 s): HTTP 500",
    // "gave up: Connection refused by 127.0.0.1:9 (5 attempts)".
    QString webhookText() const;
    // Whether its buttons still work: reply buttons stop once one was tapped (as in WhatsApp);
    // lists, CTA, flows and the rest stay usable.
    bool isActive() const;
    // The interactive type of an interactive message ("button", "list", …), else the message's type.
    QString messageType() const;
};

// The sandbox business's conversations with the simulated customers, each in time order (the order
// the messages were accepted or sent), one shown at a time (setCustomer). Business messages come
// from the sandbox's accepted messages, customer messages from the simulator's webhooks; status
// webhooks and delivery attempts update them in place (dataChanged with the roles). Each
// conversation keeps its newest kMaxEntriesPerCustomer.
class ChatModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        EntryIdRole = Qt::UserRole + 1, // QString
        DirectionRole,                  // int: ChatEntry::Direction
        CustomerRole,                   // QString: wa_id
        TimeRole,                       // QDateTime (UTC)
        FamilyRole,                     // int: ApiFamily
        PayloadRole,                    // QJsonObject
        MessageRole,                    // QVariant of wa::Message; invalid when not an interactive business message
        MessageTypeRole,                // QString: "button", "list", "text", "button_reply", …
        TextRole,                       // QString: the one-line text (also DisplayRole)
        ContextIdRole,                  // QString
        StatusRole,                     // QString: "", "sent", "delivered", "read", "failed"
        StatusErrorRole,                // QString
        WebhookStateRole,               // int: ChatEntry::Webhook
        WebhookTextRole,                // QString: ChatEntry::webhookText()
        DeliveryIdRole,                 // quint64
        AttemptsRole,                   // int
        HttpStatusRole,                 // int
        LatencyRole,                    // qint64 ms
        AnsweredRole,                   // bool
        ActiveRole,                     // bool: ChatEntry::isActive()
    };
    static constexpr int kMaxEntriesPerCustomer = 2000;

    explicit ChatModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Shows that customer's conversation (a reset); the others are kept.
    void setCustomer(const QString& waId);
    QString customer() const { return m_customer; }
    // Customers with at least one entry.
    QStringList customers() const { return m_conversations.keys(); }

    // A message the sandbox accepted. False when its id is already there.
    bool appendBusinessMessage(const SandboxMessage& message);
    // A message of the customer `waId`: `message` is the webhook's messages[] object (from, id,
    // timestamp, type, context, …); `deliveryId` the delivery taking it to the bot (0: none). A reply
    // to an interactive business message (context.id) marks it answered. False when the id is
    // already there or the object has no id.
    bool appendCustomerMessage(const QString& waId, const QJsonObject& message, ApiFamily family,
                               quint64 deliveryId = 0);
    // A status webhook of a business message ("sent", "delivered", "read", "failed"). Ticks only go
    // forward (a late "delivered" after "read" changes nothing); "failed" always applies. False for
    // an unknown id or status.
    bool setStatus(const QString& id, const QString& status, const QString& error = {});
    // The delivery of a customer message's webhook (WebhookDeliverer's signals; unknown ids ignored).
    void noteAttempt(const WebhookDeliveryAttempt& attempt);
    void noteFinished(const WebhookDeliveryResult& result);

    std::optional<ChatEntry> entry(const QString& id) const;
    // The entry shown at `row`; null when out of range.
    const ChatEntry* entryAt(int row) const;
    // The row of an entry of the shown conversation; -1 otherwise.
    int rowOf(const QString& id) const;
    QList<ChatEntry> conversation(const QString& waId) const;
    void clear();

    // The one-line texts.
    static QString businessText(const QJsonObject& payload);
    static QString customerText(const QJsonObject& message);

private:
    ChatEntry* find(const QString& id, int* index = nullptr);
    bool insert(ChatEntry entry);
    void changed(const ChatEntry& entry, const QList<int>& roles);

    QString m_customer;
    QHash<QString, QList<ChatEntry>> m_conversations; // wa_id → entries, oldest first
    QHash<QString, QString> m_customerOf;             // entry id → wa_id
    QHash<quint64, QString> m_entryOfDelivery;        // delivery id → entry id
};

} // namespace wa
