#pragma once

#include <QtGlobal>

#include "WebhookEvent.h"

namespace wa {

// An event as the event store returns it: the event and where it sits in the store.
struct StoredEvent
{
    qint64 rowId = 0;      // events.id: grows with every event stored, newest last
    qint64 requestId = 0;  // the request that brought it (EventStore::request())
    qint64 receivedAt = 0; // ms since the epoch (UTC), when the request came
    WebhookEvent event;
};

} // namespace wa
