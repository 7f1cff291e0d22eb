#include "FlowEditor.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>

#include "ComposerDocument.h"
#include "FieldEditor.h"
#include "LimitsTable.h"
#include "MessageAccess.h"
#include "MessageCodec.h"

namespace {

const wa::ActionParameters* paramsOf(const wa::Message& m)
{
    if (!m.interactive || !m.interactive->action || !m.interactive->action->parameters)
        return nullptr;
    return &*m.interactive->action->parameters;
}

wa::FlowActionPayload& payloadOf(wa::Message& m)
{
    wa::ActionParameters& p = MessageAccess::parameters(m);
    if (!p.flowActionPayload)
        p.flowActionPayload.emplace();
    return *p.flowActionPayload;
}

FieldEditor::Getter getter(std::optional<QString> wa::ActionParameters::*member)
{
    return [member](const wa::Message& m) -> std::optional<QString> {
        const wa::ActionParameters* p = paramsOf(m);
        return p ? p->*member : std::nullopt;
    };
}

FieldEditor::Setter setter(std::optional<QString> wa::ActionParameters::*member, bool optional)
{
    return [member, optional](wa::Message& m, const QString& v) {
        MessageAccess::parameters(m).*member = optional ? MessageAccess::optionalText(v) : std::optional<QString>(v);
    };
}

} // namespace

