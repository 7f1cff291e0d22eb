#pragma once

#include <deque>

#include <QAbstractTableModel>
#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QString>
#include <QUrl>

namespace wa {

class WebhookDeliverer;
struct WebhookDeliveryAttempt;
struct WebhookDeliveryResult;

// One webhook delivery to the bot, as the log shows it.
struct DeliveryLogRow
{
    enum class State { Delivering, Delivered, Retrying, GaveUp, Cancelled };

    quint64 deliveryId = 0;
    QDateTime time; // queued (UTC)
    QString kind;   // "button_reply", "text", "status: delivered", …
    QUrl target;
    int attempts = 0;
    int httpStatus = 0;   // of the last attempt; 0 when none answered
    qint64 latencyMs = 0; // of the last attempt
    State state = State::Delivering;
    int retryInMs = 0;
    QString error; // of the last attempt
    QByteArray requestBody;
    QByteArray responseBody; // of the last attempt, once finished
    qint64 totalMs = 0;      // from queueing to the end, once finished

    // "delivering", "delivered", "retrying in 2 s", "gave up: HTTP 500", "cancelled".
    QString stateText() const;
};

// Every webhook delivery to the bot (customer messages and statuses), newest first: time, kind,
// target, attempts, HTTP status, latency and state, with the request and response bodies as roles.
// Fed by a WebhookDeliverer's attemptFinished/deliveryFinished and by noteQueued() from whoever
// queued the delivery (which knows its kind). Keeps the newest kMaxRows.
class DeliveryLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        KindColumn,
        TargetColumn,
        AttemptsColumn,
        HttpStatusColumn,
        LatencyColumn,
        StateColumn,
        ColumnCount
    };
    enum Role {
        DeliveryIdRole = Qt::UserRole + 1, // quint64
        KindRole,                          // QString
        TargetRole,                        // QUrl
        StateRole,                         // int: DeliveryLogRow::State
        ErrorRole,                         // QString: the last attempt's error
        RequestBodyRole,                   // QByteArray
        ResponseBodyRole,                  // QByteArray
        TimeRole,                          // QDateTime (UTC)
    };
    static constexpr int kMaxRows = 5000;

    // Listens to `deliverer` when given (see setDeliverer).
    explicit DeliveryLogModel(WebhookDeliverer* deliverer = nullptr, QObject* parent = nullptr);

    // Follows the deliverer's attempts and results; one deliverer at a time (ids are its own).
    void setDeliverer(WebhookDeliverer* deliverer);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A delivery was queued (right after WebhookDeliverer::deliver()); id 0 is ignored. Attempts
    // of a delivery never noted get a row of their own, without kind or body.
    void noteQueued(quint64 deliveryId, const QString& kind, const QByteArray& body, const QUrl& target = {});
    void noteAttempt(const WebhookDeliveryAttempt& attempt);
    void noteFinished(const WebhookDeliveryResult& result);

    // The row of a delivery; -1 when not (or no longer) kept.
    int rowOf(quint64 deliveryId) const;
    const DeliveryLogRow* rowAt(int row) const;
    void clear();

private:
    DeliveryLogRow* rowFor(quint64 deliveryId, const QUrl& target);
    void changed(quint64 deliveryId);

    QPointer<WebhookDeliverer> m_deliverer;
    std::deque<DeliveryLogRow> m_rows; // oldest first; row r of the model is m_rows[size - 1 - r]
    QHash<quint64, qint64> m_serialOf; // delivery id → serial; m_rows[serial - m_firstSerial]
    qint64 m_firstSerial = 0;
};

} // namespace wa
