#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace wa {

// One HTTP request of a send and its response, as shown in the request view and kept in the
// history. Secrets are already redacted here (Authorization: "Bearer ••••1234", Basic likewise):
// nothing in this struct may carry a token or a password.
struct HttpExchange
{
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    QString step; // "login", "contacts", "message"
    QByteArray method;
    QUrl url;
    HeaderList requestHeaders; // redacted
    QByteArray requestBody;    // the body sent (On-Premises login has none)

    int status = 0; // HTTP status; 0 when no response came
    HeaderList responseHeaders;
    QByteArray responseBody;
    qint64 elapsedMs = 0;
};

// An error the API answered with, read from the Cloud API's `error{}` or On-Premises `errors[]`,
// with a plain explanation of what it means and what to do.
struct ApiError
{
    int httpStatus = 0;
    int code = 0;    // 131047, 190, 1006, …; 0 when the body had none
    int subcode = 0; // error_subcode when given
    QString type;    // "OAuthException"
    QString title;   // On-Premises title, or the Cloud API's error_user_title
    QString message; // "(#131047) Re-engagement message"
    QString details; // error_data.details, or On-Premises details
    QString fbtraceId;
    QString explanation; // for people: what happened and what to do; never empty for an error
    QByteArray rawBody;  // the body exactly as received (for the raw view)
};

// Why no HTTP answer was had.
enum class TransportFailure {
    None,
    HostNotFound, // DNS
    ConnectionRefused,
    TlsError,  // certificate or handshake
    Timeout,   // no complete answer within the profile's timeout
    Cancelled, // by the user
    Other,     // anything else QNetworkReply reports (closed mid-answer, proxy, …)
};

struct SendOutcome
{
    enum class Result {
        Accepted,       // the API took the message (200 Cloud API, 201 On-Premises): messageId is set
        ApiError,       // the API answered with an error: apiError is set
        TransportError, // no usable answer: transport/transportMessage are set
        InputError,     // nothing sent: the profile or payload was unusable (inputMessage says why)
    };

    Result result = Result::InputError;
    QList<HttpExchange> exchanges; // in order: login, contacts, message (what was actually done)
    QString messageId;             // messages[0].id on acceptance
    QString waId;                  // contacts[0].wa_id when the answer had one
    QString contactStatus;         // On-Premises contacts check: "valid", "invalid", "processing", "failed"
    ApiError apiError;
    TransportFailure transport = TransportFailure::None;
    QString transportMessage; // "Connection refused by 127.0.0.1:9", "No answer within 30 s", …
    QString inputMessage;
    qint64 elapsedMs = 0; // the whole send

    bool accepted() const { return result == Result::Accepted; }
    // One line for the status bar and the command line: "Accepted: wamid.…", "Error 131047: …",
    // "Timed out: …". Never contains a secret.
    QString summary() const;
};

QString transportFailureName(TransportFailure failure); // "timeout", "refused", …
QString sendResultName(SendOutcome::Result result);     // "accepted", "api_error", "transport_error", "input_error"
bool sendResultFromName(QStringView name, SendOutcome::Result* result);

// The exchanges as JSON (for the history and `send --json`) and back; headers as [name, value] pairs,
// bodies as UTF-8 text (or base64 under "…_base64" when they are not valid UTF-8).
QJsonArray exchangesToJson(const QList<HttpExchange>& exchanges);
QList<HttpExchange> exchangesFromJson(const QJsonArray& array);

} // namespace wa
