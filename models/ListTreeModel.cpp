#include "ListTreeModel.h"

#include <algorithm>
#include <atomic>

#include <QDataStream>
#include <QIODevice>
#include <QMimeData>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QSet>

#include "ComposerDocument.h"
#include "LimitsTable.h"
#include "TextMetrics.h"

namespace wa {

namespace {

// Structural edits get keys of their own so that an undo stack merging equal keys never merges two
// of them; shared by every model so that two models on one document cannot collide either.
std::atomic<quint64> s_editSerial{0};

bool sameRow(const ListRow& a, const ListRow& b)
{
    return a.id == b.id && a.title == b.title && a.description == b.description && a.extra == b.extra;
}

bool sameItem(const ProductItem& a, const ProductItem& b)
{
    return a.productRetailerId == b.productRetailerId && a.extra == b.extra;
}

template <typename T, typename Equal>
bool sameList(const std::optional<std::vector<T>>& a, const std::optional<std::vector<T>>& b, Equal equal)
{
    if (a.has_value() != b.has_value())
        return false;
    return !a || std::equal(a->cbegin(), a->cend(), b->cbegin(), b->cend(), equal);
}

bool sameSection(const Section& a, const Section& b)
{
    return a.title == b.title && a.extra == b.extra && sameList(a.rows, b.rows, sameRow) &&
           sameList(a.productItems, b.productItems, sameItem);
}

bool sameSections(const std::vector<Section>& a, const std::vector<Section>& b)
{
    return std::equal(a.cbegin(), a.cend(), b.cbegin(), b.cend(), sameSection);
}

std::vector<Section> sectionsOf(const Message& message)
{
    if (message.interactive && message.interactive->action && message.interactive->action->sections)
        return *message.interactive->action->sections;
    return {};
}

Action& actionOf(Message& message)
{
    if (!message.interactive)
        message.interactive.emplace();
    if (!message.interactive->action)
        message.interactive->action.emplace();
    return *message.interactive->action;
}

template <typename T> void moveItem(std::vector<T>& from, int row, std::vector<T>& to, int toRow)
{
    T item = std::move(from[static_cast<size_t>(row)]);
    from.erase(from.begin() + row);
    to.insert(to.begin() + toRow, std::move(item));
}

// The first `maxLength` code points of `text` (all of it when maxLength is negative).
QString truncated(const QString& text, int maxLength)
{
    if (maxLength < 0)
        return text;
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (count == maxLength)
            return text.left(i);
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++count;
    }
    return text;
}

// `stem`, or `stem-2`, `stem-3`, … when taken; never longer than maxLength code points.
QString uniqueName(const QString& stem, const QSet<QString>& used, int maxLength)
{
    const QString base = truncated(stem, maxLength);
    if (!used.contains(base))
        return base;
    for (int n = 2;; ++n) {
        const QString suffix = QLatin1Char('-') + QString::number(n);
        QString head = truncated(stem, maxLength < 0 ? -1 : std::max(0, maxLength - static_cast<int>(suffix.size())));
        while (head.endsWith(QLatin1Char('-')))
            head.chop(1);
        const QString candidate = head + suffix;
        if (!used.contains(candidate))
            return candidate;
    }
}

int rowIdMaxLength()
{
    return LimitsTable::rule(Rule::RowIdLength).max;
}

// The id of a duplicated row: "id-copy", else "id-copy-2", "id-copy-3", …, the original id
// shortened as needed to keep within the id length limit.
QString copyId(const std::optional<QString>& id, const QSet<QString>& used)
{
    const QString original = id && !id->isEmpty() ? *id : QStringLiteral("row");
    const int max = rowIdMaxLength();
    for (int n = 1;; ++n) {
        const QString suffix = n == 1 ? QStringLiteral("-copy") : QStringLiteral("-copy-%1").arg(n);
        const QString candidate =
            truncated(original, max < 0 ? -1 : std::max(0, max - static_cast<int>(suffix.size()))) + suffix;
        if (!used.contains(candidate))
            return candidate;
    }
}

} // namespace

QString ListTreeModel::mimeType()
{
    return QStringLiteral("application/x-wa-composer-list-items");
}

ListTreeModel::ListTreeModel(ComposerDocument* document, QObject* parent)
    : QAbstractItemModel(parent)
    , m_document(document)
{
    if (!m_document)
        return;
    connect(m_document, &ComposerDocument::changed, this, &ListTreeModel::onDocumentChanged);
    connect(m_document, &QObject::destroyed, this, [this] {
        beginResetModel();
        m_nodes.clear();
        m_mode = Mode::None;
        endResetModel();
    });
    m_mode = modeOf(m_document->message());
    if (m_mode != Mode::None) {
        for (Section& section : sectionsOf(m_document->message()))
            m_nodes.push_back(Node{m_nextNodeId++, std::move(section)});
    }
}

