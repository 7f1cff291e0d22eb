#include "DeliveryLogModel.h"

#include "WebhookDeliverer.h"

namespace wa {

namespace {

QString seconds(int ms)
{
    return QString::number(ms / 1000.0) + QStringLiteral(" s");
}

} // namespace

QString DeliveryLogRow::stateText() const
{
    switch (state) {
    case State::Delivering:
        return QStringLiteral("delivering");
    case State::Delivered:
        return QStringLiteral("delivered");
    case State::Retrying:
        return QStringLiteral("retrying in %1").arg(seconds(retryInMs));
    case State::GaveUp:
        return QStringLiteral("gave up: %1").arg(error);
    case State::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QString();
}

DeliveryLogModel::DeliveryLogModel(WebhookDeliverer* deliverer, QObject* parent)
    : QAbstractTableModel(parent)
{
    setDeliverer(deliverer);
}

void DeliveryLogModel::setDeliverer(WebhookDeliverer* deliverer)
{
    if (m_deliverer)
        disconnect(m_deliverer, nullptr, this, nullptr);
    m_deliverer = deliverer;
    if (!deliverer)
        return;
    connect(deliverer, &WebhookDeliverer::attemptFinished, this, &DeliveryLogModel::noteAttempt);
    connect(deliverer, &WebhookDeliverer::deliveryFinished, this, &DeliveryLogModel::noteFinished);
}

int DeliveryLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int DeliveryLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeliveryLogModel::data(const QModelIndex& index, int role) const
{
    const DeliveryLogRow* r = index.isValid() ? rowAt(index.row()) : nullptr;
    if (!r)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return r->time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case KindColumn:
            return r->kind;
        case TargetColumn:
            return r->target.toString();
        case AttemptsColumn:
            return r->attempts;
        case HttpStatusColumn:
            return r->httpStatus ? QVariant(r->httpStatus) : QVariant(QString());
        case LatencyColumn:
            return r->attempts ? QVariant(QStringLiteral("%1 ms").arg(r->latencyMs)) : QVariant(QString());
        case StateColumn:
            return r->stateText();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == StateColumn && !r->error.isEmpty() ? QVariant(r->error) : QVariant();
    case DeliveryIdRole:
        return r->deliveryId;
    case KindRole:
        return r->kind;
    case TargetRole:
        return r->target;
    case StateRole:
        return static_cast<int>(r->state);
    case ErrorRole:
        return r->error;
    case RequestBodyRole:
        return r->requestBody;
    case ResponseBodyRole:
        return r->responseBody;
    case TimeRole:
        return r->time;
    default:
        break;
    }
    return {};
}

QVariant DeliveryLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case TargetColumn:
        return tr("Target");
    case AttemptsColumn:
        return tr("Attempts");
    case HttpStatusColumn:
        return tr("HTTP");
    case LatencyColumn:
        return tr("Latency");
    case StateColumn:
        return tr("State");
    default:
        break;
    }
    return {};
}

void DeliveryLogModel::noteQueued(quint64 deliveryId, const QString& kind, const QByteArray& body, const QUrl& target)
{
    if (deliveryId == 0)
        return;
    DeliveryLogRow* r = rowFor(deliveryId, target);
    r->kind = kind;
    r->requestBody = body;
    if (!target.isEmpty())
        r->target = target;
    changed(deliveryId);
}

void DeliveryLogModel::noteAttempt(const WebhookDeliveryAttempt& attempt)
{
    if (attempt.deliveryId == 0)
        return;
    DeliveryLogRow* r = rowFor(attempt.deliveryId, attempt.target);
    r->target = attempt.target;
    r->attempts = attempt.attempt;
    r->httpStatus = attempt.httpStatus;
    r->latencyMs = attempt.elapsedMs;
    r->error = attempt.error;
    if (!attempt.willRetry)
        return; // the last attempt: noteFinished() follows at once and tells
    r->state = DeliveryLogRow::State::Retrying;
    r->retryInMs = attempt.retryInMs;
    changed(attempt.deliveryId);
}

void DeliveryLogModel::noteFinished(const WebhookDeliveryResult& result)
{
    if (result.deliveryId == 0)
        return;
    DeliveryLogRow* r = rowFor(result.deliveryId, result.target);
    r->state = result.delivered   ? DeliveryLogRow::State::Delivered
               : result.cancelled ? DeliveryLogRow::State::Cancelled
                                  : DeliveryLogRow::State::GaveUp;
    r->attempts = result.attempts;
    r->httpStatus = result.httpStatus;
    r->error = result.error;
    r->retryInMs = 0;
    r->responseBody = result.responseBody;
    r->totalMs = result.totalMs;
    changed(result.deliveryId);
}

int DeliveryLogModel::rowOf(quint64 deliveryId) const
{
    const auto it = m_serialOf.constFind(deliveryId);
    if (it == m_serialOf.constEnd())
        return -1;
    return static_cast<int>(static_cast<qint64>(m_rows.size()) - 1 - (*it - m_firstSerial));
}

const DeliveryLogRow* DeliveryLogModel::rowAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_rows.size()))
        return nullptr;
    return &m_rows[m_rows.size() - 1 - static_cast<size_t>(row)];
}

void DeliveryLogModel::clear()
{
    beginResetModel();
    m_firstSerial += static_cast<qint64>(m_rows.size());
    m_rows.clear();
    m_serialOf.clear();
    endResetModel();
}

DeliveryLogRow* DeliveryLogModel::rowFor(quint64 deliveryId, const QUrl& target)
{
    const auto it = m_serialOf.constFind(deliveryId);
    if (it != m_serialOf.constEnd())
        return &m_rows[static_cast<size_t>(*it - m_firstSerial)];
    // Newest first: a new delivery is row 0, and the oldest row goes beyond kMaxRows.
    if (m_rows.size() >= static_cast<size_t>(kMaxRows)) {
        const int last = static_cast<int>(m_rows.size()) - 1;
        beginRemoveRows({}, last, last);
        m_serialOf.remove(m_rows.front().deliveryId);
        m_rows.pop_front();
        ++m_firstSerial;
        endRemoveRows();
    }
    DeliveryLogRow row;
    row.deliveryId = deliveryId;
    row.time = QDateTime::currentDateTimeUtc();
    row.target = target;
    beginInsertRows({}, 0, 0);
    m_serialOf.insert(deliveryId, m_firstSerial + static_cast<qint64>(m_rows.size()));
    m_rows.push_back(std::move(row));
    endInsertRows();
    return &m_rows.back();
}

void DeliveryLogModel::changed(quint64 deliveryId)
{
    const int row = rowOf(deliveryId);
    if (row < 0)
        return;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace wa
