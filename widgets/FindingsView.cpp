#include "FindingsView.h"

#include <QApplication>
#include <QStyle>
#include <QStyledItemDelegate>

#include "Finding.h"
#include "FindingsModel.h"

namespace {

class FindingDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QVariant severity = index.data(wa::FindingsModel::SeverityRole);
        if (!severity.isValid())
            return;
        option->icon =
            FindingsView::severityIcon(severity.toInt() == static_cast<int>(wa::Severity::Error), option->widget);
        option->features |= QStyleOptionViewItem::HasDecoration;
    }
};

} // namespace

QIcon FindingsView::severityIcon(bool error, const QWidget* widget)
{
    QStyle* style = widget ? widget->style() : QApplication::style();
    return style->standardIcon(error ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning);
}

FindingsView::FindingsView(QWidget* parent)
    : QListView(parent)
{
    setItemDelegate(new FindingDelegate(this));
    setWordWrap(true);
    setUniformItemSizes(false);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setIconSize(QSize(16, 16));
}

void FindingsView::setModel(QAbstractItemModel* model)
{
    if (QAbstractItemModel* old = this->model())
        disconnect(old, nullptr, this, nullptr);
    QListView::setModel(model);
    m_rowHeights.clear();
    if (!model)
        return;
    const auto forget = [this] { m_rowHeights.clear(); };
    connect(model, &QAbstractItemModel::modelReset, this, forget);
    connect(model, &QAbstractItemModel::rowsInserted, this, forget);
    connect(model, &QAbstractItemModel::rowsRemoved, this, forget);
    connect(model, &QAbstractItemModel::rowsMoved, this, forget);
    connect(model, &QAbstractItemModel::layoutChanged, this, forget);
}

int FindingsView::rowHeight(const QModelIndex& index, int width) const
{
    // as QListView measures a row: the delegate's size at the width of the view
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    option.rect = QRect(spacing(), spacing(), width, viewport()->height());
    return itemDelegate()->sizeHint(option, index).height();
}

void FindingsView::dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (topLeft == bottomRight && topLeft.isValid() && !isRowHidden(topLeft.row())) {
        const int width = viewport()->width() - 2 * spacing();
        const int height = rowHeight(topLeft, width);
        const RowHeight before = m_rowHeights.value(topLeft.row());
        m_rowHeights.insert(topLeft.row(), RowHeight{width, height});
        // the same height as this view measured before, at the same width, and as the list laid
        // the row out: only its pixels change
        if (before.width == width && before.height == height && visualRect(topLeft).height() == height) {
            QAbstractItemView::dataChanged(topLeft, bottomRight, roles);
            return;
        }
    }
    QListView::dataChanged(topLeft, bottomRight, roles);
}