ListTreeModel::~ListTreeModel() = default;

// --- structure -------------------------------------------------------------------------------

ListTreeModel::Mode ListTreeModel::modeOf(const Message& message)
{
    if (!message.interactive)
        return Mode::None;
    switch (message.interactive->kind()) {
    case InteractiveType::List:
        return Mode::Rows;
    case InteractiveType::ProductList:
        return Mode::Products;
    default:
        return Mode::None;
    }
}

int ListTreeModel::childCount(const Section& section) const
{
    if (m_mode == Mode::Rows)
        return section.rows ? static_cast<int>(section.rows->size()) : 0;
    if (m_mode == Mode::Products)
        return section.productItems ? static_cast<int>(section.productItems->size()) : 0;
    return 0;
}

int ListTreeModel::childCount(int section) const
{
    if (section < 0 || section >= static_cast<int>(m_nodes.size()))
        return 0;
    return childCount(m_nodes[static_cast<size_t>(section)].section);
}

int ListTreeModel::nodePosition(quintptr id) const
{
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].id == id)
            return static_cast<int>(i);
    }
    return -1;
}

bool ListTreeModel::isItem(const QModelIndex& index) const
{
    return index.isValid() && checkIndex(index, CheckIndexOption::IndexIsValid);
}

bool ListTreeModel::isSection(const QModelIndex& index) const
{
    return index.isValid() && index.model() == this && index.internalId() == 0;
}

int ListTreeModel::sectionOf(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this)
        return -1;
    if (index.internalId() == 0)
        return index.row() < static_cast<int>(m_nodes.size()) ? index.row() : -1;
    return nodePosition(index.internalId());
}

QModelIndex ListTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    if (!isSection(parent))
        return {};
    return createIndex(row, column, m_nodes[static_cast<size_t>(parent.row())].id);
}

QModelIndex ListTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    const int section = nodePosition(child.internalId());
    return section < 0 ? QModelIndex() : createIndex(section, 0, quintptr(0));
}

int ListTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_nodes.size());
    if (parent.column() != 0 || !isSection(parent))
        return 0;
    return childCount(parent.row());
}

int ListTreeModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent)
    return 1;
}

// --- data ------------------------------------------------------------------------------------

QVariant ListTreeModel::data(const QModelIndex& index, int role) const
{
    if (!isItem(index))
        return {};
    const int s = sectionOf(index);
    if (s < 0)
        return {};
    const Section& section = m_nodes[static_cast<size_t>(s)].section;

    if (isSection(index)) {
        switch (role) {
        case Qt::DisplayRole:
            if (section.title && !section.title->isEmpty())
                return *section.title;
            return tr("(untitled section %1)").arg(s + 1);
        case Qt::EditRole:
        case TitleRole:
            return section.title.value_or(QString());
        case KindRole:
            return static_cast<int>(SectionKind);
        case PathRole:
            return pathForIndex(index);
        case SectionIndexRole:
            return s;
        case RowIndexRole:
            return -1;
        default:
            return {};
        }
    }

    const int row = index.row();
    if (row >= childCount(section))
        return {};
    switch (role) {
    case PathRole:
        return pathForIndex(index);
    case SectionIndexRole:
        return s;
    case RowIndexRole:
        return row;
    default:
        break;
    }
    if (m_mode == Mode::Rows) {
        const ListRow& r = (*section.rows)[static_cast<size_t>(row)];
        switch (role) {
        case Qt::DisplayRole:
        case Qt::EditRole:
        case TitleRole:
            return r.title.value_or(QString());
        case IdRole:
            return r.id.value_or(QString());
        case DescriptionRole:
            return r.description.value_or(QString());
        case KindRole:
            return static_cast<int>(RowKind);
        default:
            return {};
        }
    }
    const ProductItem& item = (*section.productItems)[static_cast<size_t>(row)];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
    case RetailerIdRole:
        return item.productRetailerId.value_or(QString());
    case KindRole:
        return static_cast<int>(ProductKind);
    default:
        return {};
    }
}

