#include "PhonePreview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QWheelEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QTextLayout>
#include <QUrl>

#include "MediaCache.h"

namespace {

using Icon = wa::PreviewButton::Icon;

void drawIcon(QPainter& p, Icon icon, const QRectF& r, const QColor& color)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QPen pen(color, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const qreal x = r.left();
    const qreal y = r.top();
    const qreal s = qMin(r.width(), r.height());
    switch (icon) {
    case Icon::Reply: { // a curved reply arrow
        QPainterPath path;
        path.moveTo(x + s * 0.9, y + s * 0.85);
        path.cubicTo(x + s * 0.85, y + s * 0.45, x + s * 0.6, y + s * 0.38, x + s * 0.2, y + s * 0.4);
        p.drawPath(path);
        p.drawPolyline(
            QPolygonF{{x + s * 0.45, y + s * 0.12}, {x + s * 0.15, y + s * 0.4}, {x + s * 0.45, y + s * 0.68}});
        break;
    }
    case Icon::List: // three bullets and lines
        for (int i = 0; i < 3; ++i) {
            const qreal ly = y + s * (0.22 + 0.28 * i);
            p.drawPoint(QPointF(x + s * 0.12, ly));
            p.drawLine(QPointF(x + s * 0.35, ly), QPointF(x + s * 0.95, ly));
        }
        break;
    case Icon::Link: { // a box with an arrow leaving it
        p.drawPolyline(QPolygonF{{x + s * 0.45, y + s * 0.15},
                                 {x + s * 0.12, y + s * 0.15},
                                 {x + s * 0.12, y + s * 0.88},
                                 {x + s * 0.85, y + s * 0.88},
                                 {x + s * 0.85, y + s * 0.55}});
        p.drawLine(QPointF(x + s * 0.45, y + s * 0.55), QPointF(x + s * 0.92, y + s * 0.08));
        p.drawPolyline(
            QPolygonF{{x + s * 0.6, y + s * 0.08}, {x + s * 0.92, y + s * 0.08}, {x + s * 0.92, y + s * 0.4}});
        break;
    }
    case Icon::Location: { // a pin
        QPainterPath pin;
        pin.moveTo(x + s * 0.5, y + s * 0.95);
        pin.cubicTo(x + s * 0.1, y + s * 0.5, x + s * 0.12, y + s * 0.05, x + s * 0.5, y + s * 0.05);
        pin.cubicTo(x + s * 0.88, y + s * 0.05, x + s * 0.9, y + s * 0.5, x + s * 0.5, y + s * 0.95);
        p.drawPath(pin);
        p.drawEllipse(QPointF(x + s * 0.5, y + s * 0.38), s * 0.12, s * 0.12);
        break;
    }
    case Icon::Flow: // a form: a page with lines
        p.drawRoundedRect(QRectF(x + s * 0.15, y + s * 0.05, s * 0.7, s * 0.9), 2, 2);
        p.drawLine(QPointF(x + s * 0.3, y + s * 0.35), QPointF(x + s * 0.7, y + s * 0.35));
        p.drawLine(QPointF(x + s * 0.3, y + s * 0.55), QPointF(x + s * 0.7, y + s * 0.55));
        p.drawLine(QPointF(x + s * 0.3, y + s * 0.75), QPointF(x + s * 0.55, y + s * 0.75));
        break;
    case Icon::Catalog: // a shopping bag
        p.drawRoundedRect(QRectF(x + s * 0.12, y + s * 0.32, s * 0.76, s * 0.6), 2, 2);
        p.drawArc(QRectF(x + s * 0.32, y + s * 0.08, s * 0.36, s * 0.48), 0, 180 * 16);
        break;
    }
    p.restore();
}

QPixmap wallpaperTile(const PhoneStyle& style)
{
    static QPixmap tile;
    static QColor tileColor;
    static QColor doodleColor;
    if (tile.isNull() || tileColor != style.wallpaper || doodleColor != style.wallpaperDoodle) {
        tile = QPixmap(92, 92);
        tile.fill(style.wallpaper);
        QPainter p(&tile);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(style.wallpaperDoodle, 1.2));
        for (const QPointF& c : {QPointF(8, 24), QPointF(54, 24), QPointF(31, 70), QPointF(77, 70)})
            p.drawEllipse(c, 5, 5);
        tileColor = style.wallpaper;
        doodleColor = style.wallpaperDoodle;
    }
    return tile;
}

