#pragma once

#include <QListView>

// Shows a FindingsModel: an error or warning icon, then "path: message".
class FindingsView : public QListView
{
    Q_OBJECT

public:
    explicit FindingsView(QWidget* parent = nullptr);

    // The icon of a finding's severity, in the widget's style (also the trees' marks).
    static QIcon severityIcon(bool error, const QWidget* widget);
};
