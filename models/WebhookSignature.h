#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include "WebhookEvent.h"

namespace wa {

// X-Hub-Signature-256: "sha256=" and the lowercase hex of HMAC-SHA256(key = app secret,
// message = the raw body bytes), checked in constant time.
class WebhookSignature
{
public:
    static QByteArray sign(QByteArrayView body, QByteArrayView appSecret);
    // Unsigned when no secret is set (events are accepted and marked so); else Missing, Invalid
    // or Valid for the header's value.
    static WebhookEvent::Signature verify(QByteArrayView body, QByteArrayView header, QByteArrayView appSecret);
    // Compares without an early exit, so the time taken says nothing about where they differ.
    static bool constantTimeEquals(QByteArrayView a, QByteArrayView b);
};

} // namespace wa
