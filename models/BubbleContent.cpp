#include "BubbleContent.h"

#include "LimitsTable.h"

namespace wa {

namespace {

QList<TextSpan> spans(const std::optional<QString>& text, Rule limitRule)
{
    if (!text)
        return {};
    return FormattedText::parse(*text, LimitsTable::rule(limitRule).max);
}

// Button labels are plain text in WhatsApp: no formatting, only the overflow mark.
QList<TextSpan> label(const std::optional<QString>& text, Rule limitRule)
{
    const QString value = text.value_or(QString());
    const qsizetype limit = LimitsTable::rule(limitRule).max;
    qsizetype cut = 0;
    for (qsizetype points = 0; cut < value.size() && points < limit; ++points)
        cut += (value[cut].isHighSurrogate() && cut + 1 < value.size()) ? 2 : 1;
    QList<TextSpan> out;
    out.append(TextSpan{value.left(cut), TextSpan::Plain, {}, false, 0});
    if (cut < value.size())
        out.append(TextSpan{value.mid(cut), TextSpan::Plain, {}, true, cut});
    return out;
}

QList<TextSpan> fixedLabel(const QString& text)
{
    return {TextSpan{text, TextSpan::Plain, {}, false, 0}};
}

} // namespace

BubbleContent BubbleContent::fromMessage(const Message& message)
{
    BubbleContent content;
    if (!message.interactive)
        return content;
    const Interactive& in = *message.interactive;
    content.type = in.kind();

    if (in.header && in.header->type) {
        const QString& type = *in.header->type;
        if (type == QLatin1String("text")) {
            content.header = Header::Text;
            content.headerText = spans(in.header->text, Rule::HeaderTextLength);
        } else if (type == QLatin1String("image") || type == QLatin1String("video") ||
                   type == QLatin1String("document")) {
            content.header = type == QLatin1String("image")   ? Header::Image
                             : type == QLatin1String("video") ? Header::Video
                                                              : Header::Document;
            if (in.header->media) {
                content.mediaLink = in.header->media->link.value_or(QString());
                content.mediaId = in.header->media->id.value_or(QString());
                content.fileName = in.header->media->filename.value_or(QString());
            }
        }
    }
    if (in.body)
        content.body =
            spans(in.body->text, content.type == InteractiveType::List ? Rule::ListBodyLength : Rule::BodyLength);
    if (in.footer)
        content.footer = spans(in.footer->text, Rule::FooterLength);

    const Action empty;
    const Action& action = in.action ? *in.action : empty;
    switch (content.type) {
    case InteractiveType::List: {
        content.inBubble.append({PreviewButton::List, label(action.button, Rule::ListButtonLength), {}, {}});
        content.sheetTitle = label(action.button, Rule::ListButtonLength);
        for (const Section& section : action.sections.value_or(std::vector<Section>())) {
            PreviewSection s;
            s.title = label(section.title, Rule::SectionTitleLength);
            for (const ListRow& row : section.rows.value_or(std::vector<ListRow>())) {
                s.rows.append(
                    {row.id.value_or(QString()), label(row.title, Rule::RowTitleLength),
                     row.description ? label(row.description, Rule::RowDescriptionLength) : QList<TextSpan>()});
            }
            content.sheet.append(s);
        }
        break;
    }
    case InteractiveType::Button:
        for (const ReplyButton& button : action.buttons.value_or(std::vector<ReplyButton>())) {
            content.below.append({PreviewButton::Reply,
                                  label(button.title, Rule::ButtonTitleLength),
                                  button.id.value_or(QString()),
                                  {}});
        }
        break;
    case InteractiveType::CtaUrl: {
        const ActionParameters params = action.parameters.value_or(ActionParameters());
        content.inBubble.append({PreviewButton::Link,
                                 label(params.displayText, Rule::CtaDisplayTextLength),
                                 {},
                                 params.url.value_or(QString())});
        break;
    }
    case InteractiveType::LocationRequest:
        content.inBubble.append({PreviewButton::Location, fixedLabel(QStringLiteral("Send location")), {}, {}});
        break;
    case InteractiveType::Flow: {
        const ActionParameters params = action.parameters.value_or(ActionParameters());
        content.inBubble.append({PreviewButton::Flow, label(params.flowCta, Rule::FlowCtaLength), {}, {}});
        break;
    }
    case InteractiveType::Product:
        content.productRetailerId = action.productRetailerId.value_or(QString());
        content.productCount = 1;
        content.inBubble.append({PreviewButton::Catalog, fixedLabel(QStringLiteral("View")), {}, {}});
        break;
    case InteractiveType::ProductList:
        for (const Section& section : action.sections.value_or(std::vector<Section>()))
            content.productCount += section.productItems ? static_cast<int>(section.productItems->size()) : 0;
        content.inBubble.append({PreviewButton::Catalog, fixedLabel(QStringLiteral("View items")), {}, {}});
        break;
    case InteractiveType::Unknown:
        break;
    }
    return content;
}

} // namespace wa
