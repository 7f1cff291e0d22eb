#include "StopOnSignal.h"

#include <csignal>

#include <QCoreApplication>
#include <QTimer>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void requestStop(int)
{
    g_stop = 1;
}

} // namespace

StopOnSignal::StopOnSignal(QObject* parent)
    : QObject(parent)
    , m_check(new QTimer(this))
{
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    connect(m_check, &QTimer::timeout, this, [] {
        if (g_stop)
            QCoreApplication::quit();
    });
    m_check->start(100);
}
