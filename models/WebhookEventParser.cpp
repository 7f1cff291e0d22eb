#include "WebhookEventParser.h"

#include <cctype>

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QLocale>
#include <QStringList>

#include "MessageCodec.h"

namespace wa {

namespace {

using Kind = WebhookEvent::Kind;

constexpr qsizetype kSummaryLength = 120; // characters of free text a summary quotes at most

// What every event of one `value` (or of an On-Premises body) shares.
struct ValueContext
{
    ApiFamily family = ApiFamily::Cloud;
    QString phoneNumberId;
    QString displayPhoneNumber;
    QHash<QString, QString> names; // wa_id → profile name
};

// A string as it came, or a number written without exponent (a wa_id or a code sent as a number).
QString textOf(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'f', QLocale::FloatingPointShortest);
    return QString();
}

QDateTime timestampOf(const QJsonValue& value)
{
    bool ok = false;
    qint64 seconds = 0;
    if (value.isString()) {
        seconds = value.toString().trimmed().toLongLong(&ok);
    } else if (value.isDouble()) {
        const double number = value.toDouble();
        ok = number >= -9.2e18 && number <= 9.2e18;
        seconds = static_cast<qint64>(number);
    }
    return ok ? QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC) : QDateTime();
}

// Free text reduced to one short line.
QString oneLine(const QString& text)
{
    QString line = text.simplified();
    if (line.size() > kSummaryLength) {
        qsizetype cut = kSummaryLength - 1;
        if (line.at(cut - 1).isHighSurrogate())
            --cut;
        line = line.left(cut) + QChar(0x2026);
    }
    return line;
}

QString quoted(const QString& text)
{
    return QLatin1Char('"') + oneLine(text) + QLatin1Char('"');
}

// `"title" (id)`, leaving out what is empty.
QString titleAndId(const QString& title, const QString& id)
{
    QStringList parts;
    if (!title.isEmpty())
        parts << quoted(title);
    if (!id.isEmpty())
        parts << QLatin1Char('(') + oneLine(id) + QLatin1Char(')');
    return parts.join(QLatin1Char(' '));
}

QString withSubject(const QString& verb, const QString& subject)
{
    return subject.isEmpty() ? verb : verb + QLatin1Char(' ') + subject;
}

// A coordinate as exact as it came, for the map link.
QString exactCoordinate(double value)
{
    return QString::number(value, 'f', QLocale::FloatingPointShortest);
}

// A coordinate to five decimals (about a metre), without trailing zeros, for people.
QString shortCoordinate(double value)
{
    QString text = QString::number(value, 'f', 5);
    while (text.endsWith(QLatin1Char('0')))
        text.chop(1);
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    if (text == QLatin1String("-0"))
        text = QStringLiteral("0");
    return text;
}

// "131047 Re-engagement message"; the message stands in for a missing title.
QString errorText(const QJsonValue& value)
{
    const QJsonObject error = value.toObject();
    QString title = error.value(QLatin1String("title")).toString();
    if (title.isEmpty())
        title = error.value(QLatin1String("message")).toString();
    QStringList parts;
    const QString code = textOf(error.value(QLatin1String("code")));
    if (!code.isEmpty())
        parts << code;
    if (!title.isEmpty())
        parts << oneLine(title);
    return parts.isEmpty() ? QStringLiteral("unknown error") : parts.join(QLatin1Char(' '));
}

QString errorsText(const QJsonArray& errors)
{
    QStringList parts;
    for (const QJsonValue& error : errors)
        parts << errorText(error);
    return parts.join(QStringLiteral("; "));
}

QString capitalized(const QString& word)
{
    return word.isEmpty() ? word : word.at(0).toUpper() + word.mid(1);
}

class Reader
{
public:
    explicit Reader(QList<WebhookEvent>* out)
        : m_out(out)
    {
    }

