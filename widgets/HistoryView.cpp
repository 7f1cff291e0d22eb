#include "HistoryView.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ExchangeView.h"
#include "SendHistory.h"
#include "SendHistoryModel.h"

HistoryView::HistoryView(wa::SendHistory* history, QWidget* parent)
    : QWidget(parent)
    , m_history(history)
    , m_model(new wa::SendHistoryModel(history, this))
    , m_table(new QTableView(this))
    , m_detail(new ExchangeView(this))
    , m_open(new QPushButton(tr("Open in composer"), this))
    , m_resend(new QPushButton(tr("Resend"), this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    // The result (summary) takes the room; the others are as wide as what they show.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(wa::SendHistoryModel::ResultColumn, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    m_open->setToolTip(tr("Put this send's payload back into the composer"));
    m_resend->setToolTip(tr("Send this payload again, through the profile it went through"));

    auto buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_resend);
    buttons->addStretch(1);
    auto top = new QWidget(this);
    auto topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_table, 1);
    topLayout->addLayout(buttons);
    auto splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(m_detail);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryView::showSelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HistoryView::showSelected);
    connect(m_table, &QTableView::doubleClicked, this, [this] {
        if (const qint64 id = selectedId())
            emit openRequested(id);
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (const qint64 id = selectedId())
            emit openRequested(id);
    });
    connect(m_resend, &QPushButton::clicked, this, [this] {
        if (const qint64 id = selectedId())
            emit resendRequested(id);
    });
    showSelected();
}

qint64 HistoryView::selectedId() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(wa::SendHistoryModel::RecordIdRole).toLongLong() : 0;
}

void HistoryView::selectRow(int row)
{
    m_table->setCurrentIndex(m_model->index(row, 0));
}

void HistoryView::showSelected()
{
    const qint64 id = selectedId();
    m_open->setEnabled(id != 0);
    m_resend->setEnabled(id != 0);
    if (id == 0) {
        m_detail->clear();
        return;
    }
    const auto record = m_history->find(id);
    if (!record) {
        m_detail->clear();
        return;
    }
    QString delivery = record->deliveryStatus;
    if (!record->deliveryError.isEmpty())
        delivery += QStringLiteral(" — ") + record->deliveryError;
    m_detail->showStored(record->result, record->summary,
                         wa::exchangesFromJson(QJsonDocument::fromJson(record->exchangesJson).array()), delivery);
}
