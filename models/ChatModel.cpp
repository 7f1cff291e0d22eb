#include "ChatModel.h"

#include <QJsonValue>

#include "SandboxServer.h"
#include "WebhookDeliverer.h"

namespace wa {

namespace {

constexpr qsizetype kMaxTextChars = 300; // of the one-line text; the views elide it further

// Newlines and runs of white space as one space, cut to kMaxTextChars.
QString oneLine(const QString& text)
{
    QString line = text.simplified();
    if (line.size() > kMaxTextChars) {
        line.truncate(kMaxTextChars - 1);
        if (line.back().isHighSurrogate()) // never half a character
            line.chop(1);
        line += QChar(0x2026);
    }
    return line;
}

QString quoted(const QString& text)
{
    return QChar(0x201C) + text + QChar(0x201D);
}

QString stringAt(const QJsonObject& object, const char* first, const char* second = nullptr)
{
    const QJsonValue value = object.value(QLatin1String(first));
    if (!second)
        return value.toString();
    return value.toObject().value(QLatin1String(second)).toString();
}

QString capitalised(QString word)
{
    if (!word.isEmpty())
        word[0] = word.at(0).toUpper();
    return word;
}

// "📍 Location: Ferry Building", or the coordinates when the place has no name.
QString locationText(const QJsonObject& location)
{
    QString place = location.value(QLatin1String("name")).toString();
    if (place.isEmpty())
        place = location.value(QLatin1String("address")).toString();
    if (place.isEmpty())
        place = QString::number(location.value(QLatin1String("latitude")).toDouble(), 'g', 10) + QStringLiteral(", ") +
                QString::number(location.value(QLatin1String("longitude")).toDouble(), 'g', 10);
    return QStringLiteral("📍 Location: ") + place;
}

// "image", "video", … with a caption or file name: "Image: caption".
QString mediaText(const QString& type, const QJsonObject& media)
{
    QString detail = media.value(QLatin1String("caption")).toString();
    if (detail.isEmpty())
        detail = media.value(QLatin1String("filename")).toString();
    return detail.isEmpty() ? capitalised(type) : capitalised(type) + QStringLiteral(": ") + detail;
}

int statusRank(ChatEntry::Status status)
{
    return static_cast<int>(status);
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0) + QStringLiteral(" s");
}

} // namespace

QString ChatEntry::statusName() const
{
    switch (status) {
    case Status::None:
        break;
    case Status::Sent:
        return QStringLiteral("sent");
    case Status::Delivered:
        return QStringLiteral("delivered");
    case Status::Read:
        return QStringLiteral("read");
    case Status::Failed:
        return QStringLiteral("failed");
    }
    return QString();
}

QString ChatEntry::webhookText() const
{
    switch (webhook) {
    case Webhook::None:
        break;
    case Webhook::Delivering:
        return QStringLiteral("delivering");
    case Webhook::Delivered:
        return QStringLiteral("delivered HTTP %1 in %2 ms").arg(httpStatus).arg(latencyMs);
    case Webhook::Retrying:
        return QStringLiteral("retrying (attempt %1, next in %2): %3")
            .arg(attempts)
            .arg(seconds(retryInMs), webhookError);
    case Webhook::GaveUp:
        return QStringLiteral("gave up: %1 (%2 %3)")
            .arg(webhookError)
            .arg(attempts)
            .arg(attempts == 1 ? QStringLiteral("attempt") : QStringLiteral("attempts"));
    }
    return QString();
}

bool ChatEntry::isActive() const
{
    if (direction != Direction::FromBusiness)
        return false;
    if (message && message->interactive && message->interactive->kind() == InteractiveType::Button)
        return !answered;
    return true;
}

QString ChatEntry::messageType() const
{
    const QString type = payload.value(QLatin1String("type")).toString();
    if (type == QLatin1String("interactive"))
        return payload.value(QLatin1String("interactive")).toObject().value(QLatin1String("type")).toString();
    return type;
}

ChatModel::ChatModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int ChatModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    const auto it = m_conversations.constFind(m_customer);
    return it == m_conversations.constEnd() ? 0 : static_cast<int>(it->size());
}

