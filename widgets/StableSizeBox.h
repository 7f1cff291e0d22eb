#pragma once

#include <QPointer>
#include <QWidget>

// Holds one widget in a layout and passes its size hints on, but asks the layout for a new
// geometry only when those hints really change.
//
// A QLabel asks for a new geometry on every setText(), even when its size stays the same; in the
// composer a counter ("4001/4096") and a finding whose message holds the count change on every
// keystroke, and each request ran every layout up to the form's scroll area, which then repainted
// its scroll bars and frame (fills that tall are split over Qt's GUI thread pool, dearer still on a
// busy machine). Put in a StableSizeBox, such a label is repainted, and nothing else is laid out.
//
//     auto* box = new StableSizeBox(new QLabel(this), this);
//     layout->addWidget(box); // show and hide the box, not the label
class StableSizeBox : public QWidget
{
    Q_OBJECT

public:
    StableSizeBox(QWidget* child, QWidget* parent = nullptr);

    QWidget* child() const { return m_child; }
    // How often the box asked its layout for a new geometry (for tests).
    int geometryRequests() const { return m_requests; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;

protected:
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Hints
    {
        QSize sizeHint;
        QSize minimumSizeHint;
        QSize minimumSize;
        QSize maximumSize;
        QSizePolicy policy;
        int heightForWidth = -1;
        bool operator==(const Hints& other) const;
    };
    Hints hints() const;
    void settle();

    QPointer<QWidget> m_child;
    Hints m_hints;
    int m_requests = 0;
};
