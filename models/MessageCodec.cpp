#include "MessageCodec.h"

#include <array>
#include <cctype>
#include <cstring>

#include <QJsonArray>
#include <QJsonParseError>
#include <QStringList>
#include <QVarLengthArray>
#include <QVariant>

#include "JsonPath.h"

namespace wa {

namespace {

const QLatin1StringView kMessagingProduct("messaging_product");

// --- reading ----------------------------------------------------------------------------------------
//
// The source object is never copied or changed: known keys are looked up in place (by Latin-1 key,
// so no QString is made for the key), and only the values taken into the model are converted. The
// keys taken are remembered, so that an object's `extra` (unknown keys, and known keys of the wrong
// type) is made only when there is something left over; usually there is not.

// One JSON object being read.
class Fields
{
public:
    explicit Fields(const QJsonObject& object)
        : m_object(object)
        , m_size(object.size())
        , m_end(object.constEnd())
    {
    }

    // Looks `key` up, unless every key of the object has been found already.
    QJsonObject::const_iterator find(const char* key)
    {
        if (m_found == m_size)
            return m_end;
        const auto it = m_object.constFind(QLatin1StringView(key));
        if (it != m_end)
            ++m_found;
        return it;
    }
    bool found(QJsonObject::const_iterator it) const { return it != m_end; }

    // `key` (a string literal) went into the model.
    void take(const char* key) { m_taken.append(key); }

    // What the model did not take: the object without the keys taken.
    QJsonObject rest() const
    {
        if (m_taken.size() == m_size)
            return QJsonObject();
        QJsonObject rest = m_object;
        for (const char* key : m_taken)
            rest.remove(QLatin1StringView(key));
        return rest;
    }

private:
    const QJsonObject& m_object;
    const qsizetype m_size;
    const QJsonObject::const_iterator m_end;
    qsizetype m_found = 0;                    // keys looked up and found (each key is looked up once)
    QVarLengthArray<const char*, 12> m_taken; // no object has more known keys than action.parameters' 10
};

class Reader
{
public:
    explicit Reader(std::vector<TypeMismatch>& mismatches)
        : m_mismatches(mismatches)
    {
    }

    std::optional<QString> string(Fields& in, const char* key, const JsonPath& path)
    {
        const auto it = in.find(key);
        if (!in.found(it))
            return std::nullopt;
        if (!it->isString()) {
            mismatch(path.key(key), QStringLiteral("a string"), it->type());
            return std::nullopt;
        }
        in.take(key);
        return it->toString();
    }

    std::optional<QJsonObject> object(Fields& in, const char* key, const JsonPath& path)
    {
        const auto it = in.find(key);
        if (!in.found(it))
            return std::nullopt;
        if (!it->isObject()) {
            mismatch(path.key(key), QStringLiteral("an object"), it->type());
            return std::nullopt;
        }
        in.take(key);
        return it->toObject();
    }

    // An array whose every element is an object; otherwise the whole array stays in `extra`.
    std::optional<QJsonArray> arrayOfObjects(Fields& in, const char* key, const JsonPath& path)
    {
        const auto it = in.find(key);
        if (!in.found(it))
            return std::nullopt;
        const JsonPath here = path.key(key);
        if (!it->isArray()) {
            mismatch(here, QStringLiteral("an array"), it->type());
            return std::nullopt;
        }
        QJsonArray value = it->toArray();
        bool allObjects = true;
        int i = 0;
        for (const QJsonValueConstRef element : std::as_const(value)) {
            if (!element.isObject()) {
                mismatch(here.index(i), QStringLiteral("an object"), element.type());
                allObjects = false;
            }
            ++i;
        }
        if (!allObjects)
            return std::nullopt;
        in.take(key);
        return value;
    }

    MediaObject media(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        MediaObject media;
        media.id = string(in, "id", path);
        media.link = string(in, "link", path);
        media.filename = string(in, "filename", path);
        media.caption = string(in, "caption", path);
        if (auto provider = object(in, "provider", path)) {
            const JsonPath providerPath = path.key("provider");
            Fields providerIn(*provider);
            media.hasProvider = true;
            media.providerName = string(providerIn, "name", providerPath);
            media.providerExtra = providerIn.rest();
        }
        media.extra = in.rest();
        return media;
    }

