#pragma once

#include <QStringList>

class QIODevice;
class QTextStream;

// `wa-composer render FILE [-o out.png] [--theme light|dark] [--width PX] [--os android|ios|web]
// [--open-list]` paints the phone preview of a payload into a PNG, without a window.
class RenderCommand
{
public:
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err, QIODevice& standardInput);
};
