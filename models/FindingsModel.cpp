#include "FindingsModel.h"

#include <algorithm>

namespace wa {

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_findings.size());
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Finding& f = m_findings.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return f.path.isEmpty() ? f.message : f.path + QLatin1String(": ") + f.message;
    case Qt::ToolTipRole:
        return QStringLiteral("%1 (%2)").arg(f.message, f.code);
    case SeverityRole:
        return static_cast<int>(f.severity);
    case PathRole:
        return f.path;
    case CodeRole:
        return f.code;
    case MessageRole:
        return f.message;
    case LimitRole:
        return f.limit;
    case ActualRole:
        return f.actual;
    default:
        return {};
    }
}

QHash<int, QByteArray> FindingsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(SeverityRole, "severity");
    names.insert(PathRole, "path");
    names.insert(CodeRole, "code");
    names.insert(MessageRole, "message");
    names.insert(LimitRole, "limit");
    names.insert(ActualRole, "actual");
    return names;
}

void FindingsModel::setFindings(QList<Finding> findings)
{
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return static_cast<int>(a.severity) < static_cast<int>(b.severity);
    });
    if (findings == m_findings)
        return; // typing that changes nothing found keeps the view (and its selection) still
    // The same findings with other numbers ("… is 4001 characters"): the rows that changed are
    // updated in place, so the view repaints them only and keeps its layout and selection.
    const bool sameRows =
        findings.size() == m_findings.size() &&
        std::equal(findings.cbegin(), findings.cend(), m_findings.cbegin(), [](const Finding& a, const Finding& b) {
            return a.severity == b.severity && a.path == b.path && a.code == b.code;
        });
    if (!sameRows) {
        beginResetModel();
        m_findings = std::move(findings);
        endResetModel();
        return;
    }
    for (qsizetype row = 0; row < findings.size(); ++row) {
        if (findings.at(row) == m_findings.at(row))
            continue;
        m_findings[row] = findings.at(row);
        const QModelIndex changed = index(static_cast<int>(row));
        emit dataChanged(changed, changed, {Qt::DisplayRole, Qt::ToolTipRole, MessageRole, LimitRole, ActualRole});
    }
}

int FindingsModel::errorCount() const
{
    return static_cast<int>(std::count_if(m_findings.cbegin(), m_findings.cend(),
                                          [](const Finding& f) { return f.severity == Severity::Error; }));
}

int FindingsModel::warningCount() const
{
    return static_cast<int>(m_findings.size()) - errorCount();
}

} // namespace wa
