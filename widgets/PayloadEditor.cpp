#include "PayloadEditor.h"

#include <QFontDatabase>
#include <QTextBlock>

PayloadEditor::PayloadEditor(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(false);
    setPlaceholderText(tr("Paste or type a WhatsApp message payload (JSON)…"));
}

void PayloadEditor::markError(int line, int column)
{
    QList<QTextEdit::ExtraSelection> selections;
    const QTextBlock block = document()->findBlockByNumber(line - 1);
    if (line > 0 && block.isValid()) {
        QTextEdit::ExtraSelection lineMark;
        lineMark.format.setBackground(QColor(255, 0, 0, 40));
        lineMark.format.setProperty(QTextFormat::FullWidthSelection, true);
        lineMark.cursor = QTextCursor(block);
        selections << lineMark;

        QTextEdit::ExtraSelection charMark;
        charMark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        charMark.format.setUnderlineColor(Qt::red);
        charMark.format.setBackground(QColor(255, 0, 0, 90));
        QTextCursor cursor(block);
        cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, qMax(0, column - 1));
        if (!cursor.movePosition(QTextCursor::Right, QTextCursor::KeepAnchor))
            cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor);
        charMark.cursor = cursor;
        selections << charMark;
    }
    setExtraSelections(selections);
}

void PayloadEditor::goTo(int line, int column)
{
    const QTextBlock block = document()->findBlockByNumber(qMax(0, line - 1));
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, qMax(0, column - 1));
    setTextCursor(cursor);
    ensureCursorVisible();
    setFocus();
}