QVariant ChatModel::data(const QModelIndex& index, int role) const
{
    const ChatEntry* e = index.isValid() ? entryAt(index.row()) : nullptr;
    if (!e || index.column() != 0)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return e->text;
    case Qt::ToolTipRole:
        return e->direction == ChatEntry::Direction::FromBusiness ? e->statusError : e->webhookText();
    case EntryIdRole:
        return e->id;
    case DirectionRole:
        return static_cast<int>(e->direction);
    case CustomerRole:
        return e->waId;
    case TimeRole:
        return e->time;
    case FamilyRole:
        return static_cast<int>(e->family);
    case PayloadRole:
        return e->payload;
    case MessageRole:
        return e->message ? QVariant::fromValue(*e->message) : QVariant();
    case MessageTypeRole:
        return e->messageType();
    case ContextIdRole:
        return e->contextId;
    case StatusRole:
        return e->statusName();
    case StatusErrorRole:
        return e->statusError;
    case WebhookStateRole:
        return static_cast<int>(e->webhook);
    case WebhookTextRole:
        return e->webhookText();
    case DeliveryIdRole:
        return e->deliveryId;
    case AttemptsRole:
        return e->attempts;
    case HttpStatusRole:
        return e->httpStatus;
    case LatencyRole:
        return e->latencyMs;
    case AnsweredRole:
        return e->answered;
    case ActiveRole:
        return e->isActive();
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> ChatModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(EntryIdRole, "entryId");
    names.insert(DirectionRole, "direction");
    names.insert(CustomerRole, "customer");
    names.insert(TimeRole, "time");
    names.insert(FamilyRole, "family");
    names.insert(PayloadRole, "payload");
    names.insert(MessageRole, "message");
    names.insert(MessageTypeRole, "messageType");
    names.insert(TextRole, "text");
    names.insert(ContextIdRole, "contextId");
    names.insert(StatusRole, "status");
    names.insert(StatusErrorRole, "statusError");
    names.insert(WebhookStateRole, "webhookState");
    names.insert(WebhookTextRole, "webhookText");
    names.insert(DeliveryIdRole, "deliveryId");
    names.insert(AttemptsRole, "attempts");
    names.insert(HttpStatusRole, "httpStatus");
    names.insert(LatencyRole, "latency");
    names.insert(AnsweredRole, "answered");
    names.insert(ActiveRole, "active");
    return names;
}

void ChatModel::setCustomer(const QString& waId)
{
    const QString digits = digitsOf(waId);
    if (digits == m_customer)
        return;
    beginResetModel();
    m_customer = digits;
    endResetModel();
}

bool ChatModel::appendBusinessMessage(const SandboxMessage& message)
{
    ChatEntry e;
    e.id = message.id;
    e.direction = ChatEntry::Direction::FromBusiness;
    e.waId = digitsOf(message.waId);
    e.time = message.time.isValid() ? message.time.toUTC() : QDateTime::currentDateTimeUtc();
    e.family = message.family;
    e.payload = message.payload;
    e.message = message.message;
    e.text = businessText(message.payload);
    e.contextId = stringAt(message.payload, "context", "message_id");
    return insert(std::move(e));
}

bool ChatModel::appendCustomerMessage(const QString& waId, const QJsonObject& message, ApiFamily family,
                                      quint64 deliveryId)
{
    ChatEntry e;
    e.id = message.value(QLatin1String("id")).toString();
    e.direction = ChatEntry::Direction::FromCustomer;
    e.waId = digitsOf(waId);
    bool ok = false;
    const qint64 seconds = message.value(QLatin1String("timestamp")).toString().toLongLong(&ok);
    e.time = ok ? QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC) : QDateTime::currentDateTimeUtc();
    e.family = family;
    e.payload = message;
    e.text = customerText(message);
    e.contextId = stringAt(message, "context", "id");
    e.deliveryId = deliveryId;
    e.webhook = deliveryId ? ChatEntry::Webhook::Delivering : ChatEntry::Webhook::None;
    const QString id = e.id;
    const QString contextId = e.contextId;
    if (!insert(std::move(e)))
        return false;
    if (deliveryId)
        m_entryOfDelivery.insert(deliveryId, id);

    if (ChatEntry* answered = contextId.isEmpty() ? nullptr : find(contextId)) {
        if (answered->direction == ChatEntry::Direction::FromBusiness && answered->message && !answered->answered) {
            answered->answered = true;
            answered->answeredBy = id;
            changed(*answered, {AnsweredRole, ActiveRole});
        }
    }
    return true;
}