// Where an item may paint: its rectangle and what reaches out of it (the bubble's tail and
// shadow, the sheet's rounded bottom, antialiasing, glyphs past their line).
QRectF inkRect(const PhoneLayout::Item& item)
{
    return item.rect.adjusted(-12, -12, 12, 28);
}

// A label with its icon, centred in `rect`.
void drawButtonLabel(QPainter& p, const PhoneLayout::Item& item, const QColor& color, bool withIcon)
{
    const qreal labelWidth = item.layout ? item.layout->naturalWidth() : 0;
    const qreal iconSize = 17;
    const qreal total = (withIcon ? iconSize + 8 : 0) + labelWidth;
    qreal x = item.rect.center().x() - total / 2;
    if (withIcon) {
        drawIcon(p, item.icon, QRectF(x, item.rect.center().y() - iconSize / 2, iconSize, iconSize), color);
        x += iconSize + 8;
    }
    if (item.layout) {
        const qreal h = item.layout->height();
        // a right-to-left label stands at the right of its line: shift it back to x
        const qreal lead = item.layout->lineCount() > 0 ? item.layout->lineAt(0).naturalTextRect().left() : 0;
        item.layout->draw(&p, QPointF(x - lead, item.rect.center().y() - h / 2));
    }
}

QString initials(const QString& name)
{
    QString out;
    for (const QString& word : name.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        out += word.front().toUpper();
        if (out.size() == 2)
            break;
    }
    return out;
}

void paintBar(QPainter& p, const PhoneLayout::Item& bar, const PhoneStyle& style)
{
    p.fillRect(bar.rect, style.bar);
    const bool ios = style.platform == PhoneStyle::Platform::IOS;
    const bool web = style.platform == PhoneStyle::Platform::Web;
    qreal x = 12;
    const qreal cy = bar.rect.center().y();
    if (!web) {
        const QColor arrow = ios ? QColor(0x00, 0x7A, 0xFF) : style.barText;
        QPen pen(arrow, 2.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        if (ios) {
            p.drawPolyline(QPolygonF{{x + 9, cy - 9}, {x + 1, cy}, {x + 9, cy + 9}});
        } else {
            p.drawLine(QPointF(x, cy), QPointF(x + 16, cy));
            p.drawPolyline(QPolygonF{{x + 7, cy - 7}, {x, cy}, {x + 7, cy + 7}});
        }
        x += 26;
    }
    const qreal avatar = 36;
    const QRectF avatarRect(x, cy - avatar / 2, avatar, avatar);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0xDF, 0xE5, 0xE7));
    p.drawEllipse(avatarRect);
    p.setPen(QColor(0x54, 0x65, 0x6F));
    QFont avatarFont = style.footerFont;
    avatarFont.setBold(true);
    p.setFont(avatarFont);
    p.drawText(avatarRect, Qt::AlignCenter, initials(bar.text));
    x += avatar + 10;
    p.setPen(style.barText);
    p.setFont(style.barFont);
    const QFontMetricsF fm(style.barFont);
    p.drawText(QPointF(x, cy - 2), fm.elidedText(bar.text, Qt::ElideRight, bar.rect.width() - x - 12));
    QColor sub = style.barText;
    sub.setAlphaF(0.75f);
    p.setPen(sub);
    p.setFont(style.timeFont);
    p.drawText(QPointF(x, cy + 14), QStringLiteral("Business account"));
}

