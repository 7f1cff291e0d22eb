#include "CustomerServiceWindow.h"

#include <algorithm>

#include "EventStore.h"

namespace wa {

namespace {

const WebhookEvent::Kind kInbound[] = {WebhookEvent::Kind::Text,      WebhookEvent::Kind::ButtonReply,
                                       WebhookEvent::Kind::ListReply, WebhookEvent::Kind::NfmReply,
                                       WebhookEvent::Kind::Location,  WebhookEvent::Kind::Button,
                                       WebhookEvent::Kind::Media};

} // namespace

QString CustomerServiceWindow::describe(const QDateTime& now) const
{
    if (!known)
        return QStringLiteral("No message from this contact yet: outside the 24-hour window an interactive message "
                              "is answered 131047 (send a template first).");
    if (isOpen(now)) {
        const qint64 left = secondsLeft(now);
        return QStringLiteral("24-hour window open: %1:%2:%3 left")
            .arg(left / 3600, 2, 10, QLatin1Char('0'))
            .arg((left / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(left % 60, 2, 10, QLatin1Char('0'));
    }
    const qint64 ago = closesAt.secsTo(now);
    const QString when = ago < 60          ? QStringLiteral("less than a minute")
                         : ago < 3600      ? QStringLiteral("%1 min").arg(ago / 60)
                         : ago < 48 * 3600 ? QStringLiteral("%1 h").arg(ago / 3600)
                                           : QStringLiteral("%1 days").arg(ago / (24 * 3600));
    return QStringLiteral("24-hour window closed %1 ago: WhatsApp will answer an interactive message with 131047 "
                          "(send a template, or wait for the customer to write).")
        .arg(when);
}

bool CustomerServiceWindow::opens(const WebhookEvent& event, const QString& contact)
{
    const QString digits = digitsOf(contact);
    return !digits.isEmpty() && std::find(std::begin(kInbound), std::end(kInbound), event.kind) != std::end(kInbound) &&
           digitsOf(event.contact) == digits;
}

bool CustomerServiceWindow::takeIn(const WebhookEvent& event, const QString& contact, const QDateTime& receivedAt)
{
    if (!opens(event, contact))
        return false;
    const QDateTime at = event.timestamp.isValid() ? event.timestamp : receivedAt;
    if (known && at <= lastInbound)
        return false; // a retry, or one that came late: the window was already later
    known = true;
    lastInbound = at.toUTC();
    closesAt = lastInbound.addSecs(kLengthSeconds);
    return true;
}

CustomerServiceWindow CustomerServiceWindow::of(EventStore& store, const QString& contact)
{
    CustomerServiceWindow window;
    const QString digits = digitsOf(contact);
    if (digits.isEmpty())
        return window;
    EventFilter filter;
    filter.kinds = QList<WebhookEvent::Kind>(std::begin(kInbound), std::end(kInbound));
    filter.contact = digits;
    const int count = store.count(filter);
    if (count == 0)
        return window;
    // Events come by row id, newest last; a retry carries the original time, so look at the
    // newest few and take the latest timestamp.
    const int look = qMin(count, 8);
    for (const StoredEvent& stored : store.fetch(filter, count - look, look)) {
        const QDateTime at = stored.event.timestamp.isValid()
                                 ? stored.event.timestamp
                                 : QDateTime::fromMSecsSinceEpoch(stored.receivedAt, Qt::UTC);
        if (!window.known || at > window.lastInbound) {
            window.known = true;
            window.lastInbound = at;
        }
    }
    window.closesAt = window.lastInbound.addSecs(kLengthSeconds);
    return window;
}

} // namespace wa
