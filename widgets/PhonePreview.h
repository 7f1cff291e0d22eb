#pragma once

#include <QImage>
#include <QPointer>
#include <QUrl>
#include <QWidget>

#include "BubbleContent.h"
#include "PhoneLayout.h"
#include "PhoneStyle.h"

namespace wa {
class MediaCache;
}

// The phone-style preview: WhatsApp's chat with the business's interactive message, painted from a
// PhoneLayout. It behaves like the app: the list button opens the bottom sheet, rows take a radio
// mark, Send sends; a reply button can be tapped once. What the customer does is emitted.
class PhonePreview : public QWidget
{
    Q_OBJECT

public:
    explicit PhonePreview(QWidget* parent = nullptr);

    void setContent(const wa::BubbleContent& content);
    const wa::BubbleContent& content() const { return m_content; }
    void setPhoneStyle(PhoneStyle::Platform platform, PhoneStyle::Theme theme);
    const PhoneStyle& phoneStyle() const { return m_style; }
    void setContactName(const QString& name);
    // Where header images are fetched from (by their link); without one, placeholders are shown.
    void setMediaCache(wa::MediaCache* cache);
    const QImage& headerImage() const { return m_image; }

    // The layout as last painted (or computed for the current size).
    const PhoneLayout& phoneLayout() const;
    const PhoneLayout::State& state() const { return m_state; }
    // How far the chat is scrolled (content pixels above the top of the widget).
    qreal scrollOffset() const;
    void openSheet();
    void closeSheet();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // Paints a preview into an image of `width` pixels and the height its content needs.
    static QImage renderImage(const wa::BubbleContent& content, const PhoneStyle& style, int width,
                              const PhoneLayout::State& state = {}, const QImage& headerImage = {},
                              qreal devicePixelRatio = 1.0);
    // With a non-null `exposed` rectangle (in the layout's coordinates) only what reaches into it
    // is painted; the pixels in it are the same as a full paint's.
    static void paint(QPainter& painter, const PhoneLayout& layout, const PhoneStyle& style,
                      const QImage& headerImage = {}, const QRectF& exposed = QRectF());
    // What differs between two layouts of the same size, in their coordinates: the rectangles a
    // repaint after going from `before` to `after` must cover. Null when nothing does.
    static QRectF changedRect(const PhoneLayout& before, const PhoneLayout& after);
    // The header image of bytes fetched for it, or the reason it cannot be shown.
    static QImage decodeImage(const QByteArray& bytes, QString* error);

signals:
    void replyTapped(const QString& id, const QString& title);
    void rowSent(const QString& id, const QString& title, const QString& description);
    void urlOpened(const QString& url);
    void locationRequested();
    void flowOpened();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    // The layout must be computed again and the whole preview painted (style, state, size).
    void invalidate();
    // The content changed: the layout is computed again now, reusing what did not change, and
    // only what looks different is repainted.
    void relayout();
    void updateMedia();
    void activate(const PhoneLayout::Item& item, const QPointF& at);

    wa::BubbleContent m_content;
    PhoneStyle m_style;
    PhoneLayout::State m_state;
    mutable PhoneLayout m_layout;
    mutable bool m_layoutValid = false;
    bool m_repaintAll = true; // an update() of everything is pending
    QPointer<wa::MediaCache> m_media;
    QUrl m_imageUrl;
    QImage m_image;
    qreal m_scrolledUp = 0; // from the newest (bottom) part of the chat
};
