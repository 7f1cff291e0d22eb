#include "ListEditor.h"

#include <QFormLayout>
#include <QHelpEvent>
#include <QStyledItemDelegate>
#include <QToolTip>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QTreeView>
#include <QVBoxLayout>

#include "ComposerDocument.h"
#include "FieldEditor.h"
#include "FindingsView.h"
#include "LimitsTable.h"
#include "ListTreeModel.h"

namespace {

// Marks the items a finding is about (the 11th row, the 31st product, a row whose title is too
// long) with the finding's icon and message.
class FindingMarkDelegate : public QStyledItemDelegate
{
public:
    FindingMarkDelegate(wa::ComposerDocument* document, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_document(document)
    {
    }

    const wa::Finding* findingFor(const QModelIndex& index) const
    {
        const QString path = index.data(wa::ListTreeModel::PathRole).toString();
        if (path.isEmpty())
            return nullptr;
        const wa::Finding* found = nullptr;
        for (const wa::Finding& f : m_document->findings()) {
            const bool here = f.path == path || (f.path.startsWith(path) && f.path.size() > path.size() &&
                                                 f.path.at(path.size()) == QLatin1Char('.'));
            if (here && (!found || (found->severity == wa::Severity::Warning && f.severity == wa::Severity::Error)))
                found = &f;
        }
        return found;
    }

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (const wa::Finding* f = findingFor(index)) {
            const bool error = f->severity == wa::Severity::Error;
            option->icon = FindingsView::severityIcon(error, option->widget);
            option->features |= QStyleOptionViewItem::HasDecoration;
            if (error)
                option->palette.setColor(QPalette::Text, QColor(0xB3, 0x26, 0x1E));
        }
    }

    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override
    {
        if (event->type() == QEvent::ToolTip) {
            if (const wa::Finding* f = findingFor(index)) {
                QToolTip::showText(event->globalPos(), f->message, view);
                return true;
            }
        }
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    }

private:
    wa::ComposerDocument* m_document;
};

struct Place
{
    int section = -1;
    int item = -1; // -1 for the section itself
};

Place placeOf(const QModelIndex& index)
{
    if (!index.isValid())
        return {};
    if (!index.parent().isValid())
        return {index.row(), -1};
    return {index.parent().row(), index.row()};
}

wa::Section* sectionAt(wa::Message& m, int s)
{
    if (!m.interactive || !m.interactive->action || !m.interactive->action->sections)
        return nullptr;
    auto& sections = *m.interactive->action->sections;
    return s >= 0 && s < static_cast<int>(sections.size()) ? &sections[static_cast<size_t>(s)] : nullptr;
}

const wa::Section* sectionAt(const wa::Message& m, int s)
{
    return sectionAt(const_cast<wa::Message&>(m), s);
}

} // namespace

