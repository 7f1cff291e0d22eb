#pragma once

#include <QDialog>
#include <QJsonObject>

class QLabel;
class QPlainTextEdit;
class QPushButton;

// Completes a Flow as the customer: a JSON editor for the flow's response (what goes out as
// nfm_reply.response_json). OK only while the text is a JSON object; otherwise the error label
// names what is wrong, with the line and column.
class FlowResponseDialog : public QDialog
{
    Q_OBJECT

public:
    // `flowCta` is the flow message's button text (the dialog's title); `initial` is shown indented.
    FlowResponseDialog(const QString& flowCta, const QJsonObject& initial, QWidget* parent = nullptr);

    // The object in the editor (the last valid one while the text is not).
    QJsonObject response() const { return m_response; }

    QPlainTextEdit* editor() const { return m_editor; }
    QLabel* errorLabel() const { return m_error; }
    QPushButton* okButton() const { return m_ok; }

    // Why `json` is not a JSON object ("Not valid JSON at line L, column C: …" or "The response must
    // be a JSON object"), empty when it is one, then stored in `object`.
    static QString problem(const QByteArray& json, QJsonObject* object);

private:
    void check();

    QPlainTextEdit* m_editor;
    QLabel* m_error;
    QPushButton* m_ok = nullptr;
    QJsonObject m_response;
};
