#include "ChatPreview.h"

#include <algorithm>

#include <QFontMetricsF>
#include <QJsonObject>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>
#include <QWheelEvent>

#include "ChatModel.h"
#include "FormattedText.h"
#include "PhonePreview.h"

namespace {

constexpr qreal kGap = 10;          // between messages
constexpr qreal kStatusHeight = 16; // the line under a message
constexpr qreal kSideMargin = 12;
constexpr qreal kPadding = 8; // inside a customer bubble

bool isBubblePart(PhoneLayout::Kind kind)
{
    switch (kind) {
    case PhoneLayout::Kind::Bubble:
    case PhoneLayout::Kind::HeaderText:
    case PhoneLayout::Kind::Media:
    case PhoneLayout::Kind::Body:
    case PhoneLayout::Kind::Footer:
    case PhoneLayout::Kind::Time:
    case PhoneLayout::Kind::Divider:
    case PhoneLayout::Kind::BubbleButton:
    case PhoneLayout::Kind::ReplyButton:
    case PhoneLayout::Kind::Notice:
        return true;
    default:
        return false;
    }
}

bool isSheetPart(PhoneLayout::Kind kind)
{
    switch (kind) {
    case PhoneLayout::Kind::SheetShade:
    case PhoneLayout::Kind::Sheet:
    case PhoneLayout::Kind::SheetTitle:
    case PhoneLayout::Kind::SheetSection:
    case PhoneLayout::Kind::SheetRow:
    case PhoneLayout::Kind::SheetSend:
        return true;
    default:
        return false;
    }
}

// Paints items without the wallpaper (a layout of no size paints none).
void paintItems(QPainter& painter, const QList<PhoneLayout::Item>& items, const PhoneStyle& style)
{
    PhoneLayout only;
    only.items = items;
    only.size = QSizeF(0, 0);
    PhonePreview::paint(painter, only, style);
}

QString deliveryLine(const wa::ChatEntry& entry, QColor* color, const PhoneStyle& style)
{
    *color = style.secondaryText;
    switch (entry.status) {
    case wa::ChatEntry::Status::None:
        // Accepted by whoever it was sent through (the sandbox, Meta, a gateway); no status yet.
        return QObject::tr("accepted, no status yet");
    case wa::ChatEntry::Status::Sent:
        return QObject::tr("\u2713 sent");
    case wa::ChatEntry::Status::Delivered:
        return QObject::tr("\u2713\u2713 delivered");
    case wa::ChatEntry::Status::Read:
        *color = QColor(0x34, 0xb7, 0xf1);
        return QObject::tr("\u2713\u2713 read");
    case wa::ChatEntry::Status::Failed:
        *color = QColor(0xe5, 0x39, 0x35);
        return QObject::tr("failed: %1").arg(entry.statusError);
    }
    return {};
}

QString webhookLine(const wa::ChatEntry& entry, QColor* color, const PhoneStyle& style)
{
    *color = style.secondaryText;
    switch (entry.webhook) {
    case wa::ChatEntry::Webhook::None:
        return {};
    case wa::ChatEntry::Webhook::Delivering:
        return QObject::tr("\u2192 bot: delivering\u2026");
    case wa::ChatEntry::Webhook::Delivered:
        *color = QColor(0x1f, 0xa8, 0x55);
        break;
    case wa::ChatEntry::Webhook::Retrying:
        *color = QColor(0xe0, 0x8a, 0x00);
        break;
    case wa::ChatEntry::Webhook::GaveUp:
        *color = QColor(0xe5, 0x39, 0x35);
        break;
    }
    return QObject::tr("\u2192 bot: %1").arg(entry.webhookText());
}

// What WhatsApp shows in the customer's own bubble: the text, the tapped button's or picked row's
// title (with the row's description), the place shared, or the flow's "Sent".
QString bubbleText(const wa::ChatEntry& entry)
{
    const QJsonObject& m = entry.payload;
    const QString type = m.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("text"))
        return m.value(QStringLiteral("text")).toObject().value(QStringLiteral("body")).toString();
    if (type == QLatin1String("interactive")) {
        const QJsonObject interactive = m.value(QStringLiteral("interactive")).toObject();
        const QString kind = interactive.value(QStringLiteral("type")).toString();
        const QJsonObject reply = interactive.value(kind).toObject();
        if (kind == QLatin1String("button_reply"))
            return reply.value(QStringLiteral("title")).toString();
        if (kind == QLatin1String("list_reply")) {
            const QString description = reply.value(QStringLiteral("description")).toString();
            return reply.value(QStringLiteral("title")).toString() +
                   (description.isEmpty() ? QString() : QLatin1Char('\n') + description);
        }
        if (kind == QLatin1String("nfm_reply"))
            return QStringLiteral("\u2705 ") + reply.value(QStringLiteral("body")).toString(QStringLiteral("Sent"));
    }
    if (type == QLatin1String("location")) {
        const QJsonObject location = m.value(QStringLiteral("location")).toObject();
        QStringList lines;
        const QString name = location.value(QStringLiteral("name")).toString();
        lines << QStringLiteral("\U0001F4CD ") +
                     (name.isEmpty() ? QStringLiteral("%1, %2")
                                           .arg(location.value(QStringLiteral("latitude")).toDouble(), 0, 'f', 5)
                                           .arg(location.value(QStringLiteral("longitude")).toDouble(), 0, 'f', 5)
                                     : name);
        if (location.contains(QStringLiteral("address")))
            lines << location.value(QStringLiteral("address")).toString();
        return lines.join(QLatin1Char('\n'));
    }
    return entry.text;
}

} // namespace