ListEditor::ListEditor(wa::ComposerDocument* document, Mode mode, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_mode(mode)
    , m_model(new wa::ListTreeModel(document, this))
    , m_tree(new QTreeView(this))
    , m_total(new QLabel(this))
    , m_selectedLabel(new QLabel(this))
    , m_title(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.sections[].rows[].title", this))
    , m_id(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.sections[].rows[].id", this))
    , m_description(
          new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.sections[].rows[].description", this))
    , m_addSection(new QPushButton(tr("Add section"), this))
    , m_addItem(new QPushButton(mode == Mode::Rows ? tr("Add row") : tr("Add product"), this))
    , m_duplicate(new QPushButton(tr("Duplicate"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_up(new QPushButton(tr("Up"), this))
    , m_down(new QPushButton(tr("Down"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tree->setModel(m_model);
    m_tree->setItemDelegate(new FindingMarkDelegate(document, m_tree));
    m_tree->setIconSize(QSize(14, 14));
    m_tree->setHeaderHidden(true);
    m_tree->setDragDropMode(QAbstractItemView::InternalMove);
    m_tree->setDefaultDropAction(Qt::MoveAction);
    m_tree->setDragEnabled(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDropIndicatorShown(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setMinimumHeight(170);
    m_tree->expandAll();
    layout->addWidget(m_tree);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_addSection, m_addItem, m_duplicate, m_remove, m_up, m_down})
        buttons->addWidget(b);
    m_up->setToolTip(tr("Move up (Alt+Up); a row moves into the previous section at the top"));
    m_down->setToolTip(tr("Move down (Alt+Down)"));
    m_remove->setToolTip(tr("Remove (Delete)"));
    m_duplicate->setToolTip(tr("Duplicate (Ctrl+D)"));
    buttons->addStretch(1);
    layout->addLayout(buttons);
    if (mode == Mode::Rows) {
        m_generateIds = new QPushButton(tr("Generate row ids from titles"), this);
        auto* idRow = new QHBoxLayout;
        idRow->addWidget(m_generateIds);
        idRow->addStretch(1);
        idRow->addWidget(m_total);
        layout->addLayout(idRow);
        connect(m_generateIds, &QPushButton::clicked, m_model, &wa::ListTreeModel::generateIds);
    } else {
        layout->addWidget(m_total, 0, Qt::AlignRight);
    }

    m_selectedLabel->setStyleSheet(QStringLiteral("font-weight: bold"));
    layout->addWidget(m_selectedLabel);
    auto* form = new QFormLayout;
    form->addRow(tr("Title"), m_title);
    form->addRow(mode == Mode::Rows ? tr("Id") : tr("Retailer id"), m_id);
    if (mode == Mode::Rows)
        form->addRow(tr("Description"), m_description);
    else
        m_description->hide();
    layout->addLayout(form);

    connect(m_addSection, &QPushButton::clicked, this, [this] { select(m_model->addSection()); });
    connect(m_addItem, &QPushButton::clicked, this, [this] {
        QModelIndex at = m_tree->currentIndex();
        if (!at.isValid() && m_model->rowCount() > 0)
            at = m_model->index(m_model->rowCount() - 1, 0);
        if (!at.isValid())
            at = m_model->addSection();
        select(m_model->addRow(at));
    });
    connect(m_duplicate, &QPushButton::clicked, this, [this] { select(m_model->duplicate(m_tree->currentIndex())); });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_model->remove(m_tree->currentIndex()); });
    connect(m_up, &QPushButton::clicked, this, [this] { m_model->moveUp(m_tree->currentIndex()); });
    connect(m_down, &QPushButton::clicked, this, [this] { m_model->moveDown(m_tree->currentIndex()); });
    // keyboard-only use
    auto* up = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Up), m_tree, nullptr, nullptr, Qt::WidgetShortcut);
    connect(up, &QShortcut::activated, m_up, &QPushButton::click);
    auto* down = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Down), m_tree, nullptr, nullptr, Qt::WidgetShortcut);
    connect(down, &QShortcut::activated, m_down, &QPushButton::click);
    auto* del = new QShortcut(QKeySequence::Delete, m_tree, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, m_remove, &QPushButton::click);
    auto* dup = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_D), m_tree, nullptr, nullptr, Qt::WidgetShortcut);
    connect(dup, &QShortcut::activated, m_duplicate, &QPushButton::click);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &ListEditor::selectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_tree->expandAll();
        selectionChanged();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { m_tree->expandAll(); });
    connect(m_model, &QAbstractItemModel::rowsMoved, this, [this] {
        m_tree->expandAll();
        selectionChanged();
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] { selectionChanged(); });
    selectionChanged();
}

void ListEditor::select(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    m_tree->expand(index.parent());
    m_tree->setCurrentIndex(index);
    m_title->input()->setFocus();
}