void paintMedia(QPainter& p, const PhoneLayout::Item& item, const PhoneStyle& style, const QImage& image)
{
    if (item.hasImage && !image.isNull()) {
        QPainterPath clip;
        clip.addRoundedRect(item.rect, 6, 6);
        p.save();
        p.setClipPath(clip);
        const QImage scaled = image.scaled(item.rect.size().toSize() * p.device()->devicePixelRatioF(),
                                           Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
        const QRectF source((scaled.width() - item.rect.width() * p.device()->devicePixelRatioF()) / 2,
                            (scaled.height() - item.rect.height() * p.device()->devicePixelRatioF()) / 2,
                            item.rect.width() * p.device()->devicePixelRatioF(),
                            item.rect.height() * p.device()->devicePixelRatioF());
        p.drawImage(item.rect, scaled, source);
        p.restore();
        return;
    }
    const bool dark = style.theme == PhoneStyle::Theme::Dark;
    const QColor fill = dark ? QColor(0x2A, 0x39, 0x42) : QColor(0xE4, 0xE8, 0xEB);
    const QColor ink = dark ? QColor(0xAE, 0xBA, 0xC1) : QColor(0x8A, 0x99, 0xA3);
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    p.drawRoundedRect(item.rect, 6, 6);
    const auto header = static_cast<wa::BubbleContent::Header>(item.index);
    QFont small = style.footerFont;
    const QFontMetricsF fm(small);
    p.setFont(small);
    if (item.index == -1) { // catalog card
        drawIcon(p, Icon::Catalog, QRectF(item.rect.left() + 14, item.rect.center().y() - 14, 28, 28), ink);
        p.setPen(style.text);
        p.drawText(QRectF(item.rect.left() + 54, item.rect.top(), item.rect.width() - 60, item.rect.height()),
                   Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(item.text, Qt::ElideMiddle, item.rect.width() - 64));
        return;
    }
    const QString source =
        item.text.isEmpty() ? QStringLiteral("(no media id or link)")
        : item.text.startsWith(QLatin1String("http"))
            ? QUrl(item.text).fileName().isEmpty() ? QUrl(item.text).host() : QUrl(item.text).fileName()
            : QStringLiteral("media id ") + item.text;
    if (header == wa::BubbleContent::Header::Document) {
        const QRectF icon(item.rect.left() + 12, item.rect.center().y() - 18, 28, 36);
        p.setBrush(QColor(0xE5, 0x39, 0x35));
        p.drawRoundedRect(icon, 3, 3);
        QFont tag = style.timeFont;
        tag.setBold(true);
        p.setFont(tag);
        p.setPen(Qt::white);
        const QString name = item.secondaryText.isEmpty() ? source : item.secondaryText;
        const QString ext = name.section(QLatin1Char('.'), -1).left(4).toUpper();
        p.drawText(icon, Qt::AlignCenter, name.contains(QLatin1Char('.')) ? ext : QStringLiteral("DOC"));
        p.setFont(small);
        p.setPen(style.text);
        const QRectF textRect(icon.right() + 10, item.rect.top() + 10, item.rect.right() - icon.right() - 18, 20);
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(name, Qt::ElideMiddle, textRect.width()));
        p.setPen(style.secondaryText);
        p.drawText(textRect.translated(0, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(source, Qt::ElideMiddle, textRect.width()));
        return;
    }
    const QPointF c = item.rect.center();
    p.setPen(QPen(ink, 2));
    p.setBrush(Qt::NoBrush);
    if (header == wa::BubbleContent::Header::Video) {
        p.setBrush(QColor(0, 0, 0, 90));
        p.setPen(Qt::NoPen);
        p.drawEllipse(c, 26, 26);
        p.setBrush(Qt::white);
        p.drawPolygon(QPolygonF{{c.x() - 8, c.y() - 12}, {c.x() - 8, c.y() + 12}, {c.x() + 13, c.y()}});
    } else {
        const QRectF frame(c.x() - 24, c.y() - 30, 48, 38);
        p.drawRoundedRect(frame, 4, 4);
        p.drawEllipse(QPointF(frame.left() + 13, frame.top() + 11), 4, 4);
        p.drawPolyline(QPolygonF{{frame.left() + 4, frame.bottom() - 4},
                                 {frame.left() + 20, frame.top() + 18},
                                 {frame.left() + 30, frame.top() + 26},
                                 {frame.left() + 36, frame.top() + 20},
                                 {frame.right() - 4, frame.bottom() - 4}});
    }
    p.setPen(ink);
    p.setFont(small);
    const QString caption = item.detail.isEmpty() ? source : source + QStringLiteral(" · ") + item.detail;
    p.drawText(QRectF(item.rect.left() + 8, item.rect.bottom() - 26, item.rect.width() - 16, 20), Qt::AlignCenter,
               fm.elidedText(caption, Qt::ElideMiddle, item.rect.width() - 16));
}

void paintSheetRow(QPainter& p, const PhoneLayout::Item& item, const PhoneStyle& style)
{
    const qreal top = item.rect.top() + 14;
    if (item.layout)
        item.layout->draw(&p, QPointF(20, top));
    if (item.extraLayout)
        item.extraLayout->draw(&p, QPointF(20, top + item.layout->height() + 2));
    const QPointF radio(item.rect.right() - 32, item.rect.center().y());
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(item.selected ? style.radio : style.secondaryText, 2));
    p.drawEllipse(radio, 10, 10);
    if (item.selected) {
        p.setPen(Qt::NoPen);
        p.setBrush(style.radio);
        p.drawEllipse(radio, 5.5, 5.5);
    }
    p.setPen(QPen(style.divider, 1));
    p.drawLine(QPointF(20, item.rect.bottom()), QPointF(item.rect.right(), item.rect.bottom()));
}

} // namespace

