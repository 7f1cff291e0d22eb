#pragma once

#include <QAbstractListModel>
#include <QList>

#include "Finding.h"

namespace wa {

// The validator's findings as a list model: one row a finding, errors first. The display text
// is "path: message"; the roles give each part.
class FindingsModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        SeverityRole = Qt::UserRole + 1, // wa::Severity as int
        PathRole,
        CodeRole,
        MessageRole,
        LimitRole,
        ActualRole,
    };

    explicit FindingsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A list of other findings resets the model; the same findings with other messages or numbers
    // (a length that changed) update their rows in place (dataChanged).
    void setFindings(QList<Finding> findings);
    const QList<Finding>& findings() const { return m_findings; }
    int errorCount() const;
    int warningCount() const;

private:
    QList<Finding> m_findings;
};

} // namespace wa
