#include "ComposerForm.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "ButtonsEditor.h"
#include "ComposerDocument.h"
#include "FieldEditor.h"
#include "FlowEditor.h"
#include "LimitsTable.h"
#include "ListEditor.h"
#include "MessageAccess.h"

using wa::InteractiveType;

namespace {

constexpr InteractiveType kTypes[] = {
    InteractiveType::List,    InteractiveType::Button,      InteractiveType::CtaUrl, InteractiveType::LocationRequest,
    InteractiveType::Product, InteractiveType::ProductList, InteractiveType::Flow};

QString typeLabel(InteractiveType type)
{
    switch (type) {
    case InteractiveType::List:
        return QObject::tr("List");
    case InteractiveType::Button:
        return QObject::tr("Reply buttons");
    case InteractiveType::CtaUrl:
        return QObject::tr("Call to action (URL)");
    case InteractiveType::LocationRequest:
        return QObject::tr("Location request");
    case InteractiveType::Product:
        return QObject::tr("Product");
    case InteractiveType::ProductList:
        return QObject::tr("Product list");
    case InteractiveType::Flow:
        return QObject::tr("Flow");
    case InteractiveType::Unknown:
        break;
    }
    return QObject::tr("Unknown");
}

InteractiveType typeOf(const wa::Message& m)
{
    return m.interactive ? m.interactive->kind() : InteractiveType::Unknown;
}

// A new action for a type, with the smallest content WhatsApp accepts.
wa::Action defaultAction(InteractiveType type)
{
    wa::Action a;
    switch (type) {
    case InteractiveType::List: {
        a.button = QStringLiteral("Options");
        wa::Section section;
        section.title = QStringLiteral("Section 1");
        wa::ListRow row;
        row.id = QStringLiteral("row-1");
        row.title = QStringLiteral("Row 1");
        section.rows = std::vector<wa::ListRow>{row};
        a.sections = std::vector<wa::Section>{section};
        break;
    }
    case InteractiveType::Button: {
        wa::ReplyButton b;
        b.type = QStringLiteral("reply");
        b.hasReply = true;
        b.id = QStringLiteral("button-1");
        b.title = QStringLiteral("Yes");
        a.buttons = std::vector<wa::ReplyButton>{b};
        break;
    }
    case InteractiveType::CtaUrl:
        a.name = QStringLiteral("cta_url");
        a.parameters.emplace();
        a.parameters->displayText = QStringLiteral("Open");
        a.parameters->url = QStringLiteral("https://example.com");
        break;
    case InteractiveType::LocationRequest:
        a.name = QStringLiteral("send_location");
        break;
    case InteractiveType::Product:
        a.catalogId = QString();
        a.productRetailerId = QString();
        break;
    case InteractiveType::ProductList: {
        a.catalogId = QString();
        wa::Section section;
        section.title = QStringLiteral("Section 1");
        wa::ProductItem item;
        item.productRetailerId = QStringLiteral("SKU-1");
        section.productItems = std::vector<wa::ProductItem>{item};
        a.sections = std::vector<wa::Section>{section};
        break;
    }
    case InteractiveType::Flow:
        a.name = QStringLiteral("flow");
        a.parameters.emplace();
        a.parameters->flowMessageVersion = QStringLiteral("3");
        a.parameters->flowId = QString();
        a.parameters->flowCta = QStringLiteral("Open");
        break;
    case InteractiveType::Unknown:
        break;
    }
    return a;
}

bool headerAllowed(InteractiveType type, const QString& headerType)
{
    return wa::LimitsTable::allowedValues(QLatin1String("interactive.header.type"), type).contains(headerType) &&
           !wa::LimitsTable::rule(wa::Rule::HeaderNotAllowed).appliesTo(type);
}

QGroupBox* group(const QString& title, QWidget* parent)
{
    auto* box = new QGroupBox(title, parent);
    return box;
}

} // namespace

