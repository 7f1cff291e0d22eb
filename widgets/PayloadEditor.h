#pragma once

#include <QPlainTextEdit>

// A plain-text JSON editor: monospace, no wrapping, and a red mark at a parse error's place.
class PayloadEditor : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit PayloadEditor(QWidget* parent = nullptr);

    // Marks line and column (1-based); 0 clears the mark.
    void markError(int line, int column);
    void clearErrorMark() { markError(0, 0); }
    // Moves the cursor to line and column (1-based) and shows it.
    void goTo(int line, int column);
};