bool ListTreeModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!m_document || !isItem(index))
        return false;
    const int s = sectionOf(index);
    if (s < 0)
        return false;
    const QString text = value.toString();
    const int row = index.row();

    QString key;
    QList<int> roles;
    std::function<void(Section&)> change;
    if (isSection(index)) {
        if (role != Qt::EditRole && role != TitleRole)
            return false;
        key = QStringLiteral("section:%1:title").arg(s);
        roles = {Qt::DisplayRole, Qt::EditRole, TitleRole};
        // an empty title removes the optional field rather than writing ""
        const std::optional<QString> title = text.isEmpty() ? std::nullopt : std::optional<QString>(text);
        change = [title](Section& section) { section.title = title; };
    } else if (m_mode == Mode::Rows) {
        std::optional<QString> ListRow::*field = nullptr;
        std::optional<QString> newValue = text;
        switch (role) {
        case Qt::EditRole:
        case TitleRole:
            field = &ListRow::title;
            key = QStringLiteral("row:%1:%2:title").arg(s).arg(row);
            roles = {Qt::DisplayRole, Qt::EditRole, TitleRole};
            break;
        case IdRole:
            field = &ListRow::id;
            key = QStringLiteral("row:%1:%2:id").arg(s).arg(row);
            roles = {IdRole};
            break;
        case DescriptionRole:
            field = &ListRow::description;
            key = QStringLiteral("row:%1:%2:description").arg(s).arg(row);
            roles = {DescriptionRole};
            if (text.isEmpty())
                newValue.reset();
            break;
        default:
            return false;
        }
        change = [row, field, newValue](Section& section) {
            if (section.rows && row < static_cast<int>(section.rows->size()))
                (*section.rows)[static_cast<size_t>(row)].*field = newValue;
        };
    } else {
        if (role != Qt::EditRole && role != RetailerIdRole)
            return false;
        key = QStringLiteral("product:%1:%2:product_retailer_id").arg(s).arg(row);
        roles = {Qt::DisplayRole, Qt::EditRole, RetailerIdRole};
        change = [row, text](Section& section) {
            if (section.productItems && row < static_cast<int>(section.productItems->size()))
                (*section.productItems)[static_cast<size_t>(row)].productRetailerId = text;
        };
    }

    Section changed = m_nodes[static_cast<size_t>(s)].section;
    change(changed);
    if (sameSection(changed, m_nodes[static_cast<size_t>(s)].section))
        return true; // nothing to change: no undo step
    const bool applied = commit(key, [s, change](Message& message) {
        Action& action = actionOf(message);
        if (action.sections && s < static_cast<int>(action.sections->size()))
            change((*action.sections)[static_cast<size_t>(s)]);
    });
    if (!applied)
        return false;
    m_nodes[static_cast<size_t>(s)].section = std::move(changed);
    emit dataChanged(index, index, roles);
    return true;
}

Qt::ItemFlags ListTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // sections are dropped on the root
    if (!isItem(index))
        return Qt::NoItemFlags;
    const Qt::ItemFlags common = Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemIsDragEnabled;
    return isSection(index) ? common | Qt::ItemIsDropEnabled : common | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> ListTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(TitleRole, "title");
    names.insert(IdRole, "id");
    names.insert(DescriptionRole, "description");
    names.insert(RetailerIdRole, "retailerId");
    names.insert(KindRole, "kind");
    names.insert(PathRole, "path");
    names.insert(SectionIndexRole, "sectionIndex");
    names.insert(RowIndexRole, "rowIndex");
    return names;
}

// --- paths -----------------------------------------------------------------------------------

QString ListTreeModel::pathForIndex(const QModelIndex& index) const
{
    const int s = sectionOf(index);
    if (s < 0)
        return {};
    QString path = QStringLiteral("interactive.action.sections[%1]").arg(s);
    if (!isSection(index)) {
        path += m_mode == Mode::Products ? QStringLiteral(".product_items[%1]").arg(index.row())
                                         : QStringLiteral(".rows[%1]").arg(index.row());
    }
    return path;
}

QModelIndex ListTreeModel::indexForPath(const QString& jsonPath) const
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^interactive\.action\.sections\[(\d+)\](?:\.(rows|product_items)\[(\d+)\])?(?=$|[.\[]))"));
    const QRegularExpressionMatch match = pattern.match(jsonPath);
    if (!match.hasMatch())
        return {};
    bool ok = false;
    const int s = match.captured(1).toInt(&ok);
    if (!ok || s >= static_cast<int>(m_nodes.size()))
        return {};
    const QModelIndex section = index(s, 0);
    const QString childKey = match.captured(2);
    if (childKey.isEmpty())
        return section;
    const bool kindMatches = (m_mode == Mode::Rows && childKey == QLatin1String("rows")) ||
                             (m_mode == Mode::Products && childKey == QLatin1String("product_items"));
    const int row = match.captured(3).toInt(&ok);
    if (!kindMatches || !ok || row >= childCount(s))
        return section;
    return index(row, 0, section);
}

