#include "Finding.h"

#include <algorithm>

namespace wa {

QString severityName(Severity severity)
{
    return severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
}

QJsonObject Finding::toJson() const
{
    QJsonObject out;
    out.insert(QLatin1String("severity"), severityName(severity));
    out.insert(QLatin1String("path"), path);
    out.insert(QLatin1String("code"), code);
    out.insert(QLatin1String("message"), message);
    out.insert(QLatin1String("limit"), limit < 0 ? QJsonValue() : QJsonValue(limit));
    out.insert(QLatin1String("actual"), actual < 0 ? QJsonValue() : QJsonValue(actual));
    return out;
}

bool Finding::operator==(const Finding& other) const
{
    return severity == other.severity && path == other.path && code == other.code && message == other.message &&
           limit == other.limit && actual == other.actual;
}

bool hasErrors(const QList<Finding>& findings)
{
    return std::any_of(findings.cbegin(), findings.cend(),
                       [](const Finding& f) { return f.severity == Severity::Error; });
}

} // namespace wa
