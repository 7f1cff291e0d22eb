#include "CommandLine.h"

#include <cstdio>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include "ListenCommand.h"
#include "RenderCommand.h"
#include "SandboxCommand.h"
#include "SendCommand.h"
#include "SimulateCommand.h"
#include "ValidateCommand.h"

namespace {

const char kUsage[] = "Usage: wa-composer [COMMAND] [OPTIONS]\n"
                      "       wa-composer [FILE]\n"
                      "\n"
                      "Compose, send and test WhatsApp interactive messages.\n"
                      "With no command the window opens (with FILE, on that payload).\n"
                      "\n"
                      "Commands:\n"
                      "  validate [--json] [--family cloud|onprem] FILE...\n"
                      "                  check payloads against WhatsApp's limits (- reads stdin)\n"
                      "  render FILE [-o out.png] [--theme light|dark] [--width PX]\n"
                      "         [--os android|ios|web] [--open-list]\n"
                      "                  paint the phone preview of a payload into a PNG\n"
                      "  listen [--port N] [--bind ADDR] [--verify-token T] [--app-secret S] [--json] [--db FILE]\n"
                      "                  run the webhook listener; one line per event\n"
                      "  send [--profile NAME] [--to NUMBER] FILE\n"
                      "  send --base-url URL --phone-number-id ID [--api-version vNN.N] [--on-premises] FILE\n"
                      "                  send a message and print the response (token from WA_ACCESS_TOKEN\n"
                      "                  or the profile's keychain entry, never printed)\n"
                      "  sandbox [--port N] [--webhook URL] [--app-secret S] [--token T] [--strict-window] [--json]\n"
                      "                  run the sandbox (the send API on 127.0.0.1) and send status webhooks\n"
                      "                  to the bot; one line per event\n"
                      "  simulate KIND --to URL [--app-secret S] [--context WAMID] [--from NUMBER] [--sandbox URL]\n"
                      "                  play the customer once: POST a signed webhook (text, button-reply,\n"
                      "                  list-reply, location, nfm-reply, status) and print the bot's answer\n"
                      "\n"
                      "Options:\n"
                      "  -h, --help      show this help\n"
                      "  -v, --version   show the version\n"
                      "\n"
                      "'wa-composer COMMAND --help' tells more about a command.\n";

} // namespace

bool CommandLine::wantsCommand(const QStringList& arguments)
{
    if (arguments.size() < 2)
        return false;
    const QString& first = arguments.at(1);
    if (first == QLatin1String("-h") || first == QLatin1String("--help") || first == QLatin1String("-v") ||
        first == QLatin1String("--version") || first == QLatin1String("help"))
        return true;
    // A file to open goes to the window; any other plain word is a command (an unknown one is
    // reported); options such as -platform go to Qt.
    if (QFileInfo::exists(first))
        return false;
    return !first.startsWith(QLatin1Char('-'));
}

bool CommandLine::needsGui(const QStringList& arguments)
{
    return arguments.value(1) == QLatin1String("render");
}

int CommandLine::run(const QStringList& arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString command = arguments.value(1);
    if (command == QLatin1String("-h") || command == QLatin1String("--help") || command == QLatin1String("help")) {
        out << kUsage;
        return 0;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    using Command = int (*)(const QStringList&, QTextStream&, QTextStream&, QIODevice&);
    const Command run = command == QLatin1String("validate") ? &ValidateCommand::run
                        : command == QLatin1String("render") ? &RenderCommand::run
                                                             : nullptr;
    if (command == QLatin1String("listen"))
        return ListenCommand::run(arguments, out, err);
    if (command == QLatin1String("send"))
        return SendCommand::run(arguments, out, err);
    if (command == QLatin1String("sandbox"))
        return SandboxCommand::run(arguments, out, err);
    if (command == QLatin1String("simulate"))
        return SimulateCommand::run(arguments, out, err);
    if (run) {
        QFile standardInput;
        if (!standardInput.open(stdin, QIODevice::ReadOnly)) {
            err << "wa-composer: cannot read standard input\n";
            return 2;
        }
        return run(arguments, out, err, standardInput);
    }
    err << "wa-composer: unknown command '" << command << "'.\n\n" << kUsage;
    return 2;
}