// --- keeping up with the document ------------------------------------------------------------

void ListTreeModel::onDocumentChanged()
{
    if (m_ownEdit)
        return; // the model's own edit: it announces the change itself
    sync();
}

void ListTreeModel::sync()
{
    const Mode mode = m_document ? modeOf(m_document->message()) : Mode::None;
    std::vector<Section> sections = mode == Mode::None ? std::vector<Section>() : sectionsOf(m_document->message());

    bool sameStructure = mode == m_mode && sections.size() == m_nodes.size();
    for (size_t i = 0; sameStructure && i < sections.size(); ++i)
        sameStructure = childCount(sections[i]) == childCount(m_nodes[i].section);

    if (sameStructure) {
        // only texts changed (typing in a form, the JSON pane): keep the view's expansion and selection
        for (size_t i = 0; i < sections.size(); ++i) {
            if (sameSection(sections[i], m_nodes[i].section))
                continue;
            m_nodes[i].section = std::move(sections[i]);
            const QModelIndex section = index(static_cast<int>(i), 0);
            emit dataChanged(section, section);
            const int children = childCount(static_cast<int>(i));
            if (children > 0)
                emit dataChanged(index(0, 0, section), index(children - 1, 0, section));
        }
        return;
    }

    beginResetModel();
    m_mode = mode;
    m_nodes.clear();
    for (Section& section : sections)
        m_nodes.push_back(Node{m_nextNodeId++, std::move(section)});
    endResetModel();
}

bool ListTreeModel::commit(const QString& key, const Mutation& mutate)
{
    if (!m_document)
        return false;
    Message expected = m_document->message();
    mutate(expected);
    {
        const QScopedValueRollback<bool> guard(m_ownEdit, true);
        m_document->edit(key, mutate);
    }
    // The edit handler (the undo stack) normally applies the change at once; when it did not, or
    // applied something else, show what the document holds.
    if (m_document && modeOf(m_document->message()) == modeOf(expected) &&
        sameSections(sectionsOf(m_document->message()), sectionsOf(expected)))
        return true;
    sync();
    return false;
}

QString ListTreeModel::nextKey(const char* operation) const
{
    return QStringLiteral("structure:%1:%2").arg(QLatin1String(operation)).arg(++s_editSerial);
}

// --- structural changes ----------------------------------------------------------------------

void ListTreeModel::apply(std::vector<Node>& nodes, const Op& op) const
{
    switch (op.type) {
    case Op::InsertSection:
        nodes.insert(nodes.begin() + op.section, Node{op.nodeId, op.newSection});
        break;
    case Op::RemoveSection:
        nodes.erase(nodes.begin() + op.section);
        break;
    case Op::MoveSection:
        moveItem(nodes, op.section, nodes, op.toSection);
        break;
    case Op::InsertChild: {
        Section& section = nodes[static_cast<size_t>(op.section)].section;
        if (m_mode == Mode::Rows) {
            if (!section.rows)
                section.rows.emplace();
            section.rows->insert(section.rows->begin() + op.row, op.newRow);
        } else {
            if (!section.productItems)
                section.productItems.emplace();
            section.productItems->insert(section.productItems->begin() + op.row, op.newItem);
        }
        break;
    }
    case Op::RemoveChild: {
        Section& section = nodes[static_cast<size_t>(op.section)].section;
        if (m_mode == Mode::Rows)
            section.rows->erase(section.rows->begin() + op.row);
        else
            section.productItems->erase(section.productItems->begin() + op.row);
        break;
    }
    case Op::MoveChild: {
        Section& from = nodes[static_cast<size_t>(op.section)].section;
        Section& to = nodes[static_cast<size_t>(op.toSection)].section;
        if (m_mode == Mode::Rows) {
            if (!to.rows)
                to.rows.emplace();
            moveItem(*from.rows, op.row, *to.rows, op.toRow);
        } else {
            if (!to.productItems)
                to.productItems.emplace();
            moveItem(*from.productItems, op.row, *to.productItems, op.toRow);
        }
        break;
    }
    }
}

