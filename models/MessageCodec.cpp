#include "MessageCodec.h"

#include <cctype>

#include <QJsonArray>
#include <QJsonParseError>

#include "JsonPath.h"

namespace wa {

namespace {

QString jsonTypeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

// Takes known keys out of a copy of a JSON object; what is left over (unknown keys, and known keys
// of the wrong type) is the object's `extra`.
class Reader
{
public:
    explicit Reader(std::vector<TypeMismatch>& mismatches)
        : m_mismatches(mismatches)
    {
    }

    std::optional<QString> string(QJsonObject& rest, const char* key, const JsonPath& path)
    {
        const QString name = QLatin1String(key);
        const auto it = rest.constFind(name);
        if (it == rest.constEnd())
            return std::nullopt;
        if (!it->isString()) {
            mismatch(path.key(key), QStringLiteral("a string"), *it);
            return std::nullopt;
        }
        QString value = it->toString();
        rest.remove(name);
        return value;
    }

    std::optional<QJsonObject> object(QJsonObject& rest, const char* key, const JsonPath& path)
    {
        const QString name = QLatin1String(key);
        const auto it = rest.constFind(name);
        if (it == rest.constEnd())
            return std::nullopt;
        if (!it->isObject()) {
            mismatch(path.key(key), QStringLiteral("an object"), *it);
            return std::nullopt;
        }
        QJsonObject value = it->toObject();
        rest.remove(name);
        return value;
    }

    // An array whose every element is an object; otherwise the whole array stays in `rest`.
    std::optional<QJsonArray> arrayOfObjects(QJsonObject& rest, const char* key, const JsonPath& path)
    {
        const QString name = QLatin1String(key);
        const auto it = rest.constFind(name);
        if (it == rest.constEnd())
            return std::nullopt;
        const JsonPath here = path.key(key);
        if (!it->isArray()) {
            mismatch(here, QStringLiteral("an array"), *it);
            return std::nullopt;
        }
        QJsonArray value = it->toArray();
        bool allObjects = true;
        for (int i = 0; i < value.size(); ++i) {
            if (!value.at(i).isObject()) {
                mismatch(here.index(i), QStringLiteral("an object"), value.at(i));
                allObjects = false;
            }
        }
        if (!allObjects)
            return std::nullopt;
        rest.remove(name);
        return value;
    }

    MediaObject media(QJsonObject rest, const JsonPath& path)
    {
        MediaObject media;
        media.id = string(rest, "id", path);
        media.link = string(rest, "link", path);
        media.filename = string(rest, "filename", path);
        media.caption = string(rest, "caption", path);
        if (auto provider = object(rest, "provider", path)) {
            const JsonPath providerPath = path.key("provider");
            media.hasProvider = true;
            media.providerName = string(*provider, "name", providerPath);
            media.providerExtra = *provider;
        }
        media.extra = rest;
        return media;
    }

    Header header(QJsonObject rest, const JsonPath& path)
    {
        Header header;
        header.type = string(rest, "type", path);
        if (header.type) {
            const QByteArray key = header.type->toLatin1();
            if (*header.type == QLatin1String("text")) {
                header.text = string(rest, "text", path);
            } else if (*header.type == QLatin1String("image") || *header.type == QLatin1String("video") ||
                       *header.type == QLatin1String("document")) {
                if (auto media = object(rest, key.constData(), path)) {
                    const JsonPath mediaPath = path.key(key.constData());
                    header.media = this->media(*media, mediaPath);
                }
            }
        }
        header.extra = rest;
        return header;
    }

    TextObject text(QJsonObject rest, const JsonPath& path)
    {
        TextObject object;
        object.text = string(rest, "text", path);
        object.extra = rest;
        return object;
    }

    Section section(QJsonObject rest, const JsonPath& path)
    {
        Section section;
        section.title = string(rest, "title", path);
        if (auto rows = arrayOfObjects(rest, "rows", path)) {
            const JsonPath rowsPath = path.key("rows");
            section.rows.emplace();
            section.rows->reserve(rows->size());
            for (int i = 0; i < rows->size(); ++i) {
                const JsonPath rowPath = rowsPath.index(i);
                QJsonObject rowRest = rows->at(i).toObject();
                ListRow row;
                row.id = string(rowRest, "id", rowPath);
                row.title = string(rowRest, "title", rowPath);
                row.description = string(rowRest, "description", rowPath);
                row.extra = rowRest;
                section.rows->push_back(std::move(row));
            }
        }
        if (auto items = arrayOfObjects(rest, "product_items", path)) {
            const JsonPath itemsPath = path.key("product_items");
            section.productItems.emplace();
            section.productItems->reserve(items->size());
            for (int i = 0; i < items->size(); ++i) {
                const JsonPath itemPath = itemsPath.index(i);
                QJsonObject itemRest = items->at(i).toObject();
                ProductItem item;
                item.productRetailerId = string(itemRest, "product_retailer_id", itemPath);
                item.extra = itemRest;
                section.productItems->push_back(std::move(item));
            }
        }
        section.extra = rest;
        return section;
    }