    Header header(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        Header header;
        header.type = string(in, "type", path);
        if (header.type) {
            const char* mediaKey = nullptr;
            if (*header.type == QLatin1StringView("image"))
                mediaKey = "image";
            else if (*header.type == QLatin1StringView("video"))
                mediaKey = "video";
            else if (*header.type == QLatin1StringView("document"))
                mediaKey = "document";
            if (*header.type == QLatin1StringView("text")) {
                header.text = string(in, "text", path);
            } else if (mediaKey) {
                if (auto media = object(in, mediaKey, path))
                    header.media = this->media(*media, path.key(mediaKey));
            }
        }
        header.extra = in.rest();
        return header;
    }

    TextObject text(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        TextObject text;
        text.text = string(in, "text", path);
        text.extra = in.rest();
        return text;
    }

    ListRow row(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        ListRow row;
        row.id = string(in, "id", path);
        row.title = string(in, "title", path);
        row.description = string(in, "description", path);
        row.extra = in.rest();
        return row;
    }

    ProductItem productItem(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        ProductItem item;
        item.productRetailerId = string(in, "product_retailer_id", path);
        item.extra = in.rest();
        return item;
    }

    Section section(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        Section section;
        section.title = string(in, "title", path);
        if (auto rows = arrayOfObjects(in, "rows", path)) {
            const JsonPath rowsPath = path.key("rows");
            section.rows.emplace();
            section.rows->reserve(rows->size());
            int i = 0;
            for (const QJsonValueConstRef row : std::as_const(*rows))
                section.rows->push_back(this->row(row.toObject(), rowsPath.index(i++)));
        }
        if (auto items = arrayOfObjects(in, "product_items", path)) {
            const JsonPath itemsPath = path.key("product_items");
            section.productItems.emplace();
            section.productItems->reserve(items->size());
            int i = 0;
            for (const QJsonValueConstRef item : std::as_const(*items))
                section.productItems->push_back(productItem(item.toObject(), itemsPath.index(i++)));
        }
        section.extra = in.rest();
        return section;
    }

    ReplyButton button(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        ReplyButton button;
        button.type = string(in, "type", path);
        if (auto reply = object(in, "reply", path)) {
            const JsonPath replyPath = path.key("reply");
            Fields replyIn(*reply);
            button.hasReply = true;
            button.id = string(replyIn, "id", replyPath);
            button.title = string(replyIn, "title", replyPath);
            button.replyExtra = replyIn.rest();
        }
        button.extra = in.rest();
        return button;
    }

    ActionParameters parameters(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        ActionParameters p;
        p.displayText = string(in, "display_text", path);
        p.url = string(in, "url", path);
        p.flowMessageVersion = string(in, "flow_message_version", path);
        p.flowToken = string(in, "flow_token", path);
        p.flowId = string(in, "flow_id", path);
        p.flowName = string(in, "flow_name", path);
        p.flowCta = string(in, "flow_cta", path);
        p.mode = string(in, "mode", path);
        p.flowAction = string(in, "flow_action", path);
        if (auto payload = object(in, "flow_action_payload", path)) {
            const JsonPath payloadPath = path.key("flow_action_payload");
            Fields payloadIn(*payload);
            FlowActionPayload flowPayload;
            flowPayload.screen = string(payloadIn, "screen", payloadPath);
            flowPayload.data = object(payloadIn, "data", payloadPath);
            flowPayload.extra = payloadIn.rest();
            p.flowActionPayload = std::move(flowPayload);
        }
        p.extra = in.rest();
        return p;
    }