ChatPreview::ChatPreview(QWidget* parent)
    : QWidget(parent)
    , m_style(PhoneStyle::make(PhoneStyle::Platform::Android, PhoneStyle::Theme::Light))
    , m_repaint(new QTimer(this))
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
    setMouseTracking(false);
    m_repaint->setSingleShot(true);
    m_repaint->setInterval(kRepaintIntervalMs);
    connect(m_repaint, &QTimer::timeout, this, qOverload<>(&QWidget::update));
}

void ChatPreview::scheduleRepaint()
{
    if (!m_repaint->isActive())
        m_repaint->start();
}

void ChatPreview::setModel(wa::ChatModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, [this] {
            m_scrolledUp = 0;
            closeSheet();
            invalidate();
        });
        connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int first) {
            m_scrolledUp = 0; // a new message: show it, as WhatsApp does
            if (first < m_blocks.size() - m_pendingDrop) {
                m_valid = false; // not at the end
                m_pendingDrop = 0;
            }
            scheduleRepaint();
        });
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex&, int first, int last) {
            if (first == 0 && m_valid) {
                m_pendingDrop += last + 1;
            } else {
                m_valid = false;
                m_pendingDrop = 0;
            }
            scheduleRepaint();
        });
        connect(model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& topLeft) {
            // A tick or an answered message: lay out again from there on.
            const int index = topLeft.row() + m_pendingDrop;
            if (m_valid && index < m_blocks.size())
                m_blocks.resize(index);
            scheduleRepaint();
        });
    }
    invalidate();
}

void ChatPreview::setPhoneStyle(PhoneStyle::Platform platform, PhoneStyle::Theme theme)
{
    const QString name = m_style.contactName;
    m_style = PhoneStyle::make(platform, theme);
    m_style.contactName = name;
    invalidate();
}

void ChatPreview::setBusinessName(const QString& name)
{
    m_style.contactName = name;
    invalidate();
}

void ChatPreview::invalidate()
{
    m_valid = false;
    m_pendingDrop = 0;
    update();
}

const QList<ChatPreview::Block>& ChatPreview::blocks() const
{
    ensureLayout();
    realizeFrom(0);
    return m_blocks;
}

