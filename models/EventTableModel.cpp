#include "EventTableModel.h"

#include <QDateTime>
#include <QJsonDocument>

#include "EventStore.h"

namespace wa {

EventTableModel::EventTableModel(EventStore* store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_refresh(new QTimer(this))
{
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(kRefreshIntervalMs);
    connect(m_refresh, &QTimer::timeout, this, &EventTableModel::refreshAdded);
    connect(store, &EventStore::eventsAdded, this, &EventTableModel::eventsAdded);
    connect(store, &EventStore::cleared, this, &EventTableModel::reload);
    reload();
}

int EventTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_count;
}

int EventTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const StoredEvent* EventTableModel::eventAt(int row) const
{
    if (row < 0 || row >= m_count || !m_store)
        return nullptr;
    const int page = row / kPageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end()) {
        if (m_pages.size() > 64) // keep memory bounded while scrolling through 100,000 rows
            m_pages.clear();
        it = m_pages.insert(page, m_store->fetch(m_filter, page * kPageSize, kPageSize));
    }
    const int offset = row % kPageSize;
    return offset < it->size() ? &it->at(offset) : nullptr;
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StoredEvent* stored = eventAt(index.row());
    if (!stored)
        return {};
    const WebhookEvent& e = stored->event;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(stored->receivedAt).toString(QStringLiteral("HH:mm:ss.zzz"));
        case ContactColumn:
            return e.contactName.isEmpty() ? e.contact : QStringLiteral("%1 (%2)").arg(e.contactName, e.contact);
        case KindColumn:
            return WebhookEvent::kindName(e.kind) + (e.duplicate ? QStringLiteral(" (duplicate)") : QString());
        case SummaryColumn:
            return e.summary;
        case SignatureColumn:
            return WebhookEvent::signatureName(e.signature);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == TimeColumn
                   ? QDateTime::fromMSecsSinceEpoch(stored->receivedAt).toString(Qt::ISODateWithMs)
                   : e.summary;
    case RowIdRole:
        return stored->rowId;
    case RequestIdRole:
        return stored->requestId;
    case KindRole:
        return static_cast<int>(e.kind);
    case DuplicateRole:
        return e.duplicate;
    case EventJsonRole:
        return QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ContactColumn:
        return tr("Contact");
    case KindColumn:
        return tr("Kind");
    case SummaryColumn:
        return tr("Summary");
    case SignatureColumn:
        return tr("Signature");
    default:
        return {};
    }
}

void EventTableModel::setFilter(const EventFilter& filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    reload();
}

void EventTableModel::reload()
{
    m_refresh->stop(); // the count is read afresh
    beginResetModel();
    m_pages.clear();
    m_count = m_store ? m_store->count(m_filter) : 0;
    endResetModel();
}

void EventTableModel::eventsAdded()
{
    if (!m_refresh->isActive())
        m_refresh->start();
}

void EventTableModel::refreshAdded()
{
    m_refresh->stop();
    if (!m_store)
        return;
    const int count = m_store->count(m_filter);
    if (count < m_count) { // something was removed meanwhile
        reload();
        return;
    }
    if (count == m_count)
        return;
    // New rows come last (ordered by row id); the last page may have grown.
    m_pages.remove(m_count / kPageSize);
    beginInsertRows({}, m_count, count - 1);
    m_count = count;
    endInsertRows();
}

} // namespace wa
