#include "SendHistoryModel.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace wa {

namespace {

// wa_models has no QtGui, so ForegroundRole cannot name a QColor type. Under a view there is a
// QGuiApplication, and QtGui has registered QColor and its conversion from a colour name: the colour
// is made through QVariant. Without one (console tools, tests) the name itself is returned (asking
// for QColor's meta type there would only warn).
QVariant colorNamed(const QString& name)
{
    QVariant value(name);
    const QCoreApplication* app = QCoreApplication::instance();
    if (!app || !app->inherits("QGuiApplication"))
        return value;
    QVariant color = value;
    return color.convert(QMetaType(QMetaType::QColor)) ? color : value;
}

} // namespace

SendHistoryModel::SendHistoryModel(SendHistory* history, QObject* parent)
    : QAbstractTableModel(parent)
    , m_history(history)
{
    if (history)
        connect(history, &SendHistory::changed, this, &SendHistoryModel::reload);
    reload();
}

int SendHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SendHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const SentRecord* SendHistoryModel::recordAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row).record : nullptr;
}

void SendHistoryModel::reload()
{
    beginResetModel();
    m_rows.clear();
    if (m_history) {
        const QList<SentRecord> records = m_history->records(kMaxRows);
        m_rows.reserve(records.size());
        for (const SentRecord& record : records)
            m_rows.append({record, messageType(record.payload)});
    }
    endResetModel();
}

QString SendHistoryModel::timeText(const QDateTime& at, const QDateTime& now)
{
    const QDateTime local = at.toLocalTime();
    if (local.date() == now.toLocalTime().date())
        return local.toString(QStringLiteral("HH:mm:ss"));
    return local.toString(QStringLiteral("yyyy-MM-dd"));
}

QString SendHistoryModel::messageType(const QByteArray& payload)
{
    const QJsonObject message = QJsonDocument::fromJson(payload).object();
    const QString type = message.value(QLatin1String("type")).toString();
    if (type == QLatin1String("interactive")) {
        const QString interactive =
            message.value(QLatin1String("interactive")).toObject().value(QLatin1String("type")).toString();
        if (!interactive.isEmpty())
            return interactive;
    }
    return type;
}

QString SendHistoryModel::deliveryText(const SentRecord& record)
{
    const QString& status = record.deliveryStatus;
    if (status == QLatin1String("sent"))
        return QStringLiteral("\u2713 sent");
    if (status == QLatin1String("delivered"))
        return QStringLiteral("\u2713\u2713 delivered");
    if (status == QLatin1String("read"))
        return QStringLiteral("\u2713\u2713 read");
    if (status == QLatin1String("failed"))
        return record.deliveryError.isEmpty() ? QStringLiteral("failed")
                                              : QStringLiteral("failed: ") + record.deliveryError;
    return status;
}

QVariant SendHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const SentRecord& r = row.record;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return timeText(r.sentAt);
        case ProfileColumn:
            return r.profileName;
        case RecipientColumn:
            return r.recipient;
        case TypeColumn:
            return row.type;
        case ResultColumn:
            return r.summary;
        case MessageIdColumn:
            return r.messageId;
        case DeliveryColumn:
            return deliveryText(r);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return r.sentAt.toUTC().toString(Qt::ISODate);
        case ProfileColumn:
            return QStringLiteral("%1 (%2)").arg(r.profileName, profileKindLabel(r.profileKind));
        case ResultColumn:
            return r.summary;
        case DeliveryColumn:
            if (r.deliveryStatus.isEmpty())
                return {};
            if (r.deliveryStatus == QLatin1String("failed") && !r.deliveryError.isEmpty())
                return r.deliveryError;
            return r.deliveryAt.isValid()
                       ? QStringLiteral("%1 at %2").arg(r.deliveryStatus, r.deliveryAt.toUTC().toString(Qt::ISODate))
                       : r.deliveryStatus;
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (index.column() == ResultColumn && r.result != SendOutcome::Result::Accepted)
            return colorNamed(kErrorColor);
        if (index.column() == DeliveryColumn && r.deliveryStatus == QLatin1String("failed"))
            return colorNamed(kErrorColor);
        if (index.column() == DeliveryColumn && r.deliveryStatus == QLatin1String("read"))
            return colorNamed(kReadColor);
        return {};
    case RecordIdRole:
        return r.id;
    case MessageIdRole:
        return r.messageId;
    case PayloadRole:
        return r.payload;
    case ResultRole:
        return static_cast<int>(r.result);
    case DeliveryStatusRole:
        return r.deliveryStatus;
    default:
        return {};
    }
}

QVariant SendHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ProfileColumn:
        return tr("Profile");
    case RecipientColumn:
        return tr("To");
    case TypeColumn:
        return tr("Type");
    case ResultColumn:
        return tr("Result");
    case MessageIdColumn:
        return tr("Message ID");
    case DeliveryColumn:
        return tr("Delivery");
    default:
        return {};
    }
}

} // namespace wa