    void readRoot(const QJsonObject& root)
    {
        ApiFamily family = ApiFamily::Cloud;
        if (root.contains(QLatin1String("object")) || root.contains(QLatin1String("entry"))) {
            readCloud(root);
        } else if (root.contains(QLatin1String("contacts")) || root.contains(QLatin1String("messages")) ||
                   root.contains(QLatin1String("statuses")) || root.contains(QLatin1String("errors"))) {
            family = ApiFamily::OnPremises;
            readValue(root, family);
        } else {
            ValueContext context;
            addUnknown(context, root,
                       root.isEmpty()
                           ? QStringLiteral("Unknown body: an empty object")
                           : QStringLiteral("Unknown body with %1").arg(root.keys().join(QStringLiteral(", "))));
            return;
        }
        if (m_out->isEmpty()) {
            ValueContext context;
            context.family = family;
            addUnknown(context, root, QStringLiteral("No messages, statuses or errors in the body"));
        }
    }

private:
    WebhookEvent makeEvent(const ValueContext& context, Kind kind, const QJsonObject& payload) const
    {
        WebhookEvent event;
        event.kind = kind;
        event.family = context.family;
        event.phoneNumberId = context.phoneNumberId;
        event.displayPhoneNumber = context.displayPhoneNumber;
        event.payload = payload;
        return event;
    }

    void addUnknown(const ValueContext& context, const QJsonObject& payload, const QString& summary)
    {
        WebhookEvent event = makeEvent(context, Kind::Unknown, payload);
        event.summary = summary;
        m_out->append(std::move(event));
    }

    // An array element that is not an object, kept under the array's name.
    void addNotAnObject(const ValueContext& context, QLatin1String arrayName, qsizetype index,
                        const QJsonValue& element)
    {
        addUnknown(context, QJsonObject{{arrayName, element}},
                   QStringLiteral("Unknown %1[%2]: not an object").arg(arrayName).arg(index));
    }

    static ValueContext contextOf(const QJsonObject& value, ApiFamily family)
    {
        ValueContext context;
        context.family = family;
        const QJsonObject metadata = value.value(QLatin1String("metadata")).toObject();
        context.phoneNumberId = textOf(metadata.value(QLatin1String("phone_number_id")));
        context.displayPhoneNumber = textOf(metadata.value(QLatin1String("display_phone_number")));
        const QJsonArray contacts = value.value(QLatin1String("contacts")).toArray();
        context.names.reserve(contacts.size());
        for (const QJsonValue& contact : contacts) {
            const QJsonObject object = contact.toObject();
            const QString waId = textOf(object.value(QLatin1String("wa_id")));
            const QString name =
                object.value(QLatin1String("profile")).toObject().value(QLatin1String("name")).toString();
            if (!waId.isEmpty() && !name.isEmpty())
                context.names.insert(waId, name);
        }
        return context;
    }

    void readCloud(const QJsonObject& root)
    {
        ValueContext rootContext;
        const QJsonValue entries = root.value(QLatin1String("entry"));
        if (!entries.isArray()) {
            addUnknown(rootContext, root, QStringLiteral("Unknown body: a Cloud API object without an entry array"));
            return;
        }
        const QJsonArray entryArray = entries.toArray();
        for (qsizetype e = 0; e < entryArray.size(); ++e) {
            const QJsonValue entryValue = entryArray.at(e);
            if (!entryValue.isObject()) {
                addNotAnObject(rootContext, QLatin1String("entry"), e, entryValue);
                continue;
            }
            const QJsonObject entry = entryValue.toObject();
            const QJsonValue changes = entry.value(QLatin1String("changes"));
            if (!changes.isArray()) {
                addUnknown(rootContext, entry, QStringLiteral("Unknown entry without a changes array"));
                continue;
            }
            const QJsonArray changeArray = changes.toArray();
            for (qsizetype c = 0; c < changeArray.size(); ++c) {
                const QJsonValue changeValue = changeArray.at(c);
                if (!changeValue.isObject()) {
                    addNotAnObject(rootContext, QLatin1String("changes"), c, changeValue);
                    continue;
                }
                readChange(changeValue.toObject());
            }
        }
    }

    void readChange(const QJsonObject& change)
    {
        const QJsonValue field = change.value(QLatin1String("field"));
        const QJsonValue value = change.value(QLatin1String("value"));
        if (field.toString() == QLatin1String("messages") && value.isObject()) {
            readValue(value.toObject(), ApiFamily::Cloud);
            return;
        }
        const ValueContext context = contextOf(value.toObject(), ApiFamily::Cloud);
        if (field.toString() == QLatin1String("messages"))
            addUnknown(context, change, QStringLiteral("Unknown messages change: the value is not an object"));
        else if (field.isString())
            addUnknown(context, change, QStringLiteral("Unknown change field \"%1\"").arg(oneLine(field.toString())));
        else
            addUnknown(context, change, QStringLiteral("Unknown change without a field"));
    }

