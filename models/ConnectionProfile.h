#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "Message.h"

namespace wa {

// Where a message is sent: the embedded sandbox, Meta's Cloud API or an On-Premises (or compatible)
// gateway. Kept in QSettings by ProfileStore; the secret (access token or password) never is — it
// lives in a SecretStore under secretKey().
struct ConnectionProfile
{
    enum class Kind { Sandbox, CloudApi, OnPremises };

    static constexpr int kDefaultTimeoutMs = 30000;
    static inline const QString kDefaultCloudBaseUrl = QStringLiteral("https://graph.facebook.com");
    static inline const QString kDefaultApiVersion = QStringLiteral("v23.0");

    QString name; // unique among the profiles; what the toolbar shows
    Kind kind = Kind::Sandbox;
    // Cloud API: https://graph.facebook.com by default. On-Premises: the gateway's base URL.
    // Sandbox: filled in at run time with the embedded sandbox's address.
    QUrl baseUrl;
    QString apiVersion = kDefaultApiVersion;  // Cloud API and Sandbox: the path's version, "v23.0"
    QString phoneNumberId;                    // Cloud API and Sandbox
    QString username;                         // On-Premises login (HTTP Basic on /v1/users/login)
    bool acceptSelfSignedCertificate = false; // On-Premises only: TLS errors ignored, with a warning
    bool checkContactsFirst = false;          // On-Premises: POST /v1/contacts before each send
    int timeoutMs = kDefaultTimeoutMs;        // for each HTTP request of a send

    // The payload form this profile sends.
    ApiFamily family() const { return kind == Kind::OnPremises ? ApiFamily::OnPremises : ApiFamily::Cloud; }
    // Cloud API / Sandbox: {base}/{version}/{phone-number-id}/messages; On-Premises: {base}/v1/messages.
    QUrl messagesUrl() const;
    // The key of this profile's secret in a SecretStore: "profile/<name>/token" for Cloud API and
    // Sandbox (the access token), "profile/<name>/password" for On-Premises.
    QString secretKey() const;
    // What is missing or wrong for a send ("Cloud API profile \"x\" has no phone-number ID"); empty
    // when the profile is complete. The secret is not checked here.
    QStringList problems() const;

    friend bool operator==(const ConnectionProfile& a, const ConnectionProfile& b);
};

QString profileKindName(ConnectionProfile::Kind kind); // "sandbox", "cloud", "onprem"
bool profileKindFromName(QStringView name, ConnectionProfile::Kind* kind);
QString profileKindLabel(ConnectionProfile::Kind kind); // "Sandbox", "Cloud API", "On-Premises"

// Shows the end of a secret only: "••••1234" (just "••••" for secrets of eight characters or fewer).
QString redactSecret(const QString& secret);

} // namespace wa
