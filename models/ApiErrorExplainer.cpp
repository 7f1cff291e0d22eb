#include "ApiErrorExplainer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace wa {

namespace {

struct CodeText
{
    int code;
    const char* text; // UTF-8
};

// The reference sheet's "codes worth a human explanation" first, then the common others; the
// Cloud API's and the On-Premises API's codes do not overlap.
constexpr CodeText kCodes[] = {
    // --- Cloud API ---
    {0, "The API could not authenticate the request (code 0): the access token is missing, malformed or "
        "no longer valid. Generate a new access token (a system user's token does not expire) and put it "
        "in the profile."},
    {1, "The API reports an invalid request or a possible server error (code 1). Check the endpoint and the "
        "payload, then try again later; if it persists, give the fbtrace_id to Meta support."},
    {2, "The API service is temporarily unavailable (code 2). Try again in a few minutes."},
    {3, "The app lacks the capability for this call (code 3). Check the app's WhatsApp product setup and "
        "the token's permissions in the App Dashboard."},
    {4, "The app has made too many API calls (code 4, application rate limit). Wait a while and send "
        "less often."},
    {10, "Permission denied (code 10): the token lacks a permission this request needs, or the phone number "
         "is not in a WhatsApp Business Account the token may use. Give the token (or its system user) "
         "whatsapp_business_messaging and whatsapp_business_management, and check the phone-number ID."},
    {100, "Invalid parameter (code 100): a field of the payload is unknown, misspelled, of the wrong type, or "
          "over a size limit (text length, number of rows, sections or buttons). Correct the field the message "
          "names and run the validator before sending again."},
    {190, "The access token has expired or is invalid (code 190). Generate a new token in the App Dashboard or "
          "Business Manager (a system user's token does not expire) and update the profile's secret."},
    {368, "The account is temporarily blocked for policy violations (code 368). See WhatsApp Manager for the "
          "restriction and when it ends; sending works again once it is lifted."},
    {80007, "The WhatsApp Business Account has reached its rate limit (80007). Wait and send less often."},
    {130429, "Throughput limit reached (130429): this phone number sent more messages per second than it may. "
             "Slow down and retry later, spreading the messages out."},
    {130472, "The recipient's number is part of a Meta experiment that limits marketing messages (130472). "
             "Nothing to fix on your side; do not resend at once."},
    {131000, "Something went wrong on Meta's side (131000, unknown error). Try again later; if it persists, give "
             "the fbtrace_id to Meta support."},
    {131005, "Access denied (131005): the token has no permission for this phone number. Check the token's "
             "permissions and that the phone-number ID belongs to its WhatsApp Business Account."},
    {131008, "A required parameter is missing (131008). Add the missing field; the validator shows which ones "
             "each interactive type needs."},
    {131009, "A parameter value is not valid (131009). Correct that value (length, allowed values, unique IDs, "
             "the phone-number ID) and send again."},
    {131016, "The WhatsApp service is temporarily unavailable (131016). Try again later."},
    {131021, "The recipient is the sender's own number (131021). Send to another number."},
    {131026, "The message could not be delivered (131026): the recipient may not be on WhatsApp, may not have "
             "accepted the latest terms, may use an old WhatsApp version, or the number is wrong. Check the "
             "number with its country code, or ask the customer to update WhatsApp."},
    {131031, "The business account is restricted or locked (131031), for a policy violation or failed "
             "verification. See WhatsApp Manager for the reason, then fix it or appeal."},
    {131042, "A payment problem on the business account stops sending (131042). Check the payment method in "
             "WhatsApp Manager."},
    {131045, "The phone number's certificate is wrong (131045): the number is not properly registered. Register "
             "the number again."},
    {131047, "More than 24 hours have passed since the customer last wrote (131047, re-engagement message): "
             "outside the 24-hour customer service window only a template message can be sent. Send an approved "
             "template now, or wait until the customer writes first, which opens a new window."},
    {131048, "Spam rate limit hit (131048): too many of this number's messages were blocked or reported, so "
             "sending is restricted. Check the quality rating in WhatsApp Manager and send only messages "
             "customers expect."},
    {131051, "Unsupported message type (131051): WhatsApp does not take this type. Use type \"interactive\" with "
             "one of list, button, cta_url, location_request_message, product, product_list or flow."},
    {131052, "The customer's media could not be downloaded (131052). Ask them to send it again."},
    {131053, "The media could not be uploaded (131053): the link is unreachable, or its type or size is not "
             "supported. Check that the link answers publicly with the right Content-Type, or upload the "
             "media and use its ID."},
    {131056, "Too many messages to the same customer in a short time (131056, pair rate limit). Wait before "
             "sending to this number again; other numbers are not affected."},
    {133004, "The server is temporarily unavailable (133004). Try again later."},
    {133006, "The phone number needs to be verified again before it can send (133006). Verify it in "
             "WhatsApp Manager, then register it."},
    {133010, "The phone number is not registered on the Cloud API (133010). Register it (POST "
             "/{phone-number-id}/register with its two-step PIN) before sending."},
    {135000, "A generic user error (135000): the request is not right in a way the API does not name. Check the "
             "payload against the reference, and retry."},
    // --- On-Premises API ---
    {470, "More than 24 hours have passed since the customer last wrote (470): outside the 24-hour customer "
          "service window only a template message can be sent. Send a template now, or wait until the customer "
          "writes first."},
    {471, "Spam rate limit hit (471): too many messages were blocked or reported. Send only messages "
          "customers expect and check the quality rating."},
    {480, "The recipient's identity has changed (480), for instance a new phone. Check the contact again with "
          "/v1/contacts before sending."},
    {500, "A generic error of the gateway (500). Try again later and look at the gateway's logs."},
    {501, "Unknown message type (501): the gateway does not support this message type. Check `type`, or use a "
          "newer gateway."},
    {1000, "A generic error of the gateway (1000). Look at the details and the gateway's logs."},
    {1001, "The message is too long (1001). Shorten the texts to the limits the validator shows."},
    {1002, "Invalid recipient type (1002): recipient_type must be \"individual\" (or \"group\")."},
    {1004, "The resource already exists (1004)."},
    {1005, "Access denied (1005): the logged-in user may not do this, or the recipient blocked the business. "
           "Log in with a user that has the needed role, or check the contact."},
    {1006, "Resource not found (1006): the contact, media or path does not exist. Check the number with a "
           "contacts check (/v1/contacts) and the media ID; upload the media again if needed."},
    {1007, "The recipient has blocked messages from this business (1007)."},
    {1008, "A required parameter is missing (1008). Add the field the details name."},
    {1009, "A parameter value is not valid (1009). Correct the value the details name (length, allowed values, "
           "format)."},
    {1010, "A parameter was given that is not expected here (1010). Remove it (the On-Premises form has no "
           "messaging_product, for instance)."},
    {1011, "The gateway's service is not ready (1011). Wait until it has started and try again."},
    {1013, "The recipient is not a valid WhatsApp user (1013). Check the number with its country code, for "
           "instance with a contacts check first."},
    {1014, "Internal error of the gateway (1014). Try again later and look at the gateway's logs."},
    {1015, "Too many requests (1015): the gateway's rate limit was hit. Wait and send more slowly."},
    {1016, "The gateway is overloaded (1016). Try again later, more slowly."},
    {1024, "The user must change its password (1024). Log in once with a new_password, then update the "
           "profile's secret."},
    {1025, "The request is not valid (1025). Check the method, the path and the JSON body."},
    {1026, "Receiver incapable (1026): the recipient's WhatsApp cannot receive this message, being too old or not "
           "supporting this type. Ask the customer to update WhatsApp, or send a simpler message."},
    {1031, "The sender's account is locked (1031), for a policy violation. See WhatsApp Manager."},
};

QString quoted(const QString& text)
{
    return QStringLiteral("\u201c%1\u201d").arg(text);
}

// The start of a body for an explanation: one line, at most 80 characters.
QString bodyStart(const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(400)).simplified();
    if (text.size() > 80)
        text = text.left(80) + QStringLiteral("\u2026");
    return text;
}

