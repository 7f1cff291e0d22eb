#pragma once

#include <QList>
#include <QPointer>
#include <QWidget>

#include "BubbleContent.h"
#include "ChatModel.h"
#include "PhoneLayout.h"
#include "PhoneStyle.h"

class QTimer;

// The sandbox conversation on the phone, as the customer sees it: the bot's messages on the left,
// each laid out and painted like the composer's preview (PhoneLayout) and fully interactive — reply
// buttons, the list's bottom sheet with Send, CTA, location and flow buttons —, the customer's own
// messages on the right. Under each bot message its delivery as Meta reported it (✓ sent, ✓✓
// delivered, blue ✓✓ read, failed); under each customer message how its webhook reached the bot.
// Scrolled to the newest message unless the tester scrolled up. Under a flood (a load test on the
// listener, thousands of messages a second) it stays light: what the model says is painted at most
// once a frame, only the newest messages and those scrolled into view are laid out, and the oldest
// leave once per layout.
class ChatPreview : public QWidget
{
    Q_OBJECT

public:
    // What the model says is painted at most this often (60 frames a second): a flood of messages
    // is many changes between two frames.
    static constexpr int kRepaintIntervalMs = 16;

    // One laid-out message of the conversation, in content coordinates (0 = top of the chat).
    struct Block
    {
        int row = -1;
        QString id;
        bool fromBusiness = true;
        QRectF rect;                    // the whole block: bubble, buttons and the status line
        QList<PhoneLayout::Item> items; // business messages: their bubble and buttons
        wa::BubbleContent content;      // business messages
        QRectF bubble;                  // customer messages
        QString text;                   // customer messages
        QString quote;                  // the bot message it answers (one line), when it does
        QRectF quoteRect;
        QString time;
        QString status;     // the line under the message
        QColor statusColor; // its colour
        bool active = true; // its buttons still work
        // False for a message not laid out yet: only its row, id and an estimated rect are known
        // (see appendBlocks). blocks() lays out every one.
        bool exact = true;
    };

    explicit ChatPreview(QWidget* parent = nullptr);

    void setModel(wa::ChatModel* model);
    wa::ChatModel* model() const { return m_model; }
    void setPhoneStyle(PhoneStyle::Platform platform, PhoneStyle::Theme theme);
    void setBusinessName(const QString& name);

    // Every message, laid out (the ones never shown are laid out now).
    const QList<Block>& blocks() const;
    // How many messages are laid out, for tests: under a flood, only those shown are.
    int laidOutCount() const;
    // The top of the content in widget coordinates (negative when the chat is taller than the widget).
    qreal contentOffset() const;
    // The list sheet shown over the chat, for the message of that id ("" when closed).
    QString sheetMessageId() const { return m_sheetFor; }
    void openSheet(const QString& messageId);
    void closeSheet();
    int selectedRow() const { return m_selectedRow; }
    // The sheet's items in widget coordinates (empty when closed).
    QList<PhoneLayout::Item> sheetItems() const;
    // Where an item of a block is on the widget, for tests and tools.
    QPointF centerOf(const Block& block, const PhoneLayout::Item& item) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void buttonTapped(const QString& messageId, const QString& buttonId);
    void rowPicked(const QString& messageId, const QString& rowId);
    void ctaOpened(const QString& messageId);
    void locationRequested(const QString& messageId);
    void flowOpened(const QString& messageId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    void invalidate();
    void scheduleRepaint(); // within kRepaintIntervalMs
    void ensureLayout() const;
    void layoutBlocks() const;
    void appendBlocks() const;
    void dropFirstBlocks(int count) const;
    Block blockFor(int row, qreal y) const; // laid out at y; a default Block when the row has no entry
    static void moveBlock(Block& block, qreal dy);
    // Lays out every estimated message from `first` on, in one pass.
    void realizeFrom(int first) const;
    // Lays out the messages on screen and under it (for painting and tapping).
    void realizeVisible() const;
    Block businessBlock(const wa::ChatEntry& entry, int row, qreal y) const;
    Block customerBlock(const wa::ChatEntry& entry, int row, qreal y) const;
    PhoneLayout sheetLayout() const;
    void activate(const Block& block, const PhoneLayout::Item& item);

    QPointer<wa::ChatModel> m_model;
    PhoneStyle m_style;
    QTimer* m_repaint;
    mutable QList<Block> m_blocks;
    mutable qreal m_contentHeight = 0;
    mutable qreal m_firstTop = 56; // where the first message starts, under the bar
    mutable PhoneLayout::Item m_bar;
    mutable bool m_valid = false;
    // The oldest blocks whose messages left the model, dropped at the next layout: under a flood a
    // message comes and the oldest goes many times between two paints, and the blocks are moved
    // up once for all of them.
    mutable int m_pendingDrop = 0;
    qreal m_scrolledUp = 0; // from the newest (bottom) part
    QString m_sheetFor;
    int m_selectedRow = -1;
};
