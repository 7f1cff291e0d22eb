#include "StarterGallery.h"

#include <QDialogButtonBox>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "BubbleContent.h"
#include "PhonePreview.h"

namespace {
constexpr int kThumbWidth = 300;
constexpr int kThumbHeight = 330;

QIcon thumbnail(const wa::Message& message)
{
    const PhoneStyle style = PhoneStyle::make(PhoneStyle::Platform::Android, PhoneStyle::Theme::Light);
    PhoneLayout::State state;
    state.minimumHeight = kThumbHeight;
    const QImage full = PhonePreview::renderImage(wa::BubbleContent::fromMessage(message), style, kThumbWidth, state);
    return QIcon(QPixmap::fromImage(full.copy(0, 0, kThumbWidth, kThumbHeight)));
}
} // namespace

StarterGallery::StarterGallery(const QList<Starter>& starters, QWidget* parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
{
    setWindowTitle(tr("New from example"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(kThumbWidth * 2 / 3, kThumbHeight * 2 / 3));
    m_list->setGridSize(QSize(kThumbWidth * 2 / 3 + 24, kThumbHeight * 2 / 3 + 40));
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setWordWrap(true);
    for (const Starter& s : starters) {
        auto* item = new QListWidgetItem(thumbnail(s.message), s.label, m_list);
        item->setData(Qt::UserRole, s.type);
    }
    m_list->setCurrentRow(0);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Start from this one"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::itemActivated, this, &QDialog::accept);
    resize(4 * (kThumbWidth * 2 / 3 + 24) + 40, 2 * (kThumbHeight * 2 / 3 + 40) + 80);
}

QString StarterGallery::chosenType() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}