    Action action(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        Action action;
        action.name = string(in, "name", path);
        action.button = string(in, "button", path);
        action.catalogId = string(in, "catalog_id", path);
        action.productRetailerId = string(in, "product_retailer_id", path);
        if (auto sections = arrayOfObjects(in, "sections", path)) {
            const JsonPath sectionsPath = path.key("sections");
            action.sections.emplace();
            action.sections->reserve(sections->size());
            int i = 0;
            for (const QJsonValueConstRef section : std::as_const(*sections))
                action.sections->push_back(this->section(section.toObject(), sectionsPath.index(i++)));
        }
        if (auto buttons = arrayOfObjects(in, "buttons", path)) {
            const JsonPath buttonsPath = path.key("buttons");
            action.buttons.emplace();
            action.buttons->reserve(buttons->size());
            int i = 0;
            for (const QJsonValueConstRef button : std::as_const(*buttons))
                action.buttons->push_back(this->button(button.toObject(), buttonsPath.index(i++)));
        }
        if (auto params = object(in, "parameters", path))
            action.parameters = parameters(*params, path.key("parameters"));
        action.extra = in.rest();
        return action;
    }

    Interactive interactive(const QJsonObject& json, const JsonPath& path)
    {
        Fields in(json);
        Interactive interactive;
        interactive.type = string(in, "type", path);
        if (auto header = object(in, "header", path))
            interactive.header = this->header(*header, path.key("header"));
        if (auto body = object(in, "body", path))
            interactive.body = text(*body, path.key("body"));
        if (auto footer = object(in, "footer", path))
            interactive.footer = text(*footer, path.key("footer"));
        if (auto action = object(in, "action", path))
            interactive.action = this->action(*action, path.key("action"));
        interactive.extra = in.rest();
        return interactive;
    }

    void message(const QJsonObject& json, Message& message)
    {
        Fields in(json);
        const JsonPath root;
        message.messagingProduct = string(in, "messaging_product", root);
        message.recipientType = string(in, "recipient_type", root);
        message.to = string(in, "to", root);
        message.type = string(in, "type", root);
        if (auto context = object(in, "context", root)) {
            const JsonPath contextPath = root.key("context");
            Fields contextIn(*context);
            MessageContext ctx;
            ctx.messageId = string(contextIn, "message_id", contextPath);
            ctx.extra = contextIn.rest();
            message.context = std::move(ctx);
        }
        if (auto interactive = object(in, "interactive", root))
            message.interactive = this->interactive(*interactive, root.key("interactive"));
        message.extra = in.rest();
    }

private:
    void mismatch(const JsonPath& path, const QString& expected, QJsonValue::Type actual)
    {
        m_mismatches.push_back({path.toString(), expected, jsonTypeName(actual)});
    }

    std::vector<TypeMismatch>& m_mismatches;
};

// --- writing ----------------------------------------------------------------------------------------
//
// Measured on Qt 6.4.2 (counting allocations as the bench does), building a QJsonObject key by key is
// what costs: `insert(key, QString)` allocates about 12 times, 7 of them for the value alone
// (QJsonValue(QString) makes a one-string container, then QCborValue::fromJsonValue turns it back
// into a QString and into another one-string container before the bytes are copied in), and a key
// new to the object costs about 5 more. Two things in Qt's public API avoid that:
//  - assigning one QJsonValueRef to another copies a string's bytes from container to container,
//    with no QString or QJsonValue in between;
//  - a copy of an object that already holds its keys is cloned in one piece on the first write
//    (3 allocations), and writing to a key it has adds no key.
// So toJson goes over the model twice, with the same code (the templates below):
//  1. `Strings` only lists the strings to write, in order. Qt packs the list into one JSON array
//     container (QJsonDocument::fromVariant of a QStringList appends each string's bytes in place).
//  2. `Objects` builds the objects. Each starts as a copy of a constant object with that level's
//     known keys, all null; each string is assigned from the packed array, in the same order as
//     listed; sub-objects and arrays are assigned as values; at the end the keys left null are
//     removed. An object with `extra` starts from its `extra` instead and writes the known keys
//     over it, as before, so unknown and wrongly typed keys are written back unchanged.
// Qt's own writer (QJsonDocument::toJson) still writes the bytes.

// The known keys of one level of the message: an object with these keys, all null, and where each
// key sits in it (a QJsonObject keeps its keys sorted).
class Level
{
public:
    Level(std::initializer_list<const char*> keys)
    {
        Q_ASSERT(keys.size() <= std::size(m_names));
        for (const char* key : keys)
            m_keys.insert(QLatin1StringView(key), QJsonValue(QJsonValue::Null));
        for (const char* key : keys)
            m_names[m_keys.constFind(QLatin1StringView(key)) - m_keys.constBegin()] = key;
    }