bool ChatModel::setStatus(const QString& id, const QString& status, const QString& error)
{
    ChatEntry::Status value;
    if (status == QLatin1String("sent"))
        value = ChatEntry::Status::Sent;
    else if (status == QLatin1String("delivered"))
        value = ChatEntry::Status::Delivered;
    else if (status == QLatin1String("read"))
        value = ChatEntry::Status::Read;
    else if (status == QLatin1String("failed"))
        value = ChatEntry::Status::Failed;
    else
        return false;
    ChatEntry* e = find(id);
    if (!e || e->direction != ChatEntry::Direction::FromBusiness)
        return false;
    if (value != ChatEntry::Status::Failed &&
        (e->status == ChatEntry::Status::Failed || statusRank(value) <= statusRank(e->status)))
        return true; // known, and already there or further
    e->status = value;
    e->statusError = value == ChatEntry::Status::Failed ? error : QString();
    changed(*e, {StatusRole, StatusErrorRole, Qt::ToolTipRole});
    return true;
}

void ChatModel::noteAttempt(const WebhookDeliveryAttempt& attempt)
{
    const auto it = m_entryOfDelivery.constFind(attempt.deliveryId);
    ChatEntry* e = it == m_entryOfDelivery.constEnd() ? nullptr : find(*it);
    if (!e)
        return;
    e->attempts = attempt.attempt;
    e->httpStatus = attempt.httpStatus;
    e->latencyMs = attempt.elapsedMs;
    e->webhookError = attempt.error;
    if (!attempt.willRetry)
        return; // the last attempt: noteFinished() follows at once and tells
    e->webhook = ChatEntry::Webhook::Retrying;
    e->retryInMs = attempt.retryInMs;
    changed(*e, {WebhookStateRole, WebhookTextRole, AttemptsRole, HttpStatusRole, LatencyRole, Qt::ToolTipRole});
}

void ChatModel::noteFinished(const WebhookDeliveryResult& result)
{
    const auto it = m_entryOfDelivery.constFind(result.deliveryId);
    ChatEntry* e = it == m_entryOfDelivery.constEnd() ? nullptr : find(*it);
    m_entryOfDelivery.remove(result.deliveryId); // nothing more comes for it
    if (!e)
        return;
    e->webhook = result.delivered ? ChatEntry::Webhook::Delivered : ChatEntry::Webhook::GaveUp;
    e->attempts = result.attempts;
    e->httpStatus = result.httpStatus;
    e->webhookError = result.error;
    e->retryInMs = 0;
    changed(*e, {WebhookStateRole, WebhookTextRole, AttemptsRole, HttpStatusRole, LatencyRole, Qt::ToolTipRole});
}

std::optional<ChatEntry> ChatModel::entry(const QString& id) const
{
    if (const ChatEntry* e = const_cast<ChatModel*>(this)->find(id))
        return *e;
    return std::nullopt;
}

const ChatEntry* ChatModel::entryAt(int row) const
{
    const auto it = m_conversations.constFind(m_customer);
    if (it == m_conversations.constEnd() || row < 0 || row >= it->size())
        return nullptr;
    return &it->at(row);
}

int ChatModel::rowOf(const QString& id) const
{
    if (m_customerOf.value(id) != m_customer || m_customer.isEmpty())
        return -1;
    int index = -1;
    const_cast<ChatModel*>(this)->find(id, &index);
    return index;
}

QList<ChatEntry> ChatModel::conversation(const QString& waId) const
{
    return m_conversations.value(digitsOf(waId));
}

void ChatModel::clear()
{
    beginResetModel();
    m_conversations.clear();
    m_customerOf.clear();
    m_entryOfDelivery.clear();
    endResetModel();
}