int intValue(const QJsonValue& value)
{
    // Codes come as numbers; some gateways send them as strings.
    if (value.isString())
        return value.toString().toInt();
    return value.toInt();
}

QString sentence(QString text)
{
    text = text.trimmed();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('?')) &&
        !text.endsWith(QLatin1Char('!')))
        text += QLatin1Char('.');
    return text;
}

// One error of either shape, read from JSON.
struct Parsed
{
    bool hasCode = false;
    int code = 0;
    int subcode = 0;
    QString type;
    QString title;
    QString message;
    QString details;
    QString userMessage;
    QString fbtraceId;
};

Parsed readCloudError(const QJsonObject& error)
{
    Parsed p;
    p.hasCode = error.contains(QLatin1String("code"));
    p.code = intValue(error.value(QLatin1String("code")));
    p.subcode = intValue(error.value(QLatin1String("error_subcode")));
    p.type = error.value(QLatin1String("type")).toString();
    p.title = error.value(QLatin1String("error_user_title")).toString();
    p.message = error.value(QLatin1String("message")).toString();
    p.details = error.value(QLatin1String("error_data")).toObject().value(QLatin1String("details")).toString();
    p.userMessage = error.value(QLatin1String("error_user_msg")).toString();
    p.fbtraceId = error.value(QLatin1String("fbtrace_id")).toString();
    return p;
}

