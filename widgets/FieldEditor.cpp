#include "FieldEditor.h"

#include <QFontMetrics>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextDocumentLayout>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

#include "ComposerDocument.h"
#include "LimitsTable.h"
#include "StableSizeBox.h"
#include "TextMetrics.h"

namespace {
const char* kErrorColor = "#b3261e";
const char* kWarningColor = "#a15c00";
const char* kNormalColor = "palette(mid)";

// QPlainTextEdit's layout, keeping each laid-out paragraph's glyphs. By default a QTextLayout
// drops them after laying out, so placing the caret, painting it and repainting the text after a
// keystroke each shaped the paragraph again: a 4000-character body three more times a keystroke.
class GlyphKeepingLayout : public QPlainTextDocumentLayout
{
public:
    using QPlainTextDocumentLayout::QPlainTextDocumentLayout;

protected:
    void documentChanged(int from, int charsRemoved, int charsAdded) override
    {
        for (QTextBlock block = document()->findBlock(from); block.isValid() && block.position() <= from + charsAdded;
             block = block.next())
            block.layout()->setCacheEnabled(true);
        QPlainTextDocumentLayout::documentChanged(from, charsRemoved, charsAdded);
    }
};

} // namespace

FieldEditor::FieldEditor(wa::ComposerDocument* document, Mode mode, const char* pattern, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_pattern(pattern)
    , m_counter(new QLabel(this))
    , m_finding(new QLabel(this))
{
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(6);
    layout->setVerticalSpacing(2);
    if (mode == Mode::Line) {
        m_line = new QLineEdit(this);
        m_line->setClearButtonEnabled(false);
        layout->addWidget(m_line, 0, 0);
        connect(m_line, &QLineEdit::textEdited, this, &FieldEditor::userEdited);
    } else {
        m_multi = new QPlainTextEdit(this);
        auto* document = new QTextDocument(m_multi);
        document->setDocumentLayout(new GlyphKeepingLayout(document));
        m_multi->setDocument(document);
        m_multi->setTabChangesFocus(true);
        m_multi->setMinimumHeight(QFontMetrics(font()).lineSpacing() * 4);
        m_multi->setMaximumHeight(QFontMetrics(font()).lineSpacing() * 9);
        layout->addWidget(m_multi, 0, 0);
        connect(m_multi, &QPlainTextEdit::textChanged, this, [this] {
            if (!m_loading)
                userEdited();
        });
    }
    m_counter->setAlignment(Qt::AlignRight | Qt::AlignTop);
    m_counter->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(QStringLiteral("0000/0000")));
    // The counter and the finding change with every keystroke: boxed, they do not lay the whole
    // form out again each time (see StableSizeBox).
    layout->addWidget(new StableSizeBox(m_counter, this), 0, 1);
    m_finding->setWordWrap(true);
    m_finding->setTextFormat(Qt::PlainText);
    m_findingBox = new StableSizeBox(m_finding, this);
    m_findingBox->hide();
    layout->addWidget(m_findingBox, 1, 0, 1, 2);
    setEnabled(false);
}

void FieldEditor::bind(const QString& key, const QString& path, Getter getter, Setter setter, const char* pattern)
{
    if (pattern)
        m_pattern = pattern;
    m_key = key;
    m_path = path;
    m_getter = std::move(getter);
    m_setter = std::move(setter);
    setEnabled(true);
    refresh();
}

void FieldEditor::unbind()
{
    m_key.clear();
    m_path.clear();
    m_getter = {};
    m_setter = {};
    m_loading = true;
    if (m_line)
        m_line->clear();
    else
        m_multi->clear();
    m_loading = false;
    m_findingBox->hide();
    m_counter->clear();
    setEnabled(false);
}

void FieldEditor::setPlaceholderText(const QString& text)
{
    if (m_line)
        m_line->setPlaceholderText(text);
    else
        m_multi->setPlaceholderText(text);
}

QWidget* FieldEditor::input() const
{
    return m_line ? static_cast<QWidget*>(m_line) : static_cast<QWidget*>(m_multi);
}

QString FieldEditor::text() const
{
    return m_line ? m_line->text() : m_multi->toPlainText();
}

void FieldEditor::userEdited()
{
    if (!m_setter)
        return;
    const QString value = text();
    const Setter setter = m_setter;
    m_document->edit(m_key, [&](wa::Message& message) { setter(message, value); });
}

void FieldEditor::refresh()
{
    if (!m_getter)
        return;
    const wa::Message& message = m_document->message();
    const QString value = m_getter(message).value_or(QString());
    if (value != text()) {
        m_loading = true;
        if (m_line) {
            const int cursor = m_line->cursorPosition();
            m_line->setText(value);
            m_line->setCursorPosition(qMin(cursor, static_cast<int>(value.size())));
        } else {
            m_multi->setPlainText(value);
        }
        m_loading = false;
    }
    const wa::InteractiveType type = message.interactive ? message.interactive->kind() : wa::InteractiveType::Unknown;
    m_limit = wa::LimitsTable::maxLength(QLatin1String(m_pattern), type);
    updateCounter();
}

void FieldEditor::updateCounter()
{
    const QString value = text();
    const qsizetype chars = wa::TextMetrics::codePoints(value);
    const wa::Finding* error = nullptr;
    const wa::Finding* warning = nullptr;
    for (const wa::Finding& f : m_document->findings()) {
        if (f.path != m_path)
            continue;
        if (f.severity == wa::Severity::Error && !error)
            error = &f;
        else if (f.severity == wa::Severity::Warning && !warning)
            warning = &f;
    }
    const bool over = m_limit >= 0 && chars > m_limit;
    m_state = (over || error) ? CounterState::Error : warning ? CounterState::Warning : CounterState::Normal;
    const char* color = m_state == CounterState::Error     ? kErrorColor
                        : m_state == CounterState::Warning ? kWarningColor
                                                           : kNormalColor;
    // Only what changed is set: QLabel::clear() repaints an empty label, and a new tool tip, text
    // or property costs an event each, on every keystroke of every field.
    const QString counterText = m_limit >= 0 ? QStringLiteral("%1/%2").arg(chars).arg(m_limit) : QString();
    if (m_counter->text() != counterText)
        m_counter->setText(counterText); // no limit to count against: empty
    // A style sheet re-polishes the widget: set it only when the state changes, not per keystroke.
    const QString counterStyle =
        QStringLiteral("color: %1;%2")
            .arg(QLatin1String(color))
            .arg(m_state == CounterState::Normal ? QString() : QStringLiteral(" font-weight: bold;"));
    if (m_counter->styleSheet() != counterStyle)
        m_counter->setStyleSheet(counterStyle);
    const QString tip =
        m_limit >= 0 ? tr("%1 of %2 characters (Unicode code points)").arg(chars).arg(m_limit) : QString();
    if (m_counter->toolTip() != tip)
        m_counter->setToolTip(tip);
    const wa::Finding* shown = error ? error : warning;
    if (shown) {
        if (m_finding->text() != shown->message)
            m_finding->setText(shown->message);
        const QString findingStyle =
            QStringLiteral("color: %1;").arg(QLatin1String(error ? kErrorColor : kWarningColor));
        if (m_finding->styleSheet() != findingStyle)
            m_finding->setStyleSheet(findingStyle);
        m_findingBox->show();
    } else {
        m_findingBox->hide();
    }
    const QString finding = error ? QStringLiteral("error") : warning ? QStringLiteral("warning") : QString();
    if (input()->property("finding").toString() != finding)
        input()->setProperty("finding", finding);
}