    ReplyButton button(QJsonObject rest, const JsonPath& path)
    {
        ReplyButton button;
        button.type = string(rest, "type", path);
        if (auto reply = object(rest, "reply", path)) {
            const JsonPath replyPath = path.key("reply");
            button.hasReply = true;
            button.id = string(*reply, "id", replyPath);
            button.title = string(*reply, "title", replyPath);
            button.replyExtra = *reply;
        }
        button.extra = rest;
        return button;
    }

    ActionParameters parameters(QJsonObject rest, const JsonPath& path)
    {
        ActionParameters p;
        p.displayText = string(rest, "display_text", path);
        p.url = string(rest, "url", path);
        p.flowMessageVersion = string(rest, "flow_message_version", path);
        p.flowToken = string(rest, "flow_token", path);
        p.flowId = string(rest, "flow_id", path);
        p.flowName = string(rest, "flow_name", path);
        p.flowCta = string(rest, "flow_cta", path);
        p.mode = string(rest, "mode", path);
        p.flowAction = string(rest, "flow_action", path);
        if (auto payload = object(rest, "flow_action_payload", path)) {
            const JsonPath payloadPath = path.key("flow_action_payload");
            FlowActionPayload flowPayload;
            flowPayload.screen = string(*payload, "screen", payloadPath);
            flowPayload.data = object(*payload, "data", payloadPath);
            flowPayload.extra = *payload;
            p.flowActionPayload = std::move(flowPayload);
        }
        p.extra = rest;
        return p;
    }

    Action action(QJsonObject rest, const JsonPath& path)
    {
        Action action;
        action.name = string(rest, "name", path);
        action.button = string(rest, "button", path);
        action.catalogId = string(rest, "catalog_id", path);
        action.productRetailerId = string(rest, "product_retailer_id", path);
        if (auto sections = arrayOfObjects(rest, "sections", path)) {
            const JsonPath sectionsPath = path.key("sections");
            action.sections.emplace();
            action.sections->reserve(sections->size());
            for (int i = 0; i < sections->size(); ++i) {
                const JsonPath sectionPath = sectionsPath.index(i);
                action.sections->push_back(section(sections->at(i).toObject(), sectionPath));
            }
        }
        if (auto buttons = arrayOfObjects(rest, "buttons", path)) {
            const JsonPath buttonsPath = path.key("buttons");
            action.buttons.emplace();
            action.buttons->reserve(buttons->size());
            for (int i = 0; i < buttons->size(); ++i) {
                const JsonPath buttonPath = buttonsPath.index(i);
                action.buttons->push_back(button(buttons->at(i).toObject(), buttonPath));
            }
        }
        if (auto params = object(rest, "parameters", path)) {
            const JsonPath paramsPath = path.key("parameters");
            action.parameters = parameters(*params, paramsPath);
        }
        action.extra = rest;
        return action;
    }

    Interactive interactive(QJsonObject rest, const JsonPath& path)
    {
        Interactive interactive;
        interactive.type = string(rest, "type", path);
        if (auto header = object(rest, "header", path)) {
            const JsonPath headerPath = path.key("header");
            interactive.header = this->header(*header, headerPath);
        }
        if (auto body = object(rest, "body", path)) {
            const JsonPath bodyPath = path.key("body");
            interactive.body = text(*body, bodyPath);
        }
        if (auto footer = object(rest, "footer", path)) {
            const JsonPath footerPath = path.key("footer");
            interactive.footer = text(*footer, footerPath);
        }
        if (auto action = object(rest, "action", path)) {
            const JsonPath actionPath = path.key("action");
            interactive.action = this->action(*action, actionPath);
        }
        interactive.extra = rest;
        return interactive;
    }

private:
    void mismatch(const JsonPath& path, const QString& expected, const QJsonValue& actual)
    {
        m_mismatches.push_back({path.toString(), expected, jsonTypeName(actual)});
    }

