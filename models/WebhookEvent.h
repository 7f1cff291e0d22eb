#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "Message.h"

namespace wa {

// One thing a webhook delivered: an inbound message, a status of one of ours, an error, a
// verification, a rejected request, or a shape nobody knows (kept raw, never dropped). A batch
// (a Cloud API body with several changes, messages and statuses) gives one event each.
struct WebhookEvent
{
    enum class Kind {
        Text,
        ButtonReply,
        ListReply,
        NfmReply,
        Location,
        Button, // a template's quick-reply button
        Media,  // image, video, audio, document, sticker, and other media
        Status,
        Error,
        Verification,
        Rejected,
        Unknown,
    };
    enum class Signature { Valid, Invalid, Missing, Unsigned };

    Kind kind = Kind::Unknown;
    QString id;          // the message's or status's id (wamid…); empty for errors and others
    QString contact;     // the customer's wa_id (a message's `from`, a status's `recipient_id`)
    QString contactName; // profile name, when the body names it
    QString phoneNumberId;
    QString displayPhoneNumber;
    QDateTime timestamp; // from the payload (UTC); invalid when it has none
    QString contextId;   // the id of our message this one answers (context.id)
    QString contextFrom;
    ApiFamily family = ApiFamily::Cloud;
    Signature signature = Signature::Unsigned;
    bool duplicate = false; // the same id was seen before (Meta retries)

    // The parsed fields of the kind, named as `listen --json` prints them: "text": {"body"},
    // "button_reply": {"id","title"}, "list_reply": {"id","title","description"},
    // "nfm_reply": {"name","body","response_json","response"}, "location": {…},
    // "button": {"payload","text"}, "media": {"type","id","mime_type","caption",…},
    // "status": "read", "errors": […], "conversation", "pricing", "verification": {…}.
    QJsonObject fields;
    QJsonObject payload; // the message, status or error object as it came
    QString summary;     // one line for people: "Tapped “Yes, deliver” (deliver-home)"

    // One JSON Lines record: kind, id, contact, name, timestamp, context, signature, duplicate
    // and the fields of the kind.
    QJsonObject toJson() const;

    static QString kindName(Kind kind);
    static Kind kindFromName(QStringView name); // Unknown for an unknown name
    static QString signatureName(Signature signature);
};

} // namespace wa
