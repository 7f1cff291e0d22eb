#pragma once

#include <memory>

#include <QNetworkReply>
#include <QObject>

#include "ConnectionProfile.h"
#include "Message.h"
#include "SendOutcome.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace wa {

// Sends one message through QNetworkAccessManager to the profile's endpoint and reports exactly
// what happened (SendOutcome). Cloud API and Sandbox: one POST with the Bearer token. On-Premises:
// log in with HTTP Basic (POST /v1/users/login) when there is no unexpired token, optionally check
// the recipient (POST /v1/contacts, using the returned wa_id), then POST /v1/messages; a 401 on a
// cached token logs in again once and repeats the request. Nothing else is ever retried: a send
// is not idempotent.
//
// One send at a time; send() while busy() is refused with an InputError outcome.
class MessageSender : public QObject
{
    Q_OBJECT

public:
    explicit MessageSender(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~MessageSender() override;

    // `secret` is the access token (Cloud API, Sandbox) or the password (On-Premises). The message
    // is written in the profile's family; its `to` is replaced with the wa_id a contacts check
    // returned. Emits finished() exactly once (also for input errors, asynchronously).
    void send(const ConnectionProfile& profile, const QString& secret, const Message& message);
    // Aborts the request in flight; finished() follows with TransportFailure::Cancelled.
    void cancel();
    bool busy() const;

    // The On-Premises token of the last login (for tests): empty when none is cached.
    QString cachedToken() const;
    void forgetToken();

    // How a network error without an HTTP answer is reported (kept apart so that the failures
    // that cannot be produced on 127.0.0.1, such as DNS, can be tested). OperationCanceledError
    // maps to Cancelled: a timeout is told apart by the sender's own timer, not by the error.
    static TransportFailure transportFailureFor(QNetworkReply::NetworkError error);
    // "Connection refused by 127.0.0.1:9 — is the server running?", "Host … not found", …; `detail`
    // is the reply's errorString() (or the TLS errors), quoted where the error itself says too little.
    static QString transportMessageFor(QNetworkReply::NetworkError error, const QUrl& url, const QString& detail);

signals:
    void started(const QString& step); // "login", "contacts", "message"
    void finished(const wa::SendOutcome& outcome);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace wa