    std::vector<TypeMismatch>& m_mismatches;
};

// Writes known fields over an object's `extra`.
void put(QJsonObject& out, const char* key, const std::optional<QString>& value)
{
    if (value)
        out.insert(QLatin1String(key), *value);
}

QJsonObject writeMedia(const MediaObject& media)
{
    QJsonObject out = media.extra;
    put(out, "id", media.id);
    put(out, "link", media.link);
    put(out, "filename", media.filename);
    put(out, "caption", media.caption);
    if (media.hasProvider) {
        QJsonObject provider = media.providerExtra;
        put(provider, "name", media.providerName);
        out.insert(QLatin1String("provider"), provider);
    }
    return out;
}

QJsonObject writeHeader(const Header& header)
{
    QJsonObject out = header.extra;
    put(out, "type", header.type);
    put(out, "text", header.text);
    if (header.media && header.type)
        out.insert(*header.type, writeMedia(*header.media));
    return out;
}

QJsonObject writeText(const TextObject& text)
{
    QJsonObject out = text.extra;
    put(out, "text", text.text);
    return out;
}

QJsonObject writeSection(const Section& section)
{
    QJsonObject out = section.extra;
    put(out, "title", section.title);
    if (section.rows) {
        QJsonArray rows;
        for (const ListRow& row : *section.rows) {
            QJsonObject r = row.extra;
            put(r, "id", row.id);
            put(r, "title", row.title);
            put(r, "description", row.description);
            rows.append(r);
        }
        out.insert(QLatin1String("rows"), rows);
    }
    if (section.productItems) {
        QJsonArray items;
        for (const ProductItem& item : *section.productItems) {
            QJsonObject i = item.extra;
            put(i, "product_retailer_id", item.productRetailerId);
            items.append(i);
        }
        out.insert(QLatin1String("product_items"), items);
    }
    return out;
}

QJsonObject writeButton(const ReplyButton& button)
{
    QJsonObject out = button.extra;
    put(out, "type", button.type);
    if (button.hasReply) {
        QJsonObject reply = button.replyExtra;
        put(reply, "id", button.id);
        put(reply, "title", button.title);
        out.insert(QLatin1String("reply"), reply);
    }
    return out;
}

QJsonObject writeParameters(const ActionParameters& p)
{
    QJsonObject out = p.extra;
    put(out, "display_text", p.displayText);
    put(out, "url", p.url);
    put(out, "flow_message_version", p.flowMessageVersion);
    put(out, "flow_token", p.flowToken);
    put(out, "flow_id", p.flowId);
    put(out, "flow_name", p.flowName);
    put(out, "flow_cta", p.flowCta);
    put(out, "mode", p.mode);
    put(out, "flow_action", p.flowAction);
    if (p.flowActionPayload) {
        QJsonObject payload = p.flowActionPayload->extra;
        put(payload, "screen", p.flowActionPayload->screen);
        if (p.flowActionPayload->data)
            payload.insert(QLatin1String("data"), *p.flowActionPayload->data);
        out.insert(QLatin1String("flow_action_payload"), payload);
    }
    return out;
}

QJsonObject writeAction(const Action& action)
{
    QJsonObject out = action.extra;
    put(out, "name", action.name);
    put(out, "button", action.button);
    put(out, "catalog_id", action.catalogId);
    put(out, "product_retailer_id", action.productRetailerId);
    if (action.sections) {
        QJsonArray sections;
        for (const Section& section : *action.sections)
            sections.append(writeSection(section));
        out.insert(QLatin1String("sections"), sections);
    }
    if (action.buttons) {
        QJsonArray buttons;
        for (const ReplyButton& button : *action.buttons)
            buttons.append(writeButton(button));
        out.insert(QLatin1String("buttons"), buttons);
    }
    if (action.parameters)
        out.insert(QLatin1String("parameters"), writeParameters(*action.parameters));
    return out;
}

QJsonObject writeInteractive(const Interactive& interactive)
{
    QJsonObject out = interactive.extra;
    put(out, "type", interactive.type);
    if (interactive.header)
        out.insert(QLatin1String("header"), writeHeader(*interactive.header));
    if (interactive.body)
        out.insert(QLatin1String("body"), writeText(*interactive.body));
    if (interactive.footer)
        out.insert(QLatin1String("footer"), writeText(*interactive.footer));
    if (interactive.action)
        out.insert(QLatin1String("action"), writeAction(*interactive.action));
    return out;
}

const QLatin1String kMessagingProduct("messaging_product");

} // namespace

ApiFamily MessageCodec::detectFamily(const QJsonObject& object)
{
    return object.contains(kMessagingProduct) ? ApiFamily::Cloud : ApiFamily::OnPremises;
}

Message MessageCodec::fromJson(const QJsonObject& object)
{
    Message message;
    message.family = detectFamily(object);
    Reader read(message.typeMismatches);
    const JsonPath root;
    QJsonObject rest = object;
    message.messagingProduct = read.string(rest, "messaging_product", root);
    message.recipientType = read.string(rest, "recipient_type", root);
    message.to = read.string(rest, "to", root);
    message.type = read.string(rest, "type", root);
    if (auto context = read.object(rest, "context", root)) {
        const JsonPath contextPath = root.key("context");
        MessageContext ctx;
        ctx.messageId = read.string(*context, "message_id", contextPath);
        ctx.extra = *context;
        message.context = std::move(ctx);
    }
    if (auto interactive = read.object(rest, "interactive", root)) {
        const JsonPath interactivePath = root.key("interactive");
        message.interactive = read.interactive(*interactive, interactivePath);
    }
    message.extra = rest;
    return message;
}

QJsonObject MessageCodec::toJson(const Message& message, ApiFamily family)
{
    QJsonObject out = message.extra;
    if (family == ApiFamily::Cloud) {
        if (!out.contains(kMessagingProduct))
            out.insert(kMessagingProduct, message.messagingProduct.value_or(QStringLiteral("whatsapp")));
    } else {
        out.remove(kMessagingProduct);
    }
    put(out, "recipient_type", message.recipientType);
    put(out, "to", message.to);
    put(out, "type", message.type);
    if (message.context) {
        QJsonObject context = message.context->extra;
        put(context, "message_id", message.context->messageId);
        out.insert(QLatin1String("context"), context);
    }
    if (message.interactive)
        out.insert(QLatin1String("interactive"), writeInteractive(*message.interactive));
    return out;
}

QByteArray MessageCodec::encode(const Message& message, ApiFamily family, QJsonDocument::JsonFormat format)
{
    return QJsonDocument(toJson(message, family)).toJson(format);
}

void MessageCodec::lineAndColumn(const QByteArray& text, qsizetype offset, int* line, int* column)
{
    offset = qBound<qsizetype>(0, offset, text.size());
    int l = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (text.at(i) == '\n') {
            ++l;
            lineStart = i + 1;
        }
    }
    // Count characters, not bytes: UTF-8 continuation bytes do not start a character.
    int c = 1;
    for (qsizetype i = lineStart; i < offset; ++i) {
        if ((static_cast<unsigned char>(text.at(i)) & 0xC0) != 0x80)
            ++c;
    }
    *line = l;
    *column = c;
}

