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
