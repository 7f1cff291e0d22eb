#include "StableSizeBox.h"

#include <QEvent>

StableSizeBox::StableSizeBox(QWidget* child, QWidget* parent)
    : QWidget(parent)
    , m_child(child)
{
    child->setParent(this);
    child->setGeometry(rect());
    m_hints = hints();
    setSizePolicy(m_hints.policy);
    setMinimumSize(m_hints.minimumSize);
    setMaximumSize(m_hints.maximumSize);
}

bool StableSizeBox::Hints::operator==(const Hints& other) const
{
    return sizeHint == other.sizeHint && minimumSizeHint == other.minimumSizeHint && minimumSize == other.minimumSize &&
           maximumSize == other.maximumSize && policy == other.policy && heightForWidth == other.heightForWidth;
}

StableSizeBox::Hints StableSizeBox::hints() const
{
    Hints h;
    if (!m_child)
        return h;
    h.sizeHint = m_child->sizeHint();
    h.minimumSizeHint = m_child->minimumSizeHint();
    h.minimumSize = m_child->minimumSize();
    h.maximumSize = m_child->maximumSize();
    h.policy = m_child->sizePolicy();
    h.heightForWidth = m_child->hasHeightForWidth() ? m_child->heightForWidth(width()) : -1;
    return h;
}

QSize StableSizeBox::sizeHint() const
{
    return m_child ? m_child->sizeHint() : QSize();
}

QSize StableSizeBox::minimumSizeHint() const
{
    return m_child ? m_child->minimumSizeHint() : QSize();
}

bool StableSizeBox::hasHeightForWidth() const
{
    return m_child && m_child->hasHeightForWidth();
}

int StableSizeBox::heightForWidth(int width) const
{
    return m_child ? m_child->heightForWidth(width) : -1;
}

bool StableSizeBox::event(QEvent* event)
{
    switch (event->type()) {
    case QEvent::LayoutRequest: // the child asks for a new geometry: only pass on a real change
        settle();
        return true;
    case QEvent::Show:
        m_hints = hints(); // showing the box lays its parent out anyway
        break;
    default:
        break;
    }
    return QWidget::event(event);
}

void StableSizeBox::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_child)
        m_child->setGeometry(rect());
    m_hints = hints();
}

void StableSizeBox::settle()
{
    const Hints now = hints();
    if (now == m_hints)
        return;
    m_hints = now;
    setSizePolicy(now.policy);
    setMinimumSize(now.minimumSize);
    setMaximumSize(now.maximumSize);
    ++m_requests;
    updateGeometry();
}
