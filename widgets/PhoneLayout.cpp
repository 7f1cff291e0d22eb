#include "PhoneLayout.h"

#include <QFontMetricsF>
#include <QTextLayout>

namespace {

constexpr qreal kMargin = 10; // between the screen edge and the bubble
constexpr qreal kPadding = 9; // inside the bubble
constexpr qreal kGap = 4;     // between stacked parts
constexpr qreal kButtonHeight = 42;
constexpr qreal kMinButtonBubble = 230;

using TextLayout = std::shared_ptr<const IncrementalTextLayout>;

// Lays out formatted text in `width`; returns the layout with its lines positioned from (0,0).
// `previous` is the same text's layout in the previous compute(), reused where it still holds.
TextLayout layoutText(const QList<wa::TextSpan>& spans, const QFont& font, const PhoneStyle& style, const QColor& color,
                      qreal width, qreal* height, qreal* naturalWidth, const TextLayout& previous = {})
{
    const QString text = wa::FormattedText::plainText(spans);
    QList<QTextLayout::FormatRange> formats;
    int at = 0;
    for (const wa::TextSpan& span : spans) {
        QTextLayout::FormatRange range;
        range.start = at;
        range.length = static_cast<int>(span.text.size());
        at += range.length;
        QTextCharFormat& f = range.format;
        f.setForeground(span.link.isEmpty() ? color : style.link);
        if (span.style & wa::TextSpan::Mono)
            f.setFont(style.monoFont, QTextCharFormat::FontPropertiesSpecifiedOnly);
        if (span.style & wa::TextSpan::Bold)
            f.setFontWeight(QFont::Bold);
        if (span.style & wa::TextSpan::Italic)
            f.setFontItalic(true);
        if (span.style & wa::TextSpan::Strike)
            f.setFontStrikeOut(true);
        if (!span.link.isEmpty()) {
            f.setFontUnderline(true);
            f.setAnchorHref(span.link);
        }
        if (span.overflow) {
            f.setBackground(style.overflow);
            f.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            f.setUnderlineColor(QColor(0xB3, 0x26, 0x1E));
            f.setToolTip(QStringLiteral("Past the limit: WhatsApp rejects this text"));
        }
        if (range.length > 0)
            formats.append(range);
    }
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    const bool rtl = text.isRightToLeft();
    option.setTextDirection(rtl ? Qt::RightToLeft : Qt::LeftToRight);
    option.setAlignment(rtl ? Qt::AlignRight : Qt::AlignLeft);
    TextLayout layout = IncrementalTextLayout::create(text, formats, font, option, width, previous);

    *height = qMax(layout->height(), text.isEmpty() ? 0.0 : QFontMetricsF(font).height());
    if (naturalWidth)
        *naturalWidth = layout->naturalWidth();
    return layout;
}

// The layouts of the previous compute(), by the item they belong to.
class PreviousLayouts
{
public:
    explicit PreviousLayouts(const PhoneLayout* previous)
        : m_previous(previous)
    {
    }

    TextLayout of(PhoneLayout::Kind kind, int index = -1, bool extra = false) const
    {
        if (!m_previous)
            return {};
        for (const PhoneLayout::Item& item : m_previous->items) {
            if (item.kind == kind && item.index == index)
                return extra ? item.extraLayout : item.layout;
        }
        return {};
    }
    TextLayout measured(int part) const { return m_previous ? m_previous->measured[part] : TextLayout(); }

private:
    const PhoneLayout* m_previous;
};

QString plain(const QList<wa::TextSpan>& spans)
{
    return wa::FormattedText::plainText(spans);
}

} // namespace

