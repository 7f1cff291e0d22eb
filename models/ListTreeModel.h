#pragma once

#include <functional>
#include <utility>
#include <vector>

#include <QAbstractItemModel>
#include <QPointer>
#include <QString>

#include "Message.h"

namespace wa {

class ComposerDocument;

// The tree behind the list editor and the product-list editor: the top-level items are
// `interactive.action.sections[i]`, their children the section's `rows[j]` (type "list") or its
// `product_items[j]` (type "product_list"); for any other type the model is empty.
//
// Every change goes through ComposerDocument::edit(), so it can be undone: field edits (setData)
// use a stable key per field ("row:1:0:title") so that typing merges into one undo step, and each
// structural operation is one edit with a key of its own. The model keeps a copy of the sections
// it shows, with a stable identity per section, and announces its own changes with insert, remove
// and move signals; a change from elsewhere (undo, redo, open, the JSON pane) resets the model
// unless only the texts changed, in which case it emits dataChanged for what changed.
class ListTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role {
        TitleRole = Qt::UserRole + 1, // section title or row title
        IdRole,                       // row id
        DescriptionRole,              // row description
        RetailerIdRole,               // product_retailer_id of a product item
        KindRole,                     // Kind as int
        PathRole,                     // "interactive.action.sections[1].rows[0]"
        SectionIndexRole,             // index of the section (of the parent section for a child)
        RowIndexRole,                 // index of the child in its section; -1 for a section
    };

    enum Kind { SectionKind, RowKind, ProductKind };
    Q_ENUM(Kind)

    // The mime type of drags between items of one model: the model and the dragged items.
    static QString mimeType();

    explicit ListTreeModel(ComposerDocument* document, QObject* parent = nullptr);
    ~ListTreeModel() override;

    ComposerDocument* document() const { return m_document; }
    // True when the children are product items (type "product_list").
    bool isProductList() const { return m_mode == Mode::Products; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

    // Structural operations: each is one edit of the document (one undo step). They return the
    // new item's index, or an invalid index / false when there is nothing to do.
    QModelIndex addSection();
    // Adds a row (product) after the given child, or at the end of the given section.
    QModelIndex addRow(const QModelIndex& sectionOrRow);
    // A duplicated row gets a unique id ("id-copy", "id-copy-2"); so do the rows of a duplicated section.
    QModelIndex duplicate(const QModelIndex& index);
    bool remove(const QModelIndex& index);
    // Children move across section boundaries; sections move among sections.
    bool moveUp(const QModelIndex& index);
    bool moveDown(const QModelIndex& index);
    // Sets every row's id from its title, unique within the message and within the id length limit.
    void generateIds();

    // The item a JSON path points into ("interactive.action.sections[1].rows[0].title" → that row).
    // A path into a section whose child index is out of range or of the other kind gives the section.
    QModelIndex indexForPath(const QString& jsonPath) const;
    QString pathForIndex(const QModelIndex& index) const;

    // The id generateIds() derives from a title before making it unique: lower case, white space
    // as '-', letters, marks and digits of any script kept, other characters dropped, at most
    // `maxLength` code points. Empty when nothing is left.
    static QString idFromTitle(const QString& title, int maxLength);

private:
    enum class Mode { None, Rows, Products };

    struct Node
    {
        quintptr id = 0; // stable identity of the section, the internal id of its children's indexes
        Section section;
    };

    // One step of a structural change. Positions are those before the step; a move's destination
    // is the position the item has after it.
    struct Op
    {
        enum Type { InsertSection, RemoveSection, MoveSection, InsertChild, RemoveChild, MoveChild };
        Type type = InsertSection;
        int section = -1;
        int row = -1;
        int toSection = -1;
        int toRow = -1;
        quintptr nodeId = 0; // InsertSection
        Section newSection;  // InsertSection
        ListRow newRow;      // InsertChild, Mode::Rows
        ProductItem newItem; // InsertChild, Mode::Products
    };

    using Mutation = std::function<void(Message&)>;

    int childCount(int section) const;
    int childCount(const Section& section) const;
    bool isItem(const QModelIndex& index) const;
    bool isSection(const QModelIndex& index) const;
    int sectionOf(const QModelIndex& index) const;
    int nodePosition(quintptr id) const;
    static Mode modeOf(const Message& message);

    void onDocumentChanged();
    void sync();
    bool commit(const QString& key, const Mutation& mutate);
    bool run(const QString& operation, const std::vector<Op>& ops);
    void apply(std::vector<Node>& nodes, const Op& op) const;
    bool announce(const Op& op);
    void emitPositionsChanged();
    QString nextKey(const char* operation) const;

    ListRow newRow() const;
    ProductItem newItem() const;
    QStringList rowIds() const;
    bool decodeDrag(const QMimeData* data, bool* sections, std::vector<std::pair<int, int>>* items) const;

    QPointer<ComposerDocument> m_document;
    Mode m_mode = Mode::None;
    std::vector<Node> m_nodes;
    quintptr m_nextNodeId = 1;
    bool m_ownEdit = false;
};

} // namespace wa
