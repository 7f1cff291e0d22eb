#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QTimer>

#include "EventFilter.h"
#include "StoredEvent.h"

namespace wa {

class EventStore;

// The console's live event table over the event store: time, contact, kind, summary, signature.
// Rows are fetched from SQLite a page at a time as the view asks for them, so 100,000 events cost
// only the pages on screen; new events are appended as the store commits them.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, ContactColumn, KindColumn, SummaryColumn, SignatureColumn, ColumnCount };
    enum Role {
        RowIdRole = Qt::UserRole + 1,
        RequestIdRole,
        KindRole,      // WebhookEvent::Kind as int
        DuplicateRole, // bool
        EventJsonRole, // the event's JSON Lines record
    };
    static constexpr int kPageSize = 256;
    // New events are shown at most this often: under load the store commits hundreds of batches a
    // second, and counting and repainting for each would keep the GUI thread (which answers the
    // listener's requests) busy. A person sees no difference at 10 updates a second.
    static constexpr int kRefreshIntervalMs = 100;

    explicit EventTableModel(EventStore* store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setFilter(const EventFilter& filter);
    const EventFilter& filter() const { return m_filter; }
    // The stored event of a row (fetching its page if needed); null when out of range.
    const StoredEvent* eventAt(int row) const;
    // Re-reads the count from the store (after clear, or to recover).
    void reload();

    // Shows the events added since the last refresh now (tests, and before a filter applies).
    void refreshAdded();

private:
    void eventsAdded();

    QPointer<EventStore> m_store;
    EventFilter m_filter;
    int m_count = 0;
    QTimer* m_refresh;
    mutable QHash<int, QList<StoredEvent>> m_pages; // page number → its rows
};

} // namespace wa
