#include "ConnectionProfile.h"

#include <QRegularExpression>

namespace wa {

QUrl ConnectionProfile::messagesUrl() const
{
    QUrl url = baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (kind == Kind::OnPremises)
        path += QStringLiteral("/v1/messages");
    else
        path += QLatin1Char('/') + apiVersion + QLatin1Char('/') + phoneNumberId + QStringLiteral("/messages");
    url.setPath(path);
    return url;
}

QString ConnectionProfile::secretKey() const
{
    return QStringLiteral("profile/%1/%2")
        .arg(name, kind == Kind::OnPremises ? QStringLiteral("password") : QStringLiteral("token"));
}

QStringList ConnectionProfile::problems() const
{
    QStringList found;
    const QString label = QStringLiteral("%1 profile \u201c%2\u201d").arg(profileKindLabel(kind), name);
    if (name.trimmed().isEmpty())
        found << QStringLiteral("The profile has no name");
    if (timeoutMs <= 0)
        found << QStringLiteral("%1 has no timeout (it must be above 0 ms)").arg(label);
    switch (kind) {
    case Kind::Sandbox:
        break; // the sandbox's address is filled in at run time
    case Kind::CloudApi:
    case Kind::OnPremises:
        if (!baseUrl.isValid() || baseUrl.isRelative() || baseUrl.host().isEmpty())
            found << QStringLiteral("%1 has no valid base URL (such as %2)")
                         .arg(label, kind == Kind::CloudApi ? kDefaultCloudBaseUrl
                                                            : QStringLiteral("https://wa-gateway.example:9090"));
        else if (baseUrl.scheme() != QLatin1String("https") && baseUrl.scheme() != QLatin1String("http"))
            found << QStringLiteral("%1: the base URL must start with https:// or http://").arg(label);
        break;
    }
    if (kind != Kind::OnPremises) {
        if (phoneNumberId.trimmed().isEmpty())
            found << QStringLiteral("%1 has no phone-number ID").arg(label);
        else if (phoneNumberId.contains(QLatin1Char('/')))
            found << QStringLiteral("%1: the phone-number ID may not contain \u201c/\u201d").arg(label);
        static const QRegularExpression version(QStringLiteral("^v\\d+\\.\\d+$"));
        if (!version.match(apiVersion).hasMatch())
            found << QStringLiteral("%1: the API version \u201c%2\u201d is not like v23.0").arg(label, apiVersion);
    } else if (username.trimmed().isEmpty()) {
        found << QStringLiteral("%1 has no user name for /v1/users/login").arg(label);
    }
    return found;
}

bool operator==(const ConnectionProfile& a, const ConnectionProfile& b)
{
    return a.name == b.name && a.kind == b.kind && a.baseUrl == b.baseUrl && a.apiVersion == b.apiVersion &&
           a.phoneNumberId == b.phoneNumberId && a.username == b.username &&
           a.acceptSelfSignedCertificate == b.acceptSelfSignedCertificate &&
           a.checkContactsFirst == b.checkContactsFirst && a.timeoutMs == b.timeoutMs;
}

QString profileKindName(ConnectionProfile::Kind kind)
{
    switch (kind) {
    case ConnectionProfile::Kind::Sandbox:
        return QStringLiteral("sandbox");
    case ConnectionProfile::Kind::CloudApi:
        return QStringLiteral("cloud");
    case ConnectionProfile::Kind::OnPremises:
        return QStringLiteral("onprem");
    }
    return {};
}

bool profileKindFromName(QStringView name, ConnectionProfile::Kind* kind)
{
    for (auto candidate :
         {ConnectionProfile::Kind::Sandbox, ConnectionProfile::Kind::CloudApi, ConnectionProfile::Kind::OnPremises}) {
        if (name == profileKindName(candidate)) {
            *kind = candidate;
            return true;
        }
    }
    return false;
}

QString profileKindLabel(ConnectionProfile::Kind kind)
{
    switch (kind) {
    case ConnectionProfile::Kind::Sandbox:
        return QStringLiteral("Sandbox");
    case ConnectionProfile::Kind::CloudApi:
        return QStringLiteral("Cloud API");
    case ConnectionProfile::Kind::OnPremises:
        return QStringLiteral("On-Premises");
    }
    return {};
}

QString redactSecret(const QString& secret)
{
    const QString dots = QStringLiteral("\u2022\u2022\u2022\u2022");
    if (secret.size() <= 8)
        return dots;
    return dots + secret.right(4);
}

} // namespace wa
