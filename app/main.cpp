#include <cstdio>

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QCoreApplication>
#include <QGuiApplication>

#include "CommandLine.h"
#include "ComposerDocument.h"
#include "MainWindow.h"

namespace {
void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("wa-composer"));
    QCoreApplication::setApplicationName(QStringLiteral("wa-composer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WA_VERSION));
}
} // namespace

int main(int argc, char* argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    // Commands run without a display; the ones that paint do it offscreen.
    if (CommandLine::needsGui(arguments)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QGuiApplication app(argc, argv);
        setIdentity();
        return CommandLine::run(app.arguments());
    }
    if (CommandLine::wantsCommand(arguments)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        return CommandLine::run(app.arguments());
    }

    QApplication app(argc, argv);
    setIdentity();
    MainWindow window;
    const QStringList files = app.arguments().mid(1);
    if (!files.isEmpty())
        window.openFile(files.first());
    else
        window.restoreRecovery();
    window.show();
    if (qEnvironmentVariableIsSet("WA_COMPOSER_STARTUP_PROBE")) {
        // bench/startup.sh: say when the first window has been painted, then quit
        QTimer::singleShot(0, &window, [&window, &sinceStart] {
            window.repaint();
            std::fprintf(stderr, "first window painted after %.1f ms\n", sinceStart.nsecsElapsed() / 1e6);
            window.document()->setModified(false);
            QCoreApplication::quit();
        });
    }
    return app.exec();
}
