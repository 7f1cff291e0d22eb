#pragma once

#include <QListView>

// Shows a FindingsModel: an error or warning icon, then "path: message".
class FindingsView : public QListView
{
    Q_OBJECT

public:
    explicit FindingsView(QWidget* parent = nullptr);
};
