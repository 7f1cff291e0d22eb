#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "WebhookEvent.h"

namespace wa {

struct WebhookParseResult
{
    QList<WebhookEvent> events;
    // Non-empty when the body is not JSON or not a JSON object: the caller answers 400 and keeps
    // the raw body. Names the line and column when known.
    QString error;
    int line = 0; // 1-based; 0 when not applicable (an empty body)
    int column = 0;

    bool ok() const { return error.isEmpty(); }
};

// Turns a webhook body into events, one per message, status and error, in payload order.
//
// Reads both forms: the Cloud API wrapper (`object`, `entry[].changes[].value`) and the
// On-Premises body (`contacts`, `messages`, `statuses`, `errors` at the top level). Anything it
// does not know (a message type, a change field, a whole shape) becomes an Unknown event that
// keeps the raw object: nothing that came is dropped, and a JSON object always gives at least one
// event. Signature and duplicate are the caller's to set.
class WebhookEventParser
{
public:
    static WebhookParseResult parse(const QByteArray& body);
    // The events of a body already read as JSON.
    static QList<WebhookEvent> fromJson(const QJsonObject& root);
};

} // namespace wa