    void readValue(const QJsonObject& value, ApiFamily family)
    {
        const ValueContext context = contextOf(value, family);
        bool any = false;
        const QLatin1String messages("messages");
        const QLatin1String statuses("statuses");
        const QLatin1String errors("errors");
        for (const QLatin1String& key : {messages, statuses, errors}) {
            const QJsonValue list = value.value(key);
            if (list.isUndefined())
                continue;
            any = true;
            if (!list.isArray()) {
                addUnknown(context, QJsonObject{{key, list}}, QStringLiteral("Unknown %1: not an array").arg(key));
                continue;
            }
            const QJsonArray array = list.toArray();
            for (qsizetype i = 0; i < array.size(); ++i) {
                const QJsonValue element = array.at(i);
                if (!element.isObject())
                    addNotAnObject(context, key, i, element);
                else if (key == messages)
                    readMessage(context, element.toObject());
                else if (key == statuses)
                    readStatus(context, element.toObject());
                else
                    readError(context, element.toObject());
            }
        }
        if (!any) {
            addUnknown(context, value,
                       family == ApiFamily::Cloud
                           ? QStringLiteral("Unknown value without messages, statuses or errors")
                           : QStringLiteral("Unknown body without messages, statuses or errors"));
        }
    }

    void readMessage(const ValueContext& context, const QJsonObject& message)
    {
        WebhookEvent event = makeEvent(context, Kind::Unknown, message);
        event.id = textOf(message.value(QLatin1String("id")));
        event.contact = textOf(message.value(QLatin1String("from")));
        event.contactName = context.names.value(event.contact);
        event.timestamp = timestampOf(message.value(QLatin1String("timestamp")));
        const QJsonObject messageContext = message.value(QLatin1String("context")).toObject();
        event.contextId = textOf(messageContext.value(QLatin1String("id")));
        event.contextFrom = textOf(messageContext.value(QLatin1String("from")));

        const QString type = message.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text")) {
            event.kind = Kind::Text;
            const QJsonValue text = message.value(QLatin1String("text"));
            event.fields.insert(QStringLiteral("text"), text);
            event.summary = QStringLiteral("Text: ") + oneLine(text.toObject().value(QLatin1String("body")).toString());
        } else if (type == QLatin1String("interactive")) {
            readInteractive(event, message.value(QLatin1String("interactive")).toObject());
        } else if (type == QLatin1String("location")) {
            readLocation(event, message.value(QLatin1String("location")).toObject());
        } else if (type == QLatin1String("button")) {
            event.kind = Kind::Button;
            const QJsonObject button = message.value(QLatin1String("button")).toObject();
            event.fields.insert(QStringLiteral("button"), button);
            event.summary = withSubject(QStringLiteral("Template button"),
                                        titleAndId(button.value(QLatin1String("text")).toString(),
                                                   textOf(button.value(QLatin1String("payload")))));
        } else if (type == QLatin1String("image") || type == QLatin1String("video") || type == QLatin1String("audio") ||
                   type == QLatin1String("document") || type == QLatin1String("sticker") ||
                   type == QLatin1String("voice")) {
            readMedia(event, type, message.value(type).toObject());
        } else {
            event.summary = type.isEmpty() ? QStringLiteral("Unknown message without a type")
                                           : QStringLiteral("Unknown message type \"%1\"").arg(oneLine(type));
        }
        // A message WhatsApp could not pass on (type "unsupported": a poll, a view-once photo…)
        // says why in its errors; they are shown as a failed status's are.
        const QJsonArray errors = message.value(QLatin1String("errors")).toArray();
        if (!errors.isEmpty()) {
            event.fields.insert(QStringLiteral("errors"), errors);
            event.summary += QStringLiteral(": ") + errorsText(errors);
        }
        m_out->append(std::move(event));
    }

    static void readInteractive(WebhookEvent& event, const QJsonObject& interactive)
    {
        const QString type = interactive.value(QLatin1String("type")).toString();
        const QJsonObject reply = interactive.value(type).toObject();
        const QString title = reply.value(QLatin1String("title")).toString();
        const QString id = textOf(reply.value(QLatin1String("id")));
        if (type == QLatin1String("button_reply")) {
            event.kind = Kind::ButtonReply;
            event.fields.insert(type, reply);
            event.summary = withSubject(QStringLiteral("Tapped"), titleAndId(title, id));
        } else if (type == QLatin1String("list_reply")) {
            event.kind = Kind::ListReply;
            event.fields.insert(type, reply);
            event.summary = withSubject(QStringLiteral("Chose"), titleAndId(title, id));
        } else if (type == QLatin1String("nfm_reply")) {
            readNfmReply(event, reply);
        } else {
            event.summary = type.isEmpty() ? QStringLiteral("Unknown interactive message without a type")
                                           : QStringLiteral("Unknown interactive type \"%1\"").arg(oneLine(type));
        }
    }

    // A Flow's answer: response_json is JSON inside a string; decoded into `response` when it parses.
    static void readNfmReply(WebhookEvent& event, QJsonObject reply)
    {
        event.kind = Kind::NfmReply;
        QString detail;
        const QJsonValue responseJson = reply.value(QLatin1String("response_json"));
        if (responseJson.isString()) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(responseJson.toString().toUtf8(), &parseError);
            if (parseError.error == QJsonParseError::NoError && document.isObject()) {
                const QJsonObject response = document.object();
                reply.insert(QStringLiteral("response"), response);
                detail = response.keys().join(QStringLiteral(", "));
            } else if (parseError.error == QJsonParseError::NoError && document.isArray()) {
                reply.insert(QStringLiteral("response"), document.array());
                detail = QStringLiteral("an array");
            } else {
                const QString why = parseError.error == QJsonParseError::NoError ? QStringLiteral("not an object")
                                                                                 : parseError.errorString();
                reply.insert(QStringLiteral("response_error"), QStringLiteral("response_json is not a JSON object "
                                                                              "(%1 at offset %2)")
                                                                   .arg(why)
                                                                   .arg(parseError.offset));
                detail = QStringLiteral("response_json is not JSON");
            }
        }
        event.fields.insert(QStringLiteral("nfm_reply"), reply);
        const QString name = reply.value(QLatin1String("name")).toString();
        const QString body = reply.value(QLatin1String("body")).toString();
        QString summary = withSubject(QStringLiteral("Flow reply"), titleAndId(body, name));
        if (!detail.isEmpty())
            summary += QStringLiteral(": ") + detail;
        event.summary = summary;
    }

    static void readLocation(WebhookEvent& event, QJsonObject location)
    {
        event.kind = Kind::Location;
        const QJsonValue latitude = location.value(QLatin1String("latitude"));
        const QJsonValue longitude = location.value(QLatin1String("longitude"));
        QString summary = QStringLiteral("Location");
        if (latitude.isDouble() && longitude.isDouble()) {
            const QString lat = exactCoordinate(latitude.toDouble());
            const QString lon = exactCoordinate(longitude.toDouble());
            location.insert(QStringLiteral("map_url"), QStringLiteral("https://www.openstreetmap.org/?mlat=%1&mlon=%2"
                                                                      "#map=17/%1/%2")
                                                           .arg(lat, lon));
            summary += QLatin1Char(' ') + shortCoordinate(latitude.toDouble()) + QStringLiteral(", ") +
                       shortCoordinate(longitude.toDouble());
        } else {
            summary += QStringLiteral(" without coordinates");
        }
        const QString name = location.value(QLatin1String("name")).toString();
        const QString address = location.value(QLatin1String("address")).toString();
        if (!name.isEmpty())
            summary += QLatin1Char(' ') + quoted(name);
        if (!address.isEmpty())
            summary += QStringLiteral(" (") + oneLine(address) + QLatin1Char(')');
        event.fields.insert(QStringLiteral("location"), location);
        event.summary = summary;
    }

    static void readMedia(WebhookEvent& event, const QString& type, QJsonObject media)
    {
        event.kind = Kind::Media;
        media.insert(QStringLiteral("type"), type);
        event.fields.insert(QStringLiteral("media"), media);
        QString label = media.value(QLatin1String("caption")).toString();
        if (label.isEmpty())
            label = media.value(QLatin1String("filename")).toString();
        QString summary = capitalized(type);
        if (!label.isEmpty())
            summary += QLatin1Char(' ') + quoted(label);
        const QString mimeType = media.value(QLatin1String("mime_type")).toString();
        if (!mimeType.isEmpty())
            summary += QStringLiteral(" (") + oneLine(mimeType) + QLatin1Char(')');
        event.summary = summary;
    }

    void readStatus(const ValueContext& context, const QJsonObject& status)
    {
        WebhookEvent event = makeEvent(context, Kind::Status, status);
        event.id = textOf(status.value(QLatin1String("id")));
        event.contact = textOf(status.value(QLatin1String("recipient_id")));
        event.contactName = context.names.value(event.contact);
        event.timestamp = timestampOf(status.value(QLatin1String("timestamp")));
        const QString state = status.value(QLatin1String("status")).toString();
        event.fields.insert(QStringLiteral("status"), state);
        for (const QLatin1String key :
             {QLatin1String("errors"), QLatin1String("conversation"), QLatin1String("pricing")}) {
            const QJsonValue value = status.value(key);
            if (!value.isUndefined())
                event.fields.insert(key, value);
        }
        const QJsonArray errors = status.value(QLatin1String("errors")).toArray();
        if (state == QLatin1String("failed") && !errors.isEmpty())
            event.summary = QStringLiteral("Failed: ") + errorsText(errors);
        else if (state.isEmpty())
            event.summary = QStringLiteral("Status without a value of ") + event.id;
        else
            event.summary = QStringLiteral("Status %1 of %2").arg(oneLine(state), event.id);
        m_out->append(std::move(event));
    }

    void readError(const ValueContext& context, const QJsonObject& error)
    {
        WebhookEvent event = makeEvent(context, Kind::Error, error);
        event.fields.insert(QStringLiteral("errors"), QJsonArray{error});
        event.summary = QStringLiteral("Error: ") + errorText(error);
        m_out->append(std::move(event));
    }

    QList<WebhookEvent>* m_out;
};

} // namespace

