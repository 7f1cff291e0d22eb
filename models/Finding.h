#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace wa {

enum class Severity { Error, Warning };

// One thing the validator found: where (`interactive.action.sections[1].rows[0].title`), what
// rule (`code`), a sentence for people, and the numbers when the rule has them (-1 otherwise).
struct Finding
{
    Severity severity = Severity::Error;
    QString path;
    QString code;
    QString message;
    qint64 limit = -1;
    qint64 actual = -1;

    QJsonObject toJson() const;
    bool operator==(const Finding& other) const;
};

QString severityName(Severity severity);
bool hasErrors(const QList<Finding>& findings);

} // namespace wa
