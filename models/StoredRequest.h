#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QtGlobal>

#include "WebhookEvent.h"

namespace wa {

// One HTTP request the webhook listener received, as the event store keeps it (table `requests`).
struct StoredRequest
{
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    qint64 id = 0;         // the row id; 0 until stored
    qint64 receivedAt = 0; // ms since the epoch (UTC)
    QByteArray method;
    QByteArray target;
    HeaderList headers; // in the order sent; stored as JSON text (Latin-1, so every byte comes back)
    QByteArray body;    // the raw bytes exactly as received
    WebhookEvent::Signature signature = WebhookEvent::Signature::Unsigned;
    int statusCode = 0; // what the server answers once the request is stored (200, or 400/401 for a refused one)
    QString remoteAddress;
};

} // namespace wa
