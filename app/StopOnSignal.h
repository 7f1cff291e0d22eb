#pragma once

#include <QObject>

class QTimer;

// For the commands that run until stopped (listen, sandbox): SIGINT or SIGTERM quits the
// application's event loop, so that what follows exec() closes the servers and stores cleanly.
// A signal handler may only set a flag; the flag is looked at every 100 ms.
//
//     StopOnSignal stop;
//     QCoreApplication::exec();
class StopOnSignal : public QObject
{
public:
    explicit StopOnSignal(QObject* parent = nullptr);

private:
    QTimer* m_check;
};
