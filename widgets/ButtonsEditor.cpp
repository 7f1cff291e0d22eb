#include "ButtonsEditor.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "ComposerDocument.h"
#include "FieldEditor.h"
#include "LimitsTable.h"
#include "MessageAccess.h"

namespace {

std::vector<wa::ReplyButton>& buttonsOf(wa::Message& m)
{
    wa::Action& a = MessageAccess::action(m);
    if (!a.buttons)
        a.buttons.emplace();
    return *a.buttons;
}

int maxButtons()
{
    return wa::LimitsTable::rule(wa::Rule::ButtonsCount).max;
}

} // namespace

ButtonsEditor::ButtonsEditor(wa::ComposerDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_rowsLayout(new QGridLayout)
    , m_add(new QPushButton(tr("Add button"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->setColumnStretch(1, 2);
    m_rowsLayout->setColumnStretch(2, 3);
    m_rowsLayout->addWidget(new QLabel(tr("Id"), this), 0, 1);
    m_rowsLayout->addWidget(new QLabel(tr("Title"), this), 0, 2);
    layout->addLayout(m_rowsLayout);
    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_add);
    addRow->addStretch(1);
    layout->addLayout(addRow);
    connect(m_add, &QPushButton::clicked, this, &ButtonsEditor::add);
}

int ButtonsEditor::buttonCount() const
{
    return static_cast<int>(m_rows.size());
}

FieldEditor* ButtonsEditor::idEditor(int index) const
{
    return index >= 0 && index < m_rows.size() ? m_rows.at(index).id : nullptr;
}

FieldEditor* ButtonsEditor::titleEditor(int index) const
{
    return index >= 0 && index < m_rows.size() ? m_rows.at(index).title : nullptr;
}

void ButtonsEditor::refresh()
{
    const wa::Message& m = m_document->message();
    const int count = m.interactive && m.interactive->action && m.interactive->action->buttons
                          ? static_cast<int>(m.interactive->action->buttons->size())
                          : 0;
    if (count != m_rows.size())
        rebuild(count); // only when the number of buttons changes, never per keystroke
    for (const Row& row : std::as_const(m_rows)) {
        row.id->refresh();
        row.title->refresh();
    }
    const int max = maxButtons();
    m_add->setEnabled(count < max);
    m_add->setToolTip(count < max ? tr("Add a reply button (%1 of %2)").arg(count).arg(max)
                                  : tr("WhatsApp shows at most %1 reply buttons; use a list message for more "
                                       "choices.")
                                        .arg(max));
    for (int i = 0; i < m_rows.size(); ++i) {
        m_rows[i].up->setEnabled(i > 0);
        m_rows[i].down->setEnabled(i + 1 < m_rows.size());
    }
}

void ButtonsEditor::rebuild(int count)
{
    for (const Row& row : std::as_const(m_rows)) {
        for (QWidget* w :
             {static_cast<QWidget*>(row.id), static_cast<QWidget*>(row.title), static_cast<QWidget*>(row.up),
              static_cast<QWidget*>(row.down), static_cast<QWidget*>(row.remove), row.frame})
            w->deleteLater();
    }
    m_rows.clear();
    for (int i = 0; i < count; ++i) {
        Row row;
        row.frame = new QLabel(QString::number(i + 1), this);
        row.id = new FieldEditor(m_document, FieldEditor::Mode::Line, "interactive.action.buttons[].reply.id", this);
        row.title =
            new FieldEditor(m_document, FieldEditor::Mode::Line, "interactive.action.buttons[].reply.title", this);
        const QString base = QStringLiteral("interactive.action.buttons[%1].reply.").arg(i);
        const auto bindField = [i, &base](FieldEditor* field, const char* name,
                                          std::optional<QString> wa::ReplyButton::*member) {
            field->bind(
                QStringLiteral("button:%1:%2").arg(i).arg(QLatin1String(name)), base + QLatin1String(name),
                [i, member](const wa::Message& m) -> std::optional<QString> {
                    if (!m.interactive || !m.interactive->action || !m.interactive->action->buttons ||
                        i >= static_cast<int>(m.interactive->action->buttons->size()))
                        return std::nullopt;
                    return (*m.interactive->action->buttons)[static_cast<size_t>(i)].*member;
                },
                [i, member](wa::Message& m, const QString& v) {
                    auto& b = buttonsOf(m)[static_cast<size_t>(i)];
                    b.hasReply = true;
                    b.*member = v;
                });
        };
        bindField(row.id, "id", &wa::ReplyButton::id);
        bindField(row.title, "title", &wa::ReplyButton::title);
        row.id->setPlaceholderText(tr("reply id"));
        row.title->setPlaceholderText(tr("Title the customer taps"));
        row.up = new QToolButton(this);
        row.up->setArrowType(Qt::UpArrow);
        row.up->setToolTip(tr("Move up"));
        row.down = new QToolButton(this);
        row.down->setArrowType(Qt::DownArrow);
        row.down->setToolTip(tr("Move down"));
        row.remove = new QToolButton(this);
        row.remove->setText(QStringLiteral("✕"));
        row.remove->setToolTip(tr("Remove this button"));
        connect(row.up, &QToolButton::clicked, this, [this, i] { move(i, i - 1); });
        connect(row.down, &QToolButton::clicked, this, [this, i] { move(i, i + 1); });
        connect(row.remove, &QToolButton::clicked, this, [this, i] { removeAt(i); });
        const int r = i + 1;
        m_rowsLayout->addWidget(row.frame, r, 0, Qt::AlignTop);
        m_rowsLayout->addWidget(row.id, r, 1);
        m_rowsLayout->addWidget(row.title, r, 2);
        m_rowsLayout->addWidget(row.up, r, 3, Qt::AlignTop);
        m_rowsLayout->addWidget(row.down, r, 4, Qt::AlignTop);
        m_rowsLayout->addWidget(row.remove, r, 5, Qt::AlignTop);
        m_rows.append(row);
    }
}

void ButtonsEditor::add()
{
    if (buttonCount() >= maxButtons())
        return;
    m_document->edit(QStringLiteral("structure:buttons-add"), [](wa::Message& m) {
        auto& buttons = buttonsOf(m);
        // a fresh id that is not taken
        int n = static_cast<int>(buttons.size()) + 1;
        const auto taken = [&buttons](const QString& id) {
            return std::any_of(buttons.cbegin(), buttons.cend(), [&](const wa::ReplyButton& b) { return b.id == id; });
        };
        while (taken(QStringLiteral("button-%1").arg(n)))
            ++n;
        wa::ReplyButton b;
        b.type = QStringLiteral("reply");
        b.hasReply = true;
        b.id = QStringLiteral("button-%1").arg(n);
        b.title = QStringLiteral("Option %1").arg(n);
        buttons.push_back(b);
    });
    if (!m_rows.isEmpty()) {
        m_rows.last().title->input()->setFocus();
    }
}

void ButtonsEditor::removeAt(int index)
{
    m_document->edit(QStringLiteral("structure:buttons-remove"), [index](wa::Message& m) {
        auto& buttons = buttonsOf(m);
        if (index < static_cast<int>(buttons.size()))
            buttons.erase(buttons.begin() + index);
    });
}

void ButtonsEditor::move(int from, int to)
{
    m_document->edit(QStringLiteral("structure:buttons-move"), [from, to](wa::Message& m) {
        auto& buttons = buttonsOf(m);
        if (from >= 0 && to >= 0 && from < static_cast<int>(buttons.size()) && to < static_cast<int>(buttons.size()))
            std::swap(buttons[static_cast<size_t>(from)], buttons[static_cast<size_t>(to)]);
    });
    if (to >= 0 && to < m_rows.size())
        m_rows.at(to).title->input()->setFocus();
}

bool ButtonsEditor::focusPath(const QString& path)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^interactive\.action\.buttons\[(\d+)\](\.reply\.(id|title))?)"));
    const QRegularExpressionMatch match = pattern.match(path);
    if (!match.hasMatch())
        return false;
    const int index = match.captured(1).toInt();
    if (index >= m_rows.size()) {
        m_add->setFocus();
        return true;
    }
    FieldEditor* field = match.captured(3) == QLatin1String("id") ? m_rows.at(index).id : m_rows.at(index).title;
    field->input()->setFocus();
    return true;
}
