#pragma once

#include <QList>
#include <QString>

#include "WebhookEvent.h"

namespace wa {

// What the console shows of the event store. Every part left empty lets everything through.
struct EventFilter
{
    QList<WebhookEvent::Kind> kinds; // any of these kinds; empty: every kind
    QString contact;                 // exactly this wa_id; empty: every contact
    // Words separated by white space; each must occur, case-insensitively, somewhere in the
    // event's summary, contact, contact name, or a value of its fields or payload (keys do not
    // count). Substrings match: "liver" finds "deliver", and CJK text needs no spaces.
    QString text;

    bool isEmpty() const { return kinds.isEmpty() && contact.isEmpty() && text.trimmed().isEmpty(); }
    bool operator==(const EventFilter& other) const
    {
        return kinds == other.kinds && contact == other.contact && text == other.text;
    }
};

} // namespace wa
