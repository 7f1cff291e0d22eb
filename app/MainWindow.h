#pragma once

#include <QMainWindow>

class QComboBox;
class QLabel;
class FindingsView;
class PayloadEditor;
class PhonePreview;

namespace wa {
class FindingsModel;
}

// The window at this stage: a JSON payload editor and the live list of validation findings.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Loads a payload file into the editor; returns false (and says why) when it cannot be read.
    bool openFile(const QString& fileName);
    PayloadEditor* editor() const { return m_editor; }
    wa::FindingsModel* findingsModel() const { return m_findings; }
    PhonePreview* preview() const { return m_preview; }

private:
    void revalidate();
    void chooseFile();
    void reformat();
    void activateFinding(const QModelIndex& index);
    void applyPhoneStyle();

    PayloadEditor* m_editor = nullptr;
    FindingsView* m_findingsView = nullptr;
    wa::FindingsModel* m_findings = nullptr;
    PhonePreview* m_preview = nullptr;
    QComboBox* m_family = nullptr;
    QComboBox* m_platform = nullptr;
    QComboBox* m_theme = nullptr;
    QLabel* m_summary = nullptr;
    int m_errorLine = 0;
    int m_errorColumn = 0;
};
