#pragma once

#include <QHash>
#include <QListView>

// Shows a FindingsModel: an error or warning icon, then "path: message".
class FindingsView : public QListView
{
    Q_OBJECT

public:
    explicit FindingsView(QWidget* parent = nullptr);

    // The icon of a finding's severity, in the widget's style (also the trees' marks).
    static QIcon severityIcon(bool error, const QWidget* widget);

    void setModel(QAbstractItemModel* model) override;

protected:
    // A finding whose message changed (its count, on every keystroke) but not its height repaints
    // its row only: QListView lays every row out again and repaints them all on any change.
    void dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles) override;

private:
    int rowHeight(const QModelIndex& index, int width) const;

    struct RowHeight
    {
        int width = -1;
        int height = -1;
    };
    QHash<int, RowHeight> m_rowHeights; // as this view measured each row when it last changed
};
