#include "LimitsTable.h"

#include <QLatin1String>

namespace wa {

namespace {

constexpr TypeMask kList = typeBit(InteractiveType::List);
constexpr TypeMask kButton = typeBit(InteractiveType::Button);
constexpr TypeMask kCta = typeBit(InteractiveType::CtaUrl);
constexpr TypeMask kLocation = typeBit(InteractiveType::LocationRequest);
constexpr TypeMask kProduct = typeBit(InteractiveType::Product);
constexpr TypeMask kProductList = typeBit(InteractiveType::ProductList);
constexpr TypeMask kFlow = typeBit(InteractiveType::Flow);

constexpr Severity E = Severity::Error;
constexpr Severity W = Severity::Warning;

using K = CheckKind;

// The rules of ../shared/reference/interactive-messages.md, one row each, in the order of Rule.
// clang-format off
constexpr LimitRule kRules[] = {
    {Rule::WrongType, "wrong_type", "*", kEnvelope, K::WrongType, -1, -1, "", E, "Value", "JSON types of every known field"},
    {Rule::MessagingProductRequired, "messaging_product_required", "messaging_product", kEnvelope, K::Required, -1, -1, "", E, "messaging_product", "§1 envelope: the Cloud API form has \"messaging_product\": \"whatsapp\""},
    {Rule::MessagingProductOnPremises, "messaging_product_on_premises", "messaging_product", kEnvelope, K::NotAllowed, -1, -1, "", E, "messaging_product", "§1 envelope: the On-Premises form has no messaging_product"},
    {Rule::MessagingProduct, "messaging_product", "messaging_product", kEnvelope, K::OneOf, -1, -1, "whatsapp", E, "messaging_product", "§1 envelope"},
    {Rule::RecipientType, "recipient_type", "recipient_type", kEnvelope, K::OneOf, -1, -1, "individual|group", E, "Recipient type", "§1 envelope"},
    {Rule::ToRequired, "to_required", "to", kEnvelope, K::Required, -1, -1, "", E, "Recipient (to)", "§1 envelope"},
    {Rule::ToFormat, "to_format", "to", kEnvelope, K::PhoneNumber, 1, -1, "", E, "Recipient (to)", "§1 envelope"},
    {Rule::ToCountryCode, "to_country_code", "to", kEnvelope, K::CountryCode, -1, -1, "", W, "Recipient (to)", "§1 envelope: without a country code Meta assumes the business number's country"},
    {Rule::TypeRequired, "type_required", "type", kEnvelope, K::Required, -1, -1, "", E, "Message type", "§1 envelope"},
    {Rule::TypeValue, "type_value", "type", kEnvelope, K::OneOf, -1, -1, "interactive", E, "Message type", "§1 envelope"},
    {Rule::ContextMessageIdRequired, "context_message_id_required", "context.message_id", kEnvelope, K::Required, -1, -1, "", E, "Reply-to message id (context.message_id)", "§1 envelope"},
    {Rule::InteractiveRequired, "interactive_required", "interactive", kEnvelope, K::Required, -1, -1, "", E, "The interactive object", "§2"},
    {Rule::InteractiveTypeRequired, "interactive_type_required", "interactive.type", kEnvelope, K::Required, -1, -1, "", E, "Interactive type", "§2"},
    {Rule::InteractiveTypeValue, "interactive_type_value", "interactive.type", kEnvelope, K::OneOf, -1, -1, "list|button|cta_url|location_request_message|product|product_list|flow", E, "Interactive type", "§2"},

    {Rule::HeaderRequired, "header_required", "interactive.header", kProductList, K::Required, -1, -1, "", E, "Header", "§2 product_list: header required"},
    {Rule::HeaderNotAllowed, "header_not_allowed", "interactive.header", kLocation | kProduct, K::NotAllowed, -1, -1, "", E, "Header", "§2 location_request_message, product: no header"},
    {Rule::HeaderTypeTextOnly, "header_type_text_only", "interactive.header.type", kList | kProductList | kFlow, K::HeaderType, -1, -1, "text", E, "Header type", "§2 list, product_list, flow: text header only"},
    {Rule::HeaderTypeTextOrMedia, "header_type", "interactive.header.type", kButton | kCta, K::HeaderType, -1, -1, "text|image|video|document", E, "Header type", "§2 button, cta_url: text, image, video or document header"},
    {Rule::HeaderTextRequired, "header_text_required", "interactive.header.text", kAllTypes, K::Required, -1, -1, "", E, "Header text", "§2 header text"},
    {Rule::HeaderTextLength, "header_text_length", "interactive.header.text", kAllTypes, K::Length, 1, 60, "", E, "Header text", "§2 header text 1–60"},
    {Rule::HeaderMediaRequired, "header_media_required", "interactive.header.<media>", kButton | kCta, K::Required, -1, -1, "", E, "Header media object", "§2 media objects"},
    {Rule::MediaIdOrLink, "media_id_or_link", "interactive.header.<media>", kButton | kCta, K::ExactlyOne, -1, -1, "id|link", E, "Header media", "§2 media objects: id or link, exactly one"},
    {Rule::MediaLinkScheme, "media_link_scheme", "interactive.header.<media>.link", kButton | kCta, K::UrlScheme, -1, -1, "http|https", E, "Media link", "§2 media objects: link https://…"},
    {Rule::MediaCaption, "media_caption", "interactive.header.<media>.caption", kButton | kCta, K::NotAllowed, -1, -1, "", E, "Header media caption", "§2 media objects: a header media object has no caption"},
    {Rule::MediaFilename, "media_filename", "interactive.header.<media>.filename", kButton | kCta, K::NotAllowed, -1, -1, "", W, "File name", "§2 media objects: document may carry filename"},
    {Rule::MediaProvider, "media_provider", "interactive.header.<media>.provider", kButton | kCta, K::OnPremisesOnly, -1, -1, "", W, "Media provider", "§2 media objects: provider is On-Premises only"},

    {Rule::BodyRequired, "body_required", "interactive.body", kAllTypes & ~kProduct, K::Required, -1, -1, "", E, "Body", "§2 body required (optional for product)"},
    {Rule::BodyTextRequired, "body_text_required", "interactive.body.text", kAllTypes, K::Required, -1, -1, "", E, "Body text", "§2 body"},
    {Rule::ListBodyLength, "list_body_length", "interactive.body.text", kList, K::Length, 1, 4096, "", E, "Body text", "§2 list body 1–4096 (Decision)"},
    {Rule::ListBodyLegacyLength, "body_legacy_length", "interactive.body.text", kList, K::LegacyLength, -1, 1024, "", W, "Body text", "§2 list body: older reference and SDKs say 1024 (Decision)"},
    {Rule::BodyLength, "body_length", "interactive.body.text", kAllTypes & ~kList, K::Length, 1, 1024, "", E, "Body text", "§2 body 1–1024"},
    {Rule::FooterNotAllowed, "footer_not_allowed", "interactive.footer", kLocation, K::NotAllowed, -1, -1, "", E, "Footer", "§2 location_request_message: no footer"},
    {Rule::FooterTextRequired, "footer_text_required", "interactive.footer.text", kAllTypes & ~kLocation, K::Required, -1, -1, "", E, "Footer text", "§2 footer"},
    {Rule::FooterLength, "footer_length", "interactive.footer.text", kAllTypes & ~kLocation, K::Length, 1, 60, "", E, "Footer text", "§2 footer 1–60"},
    {Rule::ActionRequired, "action_required", "interactive.action", kAllTypes, K::Required, -1, -1, "", E, "Action", "§2"},
    {Rule::ActionNameRequired, "action_name_required", "interactive.action.name", kCta | kLocation | kFlow, K::Required, -1, -1, "", E, "Action name", "§2 cta_url, location_request_message, flow"},

    {Rule::ListButtonRequired, "list_button_required", "interactive.action.button", kList, K::Required, -1, -1, "", E, "List button text", "§2 list action.button"},
    {Rule::ListButtonLength, "list_button_length", "interactive.action.button", kList, K::Length, 1, 20, "", E, "List button text", "§2 list action.button 1–20"},
    {Rule::SectionsRequired, "sections_required", "interactive.action.sections", kList | kProductList, K::Required, -1, -1, "", E, "Sections", "§2 list, product_list"},
    {Rule::SectionsCount, "sections_count", "interactive.action.sections", kList | kProductList, K::Count, 1, 10, "", E, "sections", "§2 list, product_list: 1–10 sections"},
    {Rule::SectionTitleLength, "section_title_length", "interactive.action.sections[].title", kList | kProductList, K::Length, 1, 24, "", E, "Section title", "§2 sections[i].title ≤24"},
    {Rule::SectionTitleWhenMany, "section_title_required", "interactive.action.sections[].title", kList, K::TitleWhenMany, -1, -1, "", E, "Section title", "§2 list: required when there is more than one section"},
    {Rule::SectionTitleWhenSingle, "section_title_single", "interactive.action.sections[].title", kList, K::TitleWhenSingle, -1, -1, "", W, "Section title", "§2 list: the current page calls it required even for one section"},
    {Rule::ListRowsRequired, "rows_required", "interactive.action.sections[].rows", kList, K::Required, -1, -1, "", E, "Rows", "§2 list: each section ≥1 row"},
    {Rule::ListRowsCount, "rows_count", "interactive.action.sections[].rows", kList, K::Count, 1, -1, "", E, "rows", "§2 list: each section ≥1 row"},
    {Rule::ListRowsTotal, "rows_total", "interactive.action.sections[].rows[]", kList, K::TotalCount, -1, 10, "", E, "rows", "§2 list: ≤10 rows in total across all sections"},
    {Rule::RowIdRequired, "row_id_required", "interactive.action.sections[].rows[].id", kList, K::Required, -1, -1, "", E, "Row id", "§2 rows[j].id"},
    {Rule::RowIdLength, "row_id_length", "interactive.action.sections[].rows[].id", kList, K::Length, 1, 200, "", E, "Row id", "§2 rows[j].id 1–200"},
    {Rule::RowIdUnique, "row_id_unique", "interactive.action.sections[].rows[].id", kList, K::Unique, -1, -1, "", E, "Row id", "§2 rows[j].id unique in the message"},
    {Rule::RowTitleRequired, "row_title_required", "interactive.action.sections[].rows[].title", kList, K::Required, -1, -1, "", E, "Row title", "§2 rows[j].title"},
    {Rule::RowTitleLength, "row_title_length", "interactive.action.sections[].rows[].title", kList, K::Length, 1, 24, "", E, "Row title", "§2 rows[j].title 1–24"},
    {Rule::RowTitleUnique, "row_title_duplicate", "interactive.action.sections[].rows[].title", kList, K::Unique, -1, -1, "", W, "Row title", "§2 rows[j].title: duplicate titles warn"},
    {Rule::RowDescriptionLength, "row_description_length", "interactive.action.sections[].rows[].description", kList, K::Length, 0, 72, "", E, "Row description", "§2 rows[j].description ≤72"},

    {Rule::ButtonsRequired, "buttons_required", "interactive.action.buttons", kButton, K::Required, -1, -1, "", E, "Buttons", "§2 button: action.buttons"},
    {Rule::ButtonsCount, "buttons_count", "interactive.action.buttons", kButton, K::Count, 1, 3, "", E, "buttons", "§2 button: 1–3 buttons"},
    {Rule::ButtonTypeRequired, "button_type_required", "interactive.action.buttons[].type", kButton, K::Required, -1, -1, "", E, "Button type", "§2 button: {\"type\":\"reply\",…}"},
    {Rule::ButtonTypeValue, "button_type", "interactive.action.buttons[].type", kButton, K::OneOf, -1, -1, "reply", E, "Button type", "§2 button: {\"type\":\"reply\",…}"},
    {Rule::ButtonReplyRequired, "button_reply_required", "interactive.action.buttons[].reply", kButton, K::Required, -1, -1, "", E, "Button reply object", "§2 button"},
    {Rule::ButtonIdRequired, "button_id_required", "interactive.action.buttons[].reply.id", kButton, K::Required, -1, -1, "", E, "Button id", "§2 reply.id"},
    {Rule::ButtonIdLength, "button_id_length", "interactive.action.buttons[].reply.id", kButton, K::Length, 1, 256, "", E, "Button id", "§2 reply.id 1–256"},
    {Rule::ButtonIdUnique, "button_id_unique", "interactive.action.buttons[].reply.id", kButton, K::Unique, -1, -1, "", E, "Button id", "§2 reply.id unique"},
    {Rule::ButtonIdWhitespace, "button_id_whitespace", "interactive.action.buttons[].reply.id", kButton, K::NoEdgeWhitespace, -1, -1, "", E, "Button id", "§2 reply.id: no leading or trailing white space"},
    {Rule::ButtonTitleRequired, "button_title_required", "interactive.action.buttons[].reply.title", kButton, K::Required, -1, -1, "", E, "Button title", "§2 reply.title"},
    {Rule::ButtonTitleLength, "button_title_length", "interactive.action.buttons[].reply.title", kButton, K::Length, 1, 20, "", E, "Button title", "§2 reply.title 1–20"},
    {Rule::ButtonTitleUnique, "button_title_unique", "interactive.action.buttons[].reply.title", kButton, K::Unique, -1, -1, "", E, "Button title", "§2 reply.title unique"},

    {Rule::CtaActionName, "cta_action_name", "interactive.action.name", kCta, K::OneOf, -1, -1, "cta_url", E, "Action name", "§2 cta_url"},
    {Rule::ParametersRequired, "parameters_required", "interactive.action.parameters", kCta | kFlow, K::Required, -1, -1, "", E, "Action parameters", "§2 cta_url, flow"},
    {Rule::CtaDisplayTextRequired, "cta_display_text_required", "interactive.action.parameters.display_text", kCta, K::Required, -1, -1, "", E, "Button text (display_text)", "§2 cta_url"},
    {Rule::CtaDisplayTextLength, "cta_display_text_length", "interactive.action.parameters.display_text", kCta, K::Length, 1, 20, "", E, "Button text (display_text)", "§2 cta_url: display_text 1–20"},
    {Rule::CtaUrlRequired, "cta_url_required", "interactive.action.parameters.url", kCta, K::Required, -1, -1, "", E, "URL", "§2 cta_url: url required"},
    {Rule::CtaUrlScheme, "cta_url_scheme", "interactive.action.parameters.url", kCta, K::UrlScheme, -1, -1, "http|https", E, "URL", "§2 cta_url: http or https"},

    {Rule::LocationActionName, "location_action_name", "interactive.action.name", kLocation, K::OneOf, -1, -1, "send_location", E, "Action name", "§2 location_request_message"},

    {Rule::CatalogIdRequired, "catalog_id_required", "interactive.action.catalog_id", kProduct | kProductList, K::Required, -1, -1, "", E, "Catalog id", "§2 product, product_list"},
    {Rule::ProductRetailerIdRequired, "product_retailer_id_required", "interactive.action.product_retailer_id", kProduct, K::Required, -1, -1, "", E, "Product retailer id", "§2 product"},
    {Rule::ProductSectionTitleRequired, "product_section_title_required", "interactive.action.sections[].title", kProductList, K::Required, -1, -1, "", E, "Section title", "§2 product_list: each section has a title"},
    {Rule::ProductItemsRequired, "product_items_required", "interactive.action.sections[].product_items", kProductList, K::Required, -1, -1, "", E, "Product items", "§2 product_list"},
    {Rule::ProductItemsCount, "product_items_count", "interactive.action.sections[].product_items", kProductList, K::Count, 1, -1, "", E, "products", "§2 product_list: a section lists products"},
    {Rule::ProductItemRetailerIdRequired, "product_item_retailer_id_required", "interactive.action.sections[].product_items[].product_retailer_id", kProductList, K::Required, -1, -1, "", E, "Product retailer id", "§2 product_list"},
    {Rule::ProductItemsTotal, "products_total", "interactive.action.sections[].product_items[]", kProductList, K::TotalCount, -1, 30, "", E, "products", "§2 product_list: ≤30 products in total"},

    {Rule::FlowActionName, "flow_action_name", "interactive.action.name", kFlow, K::OneOf, -1, -1, "flow", E, "Action name", "§2 flow"},
    {Rule::FlowMessageVersionRequired, "flow_message_version_required", "interactive.action.parameters.flow_message_version", kFlow, K::Required, -1, -1, "", E, "Flow message version", "§2 flow"},
    {Rule::FlowMessageVersionValue, "flow_message_version", "interactive.action.parameters.flow_message_version", kFlow, K::OneOf, -1, -1, "3", E, "Flow message version", "§2 flow: \"3\""},
    {Rule::FlowIdOrName, "flow_id_or_name", "interactive.action.parameters", kFlow, K::ExactlyOne, -1, -1, "flow_id|flow_name", E, "Flow", "§2 flow: flow_id or flow_name, exactly one"},
    {Rule::FlowCtaRequired, "flow_cta_required", "interactive.action.parameters.flow_cta", kFlow, K::Required, -1, -1, "", E, "Flow button text (flow_cta)", "§2 flow"},
    {Rule::FlowCtaLength, "flow_cta_length", "interactive.action.parameters.flow_cta", kFlow, K::Length, 1, 30, "", E, "Flow button text (flow_cta)", "§2 flow: flow_cta ≤30 (Decision)"},
    {Rule::FlowCtaLegacyLength, "flow_cta_legacy_length", "interactive.action.parameters.flow_cta", kFlow, K::LegacyLength, -1, 20, "", W, "Flow button text (flow_cta)", "§2 flow: older pages and SDKs say 20 (Decision)"},
    {Rule::FlowCtaNoEmoji, "flow_cta_emoji", "interactive.action.parameters.flow_cta", kFlow, K::NoEmoji, -1, -1, "", E, "Flow button text (flow_cta)", "§2 flow: flow_cta has no emoji"},
    {Rule::FlowModeValue, "flow_mode", "interactive.action.parameters.mode", kFlow, K::OneOf, -1, -1, "published|draft", E, "Flow mode", "§2 flow"},
    {Rule::FlowActionValue, "flow_action", "interactive.action.parameters.flow_action", kFlow, K::OneOf, -1, -1, "navigate|data_exchange", E, "Flow action", "§2 flow"},
    {Rule::FlowPayloadOnlyNavigate, "flow_payload_navigate_only", "interactive.action.parameters.flow_action_payload", kFlow, K::NotAllowed, -1, -1, "", E, "Flow action payload", "§2 flow: flow_action_payload only with navigate"},
    {Rule::FlowPayloadScreenRequired, "flow_payload_screen_required", "interactive.action.parameters.flow_action_payload.screen", kFlow, K::Required, -1, -1, "", E, "Flow screen", "§2 flow: {\"screen\":…,\"data\":{…}}"},
    {Rule::FlowPayloadData, "flow_payload_data", "interactive.action.parameters.flow_action_payload.data", kFlow, K::NonEmptyObject, -1, -1, "", E, "Flow data", "§2 flow: data, when present, a non-empty object"},

    {Rule::Utf16Length, "utf16_length", "*", kEnvelope, K::Utf16Length, -1, -1, "", W, "Text", "§3: UTF-16 length above a limit the code points are within"},
};
// clang-format on

static_assert(sizeof(kRules) / sizeof(kRules[0]) == static_cast<size_t>(Rule::Count_),
              "every Rule has exactly one row in kRules");

constexpr bool rowsInOrder()
{
    for (size_t i = 0; i < sizeof(kRules) / sizeof(kRules[0]); ++i) {
        if (static_cast<size_t>(kRules[i].rule) != i)
            return false;
    }
    return true;
}
static_assert(rowsInOrder(), "kRules rows are in the order of Rule");

} // namespace

bool LimitRule::appliesTo(InteractiveType type) const
{
    return types == kEnvelope || (type != InteractiveType::Unknown && (types & typeBit(type)) != 0);
}

QStringList LimitRule::allowedValues() const
{
    if (!*allowed)
        return {};
    return QString::fromUtf8(allowed).split(QLatin1Char('|'));
}

const LimitRule& LimitsTable::rule(Rule rule)
{
    return kRules[static_cast<size_t>(rule)];
}

const LimitRule& LimitsTable::at(int index)
{
    return kRules[static_cast<size_t>(index)];
}

const LimitRule* LimitsTable::byCode(QStringView code)
{
    for (const LimitRule& r : kRules) {
        if (code == QLatin1String(r.code))
            return &r;
    }
    return nullptr;
}

int LimitsTable::maxLength(QLatin1String pathPattern, InteractiveType type)
{
    for (const LimitRule& r : kRules) {
        if (r.kind == CheckKind::Length && pathPattern == QLatin1String(r.path) && r.appliesTo(type))
            return r.max;
    }
    return -1;
}

QStringList LimitsTable::allowedValues(QLatin1String pathPattern, InteractiveType type)
{
    for (const LimitRule& r : kRules) {
        if ((r.kind == CheckKind::OneOf || r.kind == CheckKind::HeaderType) && pathPattern == QLatin1String(r.path) &&
            r.appliesTo(type))
            return r.allowedValues();
    }
    return {};
}

QString checkKindName(CheckKind kind)
{
    switch (kind) {
    case CheckKind::WrongType:
        return QStringLiteral("wrong type");
    case CheckKind::Required:
        return QStringLiteral("required");
    case CheckKind::Length:
        return QStringLiteral("length");
    case CheckKind::LegacyLength:
        return QStringLiteral("legacy length");
    case CheckKind::Utf16Length:
        return QStringLiteral("UTF-16 length");
    case CheckKind::Count:
        return QStringLiteral("count");
    case CheckKind::TotalCount:
        return QStringLiteral("total count");
    case CheckKind::Unique:
        return QStringLiteral("unique");
    case CheckKind::OneOf:
        return QStringLiteral("one of");
    case CheckKind::ExactlyOne:
        return QStringLiteral("exactly one");
    case CheckKind::NotAllowed:
        return QStringLiteral("not allowed");
    case CheckKind::OnPremisesOnly:
        return QStringLiteral("On-Premises only");
    case CheckKind::HeaderType:
        return QStringLiteral("header type");
    case CheckKind::UrlScheme:
        return QStringLiteral("URL scheme");
    case CheckKind::NoEmoji:
        return QStringLiteral("no emoji");
    case CheckKind::NoEdgeWhitespace:
        return QStringLiteral("no edge white space");
    case CheckKind::NonEmptyObject:
        return QStringLiteral("non-empty object");
    case CheckKind::PhoneNumber:
        return QStringLiteral("phone number");
    case CheckKind::CountryCode:
        return QStringLiteral("country code");
    case CheckKind::TitleWhenMany:
        return QStringLiteral("required with several sections");
    case CheckKind::TitleWhenSingle:
        return QStringLiteral("missing on a single section");
    }
    return {};
}

} // namespace wa
