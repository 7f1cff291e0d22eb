#pragma once

#include <QHash>
#include <QWidget>

#include "Message.h"

class ButtonsEditor;
class FieldEditor;
class FlowEditor;
class ListEditor;
class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QToolButton;

namespace wa {
class ComposerDocument;
}

// The form for one interactive message: type, envelope, header, body, footer and the action of
// the type, every field live-counted and validated. Switching type keeps what still applies and
// puts the rest aside (brought back on switching back), never losing it silently.
class ComposerForm : public QWidget
{
    Q_OBJECT

public:
    explicit ComposerForm(wa::ComposerDocument* document, QWidget* parent = nullptr);

    void refresh();
    // Focuses (and selects) the field a finding's path names; false when no field shows it.
    bool focusPath(const QString& path);
    void setInteractiveType(wa::InteractiveType type);
    // A note under the recipient: the 24-hour window of that contact, a warning when closed.
    void setRecipientNote(const QString& text, bool warning);
    QLabel* recipientNote() const { return m_recipientNote; }

    QComboBox* typeCombo() const { return m_type; }
    FieldEditor* toEditor() const { return m_to; }
    FieldEditor* bodyEditor() const { return m_body; }
    FieldEditor* footerEditor() const { return m_footer; }
    FieldEditor* headerTextEditor() const { return m_headerText; }
    QComboBox* headerTypeCombo() const { return m_headerType; }
    ButtonsEditor* buttonsEditor() const { return m_buttons; }
    ListEditor* listEditor() const { return m_list; }
    ListEditor* productListEditor() const { return m_productList; }
    FlowEditor* flowEditor() const { return m_flow; }

signals:
    // Something was put aside or brought back by a type switch, for the status bar.
    void notice(const QString& text);

private:
    QWidget* buildEnvelope();
    QWidget* buildHeader();
    QWidget* buildBody();
    QWidget* buildActionPages();
    void refreshHeader();
    void headerTypeChosen();
    void wrapSelection(const QString& marker);

    wa::ComposerDocument* m_document;
    QComboBox* m_type;
    FieldEditor* m_to;
    QComboBox* m_recipientType;
    QLabel* m_recipientNote;
    FieldEditor* m_context;
    QComboBox* m_headerType;
    FieldEditor* m_headerText;
    QComboBox* m_mediaSource;
    FieldEditor* m_mediaValue;
    FieldEditor* m_fileName;
    FieldEditor* m_provider;
    QWidget* m_mediaRow;
    QWidget* m_headerGroup;
    FieldEditor* m_body;
    FieldEditor* m_footer;
    QWidget* m_footerGroup;
    QStackedWidget* m_actions;
    ListEditor* m_list;
    ButtonsEditor* m_buttons;
    FieldEditor* m_ctaText;
    FieldEditor* m_ctaUrl;
    FieldEditor* m_catalogId;
    FieldEditor* m_retailerId;
    FieldEditor* m_productListCatalogId;
    ListEditor* m_productList;
    FlowEditor* m_flow;
    bool m_loading = false;
    QString m_headerKey;

    // What a type switch put aside, by the type it belonged to.
    QHash<int, wa::Action> m_stashedActions;
    std::optional<wa::Header> m_stashedHeader;
    std::optional<wa::TextObject> m_stashedFooter;
};
