#pragma once

#include <QDialog>

#include "CustomerSimulator.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

// A map-free location picker for the customer: a preset list (CustomerSimulator::locationPresets())
// plus latitude (−90..90), longitude (−180..180), an optional name and address. Editing a field
// after picking a preset turns the list back to "Custom location".
class LocationDialog : public QDialog
{
    Q_OBJECT

public:
    explicit LocationDialog(QWidget* parent = nullptr);

    // Name and address trimmed, empty when not given (then not sent).
    wa::LocationPreset location() const;
    // Shows `location`, selecting its preset when it is one.
    void setLocation(const wa::LocationPreset& location);

    QComboBox* presetBox() const { return m_presets; } // item data: the preset's index, −1 for custom
    QDoubleSpinBox* latitudeBox() const { return m_latitude; }
    QDoubleSpinBox* longitudeBox() const { return m_longitude; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* addressEdit() const { return m_address; }

private:
    void presetChosen(int index);
    void fieldEdited();
    // The preset index equal to `location`, or −1.
    int presetIndexOf(const wa::LocationPreset& location) const;

    QList<wa::LocationPreset> m_presetList;
    QComboBox* m_presets;
    QDoubleSpinBox* m_latitude;
    QDoubleSpinBox* m_longitude;
    QLineEdit* m_name;
    QLineEdit* m_address;
    bool m_loading = false;
};
