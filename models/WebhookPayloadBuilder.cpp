#include "WebhookPayloadBuilder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace wa {

namespace {

constexpr qint64 kConversationSeconds = 24 * 60 * 60; // a service conversation lasts a day
constexpr qsizetype kMaxIdDigits = 20;                // of the wa_id woven into a Cloud message id
const QLatin1String kErrorCodesPage("https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    for (char& b : bytes)
        b = static_cast<char>(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QString timestampOf(const WebhookOptions& options)
{
    const QDateTime when = options.timestamp.isValid() ? options.timestamp : QDateTime::currentDateTimeUtc();
    return QString::number(when.toSecsSinceEpoch());
}

QJsonObject contactOf(const WebhookCustomer& customer)
{
    return QJsonObject{{QStringLiteral("profile"), QJsonObject{{QStringLiteral("name"), customer.profileName}}},
                       {QStringLiteral("wa_id"), customer.waId}};
}

// The parts every inbound message has, and `context` when it answers one of the business's.
QJsonObject inboundMessage(const WebhookBusiness& business, const WebhookCustomer& customer,
                           const WebhookContext& context, const QString& type, const QString& id,
                           const WebhookOptions& options)
{
    QJsonObject message{{QStringLiteral("from"), customer.waId},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("timestamp"), timestampOf(options)},
                        {QStringLiteral("type"), type}};
    if (!context.messageId.isEmpty()) {
        const QString from = context.from.isEmpty() ? digitsOf(business.displayPhoneNumber) : context.from;
        message.insert(QStringLiteral("context"),
                       QJsonObject{{QStringLiteral("from"), from}, {QStringLiteral("id"), context.messageId}});
    }
    return message;
}

// The body around `parts` (contacts, messages, statuses): the Cloud API wrapper, or nothing.
QByteArray wrapped(const WebhookBusiness& business, ApiFamily family, const QJsonObject& parts)
{
    QJsonObject root;
    if (family == ApiFamily::OnPremises) {
        root = parts;
    } else {
        QJsonObject value = parts;
        value.insert(QStringLiteral("messaging_product"), QStringLiteral("whatsapp"));
        value.insert(QStringLiteral("metadata"),
                     QJsonObject{{QStringLiteral("display_phone_number"), digitsOf(business.displayPhoneNumber)},
                                 {QStringLiteral("phone_number_id"), business.phoneNumberId}});
        const QJsonObject change{{QStringLiteral("field"), QStringLiteral("messages")},
                                 {QStringLiteral("value"), value}};
        const QJsonObject entry{{QStringLiteral("id"), business.wabaId},
                                {QStringLiteral("changes"), QJsonArray{change}}};
        root = QJsonObject{{QStringLiteral("object"), QStringLiteral("whatsapp_business_account")},
                           {QStringLiteral("entry"), QJsonArray{entry}}};
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

// One inbound message of `type` whose payload sits under the key named by the type.
BuiltWebhook inbound(const WebhookBusiness& business, const WebhookCustomer& customer, const WebhookContext& context,
                     const QString& type, const QJsonObject& payload, ApiFamily family, const WebhookOptions& options)
{
    BuiltWebhook built;
    built.messageId =
        options.messageId.isEmpty() ? WebhookPayloadBuilder::newMessageId(customer, family) : options.messageId;
    QJsonObject message = inboundMessage(business, customer, context, type, built.messageId, options);
    message.insert(type, payload);
    built.body = wrapped(business, family,
                         QJsonObject{{QStringLiteral("contacts"), QJsonArray{contactOf(customer)}},
                                     {QStringLiteral("messages"), QJsonArray{message}}});
    return built;
}

BuiltWebhook interactive(const WebhookBusiness& business, const WebhookCustomer& customer,
                         const WebhookContext& context, const QString& type, const QJsonObject& reply, ApiFamily family,
                         const WebhookOptions& options)
{
    return inbound(business, customer, context, QStringLiteral("interactive"),
                   QJsonObject{{QStringLiteral("type"), type}, {type, reply}}, family, options);
}

} // namespace

BuiltWebhook WebhookPayloadBuilder::text(const WebhookBusiness& business, const WebhookCustomer& customer,
                                         const WebhookContext& context, const QString& body, ApiFamily family,
                                         const WebhookOptions& options)
{
    return inbound(business, customer, context, QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), body}},
                   family, options);
}

BuiltWebhook WebhookPayloadBuilder::buttonReply(const WebhookBusiness& business, const WebhookCustomer& customer,
                                                const WebhookContext& context, const QString& id, const QString& title,
                                                ApiFamily family, const WebhookOptions& options)
{
    return interactive(business, customer, context, QStringLiteral("button_reply"),
                       QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("title"), title}}, family, options);
}

BuiltWebhook WebhookPayloadBuilder::listReply(const WebhookBusiness& business, const WebhookCustomer& customer,
                                              const WebhookContext& context, const QString& id, const QString& title,
                                              const QString& description, ApiFamily family,
                                              const WebhookOptions& options)
{
    QJsonObject reply{{QStringLiteral("id"), id}, {QStringLiteral("title"), title}};
    if (!description.isEmpty())
        reply.insert(QStringLiteral("description"), description);
    return interactive(business, customer, context, QStringLiteral("list_reply"), reply, family, options);
}