PhonePreview::PhonePreview(QWidget* parent)
    : QWidget(parent)
    , m_style(PhoneStyle::make(PhoneStyle::Platform::Android, PhoneStyle::Theme::Light))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
}

void PhonePreview::setContent(const wa::BubbleContent& content)
{
    const bool sameButtons = content.below.size() == m_content.below.size();
    m_content = content;
    if (!sameButtons)
        m_state.tappedButton = -1;
    if (m_content.type != wa::InteractiveType::List)
        m_state.sheetOpen = false;
    m_state.selectedRow = -1;
    updateMedia();
}

void PhonePreview::setPhoneStyle(PhoneStyle::Platform platform, PhoneStyle::Theme theme)
{
    const QString name = m_style.contactName;
    m_style = PhoneStyle::make(platform, theme);
    m_style.contactName = name;
    invalidate();
}

void PhonePreview::setContactName(const QString& name)
{
    m_style.contactName = name;
    invalidate();
}

const PhoneLayout& PhonePreview::phoneLayout() const
{
    if (!m_layoutValid) {
        PhoneLayout::State state = m_state;
        state.minimumHeight = height();
        // the last layout, even when out of date, lends the texts that did not change
        m_layout = PhoneLayout::compute(m_content, m_style, qMax(width(), 240), state, &m_layout);
        m_layoutValid = true;
    }
    return m_layout;
}

void PhonePreview::openSheet()
{
    if (m_content.type != wa::InteractiveType::List)
        return;
    m_state.sheetOpen = true;
    invalidate();
}

void PhonePreview::closeSheet()
{
    m_state.sheetOpen = false;
    m_state.selectedRow = -1;
    invalidate();
}

QSize PhonePreview::sizeHint() const
{
    return {380, 720};
}

QSize PhonePreview::minimumSizeHint() const
{
    return {280, 400};
}

void PhonePreview::invalidate()
{
    m_layoutValid = false;
    m_repaintAll = true;
    update();
}

void PhonePreview::relayout()
{
    if (!m_layoutValid || m_repaintAll || !isVisible()) {
        invalidate();
        return;
    }
    const PhoneLayout before = m_layout;
    const qreal offsetBefore = scrollOffset();
    m_layoutValid = false;
    const PhoneLayout& after = phoneLayout();
    if (after.size != before.size || scrollOffset() != offsetBefore) { // everything moved
        update();
        return;
    }
    const QRectF changed = changedRect(before, after);
    if (!changed.isNull())
        update(changed.translated(0, -offsetBefore).toAlignedRect().adjusted(-2, -2, 2, 2) & rect());
}

QRectF PhonePreview::changedRect(const PhoneLayout& before, const PhoneLayout& after)
{
    const QRectF all(QPointF(0, 0), after.size);
    if (before.items.size() != after.items.size() || before.size != after.size)
        return all;
    QRectF changed;
    for (qsizetype i = 0; i < after.items.size(); ++i) {
        const PhoneLayout::Item& a = before.items.at(i);
        const PhoneLayout::Item& b = after.items.at(i);
        if (a.kind != b.kind)
            return all;
        const bool same = a.rect == b.rect && a.index == b.index && a.text == b.text &&
                          a.secondaryText == b.secondaryText && a.detail == b.detail && a.hasImage == b.hasImage &&
                          a.icon == b.icon && a.enabled == b.enabled && a.selected == b.selected;
        const bool sameLayouts = a.layout == b.layout && a.extraLayout == b.extraLayout;
        if (same && sameLayouts)
            continue;
        const bool text = b.kind == PhoneLayout::Kind::HeaderText || b.kind == PhoneLayout::Kind::Body ||
                          b.kind == PhoneLayout::Kind::Footer;
        if (text && a.rect == b.rect && a.layout && b.layout && a.extraLayout == b.extraLayout) {
            // an edited text in the same place: from its first changed line down
            const int line = b.layout->firstChangedLine(*a.layout);
            if (line < b.layout->lineCount() || line < a.layout->lineCount()) {
                const qreal top = line < b.layout->lineCount() ? b.layout->line(line).y : b.layout->height();
                changed |= inkRect(b).adjusted(0, top, 0, 0);
            }
            continue;
        }
        changed |= inkRect(a) | inkRect(b);
    }
    return changed;
}

