#pragma once

#include <QByteArray>
#include <QString>

#include "Message.h"
#include "StoredRequest.h"

namespace wa {

// A curl command line that sends a payload, with the token as a shell variable placeholder so
// that no secret ever lands in a clipboard or a log.
//
// Bodies go byte for byte (a webhook's signature is over its raw bytes): a body of printable
// UTF-8 text stays readable in single quotes; one with other bytes (invalid UTF-8, control
// characters) is written in ANSI-C quotes, $'…' with \xHH escapes, which bash, zsh and ksh read;
// a body holding NUL, which no shell word can carry, is piped in by printf '%b' to
// --data-binary @-.
class CurlCommand
{
public:
    static QString forPayload(const QByteArray& json, ApiFamily family,
                              const QString& baseUrl = QStringLiteral("https://graph.facebook.com"),
                              const QString& apiVersion = QStringLiteral("v23.0"),
                              const QString& phoneNumberId = QStringLiteral("$WA_PHONE_NUMBER_ID"));
    // A received webhook request sent again to the URL in the shell variable urlVariable: its
    // method, its headers as received (not Host, Content-Length, Connection: curl writes them) and
    // its body byte for byte. When the request had a query (a verification GET), it replaces the
    // URL's, as WebhookReplayer::replayUrl() does.
    static QString forRequest(const StoredRequest& request, const QString& urlVariable = QStringLiteral("WEBHOOK_URL"));

    // Quotes text for a POSIX shell: single quotes, with ' written as '\''.
    static QString shellQuote(const QString& text);
    // One shell word that is exactly these bytes: single quotes when they are printable UTF-8
    // text (new lines and tabs allowed), $'…' otherwise. A NUL cannot be in a word: empty then.
    static QString shellWord(const QByteArray& bytes);
};

} // namespace wa
