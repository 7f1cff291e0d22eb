#pragma once

#include <QList>
#include <QWidget>

#include "Finding.h"

class FieldEditor;
class QLabel;
class QPushButton;
class QTreeView;

namespace wa {
class ComposerDocument;
class ListTreeModel;
} // namespace wa

// Sections and their rows (a list) or their products (a product list) as a tree: add, duplicate,
// remove, move (buttons, keyboard or drag and drop, across sections), and the fields of the
// selected item with their counters.
class ListEditor : public QWidget
{
    Q_OBJECT

public:
    enum class Mode { Rows, Products };

    ListEditor(wa::ComposerDocument* document, Mode mode, QWidget* parent = nullptr);

    void refresh();
    QTreeView* tree() const { return m_tree; }
    wa::ListTreeModel* model() const { return m_model; }
    FieldEditor* titleEditor() const { return m_title; }
    FieldEditor* idEditor() const { return m_id; }
    FieldEditor* descriptionEditor() const { return m_description; }
    QLabel* totalLabel() const { return m_total; }
    // Selects the item of a path such as interactive.action.sections[1].rows[0].title and focuses
    // its field.
    bool focusPath(const QString& path);

    // The finding the tree marks an item with (its icon and tooltip), or null.
    const wa::Finding* findingMarkedAt(const QModelIndex& index) const;

    QPushButton* addSectionButton() const { return m_addSection; }
    QPushButton* addItemButton() const { return m_addItem; }

private:
    void selectionChanged();
    void select(const QModelIndex& index);
    void updateButtons();

    wa::ComposerDocument* m_document;
    Mode m_mode;
    wa::ListTreeModel* m_model;
    QTreeView* m_tree;
    QLabel* m_total;
    QLabel* m_selectedLabel;
    FieldEditor* m_title;
    FieldEditor* m_id;
    FieldEditor* m_description;
    QPushButton* m_addSection;
    QPushButton* m_addItem;
    QPushButton* m_duplicate;
    QPushButton* m_remove;
    QPushButton* m_up;
    QPushButton* m_down;
    QPushButton* m_generateIds = nullptr;
    QList<wa::Finding> m_markedFindings; // what the tree's marks were last painted from
};
