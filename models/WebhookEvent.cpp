#include "WebhookEvent.h"

#include <QJsonValue>

#include "MessageCodec.h"

namespace wa {

namespace {

struct KindEntry
{
    WebhookEvent::Kind kind;
    QLatin1String name;
};

const KindEntry kKinds[] = {
    {WebhookEvent::Kind::Text, QLatin1String("text")},
    {WebhookEvent::Kind::ButtonReply, QLatin1String("button_reply")},
    {WebhookEvent::Kind::ListReply, QLatin1String("list_reply")},
    {WebhookEvent::Kind::NfmReply, QLatin1String("nfm_reply")},
    {WebhookEvent::Kind::Location, QLatin1String("location")},
    {WebhookEvent::Kind::Button, QLatin1String("button")},
    {WebhookEvent::Kind::Media, QLatin1String("media")},
    {WebhookEvent::Kind::Status, QLatin1String("status")},
    {WebhookEvent::Kind::Error, QLatin1String("error")},
    {WebhookEvent::Kind::Verification, QLatin1String("verification")},
    {WebhookEvent::Kind::Rejected, QLatin1String("rejected")},
    {WebhookEvent::Kind::Unknown, QLatin1String("unknown")},
};

} // namespace

QString WebhookEvent::kindName(Kind kind)
{
    for (const KindEntry& entry : kKinds) {
        if (entry.kind == kind)
            return entry.name;
    }
    return QStringLiteral("unknown");
}

WebhookEvent::Kind WebhookEvent::kindFromName(QStringView name)
{
    for (const KindEntry& entry : kKinds) {
        if (name == entry.name)
            return entry.kind;
    }
    return Kind::Unknown;
}

QString WebhookEvent::signatureName(Signature signature)
{
    switch (signature) {
    case Signature::Valid:
        return QStringLiteral("valid");
    case Signature::Invalid:
        return QStringLiteral("invalid");
    case Signature::Missing:
        return QStringLiteral("missing");
    case Signature::Unsigned:
        break;
    }
    return QStringLiteral("unsigned");
}

QJsonObject WebhookEvent::toJson() const
{
    // The fields of the kind first, so that a field can never replace one of the fixed keys below.
    QJsonObject record = fields;
    record.insert(QStringLiteral("kind"), kindName(kind));
    record.insert(QStringLiteral("id"), id);
    record.insert(QStringLiteral("contact"), contact);
    record.insert(QStringLiteral("name"), contactName);
    record.insert(QStringLiteral("phone_number_id"), phoneNumberId);
    record.insert(QStringLiteral("display_phone_number"), displayPhoneNumber);
    record.insert(QStringLiteral("timestamp"), timestamp.isValid() ? QJsonValue(timestamp.toUTC().toString(Qt::ISODate))
                                                                   : QJsonValue(QJsonValue::Null));
    if (!contextId.isEmpty() || !contextFrom.isEmpty()) {
        record.insert(QStringLiteral("context"),
                      QJsonObject{{QStringLiteral("id"), contextId}, {QStringLiteral("from"), contextFrom}});
    } else {
        record.remove(QStringLiteral("context"));
    }
    record.insert(QStringLiteral("signature"), signatureName(signature));
    record.insert(QStringLiteral("duplicate"), duplicate);
    record.insert(QStringLiteral("family"), familyName(family));
    record.insert(QStringLiteral("summary"), summary);
    // A shape nobody knows is only useful with what came.
    if (kind == Kind::Unknown)
        record.insert(QStringLiteral("payload"), payload);
    else
        record.remove(QStringLiteral("payload"));
    return record;
}

} // namespace wa