FlowEditor::FlowEditor(wa::ComposerDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_version(new QComboBox(this))
    , m_idOrName(new QComboBox(this))
    , m_flowId(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.parameters.flow_id", this))
    , m_cta(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.parameters.flow_cta", this))
    , m_token(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.parameters.flow_token", this))
    , m_mode(new QComboBox(this))
    , m_action(new QComboBox(this))
    , m_screen(new FieldEditor(document, FieldEditor::Mode::Line,
                               "interactive.action.parameters.flow_action_payload.screen", this))
    , m_data(new QPlainTextEdit(this))
    , m_dataError(new QLabel(this))
{
    const auto allowed = [](const char* path) {
        return wa::LimitsTable::allowedValues(QLatin1String(path), wa::InteractiveType::Flow);
    };
    m_version->addItems(allowed("interactive.action.parameters.flow_message_version"));
    m_idOrName->addItem(tr("Flow id"), QStringLiteral("flow_id"));
    m_idOrName->addItem(tr("Flow name"), QStringLiteral("flow_name"));
    m_mode->addItems(allowed("interactive.action.parameters.mode"));
    m_action->addItems(allowed("interactive.action.parameters.flow_action"));
    m_data->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_data->setPlaceholderText(QStringLiteral("{\"product\": \"haircut\"}"));
    m_data->setMaximumHeight(110);
    m_data->setTabChangesFocus(true);
    m_dataError->setWordWrap(true);
    m_dataError->setStyleSheet(QStringLiteral("color: #b3261e"));
    m_dataError->hide();
    m_cta->setPlaceholderText(tr("Button text, no emoji"));
    m_token->setPlaceholderText(tr("optional; WhatsApp uses \"unused\""));

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Message version"), m_version);
    auto* idRow = new QHBoxLayout;
    idRow->addWidget(m_idOrName);
    idRow->addWidget(m_flowId, 1);
    form->addRow(tr("Flow"), idRow);
    form->addRow(tr("Button text"), m_cta);
    form->addRow(tr("Flow token"), m_token);
    form->addRow(tr("Mode"), m_mode);
    form->addRow(tr("Flow action"), m_action);
    form->addRow(tr("First screen"), m_screen);
    form->addRow(tr("Screen data (JSON)"), m_data);
    form->addRow(QString(), m_dataError);

    m_cta->bind(QStringLiteral("flow:cta"), QStringLiteral("interactive.action.parameters.flow_cta"),
                getter(&wa::ActionParameters::flowCta), setter(&wa::ActionParameters::flowCta, false));
    m_token->bind(QStringLiteral("flow:token"), QStringLiteral("interactive.action.parameters.flow_token"),
                  getter(&wa::ActionParameters::flowToken), setter(&wa::ActionParameters::flowToken, true));
    m_screen->bind(
        QStringLiteral("flow:screen"), QStringLiteral("interactive.action.parameters.flow_action_payload.screen"),
        [](const wa::Message& m) -> std::optional<QString> {
            const wa::ActionParameters* p = paramsOf(m);
            return p && p->flowActionPayload ? p->flowActionPayload->screen : std::nullopt;
        },
        [](wa::Message& m, const QString& v) { payloadOf(m).screen = MessageAccess::optionalText(v); });

    const auto comboEdit = [this](QComboBox* combo, const QString& key,
                                  std::optional<QString> wa::ActionParameters::*member) {
        connect(combo, &QComboBox::currentTextChanged, this, [this, key, member](const QString& text) {
            if (m_loading)
                return;
            m_document->edit(key, [&](wa::Message& m) { MessageAccess::parameters(m).*member = text; });
        });
    };
    comboEdit(m_version, QStringLiteral("flow:version"), &wa::ActionParameters::flowMessageVersion);
    comboEdit(m_mode, QStringLiteral("flow:mode"), &wa::ActionParameters::mode);
    comboEdit(m_action, QStringLiteral("flow:action"), &wa::ActionParameters::flowAction);
    connect(m_idOrName, &QComboBox::currentIndexChanged, this, [this] {
        if (m_loading)
            return;
        const bool byName = m_idOrName->currentData().toString() == QLatin1String("flow_name");
        m_document->edit(QStringLiteral("structure:flow-id-or-name"), [byName](wa::Message& m) {
            wa::ActionParameters& p = MessageAccess::parameters(m);
            const QString value = (byName ? p.flowId : p.flowName).value_or(QString());
            (byName ? p.flowId : p.flowName).reset();
            (byName ? p.flowName : p.flowId) = value;
        });
    });
    connect(m_data, &QPlainTextEdit::textChanged, this, &FlowEditor::dataEdited);
}

void FlowEditor::setCombo(QComboBox* combo, const std::optional<QString>& value, const QString& fallback)
{
    const QString text = value.value_or(fallback);
    int index = combo->findText(text);
    if (index < 0) { // a value the table does not allow: show it, the validator says why
        combo->addItem(text);
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
}

void FlowEditor::refresh()
{
    const wa::ActionParameters* p = paramsOf(m_document->message());
    m_loading = true;
    setCombo(m_version, p ? p->flowMessageVersion : std::nullopt, QStringLiteral("3"));
    setCombo(m_mode, p ? p->mode : std::nullopt, QStringLiteral("published"));
    setCombo(m_action, p ? p->flowAction : std::nullopt, QStringLiteral("navigate"));
    const bool byName = p && p->flowName && !p->flowId;
    m_idOrName->setCurrentIndex(byName ? 1 : 0);
    const auto member = byName ? &wa::ActionParameters::flowName : &wa::ActionParameters::flowId;
    const char* path = byName ? "interactive.action.parameters.flow_name" : "interactive.action.parameters.flow_id";
    if (m_flowId->path() != QLatin1String(path))
        m_flowId->bind(QStringLiteral("flow:") + QLatin1String(path), QLatin1String(path), getter(member),
                       setter(member, false), path);
    const bool navigate = !p || !p->flowAction || *p->flowAction == QLatin1String("navigate");
    m_screen->setEnabled(navigate);
    m_data->setEnabled(navigate);
    if (!m_data->hasFocus()) {
        const std::optional<QJsonObject> data =
            p && p->flowActionPayload ? p->flowActionPayload->data : std::optional<QJsonObject>();
        const QJsonDocument shown = QJsonDocument::fromJson(m_data->toPlainText().toUtf8());
        const bool same =
            data ? shown.isObject() && shown.object() == *data : m_data->toPlainText().trimmed().isEmpty();
        if (!same)
            m_data->setPlainText(data ? QString::fromUtf8(QJsonDocument(*data).toJson(QJsonDocument::Indented))
                                      : QString());
        m_dataError->hide();
    }
    m_loading = false;
    m_cta->refresh();
    m_token->refresh();
    m_flowId->refresh();
    m_screen->refresh();
}

void FlowEditor::dataEdited()
{
    if (m_loading)
        return;
    const QByteArray text = m_data->toPlainText().toUtf8();
    if (text.trimmed().isEmpty()) {
        m_dataError->hide();
        m_document->edit(QStringLiteral("flow:data"), [](wa::Message& m) {
            wa::ActionParameters& p = MessageAccess::parameters(m);
            if (p.flowActionPayload)
                p.flowActionPayload->data.reset();
        });
        return;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        int line = 1;
        int column = 1;
        wa::MessageCodec::lineAndColumn(text, qMax(0, error.offset - 1), &line, &column);
        m_dataError->setText(
            error.error != QJsonParseError::NoError
                ? tr("Not valid JSON at line %1, column %2: %3. The message keeps the last valid data.")
                      .arg(line)
                      .arg(column)
                      .arg(error.errorString())
                : tr("Screen data must be a JSON object ({…})."));
        m_dataError->show();
        return;
    }
    m_dataError->hide();
    const QJsonObject data = document.object();
    m_document->edit(QStringLiteral("flow:data"), [&data](wa::Message& m) { payloadOf(m).data = data; });
}

bool FlowEditor::focusPath(const QString& path)
{
    const QString prefix = QStringLiteral("interactive.action.parameters");
    if (!path.startsWith(prefix))
        return false;
    if (path.endsWith(QLatin1String("flow_cta")))
        m_cta->input()->setFocus();
    else if (path.endsWith(QLatin1String("flow_token")))
        m_token->input()->setFocus();
    else if (path.endsWith(QLatin1String("mode")))
        m_mode->setFocus();
    else if (path.endsWith(QLatin1String("flow_action")))
        m_action->setFocus();
    else if (path.endsWith(QLatin1String("screen")))
        m_screen->input()->setFocus();
    else if (path.contains(QLatin1String("flow_action_payload")))
        m_data->setFocus();
    else if (path.endsWith(QLatin1String("flow_message_version")))
        m_version->setFocus();
    else
        m_flowId->input()->setFocus();
    return true;
}
