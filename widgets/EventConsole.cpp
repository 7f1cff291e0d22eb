#include "EventConsole.h"

#include <algorithm>
#include <utility>

#include <QComboBox>
#include <QFile>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "CurlCommand.h"
#include "EventExporter.h"
#include "EventStore.h"
#include "EventTableModel.h"

namespace {

constexpr wa::WebhookEvent::Kind kKinds[] = {
    wa::WebhookEvent::Kind::Text,         wa::WebhookEvent::Kind::ButtonReply, wa::WebhookEvent::Kind::ListReply,
    wa::WebhookEvent::Kind::NfmReply,     wa::WebhookEvent::Kind::Location,    wa::WebhookEvent::Kind::Button,
    wa::WebhookEvent::Kind::Media,        wa::WebhookEvent::Kind::Status,      wa::WebhookEvent::Kind::Error,
    wa::WebhookEvent::Kind::Verification, wa::WebhookEvent::Kind::Rejected,    wa::WebhookEvent::Kind::Unknown};

// The selected rows as sorted, disjoint [first, last] intervals: a selection of every row of
// 100,000 is one interval, not 100,000 indexes.
QList<std::pair<int, int>> rowIntervals(const QItemSelection& selection)
{
    QList<std::pair<int, int>> rows;
    for (const QItemSelectionRange& range : selection)
        rows.append({range.top(), range.bottom()});
    std::sort(rows.begin(), rows.end());
    QList<std::pair<int, int>> merged;
    for (const auto& interval : std::as_const(rows)) {
        if (!merged.isEmpty() && interval.first <= merged.last().second + 1)
            merged.last().second = std::max(merged.last().second, interval.second);
        else
            merged.append(interval);
    }
    return merged;
}

QByteArray jsonLine(const wa::StoredEvent& stored)
{
    return QJsonDocument(stored.event.toJson()).toJson(QJsonDocument::Compact) + '\n';
}

QString pretty(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("(not JSON: %1)").arg(error.errorString());
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

} // namespace

EventConsole::EventConsole(wa::EventStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new wa::EventTableModel(store, this))
    , m_table(new QTableView(this))
    , m_kind(new QComboBox(this))
    , m_contact(new QLineEdit(this))
    , m_search(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_mapLink(new QLabel(this))
    , m_detail(new QPlainTextEdit(this))
{
    auto* filters = new QHBoxLayout;
    m_kind->addItem(tr("All kinds"), -1);
    for (wa::WebhookEvent::Kind kind : kKinds)
        m_kind->addItem(wa::WebhookEvent::kindName(kind), static_cast<int>(kind));
    m_contact->setPlaceholderText(tr("contact (wa_id)"));
    m_contact->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("search text, ids, fields…"));
    m_search->setClearButtonEnabled(true);
    filters->addWidget(m_kind);
    filters->addWidget(m_contact);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_count);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(wa::EventTableModel::SummaryColumn, QHeaderView::Stretch);
    m_table->setWordWrap(false);

    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("Select an event to see its request and fields."));

    m_mapLink->setTextFormat(Qt::RichText);
    m_mapLink->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_mapLink->setOpenExternalLinks(true);
    m_mapLink->hide();
    auto* detailPane = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(detailPane);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_mapLink);
    detailLayout->addWidget(m_detail, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(detailPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &EventConsole::applyFilter);
    connect(m_contact, &QLineEdit::textChanged, this, &EventConsole::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, &EventConsole::applyFilter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &EventConsole::showSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { emit selectedCountChanged(selectedCount()); });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        m_count->setText(tr("%n event(s)", nullptr, m_model->rowCount()));
        m_table->scrollToBottom(); // follow new events, as a log does
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_count->setText(tr("%n event(s)", nullptr, m_model->rowCount()));
        // a reset drops the selection without a signal of the selection model's
        showSelected();
        emit selectedCountChanged(selectedCount());
    });
    m_count->setText(tr("%n event(s)", nullptr, m_model->rowCount()));
}

void EventConsole::applyFilter()
{
    wa::EventFilter filter;
    const int kind = m_kind->currentData().toInt();
    if (kind >= 0)
        filter.kinds = {static_cast<wa::WebhookEvent::Kind>(kind)};
    filter.contact = m_contact->text().trimmed();
    filter.text = m_search->text();
    m_model->setFilter(filter);
}

