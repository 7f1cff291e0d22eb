#pragma once

#include <functional>
#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include "Finding.h"
#include "HttpRequestParser.h"
#include "Message.h"
#include "WebhookPayloadBuilder.h"

namespace wa {

class HttpServer;

// One message the sandbox accepted.
struct SandboxMessage
{
    QString id; // "wamid.…" (Cloud API) or the On-Premises id ("18bb4a2c1f3d0")
    ApiFamily family = ApiFamily::Cloud;
    QString waId;                   // the recipient, digits only
    QString phoneNumberId;          // the sending number's ID (the sandbox's own for On-Premises)
    QString type;                   // "interactive", "text", "image", …, as sent
    std::optional<Message> message; // decoded, when the message is interactive
    QJsonObject payload;            // the body as sent
    QDateTime time;                 // when it was accepted (UTC)
    QHostAddress peer;
    // Set when the message was accepted only to fail later (WindowFailure::FailedStatus outside the
    // customer service window): one `failed` status with this error instead of sent/delivered/read.
    std::optional<WebhookStatusError> failure;
};

// What the strict window does with a message to a customer outside it.
enum class WindowFailure {
    Reject,       // answered 400 with 131047 (On-Premises: 470), as the send API usually does
    FailedStatus, // accepted (an id), then failed by a `failed` status webhook, as Meta sometimes does
};

// One request the sandbox answered with an error.
struct SandboxRejection
{
    int httpStatus = 0;
    int errorCode = 0; // the Graph code (190, 100, 131008, …) or the On-Premises code (1005, …)
    ApiFamily family = ApiFamily::Cloud;
    QString message; // the error's message (Cloud API) or title (On-Premises)
    QString details;
    QList<Finding> findings; // the validator's errors, when they were the reason
    QByteArray method;
    QByteArray target;
    QByteArray body; // the raw request body
    QDateTime time;  // UTC
    QHostAddress peer;
};

// The embedded sandbox: a local server speaking the WhatsApp Cloud API send endpoint and the
// On-Premises subset (login, contacts, messages), so that bots and the composer can send without a
// Meta account. Messages are decoded and validated like the real API does (the reference sheet,
// sections 1 and 4): the answers, success or error, have Meta's shapes and codes. Nothing is
// delivered; accepted messages are signalled and kept (the last kMaxKeptMessages) for the app.
//
//     Cloud API     POST /{version}/{phone-number-id}/messages   Authorization: Bearer <access token>
//     On-Premises   POST /v1/users/login                         HTTP Basic (login user and password)
//                   POST /v1/contacts, POST /v1/messages         Authorization: Bearer <login token>
//     the sandbox's own POST /sandbox/customer-messages {"wa_id":"…"[,"timestamp":…]}   no auth; 204
//                   (the customer wrote: for `simulate`, which posts to the bot, not through here)
class SandboxServer : public QObject
{
    Q_OBJECT

public:
    static constexpr quint16 kDefaultPort = 8766; // beside the webhook listener's 8765
    static inline const QString kDefaultAccessToken = QStringLiteral("sandbox-token");
    static inline const QString kDefaultPhoneNumberId = QStringLiteral("100000000000001");
    static inline const QString kDefaultDisplayPhoneNumber = QStringLiteral("15550100001");
    static inline const QString kDefaultLoginUser = QStringLiteral("admin");
    static inline const QString kDefaultLoginPassword = QStringLiteral("sandbox-password");
    static constexpr qint64 kDefaultTokenLifetimeMs = 7LL * 24 * 60 * 60 * 1000; // On-Premises: 7 days
    static constexpr int kMaxKeptMessages = 1000;  // accepted messages kept for look-up, oldest dropped
    static constexpr int kMaxLoginTokens = 1000;   // live On-Premises tokens, oldest dropped beyond
    static constexpr int kMaxTextBodyChars = 4096; // type "text": text.body, in code points

    explicit SandboxServer(QObject* parent = nullptr);
    ~SandboxServer() override;

    // Binds 127.0.0.1 unless told otherwise; port 0 picks a free one. False and why on failure.
    bool listen(const QHostAddress& address, quint16 port, QString* error);
    void close();
    bool isListening() const;
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:PORT"; empty when not listening