bool ListTreeModel::announce(const Op& op)
{
    switch (op.type) {
    case Op::InsertSection:
        beginInsertRows({}, op.section, op.section);
        apply(m_nodes, op);
        endInsertRows();
        return true;
    case Op::RemoveSection:
        beginRemoveRows({}, op.section, op.section);
        apply(m_nodes, op);
        endRemoveRows();
        return true;
    case Op::MoveSection: {
        if (op.section == op.toSection)
            return true;
        const int destination = op.toSection > op.section ? op.toSection + 1 : op.toSection;
        const bool announced = beginMoveRows({}, op.section, op.section, {}, destination);
        apply(m_nodes, op);
        if (announced)
            endMoveRows();
        return announced;
    }
    case Op::InsertChild:
        beginInsertRows(index(op.section, 0), op.row, op.row);
        apply(m_nodes, op);
        endInsertRows();
        return true;
    case Op::RemoveChild:
        beginRemoveRows(index(op.section, 0), op.row, op.row);
        apply(m_nodes, op);
        endRemoveRows();
        return true;
    case Op::MoveChild: {
        const bool sameSection = op.section == op.toSection;
        if (sameSection && op.row == op.toRow)
            return true;
        const int destination = sameSection && op.toRow > op.row ? op.toRow + 1 : op.toRow;
        const bool announced = beginMoveRows(index(op.section, 0), op.row, op.row, index(op.toSection, 0), destination);
        apply(m_nodes, op);
        if (announced)
            endMoveRows();
        return announced;
    }
    }
    return false;
}

bool ListTreeModel::run(const QString& operation, const std::vector<Op>& ops)
{
    if (ops.empty() || !m_document || m_mode == Mode::None)
        return false;
    std::vector<Node> simulated = m_nodes;
    for (const Op& op : ops)
        apply(simulated, op);
    std::vector<Section> sections;
    sections.reserve(simulated.size());
    for (const Node& node : simulated)
        sections.push_back(node.section);

    if (!commit(operation, [sections](Message& message) { actionOf(message).sections = sections; }))
        return false;

    bool announced = true;
    for (const Op& op : ops)
        announced = announce(op) && announced;
    if (!announced) {
        // a move the views could not follow (should not happen): make them start over
        beginResetModel();
        endResetModel();
    }
    emitPositionsChanged();
    return true;
}

void ListTreeModel::emitPositionsChanged()
{
    // Paths, indexes and the "(untitled section N)" placeholders follow the positions.
    if (m_nodes.empty())
        return;
    emit dataChanged(index(0, 0), index(static_cast<int>(m_nodes.size()) - 1, 0),
                     {Qt::DisplayRole, PathRole, SectionIndexRole});
    for (int i = 0; i < static_cast<int>(m_nodes.size()); ++i) {
        const int children = childCount(i);
        if (children == 0)
            continue;
        const QModelIndex section = index(i, 0);
        emit dataChanged(index(0, 0, section), index(children - 1, 0, section),
                         {PathRole, SectionIndexRole, RowIndexRole});
    }
}

QStringList ListTreeModel::rowIds() const
{
    QStringList ids;
    for (const Node& node : m_nodes) {
        if (m_mode == Mode::Rows && node.section.rows) {
            for (const ListRow& row : *node.section.rows) {
                if (row.id)
                    ids.append(*row.id);
            }
        } else if (m_mode == Mode::Products && node.section.productItems) {
            for (const ProductItem& item : *node.section.productItems) {
                if (item.productRetailerId)
                    ids.append(*item.productRetailerId);
            }
        }
    }
    return ids;
}

ListRow ListTreeModel::newRow() const
{
    const QStringList ids = rowIds();
    QSet<QString> titles;
    int total = 0;
    for (const Node& node : m_nodes) {
        total += childCount(node.section);
        if (node.section.rows) {
            for (const ListRow& row : *node.section.rows)
                titles.insert(row.title.value_or(QString()));
        }
    }
    int n = total + 1;
    while (ids.contains(QStringLiteral("row-%1").arg(n)) || titles.contains(QStringLiteral("Row %1").arg(n)))
        ++n;
    ListRow row;
    row.id = QStringLiteral("row-%1").arg(n);
    row.title = QStringLiteral("Row %1").arg(n);
    return row;
}

ProductItem ListTreeModel::newItem() const
{
    const QStringList ids = rowIds();
    int total = 0;
    for (const Node& node : m_nodes)
        total += childCount(node.section);
    int n = total + 1;
    while (ids.contains(QStringLiteral("product-%1").arg(n)))
        ++n;
    ProductItem item;
    item.productRetailerId = QStringLiteral("product-%1").arg(n);
    return item;
}

