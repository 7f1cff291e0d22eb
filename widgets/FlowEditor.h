#pragma once

#include <QWidget>

class FieldEditor;
class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace wa {
class ComposerDocument;
}

// Every parameter of a flow message: version, flow id or name, button text, token, mode, action,
// and the navigate payload's screen and data (JSON, with its own parse error).
class FlowEditor : public QWidget
{
    Q_OBJECT

public:
    explicit FlowEditor(wa::ComposerDocument* document, QWidget* parent = nullptr);

    void refresh();
    bool focusPath(const QString& path);
    QPlainTextEdit* dataEditor() const { return m_data; }
    QLabel* dataError() const { return m_dataError; }
    FieldEditor* ctaEditor() const { return m_cta; }

private:
    void dataEdited();
    void setCombo(QComboBox* combo, const std::optional<QString>& value, const QString& fallback);

    wa::ComposerDocument* m_document;
    QComboBox* m_version;
    QComboBox* m_idOrName;
    FieldEditor* m_flowId;
    FieldEditor* m_cta;
    FieldEditor* m_token;
    QComboBox* m_mode;
    QComboBox* m_action;
    FieldEditor* m_screen;
    QPlainTextEdit* m_data;
    QLabel* m_dataError;
    bool m_loading = false;
};
