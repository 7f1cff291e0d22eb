#pragma once

#include <functional>
#include <optional>

#include <QPointer>
#include <QWidget>

#include "Finding.h"
#include "Message.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class StableSizeBox;

namespace wa {
class ComposerDocument;
}

// One text field of the message: the input, a live counter against the field's limit ("17/24",
// amber for a warning, red over the limit) and the field's own finding under it. Edits go to the
// document as one undoable step per run of typing.
class FieldEditor : public QWidget
{
    Q_OBJECT

public:
    using Getter = std::function<std::optional<QString>(const wa::Message&)>;
    using Setter = std::function<void(wa::Message&, const QString&)>;

    enum class Mode { Line, MultiLine };

    // `pattern` is the field's path pattern in the LimitsTable ("interactive.body.text"); the
    // limit follows the message's interactive type.
    FieldEditor(wa::ComposerDocument* document, Mode mode, const char* pattern, QWidget* parent = nullptr);

    // What the field edits: the undo key, the concrete JSON path, and how to read and write it.
    // `pattern`, when given, replaces the limit's path pattern (one editor serving several fields).
    void bind(const QString& key, const QString& path, Getter getter, Setter setter, const char* pattern = nullptr);
    void unbind();
    QString path() const { return m_path; }

    void setPlaceholderText(const QString& text);
    // Reloads the text (unless it is already what the user typed) and the findings.
    void refresh();
    QWidget* input() const;
    QString text() const;
    QLabel* counter() const { return m_counter; }
    QLabel* findingLabel() const { return m_finding; }
    int limit() const { return m_limit; }
    QPlainTextEdit* multiLineInput() const { return m_multi; }

    // The counter's state, for tests and styling.
    enum class CounterState { Normal, Warning, Error };
    CounterState counterState() const { return m_state; }

private:
    void userEdited();
    void updateCounter();

    wa::ComposerDocument* m_document;
    const char* m_pattern;
    QLineEdit* m_line = nullptr;
    QPlainTextEdit* m_multi = nullptr;
    QLabel* m_counter;
    QLabel* m_finding;
    StableSizeBox* m_findingBox = nullptr;
    QString m_key;
    QString m_path;
    Getter m_getter;
    Setter m_setter;
    int m_limit = -1;
    CounterState m_state = CounterState::Normal;
    bool m_loading = false;
};
