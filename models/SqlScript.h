#pragma once

#include <QString>
#include <QStringList>

namespace wa {

// The schemas and migrations of the SQLite stores are .sql resources; this reads one into its
// statements, to be run one by one in a transaction (Qt SQL runs one statement per query).
class SqlScript
{
public:
    // Each statement ends with ';' at the end of a line; whole-line '--' comments are skipped
    // (SQLite itself skips the ones after a column). False and why when the resource cannot be read.
    static bool read(const QString& resource, QStringList* statements, QString* error);
};

} // namespace wa
