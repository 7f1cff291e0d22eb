#pragma once

#include <QWidget>

class ExchangeView;
class QPushButton;
class QTableView;

namespace wa {
class SendHistory;
class SendHistoryModel;
} // namespace wa

// The sent-message history: every send, newest first, with its delivery status as status webhooks
// arrive; the selected send's request and response below; Open puts its payload back into the
// composer, Resend sends it again through its profile.
class HistoryView : public QWidget
{
    Q_OBJECT

public:
    HistoryView(wa::SendHistory* history, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    wa::SendHistoryModel* model() const { return m_model; }
    ExchangeView* detail() const { return m_detail; }
    qint64 selectedId() const; // 0 when nothing is selected
    void selectRow(int row);

signals:
    void openRequested(qint64 id);
    void resendRequested(qint64 id);

private:
    void showSelected();

    wa::SendHistory* m_history;
    wa::SendHistoryModel* m_model;
    QTableView* m_table;
    ExchangeView* m_detail;
    QPushButton* m_open;
    QPushButton* m_resend;
};