int ChatPreview::laidOutCount() const
{
    ensureLayout();
    return int(std::count_if(m_blocks.cbegin(), m_blocks.cend(), [](const Block& b) { return b.exact; }));
}

ChatPreview::Block ChatPreview::blockFor(int row, qreal y) const
{
    const wa::ChatEntry* entry = m_model ? m_model->entryAt(row) : nullptr;
    if (!entry)
        return Block();
    return entry->direction == wa::ChatEntry::Direction::FromBusiness ? businessBlock(*entry, row, y)
                                                                      : customerBlock(*entry, row, y);
}

void ChatPreview::moveBlock(Block& block, qreal dy)
{
    block.rect.translate(0, dy);
    if (!block.bubble.isNull()) // an empty one stays at the origin, as a fresh layout has it
        block.bubble.translate(0, dy);
    if (!block.quoteRect.isNull())
        block.quoteRect.translate(0, dy);
    for (PhoneLayout::Item& item : block.items)
        item.rect.translate(0, dy);
}

void ChatPreview::realizeFrom(int first) const
{
    // One pass: each estimated message laid out where it stands, the ones after it moved by what
    // the estimates were off so far.
    qreal shift = 0;
    for (int i = first; i < m_blocks.size(); ++i) {
        Block& block = m_blocks[i];
        if (!qFuzzyIsNull(shift))
            moveBlock(block, shift);
        if (block.exact)
            continue;
        Block exact = blockFor(block.row, block.rect.top());
        shift += exact.rect.height() - block.rect.height();
        block = std::move(exact);
    }
    m_contentHeight += shift;
}

void ChatPreview::realizeVisible() const
{
    ensureLayout();
    // The chat hangs from its newest message: what is on screen and every message under it are
    // laid out (the newest always are, so there is nothing to do unless the tester scrolled up).
    // Laying them out moves the screen's content, so it is looked at again until it holds still.
    for (;;) {
        const qreal offset = contentOffset();
        const qreal visibleTop = -offset;
        int from = int(m_blocks.size());
        bool estimated = false;
        while (from > 0 && m_blocks.at(from - 1).rect.bottom() >= visibleTop) {
            --from;
            estimated = estimated || !m_blocks.at(from).exact;
        }
        if (!estimated)
            return;
        realizeFrom(from);
    }
}
void ChatPreview::ensureLayout() const
{
    // The oldest messages go from the start, new ones come at the end: neither lays out the whole
    // conversation again.
    if (m_valid && m_pendingDrop > 0)
        dropFirstBlocks(m_pendingDrop);
    m_pendingDrop = 0;
    if (!m_valid)
        layoutBlocks();
    else if (m_model && m_blocks.size() < m_model->rowCount())
        appendBlocks();
}

void ChatPreview::layoutBlocks() const
{
    m_valid = true;
    m_blocks.clear();
    const int w = qMax(width(), 240);
    // The bar, as the composer's preview has it (from the layout of an empty message).
    const PhoneLayout frame = PhoneLayout::compute(wa::BubbleContent(), m_style, w, PhoneLayout::State());
    m_bar = PhoneLayout::Item();
    m_firstTop = 56;
    for (const PhoneLayout::Item& item : frame.items) {
        if (item.kind == PhoneLayout::Kind::Bar) {
            m_bar = item;
            m_firstTop = item.rect.bottom() + 12;
        }
    }
    appendBlocks();
}

