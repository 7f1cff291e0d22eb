#pragma once

#include <QStringList>

class QTextStream;

// `wa-composer listen [--port N] [--bind ADDR] [--verify-token T] [--app-secret S] [--json]
// [--db FILE]` runs the webhook listener without a window and prints one line per event.
class ListenCommand
{
public:
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};
