#include "ValidateCommand.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include "Finding.h"
#include "MessageCodec.h"
#include "Validator.h"

namespace {

enum ExitCode { Valid = 0, Invalid = 1, Unreadable = 2 };

struct Input
{
    QByteArray bytes;
    QString error; // empty when read
};

Input readInput(const QString& name, QIODevice& standardInput)
{
    Input input;
    if (name == QLatin1String("-")) {
        input.bytes = standardInput.readAll();
        return input;
    }
    QFile file(name);
    if (!file.open(QIODevice::ReadOnly)) {
        input.error = QStringLiteral("cannot read %1: %2").arg(name, file.errorString());
        return input;
    }
    input.bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        input.error = QStringLiteral("cannot read %1: %2").arg(name, file.errorString());
    return input;
}

void writeJsonLine(QTextStream& out, const QJsonObject& line)
{
    out << QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)) << '\n';
}

} // namespace

int ValidateCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err, QIODevice& standardInput)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Validates WhatsApp interactive message payloads against WhatsApp's limits.\n"
                       "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 a file could not be read "
                       "or is not JSON."));
    parser.addHelpOption();
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one line of JSON per file (JSON Lines)."));
    const QCommandLineOption familyOption(
        QStringLiteral("family"),
        QStringLiteral("Validate as the Cloud API form or the On-Premises form (default: detected from "
                       "messaging_product)."),
        QStringLiteral("cloud|onprem"));
    parser.addOption(jsonOption);
    parser.addOption(familyOption);
    parser.addPositionalArgument(QStringLiteral("validate"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Payload files; - reads standard input."),
                                 QStringLiteral("FILE..."));

    if (!parser.parse(arguments)) {
        err << "wa-composer validate: " << parser.errorText() << "\nTry 'wa-composer validate --help'.\n";
        return Unreadable;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Valid;
    }
    std::optional<wa::ApiFamily> family;
    if (parser.isSet(familyOption)) {
        family = wa::familyFromName(parser.value(familyOption));
        if (!family) {
            err << "wa-composer validate: --family takes cloud or onprem, not '" << parser.value(familyOption)
                << "'.\n";
            return Unreadable;
        }
    }
    QStringList files = parser.positionalArguments();
    files.removeFirst(); // "validate"
    if (files.isEmpty()) {
        err << "wa-composer validate: no FILE given (use - for standard input).\n"
               "Try 'wa-composer validate --help'.\n";
        return Unreadable;
    }

    const bool json = parser.isSet(jsonOption);
    int exitCode = Valid;
    for (const QString& name : std::as_const(files)) {
        const Input input = readInput(name, standardInput);
        QString problem = input.error;
        int line = 0;
        int column = 0;
        wa::DecodeResult decoded;
        if (problem.isEmpty()) {
            decoded = wa::MessageCodec::decode(input.bytes);
            if (!decoded.ok()) {
                problem = decoded.error.message;
                line = decoded.error.line;
                column = decoded.error.column;
            }
        }
        if (!problem.isEmpty()) {
            exitCode = Unreadable;
            if (json) {
                QJsonObject error{{QStringLiteral("message"), problem}};
                if (line > 0) {
                    error.insert(QStringLiteral("line"), line);
                    error.insert(QStringLiteral("column"), column);
                }
                writeJsonLine(out, {{QStringLiteral("file"), name},
                                    {QStringLiteral("valid"), false},
                                    {QStringLiteral("error"), error},
                                    {QStringLiteral("findings"), QJsonArray()}});
            } else {
                err << name << ": " << problem << '\n';
            }
            continue;
        }

        const wa::Message& message = *decoded.message;
        const wa::ApiFamily validatedAs = family.value_or(message.family);
        const QList<wa::Finding> findings = wa::Validator::validate(message, validatedAs);
        const bool valid = !wa::hasErrors(findings);
        if (!valid && exitCode == Valid)
            exitCode = Invalid;

        if (json) {
            QJsonArray list;
            for (const wa::Finding& f : findings)
                list.append(f.toJson());
            writeJsonLine(out, {{QStringLiteral("file"), name},
                                {QStringLiteral("valid"), valid},
                                {QStringLiteral("family"), wa::familyName(validatedAs)},
                                {QStringLiteral("findings"), list}});
            continue;
        }
        int errors = 0;
        for (const wa::Finding& f : findings)
            errors += f.severity == wa::Severity::Error ? 1 : 0;
        const int warnings = static_cast<int>(findings.size()) - errors;
        out << name << ": " << (valid ? "valid" : "invalid");
        if (!findings.isEmpty())
            out << " (" << errors << (errors == 1 ? " error, " : " errors, ") << warnings
                << (warnings == 1 ? " warning)" : " warnings)");
        out << '\n';
        for (const wa::Finding& f : findings)
            out << "  " << wa::severityName(f.severity).leftJustified(8) << f.path << ": " << f.message << '\n';
    }
    return exitCode;
}