ComposerForm::ComposerForm(wa::ComposerDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_type(new QComboBox(this))
    , m_to(new FieldEditor(document, FieldEditor::Mode::Line, "to", this))
    , m_recipientType(new QComboBox(this))
    , m_recipientNote(new QLabel(this))
    , m_context(new FieldEditor(document, FieldEditor::Mode::Line, "context.message_id", this))
    , m_headerType(new QComboBox(this))
    , m_headerText(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.header.text", this))
    , m_mediaSource(new QComboBox(this))
    , m_mediaValue(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.header.<media>.link", this))
    , m_fileName(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.header.<media>.filename", this))
    , m_provider(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.header.<media>.provider", this))
    , m_body(new FieldEditor(document, FieldEditor::Mode::MultiLine, "interactive.body.text", this))
    , m_footer(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.footer.text", this))
    , m_list(new ListEditor(document, ListEditor::Mode::Rows, this))
    , m_buttons(new ButtonsEditor(document, this))
    , m_ctaText(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.parameters.display_text", this))
    , m_ctaUrl(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.parameters.url", this))
    , m_catalogId(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.catalog_id", this))
    , m_retailerId(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.product_retailer_id", this))
    , m_productListCatalogId(new FieldEditor(document, FieldEditor::Mode::Line, "interactive.action.catalog_id", this))
    , m_productList(new ListEditor(document, ListEditor::Mode::Products, this))
    , m_flow(new FlowEditor(document, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildEnvelope());
    m_headerGroup = buildHeader();
    layout->addWidget(m_headerGroup);
    layout->addWidget(buildBody());
    layout->addWidget(buildActionPages());
    layout->addStretch(1);
    refresh();
}

QWidget* ComposerForm::buildEnvelope()
{
    auto* box = group(tr("Message"), this);
    auto* form = new QFormLayout(box);
    for (InteractiveType type : kTypes)
        m_type->addItem(typeLabel(type), static_cast<int>(type));
    form->addRow(tr("&Type"), m_type);
    m_to->setPlaceholderText(tr("Recipient's number with country code, e.g. 16505551234"));
    m_to->bind(
        QStringLiteral("to"), QStringLiteral("to"), [](const wa::Message& m) { return m.to; },
        [](wa::Message& m, const QString& v) { m.to = v; });
    form->addRow(tr("T&o"), m_to);
    m_recipientNote->setWordWrap(true);
    m_recipientNote->hide();
    form->addRow(QString(), m_recipientNote);
    m_recipientType->addItems(
        wa::LimitsTable::allowedValues(QLatin1String("recipient_type"), InteractiveType::Unknown));
    form->addRow(tr("Recipient type"), m_recipientType);
    m_context->setPlaceholderText(tr("optional: wamid of the message this one replies to"));
    m_context->bind(
        QStringLiteral("context"), QStringLiteral("context.message_id"),
        [](const wa::Message& m) { return m.context ? m.context->messageId : std::nullopt; },
        [](wa::Message& m, const QString& v) {
            if (v.isEmpty()) {
                if (m.context && m.context->extra.isEmpty())
                    m.context.reset();
                else if (m.context)
                    m.context->messageId.reset();
                return;
            }
            if (!m.context)
                m.context.emplace();
            m.context->messageId = v;
        });
    form->addRow(tr("Reply to"), m_context);

    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_loading)
            setInteractiveType(static_cast<InteractiveType>(m_type->currentData().toInt()));
    });
    connect(m_recipientType, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        if (!m_loading)
            m_document->edit(QStringLiteral("recipient_type"), [&text](wa::Message& m) { m.recipientType = text; });
    });
    return box;
}

QWidget* ComposerForm::buildHeader()
{
    auto* box = group(tr("Header"), this);
    auto* form = new QFormLayout(box);
    form->addRow(tr("Kind"), m_headerType);
    m_headerText->setPlaceholderText(tr("Bold text above the body"));
    m_headerText->bind(
        QStringLiteral("header:text"), QStringLiteral("interactive.header.text"),
        [](const wa::Message& m) {
            return m.interactive && m.interactive->header ? m.interactive->header->text : std::nullopt;
        },
        [](wa::Message& m, const QString& v) { MessageAccess::header(m).text = v; });
    form->addRow(tr("Text"), m_headerText);

    m_mediaRow = new QWidget(box);
    auto* mediaLayout = new QHBoxLayout(m_mediaRow);
    mediaLayout->setContentsMargins(0, 0, 0, 0);
    m_mediaSource->addItem(tr("Link"), QStringLiteral("link"));
    m_mediaSource->addItem(tr("Media id"), QStringLiteral("id"));
    mediaLayout->addWidget(m_mediaSource);
    mediaLayout->addWidget(m_mediaValue, 1);
    form->addRow(tr("Media"), m_mediaRow);
    form->addRow(tr("File name"), m_fileName);
    m_provider->setPlaceholderText(tr("On-Premises only: the provider configured for this link"));
    form->addRow(tr("Provider"), m_provider);

    connect(m_headerType, &QComboBox::currentIndexChanged, this, &ComposerForm::headerTypeChosen);
    connect(m_mediaSource, &QComboBox::currentIndexChanged, this, [this] {
        if (m_loading)
            return;
        const bool byId = m_mediaSource->currentData().toString() == QLatin1String("id");
        m_document->edit(QStringLiteral("structure:header-source"), [byId](wa::Message& m) {
            wa::Header& h = MessageAccess::header(m);
            if (!h.media)
                h.media.emplace();
            const QString value = (byId ? h.media->link : h.media->id).value_or(QString());
            (byId ? h.media->link : h.media->id).reset();
            (byId ? h.media->id : h.media->link) = value;
        });
    });
    return box;
}

QWidget* ComposerForm::buildBody()
{
    auto* container = new QWidget(this);
    auto* layout = new QVBoxLayout(container);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bodyBox = group(tr("Body"), container);
    auto* bodyLayout = new QVBoxLayout(bodyBox);
    auto* formatting = new QHBoxLayout;
    const auto formatButton = [this, bodyBox, formatting](const QString& text, const QString& marker,
                                                          const QString& tip, const QKeySequence& keys) {
        auto* b = new QToolButton(bodyBox);
        b->setText(text);
        b->setToolTip(tip + QStringLiteral(" (%1)").arg(keys.toString(QKeySequence::NativeText)));
        b->setShortcut(keys);
        formatting->addWidget(b);
        connect(b, &QToolButton::clicked, this, [this, marker] { wrapSelection(marker); });
        return b;
    };
    QFont boldFont = font();
    boldFont.setBold(true);
    formatButton(QStringLiteral("B"), QStringLiteral("*"), tr("Bold: *text*"), QKeySequence(Qt::CTRL | Qt::Key_B))
        ->setFont(boldFont);
    QFont italicFont = font();
    italicFont.setItalic(true);
    formatButton(QStringLiteral("I"), QStringLiteral("_"), tr("Italic: _text_"), QKeySequence(Qt::CTRL | Qt::Key_I))
        ->setFont(italicFont);
    QFont strikeFont = font();
    strikeFont.setStrikeOut(true);
    formatButton(QStringLiteral("S"), QStringLiteral("~"), tr("Strikethrough: ~text~"),
                 QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X))
        ->setFont(strikeFont);
    formatButton(QStringLiteral("</>"), QStringLiteral("```"), tr("Monospace: ```text```"),
                 QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    formatting->addStretch(1);
    bodyLayout->addLayout(formatting);
    m_body->setPlaceholderText(tr("The message text. *bold* _italic_ ~strike~ ```monospace```"));
    m_body->bind(
        QStringLiteral("body"), QStringLiteral("interactive.body.text"),
        [](const wa::Message& m) {
            return m.interactive && m.interactive->body ? m.interactive->body->text : std::nullopt;
        },
        [](wa::Message& m, const QString& v) {
            wa::Interactive& in = MessageAccess::interactive(m);
            if (v.isEmpty() && in.kind() == InteractiveType::Product && (!in.body || in.body->extra.isEmpty())) {
                in.body.reset(); // optional for a product
                return;
            }
            if (!in.body)
                in.body.emplace();
            in.body->text = v;
        });
    bodyLayout->addWidget(m_body);
    layout->addWidget(bodyBox);

    auto* footerBox = group(tr("Footer"), container);
    m_footerGroup = footerBox;
    auto* footerLayout = new QVBoxLayout(footerBox);
    m_footer->setPlaceholderText(tr("optional: small grey text under the body"));
    m_footer->bind(
        QStringLiteral("footer"), QStringLiteral("interactive.footer.text"),
        [](const wa::Message& m) {
            return m.interactive && m.interactive->footer ? m.interactive->footer->text : std::nullopt;
        },
        [](wa::Message& m, const QString& v) {
            wa::Interactive& in = MessageAccess::interactive(m);
            if (v.isEmpty() && (!in.footer || in.footer->extra.isEmpty())) {
                in.footer.reset();
                return;
            }
            if (!in.footer)
                in.footer.emplace();
            in.footer->text = v;
        });
    footerLayout->addWidget(m_footer);
    layout->addWidget(footerBox);
    return container;
}

QWidget* ComposerForm::buildActionPages()
{
    auto* box = group(tr("Action"), this);
    auto* layout = new QVBoxLayout(box);
    m_actions = new QStackedWidget(box);
    layout->addWidget(m_actions);

    // list
    auto* listPage = new QWidget(m_actions);
    auto* listForm = new QFormLayout(listPage);
    listForm->setContentsMargins(0, 0, 0, 0);
    auto* listButton = new FieldEditor(m_document, FieldEditor::Mode::Line, "interactive.action.button", listPage);
    listButton->setObjectName(QStringLiteral("listButton"));
    listButton->setPlaceholderText(tr("Text of the button that opens the list"));
    listButton->bind(
        QStringLiteral("list:button"), QStringLiteral("interactive.action.button"),
        [](const wa::Message& m) {
            return m.interactive && m.interactive->action ? m.interactive->action->button : std::nullopt;
        },
        [](wa::Message& m, const QString& v) { MessageAccess::action(m).button = v; });
    listForm->addRow(tr("List button"), listButton);
    listForm->addRow(m_list);
    m_actions->addWidget(listPage);

    // buttons
    m_actions->addWidget(m_buttons);

    // cta_url
    auto* ctaPage = new QWidget(m_actions);
    auto* ctaForm = new QFormLayout(ctaPage);
    ctaForm->setContentsMargins(0, 0, 0, 0);
    m_ctaText->bind(
        QStringLiteral("cta:text"), QStringLiteral("interactive.action.parameters.display_text"),
        [](const wa::Message& m) {
            return m.interactive && m.interactive->action && m.interactive->action->parameters
                       ? m.interactive->action->parameters->displayText
                       : std::nullopt;
        },
        [](wa::Message& m, const QString& v) { MessageAccess::parameters(m).displayText = v; });
    m_ctaUrl->setPlaceholderText(QStringLiteral("https://…"));
    m_ctaUrl->bind(
        QStringLiteral("cta:url"), QStringLiteral("interactive.action.parameters.url"),
        [](const wa::Message& m) {
            return m.interactive && m.interactive->action && m.interactive->action->parameters
                       ? m.interactive->action->parameters->url
                       : std::nullopt;
        },
        [](wa::Message& m, const QString& v) { MessageAccess::parameters(m).url = v; });
    ctaForm->addRow(tr("Button text"), m_ctaText);
    ctaForm->addRow(tr("URL"), m_ctaUrl);
    m_actions->addWidget(ctaPage);

    // location_request_message
    auto* locationPage = new QLabel(tr("The customer sees a \"Send location\" button; their answer arrives as an "
                                       "ordinary location message."),
                                    m_actions);
    locationPage->setWordWrap(true);
    m_actions->addWidget(locationPage);

    // product
    auto* productPage = new QWidget(m_actions);
    auto* productForm = new QFormLayout(productPage);
    productForm->setContentsMargins(0, 0, 0, 0);
    const auto actionField = [](std::optional<QString> wa::Action::*member) {
        return std::make_pair(
            [member](const wa::Message& m) -> std::optional<QString> {
                return m.interactive && m.interactive->action ? (*m.interactive->action).*member : std::nullopt;
            },
            [member](wa::Message& m, const QString& v) { MessageAccess::action(m).*member = v; });
    };
    const auto [getCatalog, setCatalog] = actionField(&wa::Action::catalogId);
    m_catalogId->bind(QStringLiteral("catalog"), QStringLiteral("interactive.action.catalog_id"), getCatalog,
                      setCatalog);
    const auto [getRetailer, setRetailer] = actionField(&wa::Action::productRetailerId);
    m_retailerId->bind(QStringLiteral("retailer"), QStringLiteral("interactive.action.product_retailer_id"),
                       getRetailer, setRetailer);
    productForm->addRow(tr("Catalog id"), m_catalogId);
    productForm->addRow(tr("Product retailer id"), m_retailerId);
    m_actions->addWidget(productPage);

    // product_list
    auto* productListPage = new QWidget(m_actions);
    auto* productListForm = new QFormLayout(productListPage);
    productListForm->setContentsMargins(0, 0, 0, 0);
    m_productListCatalogId->bind(QStringLiteral("catalog"), QStringLiteral("interactive.action.catalog_id"), getCatalog,
                                 setCatalog);
    productListForm->addRow(tr("Catalog id"), m_productListCatalogId);
    productListForm->addRow(m_productList);
    m_actions->addWidget(productListPage);

    // flow
    m_actions->addWidget(m_flow);
    return box;
}

void ComposerForm::setInteractiveType(InteractiveType type)
{
    const wa::Message& current = m_document->message();
    const InteractiveType old = typeOf(current);
    if (type == old)
        return;
    QStringList putAside;
    QStringList broughtBack;
    wa::Message next = current;
    wa::Interactive& in = MessageAccess::interactive(next);
    if (in.action && old != InteractiveType::Unknown)
        m_stashedActions.insert(static_cast<int>(old), *in.action);
    in.type = wa::interactiveTypeName(type);
    in.action = m_stashedActions.contains(static_cast<int>(type)) ? m_stashedActions.take(static_cast<int>(type))
                                                                  : defaultAction(type);
    if (in.header && in.header->type && !headerAllowed(type, *in.header->type)) {
        putAside << tr("the %1 header").arg(*in.header->type);
        m_stashedHeader = in.header;
        in.header.reset();
    } else if (!in.header && m_stashedHeader && m_stashedHeader->type && headerAllowed(type, *m_stashedHeader->type)) {
        broughtBack << tr("the %1 header").arg(*m_stashedHeader->type);
        in.header = m_stashedHeader;
        m_stashedHeader.reset();
    }
    if (type == InteractiveType::ProductList && !in.header) {
        in.header.emplace();
        in.header->type = QStringLiteral("text");
        in.header->text = QString();
    }
    const bool footerAllowed = !wa::LimitsTable::rule(wa::Rule::FooterNotAllowed).appliesTo(type);
    if (in.footer && !footerAllowed) {
        putAside << tr("the footer");
        m_stashedFooter = in.footer;
        in.footer.reset();
    } else if (!in.footer && footerAllowed && m_stashedFooter) {
        broughtBack << tr("the footer");
        in.footer = m_stashedFooter;
        m_stashedFooter.reset();
    }
    if (!in.body && type != InteractiveType::Product) {
        in.body.emplace();
        in.body->text = QString();
    }
    m_document->edit(QStringLiteral("structure:type"), [&next](wa::Message& m) { m = next; });
    QString text;
    if (!putAside.isEmpty())
        text = tr("A %1 message has no place for %2: kept aside, it comes back when you switch back.")
                   .arg(typeLabel(type).toLower(), putAside.join(tr(" and ")));
    if (!broughtBack.isEmpty())
        text += (text.isEmpty() ? QString() : QStringLiteral(" ")) +
                tr("Brought back %1.").arg(broughtBack.join(tr(" and ")));
    if (!text.isEmpty())
        emit notice(text);
}

void ComposerForm::setRecipientNote(const QString& text, bool warning)
{
    m_recipientNote->setText(text);
    m_recipientNote->setStyleSheet(warning ? QStringLiteral("color: #a15c00") : QStringLiteral("color: #1b7f3b"));
    m_recipientNote->setVisible(!text.isEmpty());
}

void ComposerForm::headerTypeChosen()
{
    if (m_loading)
        return;
    const QString chosen = m_headerType->currentData().toString();
    m_document->edit(QStringLiteral("structure:header-type"), [&chosen](wa::Message& m) {
        wa::Interactive& in = MessageAccess::interactive(m);
        if (chosen.isEmpty()) {
            in.header.reset();
            return;
        }
        const std::optional<wa::Header> old = in.header;
        wa::Header h;
        h.type = chosen;
        if (chosen == QLatin1String("text")) {
            h.text = old && old->text ? old->text : QString();
        } else {
            h.media = old && old->media ? *old->media : wa::MediaObject();
            if (!h.media->id && !h.media->link)
                h.media->link = QString();
            if (chosen != QLatin1String("document"))
                h.media->filename.reset();
            h.text = std::nullopt;
        }
        in.header = h;
    });
}

void ComposerForm::wrapSelection(const QString& marker)
{
    QPlainTextEdit* edit = m_body->multiLineInput();
    QTextCursor cursor = edit->textCursor();
    const QString selected = cursor.selectedText();
    cursor.insertText(marker + selected + marker);
    if (selected.isEmpty()) {
        cursor.movePosition(QTextCursor::Left, QTextCursor::MoveAnchor, static_cast<int>(marker.size()));
        edit->setTextCursor(cursor);
    }
    edit->setFocus();
}

void ComposerForm::refreshHeader()
{
    const wa::Message& m = m_document->message();
    const InteractiveType type = typeOf(m);
    const bool allowed = !wa::LimitsTable::rule(wa::Rule::HeaderNotAllowed).appliesTo(type);
    m_headerGroup->setVisible(allowed || (m.interactive && m.interactive->header));
    const QStringList kinds = wa::LimitsTable::allowedValues(QLatin1String("interactive.header.type"), type);
    const std::optional<QString> current =
        m.interactive && m.interactive->header ? m.interactive->header->type : std::nullopt;
    const wa::MediaObject* currentMedia = m.interactive && m.interactive->header && m.interactive->header->media
                                              ? &*m.interactive->header->media
                                              : nullptr;
    const bool currentById = currentMedia && currentMedia->id && !currentMedia->link;
    // Rebuilt only when the type, the header kind, the media source or the form change: typing
    // into a header field only refreshes it.
    const QString headerKey = QStringLiteral("%1/%2/%3/%4/%5")
                                  .arg(static_cast<int>(type))
                                  .arg(current.value_or(QStringLiteral("-")))
                                  .arg(currentById)
                                  .arg(static_cast<int>(m_document->family()))
                                  .arg(currentMedia && currentMedia->hasProvider);
    if (headerKey == m_headerKey) {
        m_headerText->refresh();
        m_mediaValue->refresh();
        m_fileName->refresh();
        m_provider->refresh();
        return;
    }
    m_headerKey = headerKey;
    m_headerType->clear();
    if (!wa::LimitsTable::rule(wa::Rule::HeaderRequired).appliesTo(type))
        m_headerType->addItem(tr("None"), QString());
    for (const QString& kind : kinds)
        m_headerType->addItem(kind.left(1).toUpper() + kind.mid(1), kind);
    if (current && !kinds.contains(*current)) // shown as it is, the validator says why
        m_headerType->addItem(*current + tr(" (not allowed here)"), *current);
    m_headerType->setCurrentIndex(qMax(0, m_headerType->findData(current.value_or(QString()))));

    const QString kind = current.value_or(QString());
    const bool text = kind == QLatin1String("text");
    const bool media =
        kind == QLatin1String("image") || kind == QLatin1String("video") || kind == QLatin1String("document");
    auto* form = static_cast<QFormLayout*>(m_headerGroup->layout());
    form->setRowVisible(m_headerText, text);
    form->setRowVisible(m_mediaRow, media);
    form->setRowVisible(m_fileName, kind == QLatin1String("document"));
    const bool onPremises = m_document->family() == wa::ApiFamily::OnPremises;
    const bool hasProvider = media && m.interactive->header->media && m.interactive->header->media->hasProvider;
    form->setRowVisible(m_provider, media && (onPremises || hasProvider));
    if (text)
        m_headerText->refresh();
    if (media) {
        const wa::MediaObject& mo = m.interactive->header->media ? *m.interactive->header->media : wa::MediaObject();
        const bool byId = mo.id.has_value() && !mo.link.has_value();
        m_mediaSource->setCurrentIndex(byId ? 1 : 0);
        const QByteArray key = kind.toLatin1();
        const QString base = QStringLiteral("interactive.header.") + kind;
        const auto mediaOf = [](const wa::Message& msg) -> const wa::MediaObject* {
            return msg.interactive && msg.interactive->header && msg.interactive->header->media
                       ? &*msg.interactive->header->media
                       : nullptr;
        };
        const auto mediaFor = [](wa::Message& msg) -> wa::MediaObject& {
            wa::Header& h = MessageAccess::header(msg);
            if (!h.media)
                h.media.emplace();
            return *h.media;
        };
        if (byId) {
            m_mediaValue->bind(
                QStringLiteral("header:media"), base + QLatin1String(".id"),
                [mediaOf](const wa::Message& msg) { return mediaOf(msg) ? mediaOf(msg)->id : std::nullopt; },
                [mediaFor](wa::Message& msg, const QString& v) { mediaFor(msg).id = v; });
            m_mediaValue->setPlaceholderText(tr("Media id from the /media upload"));
        } else {
            m_mediaValue->bind(
                QStringLiteral("header:media"), base + QLatin1String(".link"),
                [mediaOf](const wa::Message& msg) { return mediaOf(msg) ? mediaOf(msg)->link : std::nullopt; },
                [mediaFor](wa::Message& msg, const QString& v) { mediaFor(msg).link = v; });
            m_mediaValue->setPlaceholderText(QStringLiteral("https://…"));
        }
        m_fileName->bind(
            QStringLiteral("header:filename"), base + QLatin1String(".filename"),
            [mediaOf](const wa::Message& msg) { return mediaOf(msg) ? mediaOf(msg)->filename : std::nullopt; },
            [mediaFor](wa::Message& msg, const QString& v) {
                mediaFor(msg).filename = MessageAccess::optionalText(v);
            });
        m_provider->bind(
            QStringLiteral("header:provider"), base + QLatin1String(".provider"),
            [mediaOf](const wa::Message& msg) { return mediaOf(msg) ? mediaOf(msg)->providerName : std::nullopt; },
            [mediaFor](wa::Message& msg, const QString& v) {
                wa::MediaObject& mo2 = mediaFor(msg);
                mo2.hasProvider = !v.isEmpty() || !mo2.providerExtra.isEmpty();
                mo2.providerName = MessageAccess::optionalText(v);
            });
    }
}

void ComposerForm::refresh()
{
    const wa::Message& m = m_document->message();
    const InteractiveType type = typeOf(m);
    m_loading = true;
    const int typeIndex = m_type->findData(static_cast<int>(type));
    m_type->setCurrentIndex(typeIndex);
    m_recipientType->setCurrentText(m.recipientType.value_or(QStringLiteral("individual")));
    refreshHeader();
    m_footerGroup->setVisible(!wa::LimitsTable::rule(wa::Rule::FooterNotAllowed).appliesTo(type) ||
                              (m.interactive && m.interactive->footer));
    const int page = typeIndex < 0 ? 0 : typeIndex;
    m_actions->setCurrentIndex(page);
    m_loading = false;

    m_to->refresh();
    m_context->refresh();
    m_body->refresh();
    m_footer->refresh();
    switch (type) {
    case InteractiveType::List:
        for (FieldEditor* f : m_actions->widget(0)->findChildren<FieldEditor*>(QString(), Qt::FindDirectChildrenOnly))
            f->refresh();
        m_list->refresh();
        break;
    case InteractiveType::Button:
        m_buttons->refresh();
        break;
    case InteractiveType::CtaUrl:
        m_ctaText->refresh();
        m_ctaUrl->refresh();
        break;
    case InteractiveType::Product:
        m_catalogId->refresh();
        m_retailerId->refresh();
        break;
    case InteractiveType::ProductList:
        m_productListCatalogId->refresh();
        m_productList->refresh();
        break;
    case InteractiveType::Flow:
        m_flow->refresh();
        break;
    case InteractiveType::LocationRequest:
    case InteractiveType::Unknown:
        break;
    }
}

bool ComposerForm::focusPath(const QString& path)
{
    // The nearest field: try the path, then its parents.
    QString p = path;
    while (!p.isEmpty()) {
        for (FieldEditor* f : findChildren<FieldEditor*>()) {
            if (f->isVisibleTo(this) && f->isEnabled() && f->path() == p) {
                f->input()->setFocus();
                if (auto* line = qobject_cast<QLineEdit*>(f->input()))
                    line->selectAll();
                return true;
            }
        }
        if (p.startsWith(QLatin1String("interactive.action.buttons")) && m_buttons->focusPath(p))
            return true;
        if (p.startsWith(QLatin1String("interactive.action.sections"))) {
            ListEditor* editor = typeOf(m_document->message()) == InteractiveType::ProductList ? m_productList : m_list;
            if (editor->focusPath(p))
                return true;
        }
        if (p.startsWith(QLatin1String("interactive.action.parameters")) && m_flow->isVisibleTo(this) &&
            m_flow->focusPath(p))
            return true;
        if (p == QLatin1String("interactive.header") || p == QLatin1String("interactive.header.type")) {
            m_headerType->setFocus();
            return true;
        }
        if (p == QLatin1String("interactive.type")) {
            m_type->setFocus();
            return true;
        }
        const qsizetype cut = qMax(p.lastIndexOf(QLatin1Char('.')), p.lastIndexOf(QLatin1Char('[')));
        p = cut > 0 ? p.left(cut) : QString();
    }
    return false;
}
