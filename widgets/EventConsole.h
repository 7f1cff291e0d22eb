#pragma once

#include <optional>

#include <QWidget>

#include "EventExporter.h"

#include "StoredRequest.h"

class QComboBox;
class QIODevice;
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
    // What an export writes: the selected events, or every event the filter shows.
    enum class ExportScope { Selected, Shown };
    // Events read from the store per query while exporting what the filter shows.
    static constexpr int kExportPageSize = wa::EventExporter::kPageSize;

    explicit EventConsole(wa::EventStore* store, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    wa::EventTableModel* model() const { return m_model; }
    QPlainTextEdit* detail() const { return m_detail; }
    QComboBox* kindFilter() const { return m_kind; }
    QLineEdit* contactFilter() const { return m_contact; }
    QLineEdit* searchFilter() const { return m_search; }
    // "Open in map" for the selected event: shown only when it is a location with coordinates.
    QLabel* mapLink() const { return m_mapLink; }

    // Rows selected in the table (several with Ctrl or Shift).
    int selectedCount() const;

    // Writes the events of the scope, in table order, one JSON object per line (the event's
    // JSON Lines record). Shown events are read from the store a page at a time, so that 100,000
    // of them are never in memory together. The file is replaced only when all of it is written
    // (QSaveFile). False and why, naming the file, on failure; nothing selected is a failure too.
    bool exportJsonLines(const QString& fileName, ExportScope scope, QString* error) const;
    // The same for every event the filter shows.
    bool exportJsonLines(const QString& fileName, QString* error) const;
    // The selected event's request as a curl command to "$WEBHOOK_URL" (CurlCommand::forRequest:
    // body byte for byte, headers as received, a verification's query kept; the signature is left
    // as it came, since only a replay knows the receiver's app secret).
    QString curlForSelected() const;
    // The request the selected event came in.
    std::optional<wa::StoredRequest> selectedRequest() const;

signals:
    // The selection changed (or was dropped by a new filter): for the window's buttons.
    void selectedCountChanged(int count);

private:
    void applyFilter();
    void showSelected();
    bool writeSelected(QIODevice* file, const QString& fileName, QString* error) const;

    wa::EventStore* m_store;
    wa::EventTableModel* m_model;
    QTableView* m_table;
    QComboBox* m_kind;
    QLineEdit* m_contact;
    QLineEdit* m_search;
    QLabel* m_count;
    QLabel* m_mapLink;
    QPlainTextEdit* m_detail;
};