BuiltWebhook WebhookPayloadBuilder::location(const WebhookBusiness& business, const WebhookCustomer& customer,
                                             const WebhookContext& context, double latitude, double longitude,
                                             const std::optional<QString>& name, const std::optional<QString>& address,
                                             ApiFamily family, const WebhookOptions& options)
{
    QJsonObject place{{QStringLiteral("latitude"), latitude}, {QStringLiteral("longitude"), longitude}};
    if (name && !name->isEmpty())
        place.insert(QStringLiteral("name"), *name);
    if (address && !address->isEmpty())
        place.insert(QStringLiteral("address"), *address);
    return inbound(business, customer, context, QStringLiteral("location"), place, family, options);
}

BuiltWebhook WebhookPayloadBuilder::nfmReply(const WebhookBusiness& business, const WebhookCustomer& customer,
                                             const WebhookContext& context, const QJsonObject& response,
                                             ApiFamily family, const WebhookOptions& options)
{
    const QString responseJson = QString::fromUtf8(QJsonDocument(response).toJson(QJsonDocument::Compact));
    return interactive(business, customer, context, QStringLiteral("nfm_reply"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("flow")},
                                   {QStringLiteral("body"), QStringLiteral("Sent")},
                                   {QStringLiteral("response_json"), responseJson}},
                       family, options);
}

BuiltWebhook WebhookPayloadBuilder::status(const WebhookBusiness& business, const WebhookCustomer& recipient,
                                           const QString& messageId, WebhookStatusValue value, ApiFamily family,
                                           const WebhookOptions& options, const WebhookStatusError& error)
{
    const QString timestamp = timestampOf(options);
    QJsonObject status{{QStringLiteral("id"), messageId},
                       {QStringLiteral("status"), statusName(value)},
                       {QStringLiteral("timestamp"), timestamp},
                       {QStringLiteral("recipient_id"), recipient.waId}};
    const bool billed = value == WebhookStatusValue::Sent || value == WebhookStatusValue::Delivered;
    const bool pricing = billed && options.conversationAndPricing.value_or(value == WebhookStatusValue::Sent);
    if (pricing) {
        const QString expires = QString::number(timestamp.toLongLong() + kConversationSeconds);
        status.insert(
            QStringLiteral("conversation"),
            QJsonObject{{QStringLiteral("id"), QString::fromLatin1(randomBytes(16).toHex())},
                        {QStringLiteral("expiration_timestamp"), expires},
                        {QStringLiteral("origin"), QJsonObject{{QStringLiteral("type"), QStringLiteral("service")}}}});
        status.insert(QStringLiteral("pricing"),
                      QJsonObject{{QStringLiteral("billable"), false},
                                  {QStringLiteral("pricing_model"), QStringLiteral("PMP")},
                                  {QStringLiteral("type"), QStringLiteral("free_customer_service")},
                                  {QStringLiteral("category"), QStringLiteral("service")}});
    }
    if (value == WebhookStatusValue::Failed) {
        QJsonObject failure{{QStringLiteral("code"), error.code},
                            {QStringLiteral("title"), error.title},
                            {QStringLiteral("message"), error.message},
                            {QStringLiteral("error_data"), QJsonObject{{QStringLiteral("details"), error.details}}}};
        failure.insert(QStringLiteral("href"), kErrorCodesPage);
        status.insert(QStringLiteral("errors"), QJsonArray{failure});
    }
    BuiltWebhook built;
    built.messageId = messageId;
    built.body = wrapped(business, family, QJsonObject{{QStringLiteral("statuses"), QJsonArray{status}}});
    return built;
}

QString WebhookPayloadBuilder::newMessageId(const WebhookCustomer& customer, ApiFamily family)
{
    if (family == ApiFamily::OnPremises) {
        // On-Premises ids look like "ABGGFlA5FpafAgo6EhoY4Hsqjw".
        return QStringLiteral("ABGG") + QString::fromLatin1(randomBytes(16).toBase64(QByteArray::Base64UrlEncoding |
                                                                                     QByteArray::OmitTrailingEquals));
    }
    // A Cloud API wamid is base64 of a small Thrift record: the customer's number and 20 hex
    // digits (80 random bits, so ids do not repeat), as in "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQz…".
    const QByteArray digits = digitsOf(customer.waId).left(kMaxIdDigits).toLatin1();
    QByteArray record = QByteArrayLiteral("\x1c\x18");
    record += static_cast<char>(digits.size());
    record += digits;
    record += QByteArrayLiteral("\x15\x02\x00\x12\x18\x14");
    record += randomBytes(10).toHex().toUpper();
    record += '\0';
    return QStringLiteral("wamid.") + QString::fromLatin1(record.toBase64());
}

QString WebhookPayloadBuilder::statusName(WebhookStatusValue value)
{
    switch (value) {
    case WebhookStatusValue::Sent:
        return QStringLiteral("sent");
    case WebhookStatusValue::Delivered:
        return QStringLiteral("delivered");
    case WebhookStatusValue::Read:
        return QStringLiteral("read");
    case WebhookStatusValue::Failed:
        return QStringLiteral("failed");
    }
    return QString();
}

} // namespace wa