void ChatPreview::appendBlocks() const
{
    qreal y = m_blocks.isEmpty() ? m_firstTop : m_blocks.last().rect.bottom() + kGap;
    if (m_model) {
        const int first = int(m_blocks.size());
        const int count = m_model->rowCount();
        // Under a flood (a load test on the listener) hundreds of messages come between two
        // frames, and most leave again (the model keeps the newest 2,000) before anyone scrolls up
        // to them. So the newest, two screens' worth, are laid out now; the older new ones get the
        // height of a laid-out neighbour and are laid out when they are shown (realizeVisible) or
        // asked for (blocks()).
        const qreal budget = 2.0 * qMax(height(), 320);
        QList<Block> newest; // laid out at y = 0, newest first
        qreal newestHeight = 0;
        int row = count - 1;
        for (; row >= first && newestHeight < budget; --row) {
            Block block = blockFor(row, 0);
            if (block.row < 0)
                continue;
            newestHeight += block.rect.height() + kGap;
            newest.append(block);
        }
        const qreal estimate = newest.isEmpty() ? 64 : newest.last().rect.height();
        for (int r = first; r <= row; ++r) {
            const wa::ChatEntry* entry = m_model->entryAt(r);
            if (!entry)
                continue;
            Block block;
            block.row = r;
            block.id = entry->id;
            block.fromBusiness = entry->direction == wa::ChatEntry::Direction::FromBusiness;
            block.exact = false;
            block.rect = QRectF(0, y, qMax(width(), 240), estimate);
            y = block.rect.bottom() + kGap;
            m_blocks.append(block);
        }
        for (auto it = newest.rbegin(); it != newest.rend(); ++it) {
            moveBlock(*it, y);
            y = it->rect.bottom() + kGap;
            m_blocks.append(*it);
        }
    }
    m_contentHeight = y + 8;
}

void ChatPreview::dropFirstBlocks(int count) const
{
    if (!m_valid || count <= 0 || count >= m_blocks.size()) {
        m_valid = false; // laid out again from the model
        return;
    }
    // The oldest messages left the conversation: the others move up, unchanged.
    const qreal delta = m_blocks.at(count).rect.top() - m_firstTop;
    m_blocks.remove(0, count);
    for (Block& block : m_blocks) {
        block.row -= count;
        moveBlock(block, -delta);
    }
    m_contentHeight -= delta;
}

ChatPreview::Block ChatPreview::businessBlock(const wa::ChatEntry& entry, int row, qreal y) const
{
    Block block;
    block.row = row;
    block.id = entry.id;
    block.fromBusiness = true;
    block.active = entry.isActive();
    if (entry.message) {
        block.content = wa::BubbleContent::fromMessage(*entry.message);
    } else {
        block.content.body = wa::FormattedText::parse(entry.text);
    }
    PhoneStyle style = m_style;
    style.time = entry.time.toLocalTime().toString(QStringLiteral("HH:mm"));
    block.time = style.time;
    PhoneLayout::State state;
    // The reply button the customer tapped: the others stop being active, as in WhatsApp.
    if (entry.answered && block.content.type == wa::InteractiveType::Button && m_model) {
        const auto answer = m_model->entry(entry.answeredBy);
        const QString tappedId = answer ? answer->payload.value(QStringLiteral("interactive"))
                                              .toObject()
                                              .value(QStringLiteral("button_reply"))
                                              .toObject()
                                              .value(QStringLiteral("id"))
                                              .toString()
                                        : QString();
        state.tappedButton = 0;
        for (int i = 0; i < block.content.below.size(); ++i) {
            if (block.content.below.at(i).id == tappedId)
                state.tappedButton = i;
        }
    }
    const PhoneLayout layout = PhoneLayout::compute(block.content, style, qMax(width(), 240), state);
    qreal top = -1;
    qreal bottom = 0;
    for (const PhoneLayout::Item& item : layout.items) {
        if (!isBubblePart(item.kind))
            continue;
        top = top < 0 ? item.rect.top() : qMin(top, item.rect.top());
        bottom = qMax(bottom, item.rect.bottom());
        block.items.append(item);
    }
    if (top < 0)
        top = bottom = 0;
    const qreal dy = y - top;
    for (PhoneLayout::Item& item : block.items)
        item.rect.translate(0, dy);
    block.status = deliveryLine(entry, &block.statusColor, m_style);
    block.rect = QRectF(0, y, qMax(width(), 240), bottom - top + kStatusHeight);
    return block;
}