QString ChatModel::businessText(const QJsonObject& payload)
{
    const QString type = payload.value(QLatin1String("type")).toString();
    if (type == QLatin1String("text"))
        return oneLine(stringAt(payload, "text", "body"));
    if (type == QLatin1String("interactive")) {
        const QJsonObject interactive = payload.value(QLatin1String("interactive")).toObject();
        QString text = stringAt(interactive, "body", "text");
        if (text.isEmpty())
            text = stringAt(interactive, "header", "text");
        if (text.isEmpty())
            text = capitalised(interactive.value(QLatin1String("type")).toString()) + QStringLiteral(" message");
        return oneLine(text);
    }
    if (type == QLatin1String("template")) {
        const QJsonObject templ = payload.value(QLatin1String("template")).toObject();
        return oneLine(QStringLiteral("Template ") + quoted(templ.value(QLatin1String("name")).toString()));
    }
    if (type == QLatin1String("location"))
        return oneLine(locationText(payload.value(QLatin1String("location")).toObject()));
    if (type == QLatin1String("reaction"))
        return oneLine(QStringLiteral("Reacted ") + stringAt(payload, "reaction", "emoji"));
    if (!type.isEmpty() && payload.value(type).isObject())
        return oneLine(mediaText(type, payload.value(type).toObject()));
    return type.isEmpty() ? QStringLiteral("Message") : capitalised(type) + QStringLiteral(" message");
}

QString ChatModel::customerText(const QJsonObject& message)
{
    const QString type = message.value(QLatin1String("type")).toString();
    if (type == QLatin1String("text"))
        return oneLine(stringAt(message, "text", "body"));
    if (type == QLatin1String("interactive")) {
        const QJsonObject interactive = message.value(QLatin1String("interactive")).toObject();
        const QString kind = interactive.value(QLatin1String("type")).toString();
        if (kind == QLatin1String("button_reply"))
            return oneLine(QStringLiteral("Tapped ") + quoted(stringAt(interactive, "button_reply", "title")));
        if (kind == QLatin1String("list_reply"))
            return oneLine(QStringLiteral("Picked ") + quoted(stringAt(interactive, "list_reply", "title")));
        if (kind == QLatin1String("nfm_reply"))
            return QStringLiteral("Flow response sent");
        return capitalised(kind) + QStringLiteral(" reply");
    }
    if (type == QLatin1String("location"))
        return oneLine(locationText(message.value(QLatin1String("location")).toObject()));
    if (type == QLatin1String("button")) // a template's quick reply
        return oneLine(QStringLiteral("Tapped ") + quoted(stringAt(message, "button", "text")));
    if (!type.isEmpty() && message.value(type).isObject())
        return oneLine(mediaText(type, message.value(type).toObject()));
    return type.isEmpty() ? QStringLiteral("Message") : capitalised(type) + QStringLiteral(" message");
}

ChatEntry* ChatModel::find(const QString& id, int* index)
{
    const auto owner = m_customerOf.constFind(id);
    if (owner == m_customerOf.constEnd())
        return nullptr;
    QList<ChatEntry>& entries = m_conversations[*owner];
    // Updates are mostly about recent messages: search from the end.
    for (qsizetype i = entries.size() - 1; i >= 0; --i) {
        if (entries.at(i).id == id) {
            if (index)
                *index = static_cast<int>(i);
            return &entries[i];
        }
    }
    return nullptr;
}

bool ChatModel::insert(ChatEntry entry)
{
    if (entry.id.isEmpty() || entry.waId.isEmpty() || m_customerOf.contains(entry.id))
        return false;
    const QString waId = entry.waId;
    const bool shown = waId == m_customer;
    QList<ChatEntry>& entries = m_conversations[waId];
    // In the order things happened here, which is time order: sorting by the time stamps would
    // put a tap (whole seconds in the webhook) before the message it answers, in the same second.
    const qsizetype at = entries.size();
    m_customerOf.insert(entry.id, waId);
    if (shown)
        beginInsertRows({}, static_cast<int>(at), static_cast<int>(at));
    entries.insert(at, std::move(entry));
    if (shown)
        endInsertRows();
    if (entries.size() > kMaxEntriesPerCustomer) {
        const qsizetype drop = entries.size() - kMaxEntriesPerCustomer;
        if (shown)
            beginRemoveRows({}, 0, static_cast<int>(drop - 1));
        for (qsizetype i = 0; i < drop; ++i) {
            m_customerOf.remove(entries.at(i).id);
            if (entries.at(i).deliveryId)
                m_entryOfDelivery.remove(entries.at(i).deliveryId);
        }
        entries.remove(0, drop);
        if (shown)
            endRemoveRows();
    }
    return true;
}

void ChatModel::changed(const ChatEntry& entry, const QList<int>& roles)
{
    if (entry.waId != m_customer)
        return;
    const int row = rowOf(entry.id);
    if (row < 0)
        return;
    const QModelIndex at = index(row);
    emit dataChanged(at, at, roles);
}

} // namespace wa
