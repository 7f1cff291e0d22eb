#pragma once

#include <optional>
#include <vector>

#include <QJsonObject>
#include <QString>

namespace wa {

// The value types of one outgoing WhatsApp message of type "interactive".
//
// Every field read from JSON is optional: absent and empty are different things to WhatsApp
// (a missing body is "required", an empty one is "too short"). Each object keeps the keys the
// model does not know in `extra`, and a known key whose JSON type was wrong stays there too,
// so writing a message back never drops anything a user pasted.

enum class ApiFamily { Cloud, OnPremises };

struct MediaObject
{
    std::optional<QString> id;
    std::optional<QString> link;
    std::optional<QString> filename;
    std::optional<QString> caption;
    std::optional<QString> providerName; // provider.name, On-Premises only
    QJsonObject providerExtra;
    bool hasProvider = false;
    QJsonObject extra;
};

struct Header
{
    std::optional<QString> type; // "text", "image", "video", "document"
    std::optional<QString> text;
    std::optional<MediaObject> media; // stored under the key named by `type`
    QJsonObject extra;
};

struct TextObject
{
    std::optional<QString> text;
    QJsonObject extra;
};

struct ListRow
{
    std::optional<QString> id;
    std::optional<QString> title;
    std::optional<QString> description;
    QJsonObject extra;
};

struct ProductItem
{
    std::optional<QString> productRetailerId;
    QJsonObject extra;
};

// A section of a list (rows) or of a product list (product_items).
struct Section
{
    std::optional<QString> title;
    std::optional<std::vector<ListRow>> rows;
    std::optional<std::vector<ProductItem>> productItems;
    QJsonObject extra;
};

struct ReplyButton
{
    std::optional<QString> type; // "reply"
    std::optional<QString> id;
    std::optional<QString> title;
    bool hasReply = false;
    QJsonObject replyExtra;
    QJsonObject extra;
};

struct FlowActionPayload
{
    std::optional<QString> screen;
    std::optional<QJsonObject> data;
    QJsonObject extra;
};

// action.parameters: cta_url uses display_text and url, flow uses the flow_* keys.
struct ActionParameters
{
    std::optional<QString> displayText;
    std::optional<QString> url;

    std::optional<QString> flowMessageVersion;
    std::optional<QString> flowToken;
    std::optional<QString> flowId;
    std::optional<QString> flowName;
    std::optional<QString> flowCta;
    std::optional<QString> mode;
    std::optional<QString> flowAction;
    std::optional<FlowActionPayload> flowActionPayload;
    QJsonObject extra;
};

struct Action
{
    std::optional<QString> name;                     // cta_url, send_location, flow
    std::optional<QString> button;                   // list
    std::optional<std::vector<Section>> sections;    // list, product_list
    std::optional<std::vector<ReplyButton>> buttons; // button
    std::optional<QString> catalogId;                // product, product_list
    std::optional<QString> productRetailerId;        // product
    std::optional<ActionParameters> parameters;      // cta_url, flow
    QJsonObject extra;
};

enum class InteractiveType { List, Button, CtaUrl, LocationRequest, Product, ProductList, Flow, Unknown };

struct Interactive
{
    std::optional<QString> type;
    std::optional<Header> header;
    std::optional<TextObject> body;
    std::optional<TextObject> footer;
    std::optional<Action> action;
    QJsonObject extra;

    InteractiveType kind() const;
};

struct MessageContext
{
    std::optional<QString> messageId;
    QJsonObject extra;
};

// A place where the JSON had a value of the wrong type for a known key (null included).
// The value itself is kept in the parent's `extra`.
struct TypeMismatch
{
    QString path;
    QString expected;
    QString actual;
};

struct Message
{
    std::optional<QString> messagingProduct; // "whatsapp" in the Cloud API form only
    std::optional<QString> recipientType;
    std::optional<QString> to;
    std::optional<QString> type; // "interactive"
    std::optional<MessageContext> context;
    std::optional<Interactive> interactive;
    QJsonObject extra;

    // Read from the JSON: the form the payload was written in, and the type mismatches met.
    ApiFamily family = ApiFamily::Cloud;
    std::vector<TypeMismatch> typeMismatches;
};

// The wire name of an interactive type ("list", "button", …) and back.
QString interactiveTypeName(InteractiveType type);
InteractiveType interactiveTypeFromName(QStringView name);

// The digits of a phone number, in order: a `to`, a wa_id, a typed number all compare by these
// ("+1 (650) 555-1234" → "16505551234").
QString digitsOf(QStringView number);

} // namespace wa
