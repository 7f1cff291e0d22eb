#pragma once

#include <QStringList>

class QIODevice;
class QTextStream;

// `wa-composer validate [--json] [--family cloud|onprem] FILE...`
// Exit 0: no errors (warnings allowed); 1: any error; 2: a file could not be read or is not JSON.
class ValidateCommand
{
public:
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err, QIODevice& standardInput);
};
