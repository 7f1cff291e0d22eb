#pragma once

#include <QDateTime>
#include <QString>

#include "WebhookEvent.h"

namespace wa {

class EventStore;

// The 24-hour customer service window of one contact (the reference sheet's section 6): opened or
// refreshed by each message the customer sends; inside it any message may be sent, outside it only
// templates — an interactive message is answered 131047.
struct CustomerServiceWindow
{
    static constexpr qint64 kLengthSeconds = 24 * 60 * 60;

    bool known = false;    // the store has an inbound message of this contact
    QDateTime lastInbound; // when the customer last wrote (UTC)
    QDateTime closesAt;

    bool isOpen(const QDateTime& now) const { return known && now < closesAt; }
    qint64 secondsLeft(const QDateTime& now) const { return known ? qMax<qint64>(0, now.secsTo(closesAt)) : 0; }
    // "Open: 23:12:05 left" / "Closed 3 h ago: …131047…" / "No message from … yet: …"
    QString describe(const QDateTime& now) const;

    // From the events stored so far: the newest inbound message of `contact` (wa_id; digits only
    // are compared, so "+1 650-555-1234" finds "16505551234").
    static CustomerServiceWindow of(EventStore& store, const QString& contact);
    // Whether this event (re)opens the window of `contact`: a message the customer sent (not a
    // status, an error or one of ours). Lets a view recompute the window only when it can change,
    // not on every stored event.
    static bool opens(const WebhookEvent& event, const QString& contact);
    // Brings a window computed with of() up to date with an event stored since, without asking the
    // store again: a message `contact` sent moves the last inbound time to the event's timestamp
    // (receivedAt when it has none) if that is later, as of() would. True when the window changed.
    bool takeIn(const WebhookEvent& event, const QString& contact, const QDateTime& receivedAt);
};

} // namespace wa