Parsed readOnPremisesError(const QJsonObject& error)
{
    Parsed p;
    p.hasCode = error.contains(QLatin1String("code"));
    p.code = intValue(error.value(QLatin1String("code")));
    p.title = error.value(QLatin1String("title")).toString();
    p.details = error.value(QLatin1String("details")).toString();
    return p;
}

// "Code 131047 — explanation Details: “…”." for one error; `known` says whether the code is explained.
QString explainOne(const Parsed& p, bool* known)
{
    QString text = p.hasCode ? ApiErrorExplainer::explainCode(p.code) : QString();
    *known = !text.isEmpty();
    if (!*known) {
        const QString what = !p.message.isEmpty() ? p.message : p.title;
        text = p.hasCode ? QStringLiteral("Error code %1 is not one wa-composer can explain").arg(p.code)
                         : QStringLiteral("The error has no code");
        text += what.isEmpty() ? QStringLiteral(".") : QStringLiteral("; the API says %1.").arg(quoted(what));
    }
    if (!p.details.isEmpty())
        text += QStringLiteral(" Details: %1.").arg(quoted(p.details));
    if (!p.userMessage.isEmpty() && p.userMessage != p.details)
        text += QStringLiteral(" Message for users: %1.").arg(quoted(p.userMessage));
    return text;
}

} // namespace

QString ApiErrorExplainer::explainCode(int code)
{
    for (const CodeText& entry : kCodes) {
        if (entry.code == code)
            return QString::fromUtf8(entry.text);
    }
    if (code >= 200 && code <= 299)
        return QStringLiteral("Permission error (code %1): the app or its token lacks the permission this call "
                              "needs. Grant whatsapp_business_messaging to the token (or its system user) and check "
                              "that the phone-number ID belongs to a WhatsApp Business Account it may use.")
            .arg(code);
    return {};
}

