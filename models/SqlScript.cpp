#include "SqlScript.h"

#include <QFile>

namespace wa {

bool SqlScript::read(const QString& resource, QStringList* statements, QString* error)
{
    QFile file(resource);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(resource, file.errorString());
        return false;
    }
    QString current;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1String("--")))
            continue;
        current += line + QLatin1Char('\n');
        if (trimmed.endsWith(QLatin1Char(';'))) {
            statements->append(current.trimmed());
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements->append(current.trimmed());
    return true;
}

} // namespace wa
