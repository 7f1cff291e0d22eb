#pragma once

#include <QList>
#include <QWidget>

class FieldEditor;
class QGridLayout;
class QPushButton;
class QToolButton;

namespace wa {
class ComposerDocument;
}

// The reply buttons of a "button" message: 1 to 3, each an id and a title with their counters;
// add, remove and reorder. Add is disabled at the limit, with a tooltip saying why.
class ButtonsEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ButtonsEditor(wa::ComposerDocument* document, QWidget* parent = nullptr);

    void refresh();
    int buttonCount() const;
    QPushButton* addButton() const { return m_add; }
    FieldEditor* idEditor(int index) const;
    FieldEditor* titleEditor(int index) const;
    // Focuses the field of a path such as interactive.action.buttons[1].reply.title.
    bool focusPath(const QString& path);

private:
    struct Row
    {
        FieldEditor* id = nullptr;
        FieldEditor* title = nullptr;
        QToolButton* up = nullptr;
        QToolButton* down = nullptr;
        QToolButton* remove = nullptr;
        QWidget* frame = nullptr;
    };

    void rebuild(int count);
    void add();
    void removeAt(int index);
    void move(int from, int to);

    wa::ComposerDocument* m_document;
    QGridLayout* m_rowsLayout;
    QList<Row> m_rows;
    QPushButton* m_add;
};