    // The Bearer token the Cloud API endpoint accepts.
    void setAccessToken(const QString& token) { m_accessToken = token; }
    QString accessToken() const { return m_accessToken; }
    // The phone-number ID of the Cloud API path; any other is "does not exist" (100, subcode 33).
    void setPhoneNumberId(const QString& id) { m_phoneNumberId = id; }
    QString phoneNumberId() const { return m_phoneNumberId; }
    void setDisplayPhoneNumber(const QString& number) { m_displayPhoneNumber = number; }
    QString displayPhoneNumber() const { return m_displayPhoneNumber; }
    // The On-Premises login (HTTP Basic on /v1/users/login; a change ends the tokens given) and how
    // long its tokens last.
    void setLogin(const QString& user, const QString& password);
    QString loginUser() const { return m_loginUser; }
    QString loginPassword() const { return m_loginPassword; }
    void setTokenLifetime(qint64 milliseconds) { m_tokenLifetimeMs = milliseconds; }
    qint64 tokenLifetime() const { return m_tokenLifetimeMs; }
    // Strict window: interactive and text messages to a customer who has not written in the last
    // 24 hours are refused with 131047 (On-Premises: 470), as Meta does — or, with
    // WindowFailure::FailedStatus, accepted and marked to fail (SandboxMessage::failure). Off by default.
    void setStrictWindow(bool strict) { m_strictWindow = strict; }
    bool strictWindow() const { return m_strictWindow; }
    // How the strict window fails a message outside it; Reject by default.
    void setWindowFailure(WindowFailure mode) { m_windowFailure = mode; }
    WindowFailure windowFailure() const { return m_windowFailure; }
    // The time the server goes by (tokens, windows, time stamps); the system clock (UTC) by default.
    void setClock(std::function<QDateTime()> now);
    // For the HttpServer's idle limit (tests).
    void setIdleTimeout(int milliseconds);

    // The customer wrote at `at` (the app calls it when the simulated customer sends something):
    // opens or refreshes their 24-hour window. Digits only are compared ("+1 650-555-1234" is
    // "16505551234").
    void noteCustomerMessage(const QString& waId, const QDateTime& at);
    bool isWindowOpen(const QString& waId) const;

    // The accepted messages kept, oldest first, and one of them by id.
    QList<SandboxMessage> acceptedMessages() const { return m_accepted; }
    std::optional<SandboxMessage> acceptedMessage(const QString& id) const;

signals:
    void messageAccepted(const wa::SandboxMessage& message);
    // noteCustomerMessage() was called (by the app or POST /sandbox/customer-messages).
    void customerMessageNoted(const QString& waId, const QDateTime& at);
    void requestRejected(const wa::SandboxRejection& rejection);

private:
    struct Reply;
    struct Context;
    void handle(const HttpRequest& request, const QHostAddress& peer, std::function<void(QByteArray)> answer);
    Reply route(Context& context);
    Reply cloudMessages(Context& context, const QString& phoneNumberId);
    Reply onPremisesLogin(Context& context);
    Reply onPremisesContacts(Context& context);
    Reply onPremisesMessages(Context& context);
    Reply customerMessages(Context& context);
    // The checks and the acceptance both families share; `family` decides the error shapes.
    Reply checkAndAccept(Context& context, const QByteArray& body, ApiFamily family, const QString& phoneNumberId);
    // Empty when the Bearer token is a live login token; otherwise the On-Premises 401.
    std::optional<Reply> checkLoginToken(Context& context);
    Reply reject(Context& context, Reply reply);
    QString newMessageId(ApiFamily family, const QString& waId);

    HttpServer* m_http;
    QString m_accessToken = kDefaultAccessToken;
    QString m_phoneNumberId = kDefaultPhoneNumberId;
    QString m_displayPhoneNumber = kDefaultDisplayPhoneNumber;
    QString m_loginUser = kDefaultLoginUser;
    QString m_loginPassword = kDefaultLoginPassword;
    qint64 m_tokenLifetimeMs = kDefaultTokenLifetimeMs;
    bool m_strictWindow = false;
    WindowFailure m_windowFailure = WindowFailure::Reject;
    std::function<QDateTime()> m_now;
    QHash<QString, QDateTime> m_lastCustomerMessage; // digits → when the customer last wrote
    QHash<QString, QDateTime> m_loginTokens;         // token → when it expires
    QList<SandboxMessage> m_accepted;
    quint64 m_lastIdValue = 0; // message ids grow from it, so that two are never equal
};

} // namespace wa