QImage PhonePreview::renderImage(const wa::BubbleContent& content, const PhoneStyle& style, int width,
                                 const PhoneLayout::State& state, const QImage& headerImage, qreal devicePixelRatio)
{
    PhoneLayout::State withImage = state;
    if (!headerImage.isNull())
        withImage.mediaSize = headerImage.size();
    const PhoneLayout layout = PhoneLayout::compute(content, style, width, withImage);
    QImage image((layout.size * devicePixelRatio).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    QPainter painter(&image);
    paint(painter, layout, style, headerImage);
    return image;
}

QImage PhonePreview::decodeImage(const QByteArray& bytes, QString* error)
{
    QImage image;
    if (bytes.isEmpty())
        *error = QObject::tr("empty response");
    else if (!image.loadFromData(bytes))
        *error = QObject::tr("not an image Qt can read");
    return image;
}

void PhonePreview::setMediaCache(wa::MediaCache* cache)
{
    if (m_media)
        disconnect(m_media, nullptr, this, nullptr);
    m_media = cache;
    if (cache) {
        connect(cache, &wa::MediaCache::loaded, this, [this](const QUrl& url) {
            if (url == m_imageUrl)
                updateMedia();
        });
        connect(cache, &wa::MediaCache::failed, this, [this](const QUrl& url) {
            if (url == m_imageUrl)
                updateMedia();
        });
    }
    updateMedia();
}

void PhonePreview::updateMedia()
{
    const QUrl url = m_content.header == wa::BubbleContent::Header::Image && !m_content.mediaLink.isEmpty()
                         ? QUrl(m_content.mediaLink)
                         : QUrl();
    const bool sameUrl = url == m_imageUrl;
    const qint64 imageBefore = m_image.cacheKey();
    m_imageUrl = url;
    QString status;
    if (url.isEmpty() || !m_media) {
        m_image = QImage();
    } else if (m_media->isCached(url)) {
        if (!sameUrl || m_image.isNull()) {
            QString error;
            m_image = decodeImage(m_media->data(url), &error);
            status = error;
        }
    } else {
        m_image = QImage();
        m_media->request(url);
        status = m_media->isLoading(url) ? tr("loading…") : m_media->error(url);
    }
    m_state.mediaSize = m_image.isNull() ? QSize() : m_image.size();
    m_state.mediaStatus = status;
    if (m_image.cacheKey() != imageBefore)
        invalidate(); // other pixels where the layout may be the same
    else
        relayout();
}

void PhonePreview::paint(QPainter& p, const PhoneLayout& layout, const PhoneStyle& style, const QImage& headerImage,
                         const QRectF& exposed)
{
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    // the wallpaper with its faint doodle pattern, as WhatsApp has, from a tile painted once
    p.drawTiledPixmap(QRectF(QPointF(0, 0), layout.size), wallpaperTile(style));

    for (const PhoneLayout::Item& item : layout.items) {
        if (!exposed.isNull() && !inkRect(item).intersects(exposed))
            continue; // it paints nothing there
        switch (item.kind) {
        case PhoneLayout::Kind::Bar:
            paintBar(p, item, style);
            break;
        case PhoneLayout::Kind::DateChip: {
            p.setPen(Qt::NoPen);
            p.setBrush(style.theme == PhoneStyle::Theme::Dark ? QColor(0x18, 0x22, 0x29) : QColor(255, 255, 255, 235));
            p.drawRoundedRect(item.rect, 7, 7);
            p.setPen(style.secondaryText);
            p.setFont(style.footerFont);
            p.drawText(item.rect, Qt::AlignCenter, item.text);
            break;
        }
        case PhoneLayout::Kind::Bubble: {
            QPainterPath bubble;
            bubble.addRoundedRect(item.rect, 8, 8);
            QPainterPath tail; // the tail at the top-left corner of an incoming bubble
            tail.moveTo(item.rect.left() + 8, item.rect.top());
            tail.lineTo(item.rect.left() - 7, item.rect.top());
            tail.lineTo(item.rect.left() + 2, item.rect.top() + 10);
            tail.closeSubpath();
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0, 0, 0, style.theme == PhoneStyle::Theme::Dark ? 60 : 22));
            p.drawPath(bubble.united(tail).translated(0, 1));
            p.setBrush(style.bubble);
            p.drawPath(bubble.united(tail));
            break;
        }
        case PhoneLayout::Kind::Media:
            paintMedia(p, item, style, headerImage);
            break;
        case PhoneLayout::Kind::HeaderText:
        case PhoneLayout::Kind::Body:
        case PhoneLayout::Kind::Footer:
            if (item.layout)
                item.layout->draw(&p, item.rect.topLeft(), exposed);
            break;
        case PhoneLayout::Kind::Time:
            p.setPen(style.secondaryText);
            p.setFont(style.timeFont);
            p.drawText(item.rect, Qt::AlignRight | Qt::AlignVCenter, item.text);
            break;
        case PhoneLayout::Kind::Divider:
            p.fillRect(item.rect, style.divider);
            break;
        case PhoneLayout::Kind::BubbleButton:
            drawButtonLabel(p, item, style.accent, true);
            break;
        case PhoneLayout::Kind::ReplyButton: {
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0, 0, 0, style.theme == PhoneStyle::Theme::Dark ? 60 : 22));
            p.drawRoundedRect(item.rect.translated(0, 1), 8, 8);
            p.setBrush(style.bubble);
            p.drawRoundedRect(item.rect, 8, 8);
            p.setOpacity(item.enabled || item.selected ? 1.0 : 0.45);
            drawButtonLabel(p, item, style.accent, true);
            p.setOpacity(1.0);
            break;
        }
        case PhoneLayout::Kind::Notice: {
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0xFF, 0xF3, 0xC4));
            p.drawRoundedRect(item.rect, 6, 6);
            p.setPen(QColor(0x54, 0x45, 0x00));
            p.setFont(style.footerFont);
            p.drawText(item.rect.adjusted(8, 2, -8, -2), Qt::AlignCenter | Qt::TextWordWrap, item.text);
            break;
        }
        case PhoneLayout::Kind::SheetShade:
            p.fillRect(item.rect, QColor(0, 0, 0, 110));
            break;
        case PhoneLayout::Kind::Sheet: {
            QPainterPath sheet;
            sheet.addRoundedRect(item.rect.adjusted(0, 0, 0, 16), 16, 16);
            p.setPen(Qt::NoPen);
            p.setBrush(style.sheet);
            p.drawPath(sheet);
            p.setBrush(style.divider);
            p.drawRoundedRect(QRectF(item.rect.center().x() - 18, item.rect.top() + 6, 36, 4), 2, 2);
            break;
        }
        case PhoneLayout::Kind::SheetTitle: {
            QPen cross(style.secondaryText, 2, Qt::SolidLine, Qt::RoundCap);
            p.setPen(cross);
            const QPointF c(item.rect.left() + 26, item.rect.center().y() + 2);
            p.drawLine(c + QPointF(-7, -7), c + QPointF(7, 7));
            p.drawLine(c + QPointF(-7, 7), c + QPointF(7, -7));
            drawButtonLabel(p, item, style.text, false);
            break;
        }
        case PhoneLayout::Kind::SheetSection:
            if (item.layout)
                item.layout->draw(&p, QPointF(20, item.rect.top() + 12));
            break;
        case PhoneLayout::Kind::SheetRow:
            paintSheetRow(p, item, style);
            break;
        case PhoneLayout::Kind::SheetSend: {
            p.setPen(Qt::NoPen);
            p.setBrush(item.enabled ? style.sendButton : QColor(0x8A, 0x99, 0xA3, 120));
            p.drawRoundedRect(item.rect, item.rect.height() / 2, item.rect.height() / 2);
            p.setPen(Qt::white);
            p.setFont(style.buttonFont);
            p.drawText(item.rect, Qt::AlignCenter, item.text);
            break;
        }
        }
    }
}

