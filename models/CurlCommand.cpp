#include "CurlCommand.h"

#include <algorithm>

#include "WebhookReplayer.h"

namespace wa {

namespace {

bool isContinuation(const QByteArray& bytes, qsizetype at, uchar low = 0x80, uchar high = 0xBF)
{
    if (at >= bytes.size())
        return false;
    const auto b = static_cast<uchar>(bytes.at(at));
    return b >= low && b <= high;
}

// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF) that starts at `at` with a byte >= 0x80; 0 when there is none.
int utf8SequenceLength(const QByteArray& bytes, qsizetype at)
{
    const auto lead = static_cast<uchar>(bytes.at(at));
    if (lead >= 0xC2 && lead <= 0xDF)
        return isContinuation(bytes, at + 1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        const uchar low = lead == 0xE0 ? 0xA0 : 0x80;
        const uchar high = lead == 0xED ? 0x9F : 0xBF;
        return isContinuation(bytes, at + 1, low, high) && isContinuation(bytes, at + 2) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        const uchar low = lead == 0xF0 ? 0x90 : 0x80;
        const uchar high = lead == 0xF4 ? 0x8F : 0xBF;
        return isContinuation(bytes, at + 1, low, high) && isContinuation(bytes, at + 2) &&
                       isContinuation(bytes, at + 3)
                   ? 4
                   : 0;
    }
    return 0;
}

QString hexEscape(uchar byte)
{
    return QStringLiteral("\\x%1").arg(uint(byte), 2, 16, QLatin1Char('0'));
}

// The body as printf's %b argument reads it: backslashes doubled, NUL as \0000 (always three
// octal digits, so that a digit after it is not read as part of it).
QByteArray percentBEscaped(const QByteArray& body)
{
    QByteArray out;
    out.reserve(body.size() + body.size() / 8);
    for (const char c : body) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\0')
            out += "\\0000";
        else
            out += c;
    }
    return out;
}

// The leading pipe (empty unless the body holds NUL) and the --data-binary argument of a body.
struct BodyWords
{
    QString pipe;
    QString argument;
};

BodyWords bodyWords(const QByteArray& body)
{
    if (body.contains('\0'))
        return {QStringLiteral("printf '%b' %1 |\n  ").arg(CurlCommand::shellWord(percentBEscaped(body))),
                QStringLiteral("@-")};
    return {QString(), CurlCommand::shellWord(body)};
}

} // namespace

QString CurlCommand::shellQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString CurlCommand::shellWord(const QByteArray& bytes)
{
    QString plain;   // the text, for single quotes
    QString escaped; // the same in $'…'
    plain.reserve(bytes.size());
    escaped.reserve(bytes.size());
    bool needsEscapes = false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto b = static_cast<uchar>(bytes.at(i));
        if (b == 0)
            return {};
        if (b >= 0x80) {
            const int length = utf8SequenceLength(bytes, i);
            const QString character = length ? QString::fromUtf8(bytes.mid(i, length)) : QString();
            // C1 controls (U+0080…U+009F) are well-formed but some terminals act on them
            if (length && character.at(0).unicode() > 0x9F) {
                plain += character;
                escaped += character;
                i += length - 1;
            } else {
                needsEscapes = true;
                escaped += hexEscape(b);
            }
            continue;
        }
        const auto c = static_cast<char>(b);
        switch (c) {
        case '\n':
            plain += QLatin1Char('\n');
            escaped += QLatin1String("\\n");
            continue;
        case '\t':
            plain += QLatin1Char('\t');
            escaped += QLatin1String("\\t");
            continue;
        case '\'':
            plain += QLatin1String("'\\''");
            escaped += QLatin1String("\\'");
            continue;
        case '\\':
            plain += QLatin1Char('\\');
            escaped += QLatin1String("\\\\");
            continue;
        default:
            break;
        }
        if (b < 0x20 || b == 0x7F) {
            needsEscapes = true;
            escaped += b == '\r' ? QStringLiteral("\\r") : hexEscape(b);
            continue;
        }
        plain += QLatin1Char(c);
        escaped += QLatin1Char(c);
    }
    return needsEscapes ? QLatin1String("$'") + escaped + QLatin1Char('\'')
                        : QLatin1Char('\'') + plain + QLatin1Char('\'');
}

QString CurlCommand::forPayload(const QByteArray& json, ApiFamily family, const QString& baseUrl,
                                const QString& apiVersion, const QString& phoneNumberId)
{
    QString base = baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    // The URL is in double quotes so that the phone number id variable expands.
    const QString url = family == ApiFamily::Cloud
                            ? QStringLiteral("\"%1/%2/%3/messages\"").arg(base, apiVersion, phoneNumberId)
                            : QStringLiteral("\"%1/v1/messages\"").arg(base);
    const BodyWords body = bodyWords(json);
    return body.pipe + QStringLiteral("curl -sS -X POST %1 \\\n"
                                      "  -H \"Authorization: Bearer $WA_ACCESS_TOKEN\" \\\n"
                                      "  -H 'Content-Type: application/json' \\\n"
                                      "  --data-binary %2")
                           .arg(url, body.argument);
}

QString CurlCommand::forRequest(const StoredRequest& request, const QString& urlVariable)
{
    const QByteArray query = WebhookReplayer::storedQuery(request);
    // ${URL%%[?]*} is the URL without its query (POSIX shells): the stored query goes in its place
    const QString url =
        query.isEmpty()
            ? QStringLiteral("\"$%1\"").arg(urlVariable)
            : QStringLiteral("\"${%1%%[?]*}\"%2").arg(urlVariable, shellWord(QByteArrayLiteral("?") + query));
    const QByteArray method = request.method.isEmpty() ? QByteArrayLiteral("POST") : request.method;
    const bool token = std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    const BodyWords body = bodyWords(request.body);
    QString curl =
        body.pipe +
        QStringLiteral("curl -sS -X %1 %2").arg(token ? QString::fromLatin1(method) : shellWord(method), url);
    for (const auto& [name, value] : request.headers) {
        const QByteArray lower = name.toLower();
        if (lower == "host" || lower == "content-length" || lower == "connection")
            continue;
        curl += QStringLiteral(" \\\n  -H %1").arg(shellWord(name + ": " + value));
    }
    if (!request.body.isEmpty())
        curl += QStringLiteral(" \\\n  --data-binary %1").arg(body.argument);
    return curl;
}

} // namespace wa
