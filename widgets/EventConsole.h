#pragma once

#include <optional>

#include <QWidget>

#include "StoredRequest.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace wa {
class EventStore;
class EventTableModel;
} // namespace wa

// The webhook console: the live event table over the store, filters (kind, contact, text), and the
// detail of the selected event — request line, headers, raw body, pretty JSON, parsed fields.
class EventConsole : public QWidget
{
    Q_OBJECT

public:
    explicit EventConsole(wa::EventStore* store, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    wa::EventTableModel* model() const { return m_model; }
    QPlainTextEdit* detail() const { return m_detail; }
    QComboBox* kindFilter() const { return m_kind; }
    QLineEdit* contactFilter() const { return m_contact; }
    QLineEdit* searchFilter() const { return m_search; }

    // Writes every event the filter shows, one JSON object per line; false and why on failure.
    bool exportJsonLines(const QString& fileName, QString* error) const;
    // The selected event's request as a curl command (body and headers as received; signature
    // re-made by the receiver's app secret when replayed, so it is left as it came here).
    QString curlForSelected() const;
    // The request the selected event came in.
    std::optional<wa::StoredRequest> selectedRequest() const;

private:
    void applyFilter();
    void showSelected();

    wa::EventStore* m_store;
    wa::EventTableModel* m_model;
    QTableView* m_table;
    QComboBox* m_kind;
    QLineEdit* m_contact;
    QLineEdit* m_search;
    QLabel* m_count;
    QPlainTextEdit* m_detail;
};