QModelIndex ListTreeModel::addSection()
{
    if (m_mode == Mode::None)
        return {};
    QSet<QString> titles;
    for (const Node& node : m_nodes)
        titles.insert(node.section.title.value_or(QString()));
    int n = static_cast<int>(m_nodes.size()) + 1;
    while (titles.contains(QStringLiteral("Section %1").arg(n)))
        ++n;

    Op op;
    op.type = Op::InsertSection;
    op.section = static_cast<int>(m_nodes.size());
    op.nodeId = m_nextNodeId++;
    op.newSection.title = QStringLiteral("Section %1").arg(n);
    // a section needs at least one row (product) to be valid
    if (m_mode == Mode::Rows)
        op.newSection.rows = std::vector<ListRow>{newRow()};
    else
        op.newSection.productItems = std::vector<ProductItem>{newItem()};
    if (!run(nextKey("add-section"), {op}))
        return {};
    return index(op.section, 0);
}

QModelIndex ListTreeModel::addRow(const QModelIndex& sectionOrRow)
{
    if (m_mode == Mode::None || !isItem(sectionOrRow))
        return {};
    const int s = sectionOf(sectionOrRow);
    if (s < 0)
        return {};
    Op op;
    op.type = Op::InsertChild;
    op.section = s;
    op.row = isSection(sectionOrRow) ? childCount(s) : sectionOrRow.row() + 1;
    if (m_mode == Mode::Rows)
        op.newRow = newRow();
    else
        op.newItem = newItem();
    if (!run(nextKey("add-row"), {op}))
        return {};
    return index(op.row, 0, index(s, 0));
}

QModelIndex ListTreeModel::duplicate(const QModelIndex& index)
{
    if (m_mode == Mode::None || !isItem(index))
        return {};
    const int s = sectionOf(index);
    if (s < 0)
        return {};
    const Section& source = m_nodes[static_cast<size_t>(s)].section;
    const QStringList ids = rowIds();
    QSet<QString> used(ids.cbegin(), ids.cend());

    Op op;
    if (isSection(index)) {
        op.type = Op::InsertSection;
        op.section = s + 1;
        op.nodeId = m_nextNodeId++;
        op.newSection = source;
        if (m_mode == Mode::Rows && op.newSection.rows) {
            for (ListRow& row : *op.newSection.rows) {
                row.id = copyId(row.id, used);
                used.insert(*row.id);
            }
        }
        if (!run(nextKey("duplicate-section"), {op}))
            return {};
        return this->index(op.section, 0);
    }

    op.type = Op::InsertChild;
    op.section = s;
    op.row = index.row() + 1;
    if (m_mode == Mode::Rows) {
        op.newRow = (*source.rows)[static_cast<size_t>(index.row())];
        op.newRow.id = copyId(op.newRow.id, used);
    } else {
        op.newItem = (*source.productItems)[static_cast<size_t>(index.row())];
    }
    if (!run(nextKey("duplicate-row"), {op}))
        return {};
    return this->index(op.row, 0, this->index(s, 0));
}

bool ListTreeModel::remove(const QModelIndex& index)
{
    if (m_mode == Mode::None || !isItem(index))
        return false;
    const int s = sectionOf(index);
    if (s < 0)
        return false;
    Op op;
    op.type = isSection(index) ? Op::RemoveSection : Op::RemoveChild;
    op.section = s;
    op.row = isSection(index) ? -1 : index.row();
    return run(nextKey("remove"), {op});
}

bool ListTreeModel::moveUp(const QModelIndex& index)
{
    if (m_mode == Mode::None || !isItem(index))
        return false;
    const int s = sectionOf(index);
    if (s < 0)
        return false;
    Op op;
    if (isSection(index)) {
        if (s == 0)
            return false;
        op.type = Op::MoveSection;
        op.section = s;
        op.toSection = s - 1;
    } else {
        op.type = Op::MoveChild;
        op.section = s;
        op.row = index.row();
        if (op.row > 0) {
            op.toSection = s;
            op.toRow = op.row - 1;
        } else if (s > 0) {
            // the first row of a section goes to the end of the section before
            op.toSection = s - 1;
            op.toRow = childCount(s - 1);
        } else {
            return false;
        }
    }
    return run(nextKey("move-up"), {op});
}

bool ListTreeModel::moveDown(const QModelIndex& index)
{
    if (m_mode == Mode::None || !isItem(index))
        return false;
    const int s = sectionOf(index);
    if (s < 0)
        return false;
    const int sections = static_cast<int>(m_nodes.size());
    Op op;
    if (isSection(index)) {
        if (s + 1 >= sections)
            return false;
        op.type = Op::MoveSection;
        op.section = s;
        op.toSection = s + 1;
    } else {
        op.type = Op::MoveChild;
        op.section = s;
        op.row = index.row();
        if (op.row + 1 < childCount(s)) {
            op.toSection = s;
            op.toRow = op.row + 1;
        } else if (s + 1 < sections) {
            // the last row of a section goes to the start of the section after
            op.toSection = s + 1;
            op.toRow = 0;
        } else {
            return false;
        }
    }
    return run(nextKey("move-down"), {op});
}

