#include "LocationDialog.h"

#include <cmath>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace {
constexpr int kDecimals = 6; // about 0.1 m: what a phone's location share carries

bool sameCoordinate(double a, double b)
{
    return std::abs(a - b) < 0.5e-6; // equal at the spin boxes' precision
}
} // namespace

LocationDialog::LocationDialog(QWidget* parent)
    : QDialog(parent)
    , m_presetList(wa::CustomerSimulator::locationPresets())
    , m_presets(new QComboBox(this))
    , m_latitude(new QDoubleSpinBox(this))
    , m_longitude(new QDoubleSpinBox(this))
    , m_name(new QLineEdit(this))
    , m_address(new QLineEdit(this))
{
    setWindowTitle(tr("Share a location"));
    m_presets->addItem(tr("Custom location"), -1);
    for (int i = 0; i < m_presetList.size(); ++i) {
        const wa::LocationPreset& preset = m_presetList.at(i);
        const QString label = preset.name.isEmpty() ? tr("Dropped pin (%1, %2)")
                                                          .arg(preset.latitude, 0, 'f', kDecimals)
                                                          .arg(preset.longitude, 0, 'f', kDecimals)
                                                    : preset.name;
        m_presets->addItem(label, i);
    }
    for (QDoubleSpinBox* box : {m_latitude, m_longitude}) {
        box->setDecimals(kDecimals);
        box->setSingleStep(0.0001);
        box->setAccelerated(true);
    }
    m_latitude->setRange(-90, 90);
    m_longitude->setRange(-180, 180);
    m_name->setPlaceholderText(tr("optional, e.g. Ferry Building Marketplace"));
    m_address->setPlaceholderText(tr("optional, e.g. 1 Ferry Building, San Francisco, CA 94111"));

    auto* form = new QFormLayout;
    form->addRow(tr("Place"), m_presets);
    form->addRow(tr("Latitude (°)"), m_latitude);
    form->addRow(tr("Longitude (°)"), m_longitude);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Address"), m_address);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Share"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_presets, &QComboBox::currentIndexChanged, this, &LocationDialog::presetChosen);
    connect(m_latitude, &QDoubleSpinBox::valueChanged, this, &LocationDialog::fieldEdited);
    connect(m_longitude, &QDoubleSpinBox::valueChanged, this, &LocationDialog::fieldEdited);
    connect(m_name, &QLineEdit::textChanged, this, &LocationDialog::fieldEdited);
    connect(m_address, &QLineEdit::textChanged, this, &LocationDialog::fieldEdited);

    // Opens on a real place rather than 0°, 0° in the sea.
    if (!m_presetList.isEmpty())
        m_presets->setCurrentIndex(1);
}

wa::LocationPreset LocationDialog::location() const
{
    wa::LocationPreset location;
    location.name = m_name->text().trimmed();
    location.address = m_address->text().trimmed();
    location.latitude = m_latitude->value();
    location.longitude = m_longitude->value();
    return location;
}

void LocationDialog::setLocation(const wa::LocationPreset& location)
{
    m_loading = true;
    m_latitude->setValue(location.latitude);
    m_longitude->setValue(location.longitude);
    m_name->setText(location.name);
    m_address->setText(location.address);
    m_loading = false;
    fieldEdited();
}

void LocationDialog::presetChosen(int index)
{
    const int preset = m_presets->itemData(index).toInt();
    if (preset < 0 || preset >= m_presetList.size())
        return; // "Custom location" keeps what is shown
    const wa::LocationPreset& chosen = m_presetList.at(preset);
    m_loading = true;
    m_latitude->setValue(chosen.latitude);
    m_longitude->setValue(chosen.longitude);
    m_name->setText(chosen.name);
    m_address->setText(chosen.address);
    m_loading = false;
}

void LocationDialog::fieldEdited()
{
    if (m_loading)
        return;
    const QSignalBlocker blocker(m_presets);
    m_presets->setCurrentIndex(m_presets->findData(presetIndexOf(location())));
}

int LocationDialog::presetIndexOf(const wa::LocationPreset& location) const
{
    for (int i = 0; i < m_presetList.size(); ++i) {
        const wa::LocationPreset& preset = m_presetList.at(i);
        if (preset.name == location.name && preset.address == location.address &&
            sameCoordinate(preset.latitude, location.latitude) && sameCoordinate(preset.longitude, location.longitude))
            return i;
    }
    return -1;
}