void ListEditor::selectionChanged()
{
    const Place place = placeOf(m_tree->currentIndex());
    const QString sectionPath = QStringLiteral("interactive.action.sections[%1]").arg(place.section);
    if (place.section < 0) {
        m_selectedLabel->setText(
            tr("Select a section or a %1 to edit it.").arg(m_mode == Mode::Rows ? tr("row") : tr("product")));
        m_title->unbind();
        m_id->unbind();
        m_description->unbind();
        updateButtons();
        return;
    }
    const int s = place.section;
    if (place.item < 0) {
        m_selectedLabel->setText(tr("Section %1").arg(s + 1));
        m_title->bind(
            QStringLiteral("section:%1:title").arg(s), sectionPath + QLatin1String(".title"),
            [s](const wa::Message& m) -> std::optional<QString> {
                const wa::Section* section = sectionAt(m, s);
                return section ? section->title : std::nullopt;
            },
            [s](wa::Message& m, const QString& v) {
                if (wa::Section* section = sectionAt(m, s))
                    section->title = v.isEmpty() ? std::nullopt : std::optional<QString>(v);
            },
            "interactive.action.sections[].title");
        m_id->unbind();
        m_description->unbind();
        updateButtons();
        return;
    }
    const int r = place.item;
    if (m_mode == Mode::Rows) {
        m_selectedLabel->setText(tr("Row %1 of section %2").arg(r + 1).arg(s + 1));
        const QString rowPath = sectionPath + QStringLiteral(".rows[%1]").arg(r);
        const auto rowOf = [s, r](wa::Message& m) -> wa::ListRow* {
            wa::Section* section = sectionAt(m, s);
            if (!section || !section->rows || r >= static_cast<int>(section->rows->size()))
                return nullptr;
            return &(*section->rows)[static_cast<size_t>(r)];
        };
        const auto field = [rowOf](std::optional<QString> wa::ListRow::*member) {
            return std::make_pair(
                [rowOf, member](const wa::Message& m) -> std::optional<QString> {
                    const wa::ListRow* row = rowOf(const_cast<wa::Message&>(m));
                    return row ? row->*member : std::nullopt;
                },
                [rowOf, member](wa::Message& m, const QString& v) {
                    if (wa::ListRow* row = rowOf(m))
                        row->*member = v;
                });
        };
        const auto [getTitle, setTitle] = field(&wa::ListRow::title);
        m_title->bind(QStringLiteral("row:%1:%2:title").arg(s).arg(r), rowPath + QLatin1String(".title"), getTitle,
                      setTitle, "interactive.action.sections[].rows[].title");
        const auto [getId, setId] = field(&wa::ListRow::id);
        m_id->bind(QStringLiteral("row:%1:%2:id").arg(s).arg(r), rowPath + QLatin1String(".id"), getId, setId);
        m_description->bind(
            QStringLiteral("row:%1:%2:description").arg(s).arg(r), rowPath + QLatin1String(".description"),
            [rowOf](const wa::Message& m) -> std::optional<QString> {
                const wa::ListRow* row = rowOf(const_cast<wa::Message&>(m));
                return row ? row->description : std::nullopt;
            },
            [rowOf](wa::Message& m, const QString& v) {
                if (wa::ListRow* row = rowOf(m))
                    row->description = v.isEmpty() ? std::nullopt : std::optional<QString>(v);
            });
    } else {
        m_selectedLabel->setText(tr("Product %1 of section %2").arg(r + 1).arg(s + 1));
        const QString itemPath = sectionPath + QStringLiteral(".product_items[%1].product_retailer_id").arg(r);
        m_title->unbind();
        m_description->unbind();
        m_id->bind(
            QStringLiteral("product:%1:%2").arg(s).arg(r), itemPath,
            [s, r](const wa::Message& m) -> std::optional<QString> {
                const wa::Section* section = sectionAt(m, s);
                if (!section || !section->productItems || r >= static_cast<int>(section->productItems->size()))
                    return std::nullopt;
                return (*section->productItems)[static_cast<size_t>(r)].productRetailerId;
            },
            [s, r](wa::Message& m, const QString& v) {
                wa::Section* section = sectionAt(m, s);
                if (section && section->productItems && r < static_cast<int>(section->productItems->size()))
                    (*section->productItems)[static_cast<size_t>(r)].productRetailerId = v;
            });
    }
    updateButtons();
}

