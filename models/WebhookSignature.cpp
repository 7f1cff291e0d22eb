#include "WebhookSignature.h"

#include <QMessageAuthenticationCode>

namespace wa {

namespace {
const QByteArrayView kPrefix("sha256=");
}

QByteArray WebhookSignature::sign(QByteArrayView body, QByteArrayView appSecret)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, appSecret.toByteArray());
    mac.addData(body.data(), body.size());
    return kPrefix.toByteArray() + mac.result().toHex();
}

WebhookEvent::Signature WebhookSignature::verify(QByteArrayView body, QByteArrayView header, QByteArrayView appSecret)
{
    if (appSecret.isEmpty())
        return WebhookEvent::Signature::Unsigned;
    const QByteArray value = header.trimmed().toByteArray();
    if (value.isEmpty())
        return WebhookEvent::Signature::Missing;
    // the hex may come in either case; the prefix is compared as sent
    const QByteArray expected = sign(body, appSecret);
    return constantTimeEquals(expected, value.left(kPrefix.size()) + value.mid(kPrefix.size()).toLower())
               ? WebhookEvent::Signature::Valid
               : WebhookEvent::Signature::Invalid;
}

bool WebhookSignature::constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMax(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        difference |= static_cast<unsigned char>(x ^ y);
    }
    return difference == 0;
}

} // namespace wa
