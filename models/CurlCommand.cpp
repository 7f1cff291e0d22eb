#include "CurlCommand.h"

namespace wa {

QString CurlCommand::shellQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
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
    return QStringLiteral("curl -sS -X POST %1 \\\n"
                          "  -H \"Authorization: Bearer $WA_ACCESS_TOKEN\" \\\n"
                          "  -H 'Content-Type: application/json' \\\n"
                          "  --data-binary %2")
        .arg(url, shellQuote(QString::fromUtf8(json)));
}

} // namespace wa