ChatPreview::Block ChatPreview::customerBlock(const wa::ChatEntry& entry, int row, qreal y) const
{
    Block block;
    block.row = row;
    block.id = entry.id;
    block.fromBusiness = false;
    block.text = bubbleText(entry);
    block.time = entry.time.toLocalTime().toString(QStringLiteral("HH:mm"));
    // A reply quotes the bot's message it answers, as WhatsApp shows it.
    if (!entry.contextId.isEmpty() && m_model) {
        if (const auto quoted = m_model->entry(entry.contextId))
            block.quote = quoted->text.section(QLatin1Char('\n'), 0, 0);
    }
    const qreal w = qMax(width(), 240);
    const qreal maxText = w * 0.75 - 2 * kPadding;
    const QFontMetricsF body(m_style.bodyFont);
    const QFontMetricsF time(m_style.timeFont);
    const QFontMetricsF small(m_style.footerFont);
    QRectF text = body.boundingRect(QRectF(0, 0, maxText, 10000), Qt::TextWordWrap, block.text);
    const qreal timeWidth = time.horizontalAdvance(block.time) + 6;
    qreal bubbleWidth = qMin(w * 0.75, qMax(text.width(), 40.0) + timeWidth + 2 * kPadding);
    const qreal quoteHeight = block.quote.isEmpty() ? 0 : 2 * small.height() + 12;
    if (!block.quote.isEmpty())
        bubbleWidth = qMin(w * 0.75, qMax(bubbleWidth, small.horizontalAdvance(block.quote) + 2 * kPadding + 16));
    const qreal bubbleHeight = quoteHeight + text.height() + time.height() * 0.6 + 2 * kPadding;
    block.bubble = QRectF(w - kSideMargin - bubbleWidth, y, bubbleWidth, bubbleHeight);
    if (!block.quote.isEmpty())
        block.quoteRect = QRectF(block.bubble.left() + 4, y + 4, bubbleWidth - 8, quoteHeight - 4);
    block.status = webhookLine(entry, &block.statusColor, m_style);
    block.rect = QRectF(0, y, w, bubbleHeight + (block.status.isEmpty() ? 0 : kStatusHeight));
    return block;
}

qreal ChatPreview::contentOffset() const
{
    ensureLayout();
    const qreal overflow = m_contentHeight - height();
    if (overflow <= 0)
        return 0;
    return -overflow + qMin(m_scrolledUp, overflow);
}

QPointF ChatPreview::centerOf(const Block& block, const PhoneLayout::Item& item) const
{
    Q_UNUSED(block)
    return item.rect.center() + QPointF(0, contentOffset());
}

QSize ChatPreview::sizeHint() const
{
    return QSize(400, 640);
}

QSize ChatPreview::minimumSizeHint() const
{
    return QSize(260, 320);
}

void ChatPreview::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    invalidate();
}

PhoneLayout ChatPreview::sheetLayout() const
{
    if (m_sheetFor.isEmpty())
        return {};
    ensureLayout();
    for (int i = 0; i < m_blocks.size(); ++i) {
        if (m_blocks.at(i).id != m_sheetFor)
            continue;
        if (!m_blocks.at(i).exact)
            realizeFrom(i); // with any still estimated after it (on screen, they are not)
        const Block& block = m_blocks.at(i);
        PhoneLayout::State state;
        state.sheetOpen = true;
        state.selectedRow = m_selectedRow;
        state.minimumHeight = height();
        PhoneLayout layout = PhoneLayout::compute(block.content, m_style, qMax(width(), 240), state);
        QList<PhoneLayout::Item> sheet;
        // The sheet sits at the bottom of its layout; put that at the bottom of the widget.
        const qreal dy = height() - layout.size.height();
        for (PhoneLayout::Item item : std::as_const(layout.items)) {
            if (!isSheetPart(item.kind))
                continue;
            item.rect.translate(0, dy);
            sheet.append(item);
        }
        layout.items = sheet;
        layout.size = QSizeF(width(), height());
        return layout;
    }
    return {};
}

