#include "EventConsole.h"

#include <QComboBox>
#include <QFile>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
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
#include "EventStore.h"
#include "EventTableModel.h"

namespace {

constexpr wa::WebhookEvent::Kind kKinds[] = {
    wa::WebhookEvent::Kind::Text,         wa::WebhookEvent::Kind::ButtonReply, wa::WebhookEvent::Kind::ListReply,
    wa::WebhookEvent::Kind::NfmReply,     wa::WebhookEvent::Kind::Location,    wa::WebhookEvent::Kind::Button,
    wa::WebhookEvent::Kind::Media,        wa::WebhookEvent::Kind::Status,      wa::WebhookEvent::Kind::Error,
    wa::WebhookEvent::Kind::Verification, wa::WebhookEvent::Kind::Rejected,    wa::WebhookEvent::Kind::Unknown};

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
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(wa::EventTableModel::SummaryColumn, QHeaderView::Stretch);
    m_table->setWordWrap(false);

    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("Select an event to see its request and fields."));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
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
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        m_count->setText(tr("%n event(s)", nullptr, m_model->rowCount()));
        m_table->scrollToBottom(); // follow new events, as a log does
    });
    connect(m_model, &QAbstractItemModel::modelReset, this,
            [this] { m_count->setText(tr("%n event(s)", nullptr, m_model->rowCount())); });
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
    const QJsonObject location = e.fields.value(QStringLiteral("location")).toObject();
    if (!location.isEmpty())
        text += QStringLiteral("\nOpen in map: %1\n").arg(location.value(QStringLiteral("map_url")).toString());
    m_detail->setPlainText(text);
}

bool EventConsole::exportJsonLines(const QString& fileName, QString* error) const
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
        return false;
    }
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (const wa::StoredEvent* stored = m_model->eventAt(row))
            file.write(QJsonDocument(stored->event.toJson()).toJson(QJsonDocument::Compact) + '\n');
    }
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(fileName, file.errorString());
        return false;
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
    QString curl = QStringLiteral("curl -sS -X %1 \"$WEBHOOK_URL\"").arg(QString::fromLatin1(request->method));
    for (const auto& [name, value] : request->headers) {
        const QByteArray lower = name.toLower();
        if (lower == "host" || lower == "content-length" || lower == "connection")
            continue;
        curl += QStringLiteral(" \\\n  -H %1")
                    .arg(wa::CurlCommand::shellQuote(QString::fromLatin1(name) + QLatin1String(": ") +
                                                     QString::fromLatin1(value)));
    }
    if (!request->body.isEmpty())
        curl += QStringLiteral(" \\\n  --data-binary %1")
                    .arg(wa::CurlCommand::shellQuote(QString::fromUtf8(request->body)));
    return curl;
}