QString ListTreeModel::idFromTitle(const QString& title, int maxLength)
{
    QString id;
    int length = 0;
    bool separator = false;
    for (const char32_t c : title.toLower().toUcs4()) {
        if (QChar::isLetterOrNumber(c) || QChar::isMark(c)) {
            const bool dash = separator && !id.isEmpty();
            if (maxLength >= 0 && length + (dash ? 2 : 1) > maxLength)
                break;
            if (dash) {
                id += QLatin1Char('-');
                ++length;
            }
            separator = false;
            id += QString::fromUcs4(&c, 1);
            ++length;
        } else if (QChar::isSpace(c) || c == U'-' || c == U'_') {
            separator = true;
        }
        // anything else (punctuation, symbols, emoji) is dropped
    }
    return id;
}

void ListTreeModel::generateIds()
{
    if (m_mode != Mode::Rows)
        return;
    const int max = rowIdMaxLength();
    std::vector<Section> sections;
    for (const Node& node : m_nodes)
        sections.push_back(node.section);
    QSet<QString> used;
    int position = 0;
    for (Section& section : sections) {
        if (!section.rows)
            continue;
        for (ListRow& row : *section.rows) {
            ++position;
            QString stem = idFromTitle(row.title.value_or(QString()), max);
            if (stem.isEmpty())
                stem = QStringLiteral("row-%1").arg(position);
            row.id = uniqueName(stem, used, max);
            used.insert(*row.id);
        }
    }
    bool changed = false;
    for (size_t i = 0; i < sections.size(); ++i)
        changed = changed || !sameSection(sections[i], m_nodes[i].section);
    if (!changed)
        return;
    if (!commit(nextKey("generate-ids"), [sections](Message& message) { actionOf(message).sections = sections; }))
        return;
    for (size_t i = 0; i < sections.size(); ++i) {
        if (sameSection(sections[i], m_nodes[i].section))
            continue;
        m_nodes[i].section = std::move(sections[i]);
        const int children = childCount(static_cast<int>(i));
        const QModelIndex section = index(static_cast<int>(i), 0);
        if (children > 0)
            emit dataChanged(index(0, 0, section), index(children - 1, 0, section), {IdRole});
    }
}

// --- drag and drop ---------------------------------------------------------------------------

Qt::DropActions ListTreeModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

QStringList ListTreeModel::mimeTypes() const
{
    return {mimeType()};
}

QMimeData* ListTreeModel::mimeData(const QModelIndexList& indexes) const
{
    // Sections when any section is dragged (their rows go with them), else the rows.
    std::vector<std::pair<int, int>> sections;
    std::vector<std::pair<int, int>> children;
    for (const QModelIndex& index : indexes) {
        if (!isItem(index))
            continue;
        const int s = sectionOf(index);
        if (s < 0)
            continue;
        if (isSection(index))
            sections.emplace_back(s, -1);
        else
            children.emplace_back(s, index.row());
    }
    std::vector<std::pair<int, int>>& items = sections.empty() ? children : sections;
    if (items.empty())
        return nullptr;
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());

    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out << quint64(reinterpret_cast<quintptr>(this)) << !sections.empty() << qint32(items.size());
    for (const auto& [section, row] : items)
        out << quint64(m_nodes[static_cast<size_t>(section)].id) << qint32(row);
    auto* mime = new QMimeData;
    mime->setData(mimeType(), bytes);
    return mime;
}

bool ListTreeModel::decodeDrag(const QMimeData* data, bool* sections, std::vector<std::pair<int, int>>* items) const
{
    if (!data || !data->hasFormat(mimeType()))
        return false;
    QDataStream in(data->data(mimeType()));
    quint64 model = 0;
    bool isSections = false;
    qint32 count = 0;
    in >> model >> isSections >> count;
    if (in.status() != QDataStream::Ok || model != quint64(reinterpret_cast<quintptr>(this)) || count <= 0)
        return false; // dragged from another model (another document): not ours to move
    items->clear();
    for (qint32 i = 0; i < count; ++i) {
        quint64 node = 0;
        qint32 row = 0;
        in >> node >> row;
        if (in.status() != QDataStream::Ok)
            return false;
        const int s = nodePosition(static_cast<quintptr>(node));
        if (s < 0 || (isSections && row != -1) || (!isSections && (row < 0 || row >= childCount(s))))
            return false;
        items->emplace_back(s, row);
    }
    std::sort(items->begin(), items->end());
    items->erase(std::unique(items->begin(), items->end()), items->end());
    *sections = isSections;
    return true;
}

