#pragma once

#include <QByteArray>
#include <QString>

#include "Message.h"

namespace wa {

// A curl command line that sends a payload, with the token as a shell variable placeholder so
// that no secret ever lands in a clipboard or a log.
class CurlCommand
{
public:
    static QString forPayload(const QByteArray& json, ApiFamily family,
                              const QString& baseUrl = QStringLiteral("https://graph.facebook.com"),
                              const QString& apiVersion = QStringLiteral("v23.0"),
                              const QString& phoneNumberId = QStringLiteral("$WA_PHONE_NUMBER_ID"));
    // Quotes text for a POSIX shell: single quotes, with ' written as '\''.
    static QString shellQuote(const QString& text);
};

} // namespace wa