QList<PhoneLayout::Item> ChatPreview::sheetItems() const
{
    return sheetLayout().items;
}

void ChatPreview::openSheet(const QString& messageId)
{
    m_sheetFor = messageId;
    m_selectedRow = -1;
    update();
}

void ChatPreview::closeSheet()
{
    if (m_sheetFor.isEmpty())
        return;
    m_sheetFor.clear();
    m_selectedRow = -1;
    update();
}

void ChatPreview::paintEvent(QPaintEvent*)
{
    realizeVisible();
    QPainter p(this);
    // The wallpaper and the bar, painted as the composer's preview paints them.
    PhoneLayout frame;
    frame.size = QSizeF(width(), height());
    PhonePreview::paint(p, frame, m_style);
    const qreal offset = contentOffset();
    p.save();
    p.translate(0, offset);
    const QRectF visible(0, -offset, width(), height());
    for (const Block& block : std::as_const(m_blocks)) {
        if (!block.rect.intersects(visible))
            continue;
        if (block.fromBusiness) {
            paintItems(p, block.items, m_style);
            if (!block.status.isEmpty()) {
                QRectF line(kSideMargin + 4, block.rect.bottom() - kStatusHeight, block.rect.width() * 0.8,
                            kStatusHeight);
                p.setFont(m_style.timeFont);
                p.setPen(block.statusColor);
                p.drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                           QFontMetricsF(m_style.timeFont).elidedText(block.status, Qt::ElideRight, line.width()));
            }
            continue;
        }
        // The customer's own message: a green bubble on the right with its time.
        const bool dark = m_style.theme == PhoneStyle::Theme::Dark;
        QPainterPath bubble;
        bubble.addRoundedRect(block.bubble, 8, 8);
        QPainterPath tail;
        tail.moveTo(block.bubble.right() - 8, block.bubble.top());
        tail.lineTo(block.bubble.right() + 7, block.bubble.top());
        tail.lineTo(block.bubble.right() - 2, block.bubble.top() + 10);
        tail.closeSubpath();
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, dark ? 60 : 22));
        p.drawPath(bubble.united(tail).translated(0, 1));
        p.setBrush(dark ? QColor(0x00, 0x5c, 0x4b) : QColor(0xd9, 0xfd, 0xd3));
        p.drawPath(bubble.united(tail));
        QRectF inner = block.bubble.adjusted(kPadding, kPadding - 2, -kPadding, -kPadding);
        if (!block.quote.isEmpty()) {
            // The quoted bot message: a tinted box with a bar, the business's name and its first line.
            p.setBrush(QColor(0, 0, 0, dark ? 50 : 14));
            p.drawRoundedRect(block.quoteRect, 6, 6);
            p.fillRect(QRectF(block.quoteRect.left(), block.quoteRect.top(), 4, block.quoteRect.height()),
                       m_style.accent);
            const QRectF quoteText = block.quoteRect.adjusted(10, 4, -6, -4);
            p.setFont(m_style.footerFont);
            p.setPen(m_style.accent);
            p.drawText(quoteText, Qt::AlignLeft | Qt::AlignTop, m_style.contactName);
            p.setPen(m_style.secondaryText);
            p.drawText(quoteText, Qt::AlignLeft | Qt::AlignBottom,
                       QFontMetricsF(m_style.footerFont).elidedText(block.quote, Qt::ElideRight, quoteText.width()));
            inner.setTop(block.quoteRect.bottom() + 4);
        }
        p.setPen(m_style.text);
        p.setFont(m_style.bodyFont);
        p.drawText(inner, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, block.text);
        p.setPen(m_style.secondaryText);
        p.setFont(m_style.timeFont);
        p.drawText(inner.adjusted(0, 0, 0, 4), Qt::AlignRight | Qt::AlignBottom, block.time);
        if (!block.status.isEmpty()) {
            QRectF line(block.rect.width() * 0.15, block.bubble.bottom() + 1, block.rect.width() * 0.85 - kSideMargin,
                        kStatusHeight);
            p.setPen(block.statusColor);
            p.drawText(line, Qt::AlignRight | Qt::AlignVCenter,
                       QFontMetricsF(m_style.timeFont).elidedText(block.status, Qt::ElideLeft, line.width()));
        }
    }
    p.restore();
    // The bar stays on top of the scrolled chat.
    if (m_bar.rect.isValid())
        paintItems(p, {m_bar}, m_style);
    if (!m_sheetFor.isEmpty())
        paintItems(p, sheetLayout().items, m_style);
    if (m_blocks.isEmpty()) {
        p.setPen(m_style.secondaryText);
        p.setFont(m_style.footerFont);
        p.drawText(rect().adjusted(24, 80, -24, -24), Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
                   tr("No messages with this customer yet.\nSend one through the Sandbox profile, or point a bot at "
                      "the sandbox: what it sends appears here."));
    }
}