PhoneLayout PhoneLayout::compute(const wa::BubbleContent& content, const PhoneStyle& style, int width,
                                 const State& state, const PhoneLayout* previous)
{
    PhoneLayout out;
    const PreviousLayouts before(previous);
    const qreal w = width;
    const bool web = style.platform == PhoneStyle::Platform::Web;
    const qreal barHeight = web ? 60 : style.platform == PhoneStyle::Platform::IOS ? 54 : 56;

    Item bar;
    bar.kind = Kind::Bar;
    bar.rect = QRectF(0, 0, w, barHeight);
    bar.text = style.contactName;
    out.items.append(bar);

    qreal y = barHeight + 12;
    Item chip;
    chip.kind = Kind::DateChip;
    chip.text = QStringLiteral("Today");
    const qreal chipWidth = QFontMetricsF(style.footerFont).horizontalAdvance(chip.text) + 24;
    chip.rect = QRectF((w - chipWidth) / 2, y, chipWidth, 24);
    out.items.append(chip);
    y += 24 + 12;

    // The bubble's width: what its content needs, within the platform's share of the screen.
    const qreal maxBubble = web ? qMin(w * 0.65, 560.0) : w * 0.82;
    const qreal maxInner = maxBubble - 2 * kPadding;
    const bool hasButtons = !content.inBubble.isEmpty() || !content.below.isEmpty();
    const QFontMetricsF timeMetrics(style.timeFont);
    const qreal timeWidth = timeMetrics.horizontalAdvance(style.time) + 4;

    // Each text is laid out once at the widest the bubble can be; when the bubble takes that width
    // (any long text does) the same layout is used, so a keystroke lays the body out once.
    struct Measured
    {
        TextLayout layout;
        qreal height = 0;
    };
    qreal natural = 0;
    const auto measure = [&](int part, const QList<wa::TextSpan>& spans, const QFont& font, const QColor& color) {
        Measured m;
        if (spans.isEmpty())
            return m;
        qreal nw = 0;
        m.layout = layoutText(spans, font, style, color, maxInner, &m.height, &nw, before.measured(part));
        out.measured[part] = m.layout;
        natural = qMax(natural, nw);
        return m;
    };
    const Measured headerText = measure(0, content.headerText, style.headerFont, style.text);
    const Measured bodyText = measure(1, content.body, style.bodyFont, style.text);
    const Measured footerText = measure(2, content.footer, style.footerFont, style.secondaryText);
    const bool media = content.header == wa::BubbleContent::Header::Image ||
                       content.header == wa::BubbleContent::Header::Video ||
                       content.header == wa::BubbleContent::Header::Document;
    qreal inner = qMax(natural, timeWidth + 40);
    if (hasButtons || media || content.productCount > 0)
        inner = qMax(inner, kMinButtonBubble - 2 * kPadding);
    inner = qMin(inner, maxInner);
    const qreal bubbleWidth = inner + 2 * kPadding;
    const qreal bx = kMargin;

    Item bubble;
    bubble.kind = Kind::Bubble;
    const qreal bubbleTop = y;
    y += kPadding - 2;
    QList<Item> parts;

    if (media) {
        Item m;
        m.kind = Kind::Media;
        m.text = content.mediaLink.isEmpty() ? content.mediaId : content.mediaLink;
        m.secondaryText = content.fileName;
        m.index = static_cast<int>(content.header);
        m.detail = state.mediaStatus;
        qreal mediaHeight = content.header == wa::BubbleContent::Header::Document ? 60 : inner * 0.62;
        if (content.header == wa::BubbleContent::Header::Image && state.mediaSize.isValid() &&
            state.mediaSize.width() > 0) {
            m.hasImage = true;
            const qreal aspect = qreal(state.mediaSize.height()) / state.mediaSize.width();
            mediaHeight = qBound<qreal>(80.0, (bubbleWidth - 8) * aspect, (bubbleWidth - 8) * 1.25);
        }
        m.rect = QRectF(bx + 4, bubbleTop + 4, bubbleWidth - 8, mediaHeight);
        parts.append(m);
        y = bubbleTop + 4 + mediaHeight + kGap + 2;
    }
    if (content.productCount > 0) {
        Item m;
        m.kind = Kind::Media;
        m.text = content.type == wa::InteractiveType::Product ? content.productRetailerId
                                                              : QStringLiteral("%1 items").arg(content.productCount);
        m.index = -1; // a catalog card
        m.rect = QRectF(bx + 4, bubbleTop + 4, bubbleWidth - 8, 64);
        parts.append(m);
        y = bubbleTop + 4 + 64 + kGap + 2;
    }
    const auto textPart = [&](Kind kind, const QList<wa::TextSpan>& spans, const QFont& font, const QColor& color,
                              const Measured& measured) {
        if (spans.isEmpty())
            return;
        Item t;
        t.kind = kind;
        t.text = plain(spans);
        qreal th = measured.height;
        t.layout = inner == maxInner ? measured.layout
                                     : layoutText(spans, font, style, color, inner, &th, nullptr, before.of(kind));
        t.rect = QRectF(bx + kPadding, y, inner, th);
        parts.append(t);
        y += th + kGap;
    };
    textPart(Kind::HeaderText, content.headerText, style.headerFont, style.text, headerText);
    textPart(Kind::Body, content.body, style.bodyFont, style.text, bodyText);
    textPart(Kind::Footer, content.footer, style.footerFont, style.secondaryText, footerText);

    // The time sits on the last text line when there is room, else on a line of its own.
    Item time;
    time.kind = Kind::Time;
    time.text = style.time;
    const qreal timeHeight = timeMetrics.height();
    bool timeOnLastLine = false;
    if (!parts.isEmpty() && parts.last().layout) {
        const IncrementalTextLayout* last = parts.last().layout.get();
        const QTextLine line = last->lineAt(last->lineCount() - 1);
        if (line.isValid() && !last->text().isRightToLeft() && line.naturalTextWidth() + timeWidth + 8 <= inner)
            timeOnLastLine = true;
    }
    if (timeOnLastLine)
        time.rect = QRectF(bx + bubbleWidth - kPadding - timeWidth, y - kGap - timeHeight, timeWidth, timeHeight);
    else
        time.rect = QRectF(bx + bubbleWidth - kPadding - timeWidth, y - 2, timeWidth, timeHeight), y += timeHeight;
    parts.append(time);
    y += 4;

    // Buttons inside the bubble, under a divider (list, CTA, location, flow, catalog).
    for (int i = 0; i < content.inBubble.size(); ++i) {
        const wa::PreviewButton& b = content.inBubble.at(i);
        Item divider;
        divider.kind = Kind::Divider;
        divider.rect = QRectF(bx, y, bubbleWidth, 1);
        parts.append(divider);
        if (web && b.icon == wa::PreviewButton::Flow) {
            Item notice;
            notice.kind = Kind::Notice;
            notice.text = QStringLiteral("WhatsApp Web does not show Flows. Open this message on a phone.");
            const qreal noticeHeight = QFontMetricsF(style.footerFont)
                                           .boundingRect(QRectF(0, 0, inner - 16, 1000), Qt::TextWordWrap, notice.text)
                                           .height() +
                                       12;
            notice.rect = QRectF(bx + kPadding, y + 6, inner, noticeHeight);
            parts.append(notice);
            y += noticeHeight + 12;
            continue;
        }
        Item button;
        button.kind = Kind::BubbleButton;
        button.index = i;
        button.icon = b.icon;
        button.text = plain(b.label);
        qreal lh = 0;
        button.layout = layoutText(b.label, style.buttonFont, style, style.accent, inner - 28, &lh, nullptr,
                                   before.of(Kind::BubbleButton, i));
        button.rect = QRectF(bx, y + 1, bubbleWidth, kButtonHeight);
        parts.append(button);
        y += kButtonHeight + 1;
    }
    if (content.inBubble.isEmpty())
        y += kPadding - 6;
    bubble.rect = QRectF(bx, bubbleTop, bubbleWidth, y - bubbleTop);
    out.items.append(bubble);
    out.items.append(parts);
    y += kGap;

    // Reply buttons: each its own rounded box under the bubble, as wide as the bubble.
    for (int i = 0; i < content.below.size(); ++i) {
        const wa::PreviewButton& b = content.below.at(i);
        Item button;
        button.kind = Kind::ReplyButton;
        button.index = i;
        button.icon = b.icon;
        button.text = plain(b.label);
        button.enabled = state.tappedButton < 0;
        button.selected = state.tappedButton == i;
        qreal lh = 0;
        button.layout = layoutText(b.label, style.buttonFont, style, style.accent, bubbleWidth - 40, &lh, nullptr,
                                   before.of(Kind::ReplyButton, i));
        button.rect = QRectF(bx, y, bubbleWidth, kButtonHeight);
        out.items.append(button);
        y += kButtonHeight + kGap;
    }
    y += 16;
    out.size = QSizeF(w, qMax<qreal>(y, state.minimumHeight));

    if (!state.sheetOpen || content.type != wa::InteractiveType::List)
        return out;

    // The list's bottom sheet over a dimmed chat.
    const qreal titleHeight = 56;
    const qreal sendHeight = 72;
    QList<Item> sheetItems;
    qreal sy = titleHeight;
    int flat = 0;
    for (int si = 0; si < content.sheet.size(); ++si) {
        const wa::PreviewSection& section = content.sheet.at(si);
        if (!section.title.isEmpty() && !plain(section.title).isEmpty()) {
            Item s;
            s.kind = Kind::SheetSection;
            s.index = si;
            s.text = plain(section.title);
            qreal th = 0;
            s.layout = layoutText(section.title, style.sectionFont, style, style.radio, w - 40, &th, nullptr,
                                  before.of(Kind::SheetSection, si));
            s.rect = QRectF(0, sy, w, th + 20);
            sheetItems.append(s);
            sy += th + 20;
        }
        for (const wa::PreviewRow& row : section.rows) {
            Item r;
            r.kind = Kind::SheetRow;
            r.index = flat;
            r.selected = state.selectedRow == flat;
            r.text = plain(row.title);
            r.secondaryText = plain(row.description);
            qreal th = 0;
            r.layout = layoutText(row.title, style.rowTitleFont, style, style.text, w - 80, &th, nullptr,
                                  before.of(Kind::SheetRow, flat));
            qreal dh = 0;
            if (!row.description.isEmpty())
                r.extraLayout = layoutText(row.description, style.rowDescriptionFont, style, style.secondaryText,
                                           w - 80, &dh, nullptr, before.of(Kind::SheetRow, flat, true));
            const qreal rh = 14 + th + (dh > 0 ? dh + 2 : 0) + 14;
            r.rect = QRectF(0, sy, w, rh);
            sheetItems.append(r);
            sy += rh;
            ++flat;
        }
    }
    const qreal sheetHeight = sy + sendHeight;
    const qreal chatHeight = out.size.height();
    const qreal total = qMax(chatHeight, sheetHeight + 80);
    out.size.setHeight(total);
    const qreal top = total - sheetHeight;

    Item shade;
    shade.kind = Kind::SheetShade;
    shade.rect = QRectF(0, 0, w, total);
    out.items.append(shade);
    Item sheet;
    sheet.kind = Kind::Sheet;
    sheet.rect = QRectF(0, top, w, sheetHeight);
    out.items.append(sheet);
    Item title;
    title.kind = Kind::SheetTitle;
    title.text = plain(content.sheetTitle);
    qreal th = 0;
    title.layout = layoutText(content.sheetTitle, style.sheetTitleFont, style, style.text, w - 112, &th, nullptr,
                              before.of(Kind::SheetTitle));
    title.rect = QRectF(0, top, w, titleHeight);
    out.items.append(title);
    for (Item& item : sheetItems) {
        item.rect.translate(0, top);
        out.items.append(item);
    }
    Item send;
    send.kind = Kind::SheetSend;
    send.text = QStringLiteral("Send");
    send.enabled = state.selectedRow >= 0;
    send.rect = QRectF(16, top + sheetHeight - sendHeight + 14, w - 32, 44);
    out.items.append(send);
    return out;
}

QList<const PhoneLayout::Item*> PhoneLayout::itemsOf(Kind kind) const
{
    QList<const Item*> found;
    for (const Item& item : items) {
        if (item.kind == kind)
            found.append(&item);
    }
    return found;
}

const PhoneLayout::Item* PhoneLayout::itemAt(const QPointF& point) const
{
    // Later items are drawn on top; with the sheet open only its items answer.
    bool sheetOpen = false;
    for (const Item& item : items)
        sheetOpen = sheetOpen || item.kind == Kind::SheetShade;
    for (auto it = items.crbegin(); it != items.crend(); ++it) {
        if (!it->rect.contains(point))
            continue;
        switch (it->kind) {
        case Kind::SheetRow:
        case Kind::SheetSend:
        case Kind::SheetTitle:
        case Kind::SheetShade:
            return &*it;
        case Kind::BubbleButton:
        case Kind::ReplyButton:
        case Kind::Body:
            if (!sheetOpen)
                return &*it;
            break;
        default:
            break;
        }
    }
    return nullptr;
}