bool ListTreeModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                    const QModelIndex& parent) const
{
    Q_UNUSED(column)
    if (action != Qt::MoveAction || m_mode == Mode::None)
        return false;
    bool sections = false;
    std::vector<std::pair<int, int>> items;
    if (!decodeDrag(data, &sections, &items))
        return false;
    if (sections) // sections go between sections
        return !parent.isValid() && row <= static_cast<int>(m_nodes.size());
    if (!isItem(parent) || sectionOf(parent) < 0)
        return false; // rows go into a section (or after a row)
    return !isSection(parent) || row <= childCount(parent.row());
}

bool ListTreeModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                 const QModelIndex& parent)
{
    if (action == Qt::IgnoreAction)
        return true;
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    bool sections = false;
    std::vector<std::pair<int, int>> items;
    decodeDrag(data, &sections, &items);

    // The dragged items end up together, in their order, before the first item at the drop
    // position that is not dragged (or at the end). Each becomes one move, computed against the
    // positions the moves before it leave.
    std::vector<Op> ops;
    if (sections) {
        std::vector<quintptr> order;
        for (const Node& node : m_nodes)
            order.push_back(node.id);
        std::vector<quintptr> moved;
        for (const auto& item : items)
            moved.push_back(m_nodes[static_cast<size_t>(item.first)].id);
        const int destination = row < 0 ? static_cast<int>(order.size()) : row;
        quintptr anchor = 0;
        for (int i = destination; i < static_cast<int>(order.size()) && anchor == 0; ++i) {
            if (std::find(moved.cbegin(), moved.cend(), order[static_cast<size_t>(i)]) == moved.cend())
                anchor = order[static_cast<size_t>(i)];
        }
        for (const quintptr id : moved) {
            const auto at = std::find(order.begin(), order.end(), id);
            const int from = static_cast<int>(at - order.begin());
            order.erase(at);
            const int to = anchor == 0
                               ? static_cast<int>(order.size())
                               : static_cast<int>(std::find(order.begin(), order.end(), anchor) - order.begin());
            order.insert(order.begin() + to, id);
            if (from == to)
                continue;
            Op op;
            op.type = Op::MoveSection;
            op.section = from;
            op.toSection = to;
            ops.push_back(op);
        }
    } else {
        const int target = sectionOf(parent);
        const int position = isSection(parent) ? (row < 0 ? childCount(target) : row) : parent.row() + 1;
        // one token per child, to follow the children while the moves shift them
        std::vector<std::vector<int>> grid(m_nodes.size());
        int token = 0;
        for (size_t s = 0; s < m_nodes.size(); ++s) {
            for (int j = 0; j < childCount(static_cast<int>(s)); ++j)
                grid[s].push_back(token++);
        }
        std::vector<int> moved;
        for (const auto& item : items)
            moved.push_back(grid[static_cast<size_t>(item.first)][static_cast<size_t>(item.second)]);
        std::vector<int>& targetRow = grid[static_cast<size_t>(target)];
        int anchor = -1;
        for (int i = position; i < static_cast<int>(targetRow.size()) && anchor < 0; ++i) {
            if (std::find(moved.cbegin(), moved.cend(), targetRow[static_cast<size_t>(i)]) == moved.cend())
                anchor = targetRow[static_cast<size_t>(i)];
        }
        for (const int t : moved) {
            int fromSection = -1;
            int fromRow = -1;
            for (size_t s = 0; s < grid.size() && fromSection < 0; ++s) {
                const auto at = std::find(grid[s].begin(), grid[s].end(), t);
                if (at != grid[s].end()) {
                    fromSection = static_cast<int>(s);
                    fromRow = static_cast<int>(at - grid[s].begin());
                    grid[s].erase(at);
                }
            }
            const int to =
                anchor < 0
                    ? static_cast<int>(targetRow.size())
                    : static_cast<int>(std::find(targetRow.begin(), targetRow.end(), anchor) - targetRow.begin());
            targetRow.insert(targetRow.begin() + to, t);
            if (fromSection == target && fromRow == to)
                continue;
            Op op;
            op.type = Op::MoveChild;
            op.section = fromSection;
            op.row = fromRow;
            op.toSection = target;
            op.toRow = to;
            ops.push_back(op);
        }
    }
    // Dropping items where they already are changes nothing and makes no undo step.
    return run(nextKey("drop"), ops);
}

} // namespace wa
