#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include "Message.h"

namespace wa {

// The business number the webhook is about (metadata and the Cloud API wrapper).
struct WebhookBusiness
{
    QString wabaId;             // entry[].id (Cloud API only)
    QString phoneNumberId;      // metadata.phone_number_id
    QString displayPhoneNumber; // metadata.display_phone_number, sent as digits only
};

// The customer the tester plays.
struct WebhookCustomer
{
    QString waId;        // the message's `from`, a status's `recipient_id`
    QString profileName; // contacts[].profile.name
};

// The business message an inbound message answers; an empty messageId means there is none.
struct WebhookContext
{
    QString messageId; // context.id
    QString from;      // context.from; empty: the digits of the business's display number
};

// What each message may set; defaults give a fresh id and the current time.
struct WebhookOptions
{
    QString messageId;   // empty: a new realistic id (unique for the process)
    QDateTime timestamp; // invalid: now; written as Unix seconds in a string, as Meta does
    // Status webhooks only: whether a sent/delivered status carries `conversation` and `pricing`.
    // Unset follows the samples: sent carries them, delivered does not.
    std::optional<bool> conversationAndPricing;
};

enum class WebhookStatusValue { Sent, Delivered, Read, Failed };

// The error a `failed` status carries. The default is Meta's generic "Something went wrong".
struct WebhookStatusError
{
    int code = 131000;
    QString title = QStringLiteral("Something went wrong");
    QString message = QStringLiteral("Something went wrong");
    QString details = QStringLiteral("Message failed to send because of an unknown error.");
};

struct BuiltWebhook
{
    QByteArray body;   // compact JSON, ready to sign and POST
    QString messageId; // the inbound message's id, or the status's (the business message's) id
};

// Writes the webhook bodies Meta would POST to a bot, in the Cloud API shape (the
// `whatsapp_business_account` wrapper) or the On-Premises shape (contacts/messages or statuses at
// the top level), as shared/reference/interactive-messages.md section 5 and the samples show them.
// Pure functions, no I/O:
//
//     auto built = WebhookPayloadBuilder::buttonReply(business, customer, context, "id-1", "Yes", ApiFamily::Cloud);
//     deliverer->deliver(botUrl, built.body, appSecret);
class WebhookPayloadBuilder
{
public:
    static BuiltWebhook text(const WebhookBusiness& business, const WebhookCustomer& customer,
                             const WebhookContext& context, const QString& body, ApiFamily family,
                             const WebhookOptions& options = {});
    static BuiltWebhook buttonReply(const WebhookBusiness& business, const WebhookCustomer& customer,
                                    const WebhookContext& context, const QString& id, const QString& title,
                                    ApiFamily family, const WebhookOptions& options = {});
    // An empty description leaves the key out (the row had none).
    static BuiltWebhook listReply(const WebhookBusiness& business, const WebhookCustomer& customer,
                                  const WebhookContext& context, const QString& id, const QString& title,
                                  const QString& description, ApiFamily family, const WebhookOptions& options = {});
    // Name and address are left out when not given (or empty), never sent as empty strings.
    static BuiltWebhook location(const WebhookBusiness& business, const WebhookCustomer& customer,
                                 const WebhookContext& context, double latitude, double longitude,
                                 const std::optional<QString>& name, const std::optional<QString>& address,
                                 ApiFamily family, const WebhookOptions& options = {});
    // A Flow's answer: `response` (with its flow_token) goes out as response_json, a JSON string.
    static BuiltWebhook nfmReply(const WebhookBusiness& business, const WebhookCustomer& customer,
                                 const WebhookContext& context, const QJsonObject& response, ApiFamily family,
                                 const WebhookOptions& options = {});
    // The status of a message the bot sent (`messageId`) to `recipient`. A failed status carries
    // `error` (the generic one when not given); the others ignore it.
    static BuiltWebhook status(const WebhookBusiness& business, const WebhookCustomer& recipient,
                               const QString& messageId, WebhookStatusValue value, ApiFamily family,
                               const WebhookOptions& options = {}, const WebhookStatusError& error = {});

    // A new inbound message id: "wamid." + base64 (Cloud API), a bare base64 id (On-Premises).
    static QString newMessageId(const WebhookCustomer& customer, ApiFamily family);
    static QString statusName(WebhookStatusValue value); // "sent", "delivered", "read", "failed"
};

} // namespace wa