DecodeResult MessageCodec::decode(const QByteArray& json)
{
    DecodeResult result;
    if (json.trimmed().isEmpty()) {
        result.error.message = QStringLiteral("The input is empty; expected a JSON object.");
        return result;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        qsizetype start = 0;
        while (start < json.size() && std::isspace(static_cast<unsigned char>(json.at(start))))
            ++start;
        const char first = json.at(start); // decode() returned early on white space only
        if (first != '{' && first != '[') {
            // Not even the start of an object: say so rather than Qt's "illegal value".
            lineAndColumn(json, start, &result.error.line, &result.error.column);
            result.error.message = QStringLiteral("Not a JSON object at line %1, column %2: a message payload "
                                                  "starts with '{'.")
                                       .arg(result.error.line)
                                       .arg(result.error.column);
            return result;
        }
        // Qt's offset names the offending character for a bad number and for garbage after the
        // document, and stands one past it for every other error: point at the character itself.
        const bool exact = parseError.error == QJsonParseError::IllegalNumber
                           || parseError.error == QJsonParseError::GarbageAtEnd;
        const qsizetype at = exact ? parseError.offset : qMax<qsizetype>(0, parseError.offset - 1);
        lineAndColumn(json, at, &result.error.line, &result.error.column);
        QString why = parseError.errorString();
        if (parseError.error == QJsonParseError::DeepNesting)
            why = QStringLiteral("too deeply nested (more than 1024 levels)");
        result.error.message = QStringLiteral("Not valid JSON at line %1, column %2: %3.")
                                   .arg(result.error.line)
                                   .arg(result.error.column)
                                   .arg(why);
        return result;
    }
    if (!document.isObject()) {
        result.error.line = 1;
        result.error.column = 1;
        result.error.message = QStringLiteral("The payload is a JSON %1; a message is a JSON object.")
                                   .arg(document.isArray() ? QStringLiteral("array") : QStringLiteral("value"));
        return result;
    }
    result.message = fromJson(document.object());
    return result;
}

QString familyName(ApiFamily family)
{
    return family == ApiFamily::Cloud ? QStringLiteral("cloud") : QStringLiteral("onprem");
}

std::optional<ApiFamily> familyFromName(QStringView name)
{
    if (name == QLatin1String("cloud"))
        return ApiFamily::Cloud;
    if (name == QLatin1String("onprem") || name == QLatin1String("on-premises"))
        return ApiFamily::OnPremises;
    return std::nullopt;
}

} // namespace wa