qreal PhonePreview::scrollOffset() const
{
    // Like the app, the chat shows its newest part: a message taller than the screen is seen from
    // its bottom, and the wheel scrolls up to the rest.
    const qreal overflow = qMax<qreal>(0, phoneLayout().size.height() - height());
    return qBound<qreal>(0, overflow - m_scrolledUp, overflow);
}

void PhonePreview::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    const PhoneLayout& layout = phoneLayout();
    m_repaintAll = false;
    painter.fillRect(rect(), m_style.wallpaper);
    const qreal offset = scrollOffset();
    painter.translate(0, -offset);
    // Qt clips to what is repainted; what lies outside it is not painted at all
    const QRectF exposed = QRectF(event->rect()).translated(0, offset);
    paint(painter, layout, m_style, m_image, exposed);
    if (offset > 0 && event->rect().intersects(layout.items.first().rect.toAlignedRect())) {
        // the chat header stays where it is
        painter.resetTransform();
        PhoneLayout bar;
        bar.size = QSizeF(width(), 0);
        bar.items = {layout.items.first()};
        paint(painter, bar, m_style);
    }
}

void PhonePreview::wheelEvent(QWheelEvent* event)
{
    const qreal overflow = qMax<qreal>(0, phoneLayout().size.height() - height());
    m_scrolledUp = qBound<qreal>(0, m_scrolledUp + event->angleDelta().y() / 2.0, overflow);
    update();
    event->accept();
}