    const QJsonObject& keys() const { return m_keys; }
    qsizetype size() const { return m_keys.size(); }

    // Where `key` is in keys(); -1 when it is not one of them.
    int position(const char* key) const
    {
        for (int i = 0; i < size(); ++i) {
            if (m_names[i] == key) // the same literal, most often
                return i;
        }
        for (int i = 0; i < size(); ++i) {
            if (std::strcmp(m_names[i], key) == 0)
                return i;
        }
        return -1;
    }
    int position(QStringView key) const
    {
        for (int i = 0; i < size(); ++i) {
            if (key == QLatin1StringView(m_names[i]))
                return i;
        }
        return -1;
    }

private:
    QJsonObject m_keys;
    std::array<const char*, 16> m_names{}; // by position
};

// Pass 1: the strings, in the order pass 2 writes them.
class Strings
{
public:
    struct Object
    {
    };
    struct Array
    {
    };

    Strings() { m_list.reserve(64); }

    QStringList& list() { return m_list; }

    Object object(const QJsonObject&, const Level&) { return {}; }
    // The model outlives toJson, so its strings are listed without a copy (nor a reference count).
    void put(Object&, const char*, const std::optional<QString>& value)
    {
        if (value)
            m_list.append(QString::fromRawData(value->constData(), value->size()));
    }
    template <typename Key, typename Value> void set(Object&, Key, Value&&) {}
    void remove(Object&, const char*) {}
    Array array() { return {}; }
    void append(Array&, Object&&) {}
    Object done(Object&& object) { return object; }

private:
    QStringList m_list;
};

// Pass 2: the objects.
class Objects
{
public:
    struct Object
    {
        QJsonObject json;
        const Level* level = nullptr; // set while `json` is a copy of the level's keys
        quint32 written = 0;          // then, the positions of the keys written
    };
    using Array = QJsonArray;

    explicit Objects(const QStringList& strings)
        : m_strings(QJsonDocument::fromVariant(QVariant(strings)).array())
    {
    }

    Object object(const QJsonObject& extra, const Level& level)
    {
        if (extra.isEmpty())
            return {level.keys(), &level, 0};
        return {extra, nullptr, 0};
    }
    void put(Object& out, const char* key, const std::optional<QString>& value)
    {
        if (value)
            slot(out, key) = m_strings[m_next++];
    }
    template <typename Key> void set(Object& out, Key key, Object&& child)
    {
        slot(out, key) = QJsonValue(done(std::move(child)).json);
    }
    template <typename Key> void set(Object& out, Key key, Array&& array)
    {
        slot(out, key) = QJsonValue(std::move(array));
    }
    template <typename Key> void set(Object& out, Key key, const QJsonObject& verbatim)
    {
        slot(out, key) = QJsonValue(verbatim);
    }
    void remove(Object& out, const char* key)
    {
        if (!out.level) {
            out.json.remove(QLatin1StringView(key));
            return;
        }
        const int at = out.level->position(key);
        if (at >= 0)
            out.written &= ~(1u << at);
    }
    Array array() { return {}; }
    void append(Array& array, Object&& child) { array.append(QJsonValue(done(std::move(child)).json)); }

    // Removes the known keys that were not written.
    Object done(Object&& out)
    {
        if (!out.level)
            return std::move(out);
        if (out.written == 0) {
            out.json = QJsonObject();
        } else {
            for (auto i = out.level->size() - 1; i >= 0; --i) {
                if (!(out.written & (1u << i)))
                    out.json.erase(out.json.begin() + i);
            }
        }
        out.level = nullptr;
        return std::move(out);
    }

private:
    // Where the value of `key` goes.
    template <typename Key> QJsonValueRef slot(Object& out, Key key)
    {
        if (out.level) {
            const int at = out.level->position(key);
            if (at >= 0) {
                out.written |= 1u << at;
                return *(out.json.begin() + at); // begin() detaches from the level's keys, once
            }
            out = done(std::move(out)); // a key of no level (a header's media under its own type)
        }
        return out.json[name(key)];
    }
    static QLatin1StringView name(const char* key) { return QLatin1StringView(key); }
    static QStringView name(QStringView key) { return key; }