void EventConsole::showSelected()
{
    const wa::StoredEvent* stored = m_model->eventAt(m_table->currentIndex().row());
    m_mapLink->hide();
    m_mapLink->clear();
    if (!stored) {
        m_detail->clear();
        return;
    }
    const wa::WebhookEvent& e = stored->event;
    QString text;
    text += e.summary + QLatin1String("\n\n");
    const std::optional<wa::StoredRequest> request = m_store->request(stored->requestId);
    if (request) {
        text += QString::fromLatin1(request->method + ' ' + request->target) +
                QStringLiteral("  → %1  from %2\n").arg(request->statusCode).arg(request->remoteAddress);
        for (const auto& [name, value] : request->headers)
            text += QString::fromLatin1(name) + QLatin1String(": ") + QString::fromLatin1(value) + QLatin1Char('\n');
        text += QLatin1String("\n--- raw body ---\n") + QString::fromUtf8(request->body) +
                QLatin1String("\n\n--- pretty ---\n") + pretty(request->body) + QLatin1Char('\n');
    }
    text += QLatin1String("--- parsed ---\n") +
            QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Indented));
    // the parser makes map_url only for a location with both coordinates
    const QString mapUrl =
        e.fields.value(QStringLiteral("location")).toObject().value(QStringLiteral("map_url")).toString();
    if (!mapUrl.isEmpty()) {
        text += QStringLiteral("\nOpen in map: %1\n").arg(mapUrl); // kept in the text too, to copy
        m_mapLink->setText(QStringLiteral("<a href=\"%1\">%2</a>").arg(mapUrl.toHtmlEscaped(), tr("Open in map")));
        m_mapLink->setToolTip(mapUrl);
        m_mapLink->show();
    }
    m_detail->setPlainText(text);
}

int EventConsole::selectedCount() const
{
    int count = 0;
    for (const auto& [first, last] : rowIntervals(m_table->selectionModel()->selection()))
        count += last - first + 1;
    return count;
}

bool EventConsole::exportJsonLines(const QString& fileName, QString* error) const
{
    return exportJsonLines(fileName, ExportScope::Shown, error);
}

bool EventConsole::exportJsonLines(const QString& fileName, ExportScope scope, QString* error) const
{
    if (scope == ExportScope::Selected && selectedCount() == 0) {
        *error = tr("Nothing written to %1: no event is selected.").arg(fileName);
        return false;
    }
    if (scope == ExportScope::Shown) {
        // What the table shows, read from the store's file in pages (the table's cache of the rows
        // on screen stays as it is); the window does the same in the exporter's thread.
        int written = 0;
        return wa::EventExporter::exportTo(m_store->path(), m_model->filter(), fileName, {}, &written, error);
    }
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
        return false;
    }
    if (!writeSelected(&file, fileName, error)) {
        file.cancelWriting(); // the file, if there was one, stays as it was
        return false;
    }
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
        return false;
    }
    return true;
}

bool EventConsole::writeSelected(QIODevice* file, const QString& fileName, QString* error) const
{
    for (const auto& [first, last] : rowIntervals(m_table->selectionModel()->selection())) {
        for (int row = first; row <= last; ++row) {
            const wa::StoredEvent* stored = m_model->eventAt(row);
            if (!stored) {
                *error = tr("Cannot write %1: the selected row %2 could not be read from the event store (%3).")
                             .arg(fileName)
                             .arg(row + 1)
                             .arg(m_store->lastError());
                return false;
            }
            const QByteArray line = jsonLine(*stored);
            if (file->write(line) != line.size()) {
                *error = tr("Cannot write %1: %2").arg(fileName, file->errorString());
                return false;
            }
        }
    }
    return true;
}

std::optional<wa::StoredRequest> EventConsole::selectedRequest() const
{
    const wa::StoredEvent* stored = m_model->eventAt(m_table->currentIndex().row());
    if (!stored)
        return std::nullopt;
    return m_store->request(stored->requestId);
}

QString EventConsole::curlForSelected() const
{
    const std::optional<wa::StoredRequest> request = selectedRequest();
    if (!request)
        return {};
    return wa::CurlCommand::forRequest(*request);
}