void PhonePreview::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    m_layoutValid = false;
}

void PhonePreview::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const QPointF at = event->position() + QPointF(0, scrollOffset());
    const PhoneLayout::Item* item = event->position().y() < phoneLayout().items.first().rect.bottom()
                                        ? nullptr // the fixed chat header
                                        : phoneLayout().itemAt(at);
    if (item)
        activate(*item, at);
}

void PhonePreview::activate(const PhoneLayout::Item& item, const QPointF& at)
{
    switch (item.kind) {
    case PhoneLayout::Kind::BubbleButton: {
        const wa::PreviewButton& button = m_content.inBubble.at(item.index);
        switch (button.icon) {
        case wa::PreviewButton::List:
            openSheet();
            break;
        case wa::PreviewButton::Link:
            emit urlOpened(button.target);
            break;
        case wa::PreviewButton::Location:
            emit locationRequested();
            break;
        case wa::PreviewButton::Flow:
            emit flowOpened();
            break;
        case wa::PreviewButton::Reply:
        case wa::PreviewButton::Catalog:
            break;
        }
        break;
    }
    case PhoneLayout::Kind::ReplyButton:
        if (item.enabled) {
            m_state.tappedButton = item.index;
            invalidate();
            const wa::PreviewButton& button = m_content.below.at(item.index);
            emit replyTapped(button.id, item.text);
        }
        break;
    case PhoneLayout::Kind::SheetRow:
        m_state.selectedRow = item.index;
        invalidate();
        break;
    case PhoneLayout::Kind::SheetSend:
        if (item.enabled) {
            QString id;
            int flat = 0;
            for (const wa::PreviewSection& section : std::as_const(m_content.sheet)) {
                for (const wa::PreviewRow& row : section.rows) {
                    if (flat++ == m_state.selectedRow)
                        id = row.id;
                }
            }
            const auto rows = phoneLayout().itemsOf(PhoneLayout::Kind::SheetRow);
            const PhoneLayout::Item* chosen = rows.value(m_state.selectedRow);
            const QString title = chosen ? chosen->text : QString();
            const QString description = chosen ? chosen->secondaryText : QString();
            closeSheet();
            emit rowSent(id, title, description);
        }
        break;
    case PhoneLayout::Kind::SheetTitle:
        if (at.x() < item.rect.left() + 52)
            closeSheet();
        break;
    case PhoneLayout::Kind::SheetShade:
        closeSheet();
        break;
    case PhoneLayout::Kind::Body: {
        // A link in the body opens like WhatsApp asks: emit it.
        const IncrementalTextLayout* text = item.layout.get();
        const int cursor = text ? text->cursorAt(at - item.rect.topLeft()) : -1;
        for (const QTextLayout::FormatRange& range : text ? text->formats() : QList<QTextLayout::FormatRange>()) {
            if (cursor >= range.start && cursor < range.start + range.length && range.format.isAnchor())
                emit urlOpened(range.format.anchorHref());
        }
        break;
    }
    default:
        break;
    }
}

void PhonePreview::mouseMoveEvent(QMouseEvent* event)
{
    const PhoneLayout::Item* item = phoneLayout().itemAt(event->position() + QPointF(0, scrollOffset()));
    const bool clickable =
        item && item->kind != PhoneLayout::Kind::SheetShade && item->kind != PhoneLayout::Kind::Body && item->enabled;
    setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void PhonePreview::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape && m_state.sheetOpen) {
        closeSheet();
        return;
    }
    QWidget::keyPressEvent(event);
}
