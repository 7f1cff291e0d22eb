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
        const bool error = severity.toInt() == static_cast<int>(wa::Severity::Error);
        QStyle* style = option->widget ? option->widget->style() : QApplication::style();
        option->icon = style->standardIcon(error ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning);
        option->features |= QStyleOptionViewItem::HasDecoration;
    }
};

} // namespace

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