void ListEditor::updateButtons()
{
    const QModelIndex current = m_tree->currentIndex();
    for (QPushButton* b : {m_duplicate, m_remove, m_up, m_down})
        b->setEnabled(current.isValid());
}

void ListEditor::refresh()
{
    // The tree marks findings: repaint it when they changed, not on every keystroke elsewhere.
    if (m_document->findings() != m_markedFindings) {
        m_markedFindings = m_document->findings();
        m_tree->viewport()->update();
    }
    m_title->refresh();
    m_id->refresh();
    m_description->refresh();
    const wa::Message& m = m_document->message();
    int sections = 0;
    int items = 0;
    if (m.interactive && m.interactive->action && m.interactive->action->sections) {
        for (const wa::Section& s : *m.interactive->action->sections) {
            ++sections;
            if (m_mode == Mode::Rows)
                items += s.rows ? static_cast<int>(s.rows->size()) : 0;
            else
                items += s.productItems ? static_cast<int>(s.productItems->size()) : 0;
        }
    }
    const int maxItems =
        wa::LimitsTable::rule(m_mode == Mode::Rows ? wa::Rule::ListRowsTotal : wa::Rule::ProductItemsTotal).max;
    const int maxSections = wa::LimitsTable::rule(wa::Rule::SectionsCount).max;
    // Each set only when it changes: a style sheet re-polishes, a text relays the form out.
    const QString total = tr("%1/%2 %3 · %4/%5 sections")
                              .arg(items)
                              .arg(maxItems)
                              .arg(m_mode == Mode::Rows ? tr("rows") : tr("products"))
                              .arg(sections)
                              .arg(maxSections);
    if (m_total->text() != total)
        m_total->setText(total);
    const QString totalStyle =
        items > maxItems || sections > maxSections ? QStringLiteral("color: #b3261e; font-weight: bold") : QString();
    if (m_total->styleSheet() != totalStyle)
        m_total->setStyleSheet(totalStyle);
    const QString itemTip = items >= maxItems ? tr("WhatsApp takes at most %1 %2 in total: this one would be refused.")
                                                    .arg(maxItems)
                                                    .arg(m_mode == Mode::Rows ? tr("rows") : tr("products"))
                                              : QString();
    if (m_addItem->toolTip() != itemTip)
        m_addItem->setToolTip(itemTip);
    const QString sectionTip =
        sections >= maxSections ? tr("WhatsApp takes at most %1 sections: this one would be refused.").arg(maxSections)
                                : QString();
    if (m_addSection->toolTip() != sectionTip)
        m_addSection->setToolTip(sectionTip);
}

bool ListEditor::focusPath(const QString& path)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^interactive\.action\.sections\[(\d+)\](?:\.(rows|product_items)\[(\d+)\])?(?:\.(\w+))?)"));
    const QRegularExpressionMatch match = pattern.match(path);
    if (!match.hasMatch())
        return false;
    const QModelIndex index = m_model->indexForPath(path);
    if (!index.isValid())
        return false;
    m_tree->expand(index.parent());
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index);
    const QString field = match.captured(4);
    FieldEditor* target = field == QLatin1String("id") || field == QLatin1String("product_retailer_id") ? m_id
                          : field == QLatin1String("description")                                       ? m_description
                          : m_mode == Mode::Products && match.captured(3).size() > 0                    ? m_id
                                                                                                        : m_title;
    target->input()->setFocus();
    return true;
}

const wa::Finding* ListEditor::findingMarkedAt(const QModelIndex& index) const
{
    return static_cast<const FindingMarkDelegate*>(m_tree->itemDelegate())->findingFor(index);
}