QString ApiErrorExplainer::explainStatus(int httpStatus, ApiFamily family)
{
    const bool cloud = family == ApiFamily::Cloud;
    if (httpStatus >= 300 && httpStatus < 400)
        return QStringLiteral("HTTP %1: the server redirected the request instead of answering it; the base URL is "
                              "probably not the API's (http instead of https, or a missing path). Use the address "
                              "the server redirects to as the base URL.")
            .arg(httpStatus);
    switch (httpStatus) {
    case 400:
        return QStringLiteral("HTTP 400: the API refused the request as malformed. Check the payload against the "
                              "reference (run the validator) and send again.");
    case 401:
        return cloud ? QStringLiteral("HTTP 401: the credentials were refused: the access token is missing, expired "
                                      "or invalid. Generate a new token and update the profile's secret.")
                     : QStringLiteral("HTTP 401: the credentials were refused: the user name or password (for "
                                      "/v1/users/login) or the login token is wrong or expired. Check the profile's "
                                      "user name and password.");
    case 403:
        return QStringLiteral("HTTP 403: permission denied: the credentials are valid but may not do this. Check the "
                              "token's permissions (or the user's role) and that the phone number belongs to the "
                              "account.");
    case 404:
        return cloud ? QStringLiteral("HTTP 404: nothing answers at this path: check the base URL, the API version "
                                      "(such as v23.0) and the phone-number ID of the profile.")
                     : QStringLiteral("HTTP 404: nothing answers at this path: check the profile's base URL (the "
                                      "gateway's address, without /v1).");
    case 405:
        return QStringLiteral("HTTP 405: the server does not take POST at this path: the base URL is probably "
                              "wrong.");
    case 408:
        return QStringLiteral("HTTP 408: the server gave up waiting for the request. Try again.");
    case 413:
        return QStringLiteral("HTTP 413: the request is too large for the server. Make the payload smaller.");
    case 429:
        return QStringLiteral("HTTP 429: rate limit: too many requests in a short time. Wait a while before "
                              "sending again, and send more slowly.");
    default:
        break;
    }
    if (httpStatus >= 500 && httpStatus < 600)
        return QStringLiteral("HTTP %1: the server side failed (%2), not your message. Try again later; if it "
                              "persists, check the server's status.")
            .arg(httpStatus)
            .arg(httpStatus == 502 || httpStatus == 504 ? QStringLiteral("a proxy or gateway could not reach the API")
                 : httpStatus == 503                    ? QStringLiteral("the service is unavailable")
                                                        : QStringLiteral("an internal error"));
    if (httpStatus >= 400 && httpStatus < 500)
        return QStringLiteral("HTTP %1: the server refused the request. Check the profile and the payload.")
            .arg(httpStatus);
    if (httpStatus >= 200 && httpStatus < 300)
        return QStringLiteral("HTTP %1: the server answered with success but not with what the API answers.")
            .arg(httpStatus);
    if (httpStatus == 0)
        return QStringLiteral("No HTTP status was received.");
    return QStringLiteral("HTTP %1: an unexpected answer for a send.").arg(httpStatus);
}

ApiError ApiErrorExplainer::explain(int httpStatus, const QByteArray& body, ApiFamily family)
{
    ApiError error;
    error.httpStatus = httpStatus;
    error.rawBody = body;
    const QString status = explainStatus(httpStatus, family);

    if (body.trimmed().isEmpty()) {
        error.explanation = status + QStringLiteral(" The body was empty, not the API's JSON error.");
        return error;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        error.explanation = status + QStringLiteral(" The body was not the API's JSON (it starts with %1): the answer "
                                                    "probably came from a proxy or web server, not from the API.")
                                         .arg(quoted(bodyStart(body)));
        return error;
    }
    const QJsonObject root = document.object();
    QList<Parsed> errors;
    const QJsonValue cloudError = root.value(QLatin1String("error"));
    if (cloudError.isObject()) {
        errors.append(readCloudError(cloudError.toObject()));
    } else if (cloudError.isString()) {
        Parsed p; // some gateways answer {"error":"text"}
        p.message = cloudError.toString();
        errors.append(p);
    }
    for (const QJsonValue& value : root.value(QLatin1String("errors")).toArray()) {
        if (value.isObject())
            errors.append(readOnPremisesError(value.toObject()));
    }
    if (errors.isEmpty()) {
        error.explanation =
            status + QStringLiteral(" The body was JSON but had no \u201cerror\u201d or \u201cerrors\u201d: it is not "
                                    "the API's error form (it starts with %1).")
                         .arg(quoted(bodyStart(body)));
        return error;
    }

    const Parsed& first = errors.first();
    error.code = first.code;
    error.subcode = first.subcode;
    error.type = first.type;
    error.title = first.title;
    error.message = first.message;
    error.details = first.details;
    error.fbtraceId = first.fbtraceId;

    bool allKnown = true;
    QStringList parts;
    for (const Parsed& p : errors) {
        bool known = false;
        parts.append(explainOne(p, &known));
        allKnown = allKnown && known;
    }
    QString text;
    if (parts.size() == 1) {
        text = parts.first();
    } else {
        text = QStringLiteral("The API answered %1 errors:").arg(parts.size());
        for (qsizetype i = 0; i < parts.size(); ++i)
            text += QStringLiteral(" (%1) %2").arg(i + 1).arg(parts.at(i));
    }
    if (!allKnown)
        text += QLatin1Char(' ') + status;
    if (!first.fbtraceId.isEmpty())
        text += QStringLiteral(" Trace ID for Meta support: %1.").arg(first.fbtraceId);
    error.explanation = sentence(text);
    return error;
}

} // namespace wa