void ChatPreview::mousePressEvent(QMouseEvent* event)
{
    const QPointF at = event->position();
    if (!m_sheetFor.isEmpty()) {
        const PhoneLayout sheet = sheetLayout();
        const PhoneLayout::Item* item = sheet.itemAt(at);
        if (!item || item->kind == PhoneLayout::Kind::SheetShade) {
            closeSheet();
            return;
        }
        if (item->kind == PhoneLayout::Kind::SheetRow) {
            m_selectedRow = item->index;
            update();
        } else if (item->kind == PhoneLayout::Kind::SheetSend && m_selectedRow >= 0) {
            // The row's id, from the message's sections (flat index).
            QString rowId;
            for (const Block& block : std::as_const(m_blocks)) {
                if (block.id != m_sheetFor)
                    continue;
                int flat = 0;
                for (const wa::PreviewSection& section : block.content.sheet) {
                    for (const wa::PreviewRow& row : section.rows) {
                        if (flat++ == m_selectedRow)
                            rowId = row.id;
                    }
                }
            }
            const QString messageId = m_sheetFor;
            closeSheet();
            if (!rowId.isEmpty())
                emit rowPicked(messageId, rowId);
        }
        return;
    }
    realizeVisible(); // what was painted
    const QPointF content = at - QPointF(0, contentOffset());
    for (const Block& block : std::as_const(m_blocks)) {
        if (!block.fromBusiness || !block.rect.contains(content))
            continue;
        PhoneLayout only;
        only.items = block.items;
        if (const PhoneLayout::Item* item = only.itemAt(content))
            activate(block, *item);
        return;
    }
}

void ChatPreview::activate(const Block& block, const PhoneLayout::Item& item)
{
    if (item.kind == PhoneLayout::Kind::ReplyButton) {
        if (!block.active || !item.enabled || item.index < 0 || item.index >= block.content.below.size())
            return;
        emit buttonTapped(block.id, block.content.below.at(item.index).id);
        return;
    }
    if (item.kind != PhoneLayout::Kind::BubbleButton)
        return;
    switch (item.icon) {
    case wa::PreviewButton::List:
        openSheet(block.id);
        break;
    case wa::PreviewButton::Link:
        emit ctaOpened(block.id);
        break;
    case wa::PreviewButton::Location:
        emit locationRequested(block.id);
        break;
    case wa::PreviewButton::Flow:
        emit flowOpened(block.id);
        break;
    default:
        break;
    }
}

void ChatPreview::wheelEvent(QWheelEvent* event)
{
    ensureLayout();
    const qreal overflow = qMax<qreal>(0, m_contentHeight - height());
    m_scrolledUp = qBound<qreal>(0, m_scrolledUp + event->angleDelta().y() / 2.0, overflow);
    update();
    event->accept();
}
