#pragma once

#include <QStringList>

class QTextStream;

// `wa-composer sandbox [--port N] [--webhook URL] [--app-secret S] [--token T] [--strict-window] [--json]`
// runs the sandbox (SandboxServer on 127.0.0.1) without a window, and with --webhook sends the status
// webhooks of each accepted message to the bot (StatusScheduler, WebhookDeliverer). One line per event:
// what the bot sent (accepted or rejected) and each status webhook (delivered, retrying, gave up).
// Stops on SIGINT/SIGTERM (exit 0); bad options exit 2.
class SandboxCommand
{
public:
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};
