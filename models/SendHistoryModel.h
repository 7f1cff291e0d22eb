#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QPointer>

#include "SendHistory.h"

namespace wa {

// The sent-message history as a table, newest first: time, profile, recipient, message type,
// result and delivery status (✓ sent, ✓✓ delivered, ✓✓ read, failed: …).
//
// It holds the newest kMaxRows sends and reads them again, whole, each time the history changes
// (a send or a status webhook): a reset over 500 rows costs a few milliseconds, and sends come
// one at a time. Older sends stay in the file; SendHistory::records() pages through them.
class SendHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        ProfileColumn,
        RecipientColumn,
        TypeColumn,
        ResultColumn,
        MessageIdColumn,
        DeliveryColumn,
        ColumnCount
    };
    enum Role {
        RecordIdRole = Qt::UserRole + 1, // qint64: SentRecord::id
        MessageIdRole,                   // QString
        PayloadRole,                     // QByteArray: the message JSON as sent
        ResultRole,                      // int: SendOutcome::Result
        DeliveryStatusRole,              // QString: "", "sent", "delivered", "read", "failed"
    };
    static constexpr int kMaxRows = 500;
    // ForegroundRole colours, as names (see data()).
    static inline const QString kErrorColor = QStringLiteral("#b3261e");
    static inline const QString kReadColor = QStringLiteral("#027eb5");

    explicit SendHistoryModel(SendHistory* history, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The record of a row; null when out of range.
    const SentRecord* recordAt(int row) const;
    // Reads the newest kMaxRows sends again (done on every SendHistory::changed).
    void reload();

    // The Time column's text: local "HH:mm:ss" when `at` is on the local date of `now`, else the
    // local date "yyyy-MM-dd".
    static QString timeText(const QDateTime& at, const QDateTime& now = QDateTime::currentDateTime());
    // The Type column's text: the interactive type ("list", "button", "product_list", …) of an
    // interactive message, else the message's type ("text", "template", …); empty when the
    // payload is not a JSON object with a type.
    static QString messageType(const QByteArray& payload);
    // The Delivery column's text for a record.
    static QString deliveryText(const SentRecord& record);

private:
    struct Row
    {
        SentRecord record;
        QString type; // messageType(payload), read once per reload
    };

    QPointer<SendHistory> m_history;
    QList<Row> m_rows;
};

} // namespace wa