    QJsonArray m_strings; // not const: only a QJsonValueRef is copied without conversions
    qsizetype m_next = 0;
};

template <typename W> typename W::Object writeMedia(W& w, const MediaObject& media)
{
    static const Level keys({"id", "link", "filename", "caption", "provider"});
    static const Level providerKeys({"name"});
    auto out = w.object(media.extra, keys);
    w.put(out, "id", media.id);
    w.put(out, "link", media.link);
    w.put(out, "filename", media.filename);
    w.put(out, "caption", media.caption);
    if (media.hasProvider) {
        auto provider = w.object(media.providerExtra, providerKeys);
        w.put(provider, "name", media.providerName);
        w.set(out, "provider", std::move(provider));
    }
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeHeader(W& w, const Header& header)
{
    static const Level keys({"type", "text", "image", "video", "document"});
    auto out = w.object(header.extra, keys);
    w.put(out, "type", header.type);
    w.put(out, "text", header.text);
    if (header.media && header.type)
        w.set(out, QStringView(*header.type), writeMedia(w, *header.media));
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeText(W& w, const TextObject& text)
{
    static const Level keys({"text"});
    auto out = w.object(text.extra, keys);
    w.put(out, "text", text.text);
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeSection(W& w, const Section& section)
{
    static const Level keys({"title", "rows", "product_items"});
    static const Level rowKeys({"id", "title", "description"});
    static const Level itemKeys({"product_retailer_id"});
    auto out = w.object(section.extra, keys);
    w.put(out, "title", section.title);
    if (section.rows) {
        auto rows = w.array();
        for (const ListRow& row : *section.rows) {
            auto r = w.object(row.extra, rowKeys);
            w.put(r, "id", row.id);
            w.put(r, "title", row.title);
            w.put(r, "description", row.description);
            w.append(rows, std::move(r));
        }
        w.set(out, "rows", std::move(rows));
    }
    if (section.productItems) {
        auto items = w.array();
        for (const ProductItem& item : *section.productItems) {
            auto i = w.object(item.extra, itemKeys);
            w.put(i, "product_retailer_id", item.productRetailerId);
            w.append(items, std::move(i));
        }
        w.set(out, "product_items", std::move(items));
    }
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeButton(W& w, const ReplyButton& button)
{
    static const Level keys({"type", "reply"});
    static const Level replyKeys({"id", "title"});
    auto out = w.object(button.extra, keys);
    w.put(out, "type", button.type);
    if (button.hasReply) {
        auto reply = w.object(button.replyExtra, replyKeys);
        w.put(reply, "id", button.id);
        w.put(reply, "title", button.title);
        w.set(out, "reply", std::move(reply));
    }
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeParameters(W& w, const ActionParameters& p)
{
    static const Level keys({"display_text", "url", "flow_message_version", "flow_token", "flow_id", "flow_name",
                             "flow_cta", "mode", "flow_action", "flow_action_payload"});
    static const Level payloadKeys({"screen", "data"});
    auto out = w.object(p.extra, keys);
    w.put(out, "display_text", p.displayText);
    w.put(out, "url", p.url);
    w.put(out, "flow_message_version", p.flowMessageVersion);
    w.put(out, "flow_token", p.flowToken);
    w.put(out, "flow_id", p.flowId);
    w.put(out, "flow_name", p.flowName);
    w.put(out, "flow_cta", p.flowCta);
    w.put(out, "mode", p.mode);
    w.put(out, "flow_action", p.flowAction);
    if (p.flowActionPayload) {
        auto payload = w.object(p.flowActionPayload->extra, payloadKeys);
        w.put(payload, "screen", p.flowActionPayload->screen);
        if (p.flowActionPayload->data)
            w.set(payload, "data", *p.flowActionPayload->data);
        w.set(out, "flow_action_payload", std::move(payload));
    }
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeAction(W& w, const Action& action)
{
    static const Level keys(
        {"name", "button", "catalog_id", "product_retailer_id", "sections", "buttons", "parameters"});
    auto out = w.object(action.extra, keys);
    w.put(out, "name", action.name);
    w.put(out, "button", action.button);
    w.put(out, "catalog_id", action.catalogId);
    w.put(out, "product_retailer_id", action.productRetailerId);
    if (action.sections) {
        auto sections = w.array();
        for (const Section& section : *action.sections)
            w.append(sections, writeSection(w, section));
        w.set(out, "sections", std::move(sections));
    }
    if (action.buttons) {
        auto buttons = w.array();
        for (const ReplyButton& button : *action.buttons)
            w.append(buttons, writeButton(w, button));
        w.set(out, "buttons", std::move(buttons));
    }
    if (action.parameters)
        w.set(out, "parameters", writeParameters(w, *action.parameters));
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeInteractive(W& w, const Interactive& interactive)
{
    static const Level keys({"type", "header", "body", "footer", "action"});
    auto out = w.object(interactive.extra, keys);
    w.put(out, "type", interactive.type);
    if (interactive.header)
        w.set(out, "header", writeHeader(w, *interactive.header));
    if (interactive.body)
        w.set(out, "body", writeText(w, *interactive.body));
    if (interactive.footer)
        w.set(out, "footer", writeText(w, *interactive.footer));
    if (interactive.action)
        w.set(out, "action", writeAction(w, *interactive.action));
    return w.done(std::move(out));
}

template <typename W> typename W::Object writeMessage(W& w, const Message& message, ApiFamily family)
{
    static const Level keys({"messaging_product", "recipient_type", "to", "type", "context", "interactive"});
    static const Level contextKeys({"message_id"});
    auto out = w.object(message.extra, keys);
    if (family == ApiFamily::Cloud) {
        // One in `extra` (a messaging_product of the wrong type is kept there) is written back as it was.
        if (!message.extra.contains(kMessagingProduct)) {
            static const std::optional<QString> whatsapp = QStringLiteral("whatsapp");
            w.put(out, "messaging_product", message.messagingProduct ? message.messagingProduct : whatsapp);
        }
    } else {
        w.remove(out, "messaging_product");
    }
    w.put(out, "recipient_type", message.recipientType);
    w.put(out, "to", message.to);
    w.put(out, "type", message.type);
    if (message.context) {
        auto context = w.object(message.context->extra, contextKeys);
        w.put(context, "message_id", message.context->messageId);
        w.set(out, "context", std::move(context));
    }
    if (message.interactive)
        w.set(out, "interactive", writeInteractive(w, *message.interactive));
    return w.done(std::move(out));
}

} // namespace

Message MessageCodec::convert(const Message& message, ApiFamily family)
{
    return fromJson(toJson(message, family));
}

ApiFamily MessageCodec::detectFamily(const QJsonObject& object)
{
    return object.contains(kMessagingProduct) ? ApiFamily::Cloud : ApiFamily::OnPremises;
}

namespace {

void readMessage(const QJsonObject& object, Message& message)
{
    message.family = MessageCodec::detectFamily(object);
    Reader(message.typeMismatches).message(object, message);
}

} // namespace

Message MessageCodec::fromJson(const QJsonObject& object)
{
    Message message;
    readMessage(object, message);
    return message;
}

QJsonObject MessageCodec::toJson(const Message& message, ApiFamily family)
{
    Strings strings;
    writeMessage(strings, message, family);
    Objects objects(strings.list());
    return writeMessage(objects, message, family).json;
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
        const bool exact =
            parseError.error == QJsonParseError::IllegalNumber || parseError.error == QJsonParseError::GarbageAtEnd;
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
    readMessage(document.object(), result.message.emplace());
    return result;
}

QString jsonTypeName(QJsonValue::Type type)
{
    switch (type) {
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
    return QStringLiteral("nothing");
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
