#include "FlowResponseDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "MessageCodec.h"

FlowResponseDialog::FlowResponseDialog(const QString& flowCta, const QJsonObject& initial, QWidget* parent)
    : QDialog(parent)
    , m_editor(new QPlainTextEdit(this))
    , m_error(new QLabel(this))
    , m_response(initial)
{
    setWindowTitle(flowCta.isEmpty() ? tr("Complete the flow") : tr("Complete the flow — %1").arg(flowCta));
    auto* hint = new QLabel(tr("What the customer's answers send back to the bot, as nfm_reply.response_json. "
                               "Without a flow_token, the message's own is added."),
                            this);
    hint->setWordWrap(true);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(true);
    m_editor->setPlainText(QString::fromUtf8(QJsonDocument(initial).toJson(QJsonDocument::Indented)));
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Send response"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &FlowResponseDialog::check);
    check();
    resize(520, 420);
}

QString FlowResponseDialog::problem(const QByteArray& json, QJsonObject* object)
{
    const QString notObject = tr("The response must be a JSON object");
    qsizetype start = 0;
    while (start < json.size() && QChar::isSpace(uchar(json.at(start))))
        ++start;
    // A bare value or nothing at all: say what is wanted rather than Qt's "illegal value".
    if (start == json.size() || (json.at(start) != '{' && json.at(start) != '['))
        return notObject;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        // As MessageCodec::decode: Qt's offset names the offending character for a bad number and
        // for garbage after the document, and stands one past it for every other error.
        const bool exact =
            error.error == QJsonParseError::IllegalNumber || error.error == QJsonParseError::GarbageAtEnd;
        int line = 0;
        int column = 0;
        wa::MessageCodec::lineAndColumn(json, exact ? error.offset : qMax(0, error.offset - 1), &line, &column);
        const QString why = error.error == QJsonParseError::DeepNesting
                                ? tr("too deeply nested (more than 1024 levels)")
                                : error.errorString();
        return tr("Not valid JSON at line %1, column %2: %3").arg(line).arg(column).arg(why);
    }
    if (!document.isObject())
        return notObject;
    *object = document.object();
    return QString();
}

void FlowResponseDialog::check()
{
    QJsonObject object;
    const QString why = problem(m_editor->toPlainText().toUtf8(), &object);
    if (why.isEmpty())
        m_response = object;
    m_error->setText(why);
    m_error->setVisible(!why.isEmpty());
    m_ok->setEnabled(why.isEmpty());
}
