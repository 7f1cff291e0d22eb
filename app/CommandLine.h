#pragma once

#include <QStringList>

// Runs the command-line commands of wa-composer (everything but the GUI).
class CommandLine
{
public:
    // Whether these arguments ask for a command rather than the window.
    static bool wantsCommand(const QStringList& arguments);
    // Whether the command paints (fonts and images need a QGuiApplication, offscreen is enough).
    static bool needsGui(const QStringList& arguments);
    static int run(const QStringList& arguments);
};