QList<WebhookEvent> WebhookEventParser::fromJson(const QJsonObject& root)
{
    QList<WebhookEvent> events;
    Reader reader(&events);
    reader.readRoot(root);
    return events;
}

WebhookParseResult WebhookEventParser::parse(const QByteArray& body)
{
    WebhookParseResult result;
    qsizetype start = 0;
    while (start < body.size() && std::isspace(static_cast<unsigned char>(body.at(start))))
        ++start;
    if (start == body.size()) {
        result.error = QStringLiteral("The body is empty; a webhook body is a JSON object.");
        return result;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const char first = body.at(start);
        if (first != '{' && first != '[') {
            MessageCodec::lineAndColumn(body, start, &result.line, &result.column);
            result.error = QStringLiteral("Not a JSON object at line %1, column %2: a webhook body starts with '{'.")
                               .arg(result.line)
                               .arg(result.column);
            return result;
        }
        // Qt's offset names the offending character for a bad number and for garbage after the
        // document, and stands one past it for every other error: point at the character itself.
        const bool exact =
            parseError.error == QJsonParseError::IllegalNumber || parseError.error == QJsonParseError::GarbageAtEnd;
        const qsizetype at = exact ? parseError.offset : qMax<qsizetype>(0, parseError.offset - 1);
        MessageCodec::lineAndColumn(body, at, &result.line, &result.column);
        result.error = QStringLiteral("Not valid JSON at line %1, column %2: %3.")
                           .arg(result.line)
                           .arg(result.column)
                           .arg(parseError.errorString());
        return result;
    }
    if (!document.isObject()) {
        MessageCodec::lineAndColumn(body, start, &result.line, &result.column);
        result.error = QStringLiteral("The body is a JSON %1 at line %2, column %3; a webhook body is a JSON object.")
                           .arg(document.isArray() ? QStringLiteral("array") : QStringLiteral("value"))
                           .arg(result.line)
                           .arg(result.column);
        return result;
    }
    result.events = fromJson(document.object());
    return result;
}

} // namespace wa
