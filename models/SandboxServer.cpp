#include "SandboxServer.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include "CustomerServiceWindow.h"
#include "HttpServer.h"
#include "LimitsTable.h"
#include "MessageCodec.h"
#include "TextMetrics.h"
#include "Validator.h"
#include "WebhookSignature.h"

namespace wa {

namespace {

const QString kWhatsApp = QStringLiteral("whatsapp");
const QString kInteractive = QStringLiteral("interactive");
const QString kText = QStringLiteral("text");
// The sandbox's own checks of a text message, beside the validator's codes.
const QString kTextRequired = QStringLiteral("text_required");
const QString kTextBodyRequired = QStringLiteral("text_body_required");
const QString kTextBody = QStringLiteral("text_body");

// Meta's wording (the reference sheet, section 4).
const QString kReengagementDetails = QStringLiteral("Message failed to send because more than 24 hours have passed "
                                                    "since the customer last replied to this number.");

QString randomChars(int n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QString out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out.append(QLatin1Char(alphabet[QRandomGenerator::global()->bounded(64)]));
    return out;
}

QString fbtraceId()
{
    return randomChars(27);
}

QJsonObject cloudError(int code, const QString& message, const QString& type, const QString& details = {},
                       int subcode = -1)
{
    QJsonObject error{{QStringLiteral("message"), message},
                      {QStringLiteral("type"), type},
                      {QStringLiteral("code"), code},
                      {QStringLiteral("fbtrace_id"), fbtraceId()}};
    if (subcode >= 0)
        error.insert(QStringLiteral("error_subcode"), subcode);
    if (!details.isEmpty())
        error.insert(QStringLiteral("error_data"), QJsonObject{{QStringLiteral("messaging_product"), kWhatsApp},
                                                               {QStringLiteral("details"), details}});
    return QJsonObject{{QStringLiteral("error"), error}};
}

QJsonObject onPremisesError(const QList<QJsonObject>& errors)
{
    QJsonArray array;
    for (const QJsonObject& e : errors)
        array.append(e);
    return QJsonObject{{QStringLiteral("errors"), array}};
}

QJsonObject onPremisesEntry(int code, const QString& title, const QString& details)
{
    return QJsonObject{
        {QStringLiteral("code"), code}, {QStringLiteral("title"), title}, {QStringLiteral("details"), details}};
}

// "Bearer <token>" (scheme case-insensitive); null without one.
QString bearerToken(const HttpRequest& request)
{
    const QByteArray header = request.header("Authorization").trimmed();
    if (header.size() < 7 || header.left(7).toLower() != "bearer ")
        return {};
    return QString::fromUtf8(header.mid(7).trimmed());
}

bool basicCredentials(const HttpRequest& request, QString* user, QString* password)
{
    const QByteArray header = request.header("Authorization").trimmed();
    if (header.size() < 6 || header.left(6).toLower() != "basic ")
        return false;
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(header.mid(6).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const qsizetype colon = decoded.decoded.indexOf(':');
    if (colon < 0)
        return false;
    *user = QString::fromUtf8(decoded.decoded.left(colon));
    *password = QString::fromUtf8(decoded.decoded.mid(colon + 1));
    return true;
}

bool sameSecret(const QString& given, const QString& expected)
{
    return !expected.isEmpty() && WebhookSignature::constantTimeEquals(given.toUtf8(), expected.toUtf8());
}

// A JSON object from a request body, or why not (with the line and column).
bool parseObject(const QByteArray& body, QJsonObject* object, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        int line = 0;
        int column = 0;
        MessageCodec::lineAndColumn(body, qMax(0, parseError.offset - 1), &line, &column);
        *error = QStringLiteral("Not valid JSON at line %1, column %2: %3.")
                     .arg(line)
                     .arg(column)
                     .arg(parseError.errorString());
        return false;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("The body is not a JSON object.");
        return false;
    }
    *object = document.object();
    return true;
}

QString jsonTypeName(const QJsonValue& value)
{
    return wa::jsonTypeName(value.type());
}

Finding error(const QString& path, const QString& code, const QString& message)
{
    return Finding{Severity::Error, path, code, message, -1, -1};
}

// A "text" message needs text.body, a non-empty string of at most kMaxTextBodyChars.
QList<Finding> checkText(const QJsonObject& payload)
{
    const QJsonValue text = payload.value(kText);
    if (text.isUndefined())
        return {error(kText, kTextRequired, QStringLiteral("The text object is required in a text message."))};
    if (!text.isObject())
        return {error(kText, QStringLiteral("wrong_type"),
                      QStringLiteral("text must be an object, not %1.").arg(jsonTypeName(text)))};
    const QString path = QStringLiteral("text.body");
    const QJsonValue body = text.toObject().value(QStringLiteral("body"));
    if (body.isUndefined())
        return {error(path, kTextBodyRequired, QStringLiteral("Text body (text.body) is required."))};
    if (!body.isString())
        return {error(path, QStringLiteral("wrong_type"),
                      QStringLiteral("text.body must be a string, not %1.").arg(jsonTypeName(body)))};
    const qsizetype chars = TextMetrics::codePoints(body.toString());
    if (chars == 0)
        return {
            error(path, kTextBody, QStringLiteral("Text body (text.body) is empty; it needs at least 1 character."))};
    if (chars > SandboxServer::kMaxTextBodyChars)
        return {error(path, kTextBody,
                      QStringLiteral("Text body (text.body) is %1 characters; the limit is %2.")
                          .arg(chars)
                          .arg(SandboxServer::kMaxTextBodyChars))};
    return {};
}

bool underInteractive(const QString& path)
{
    return path == kInteractive || path.startsWith(QLatin1String("interactive.")) ||
           path.startsWith(QLatin1String("interactive["));
}

// The error findings that reject a message. Interactive messages get every rule of the validator;
// other types only the envelope's (to, recipient_type, messaging_product, context), and a text
// message its text.body. Other types (image, template, reaction, …) are accepted as they come: the
// sandbox knows the interactive rules only.
QList<Finding> errorsOf(const Message& message, const QJsonObject& payload, ApiFamily family)
{
    const QJsonValue type = payload.value(QStringLiteral("type"));
    const bool interactive = !type.isString() || type.toString() == kInteractive;
    QList<Finding> errors;
    for (const Finding& f : Validator::validate(message, family)) {
        if (f.severity != Severity::Error) // warnings never reject
            continue;
        if (!interactive && (f.code == QLatin1String("type_value") || f.code == QLatin1String("interactive_required") ||
                             underInteractive(f.path)))
            continue;
        errors.append(f);
    }
    if (type.isString() && type.toString() == kText)
        errors.append(checkText(payload));
    return errors;
}

// 131008 / 1008 rather than 131009 / 1009.
bool isMissingParameter(const Finding& finding)
{
    if (finding.code == kTextRequired || finding.code == kTextBodyRequired)
        return true;
    const LimitRule* rule = LimitsTable::byCode(finding.code);
    return rule && (rule->kind == CheckKind::Required || rule->kind == CheckKind::TitleWhenMany);
}

QString describe(const Finding& finding)
{
    return finding.path.isEmpty() ? finding.message : finding.path + QStringLiteral(": ") + finding.message;
}

QByteArray withAllowHeader(QByteArray response, const QByteArray& allow)
{
    const qsizetype lineEnd = response.indexOf("\r\n");
    if (lineEnd >= 0)
        response.insert(lineEnd + 2, "Allow: " + allow + "\r\n");
    return response;
}

} // namespace

// What one request is answered with; the error fields fill the rejection signal.
struct SandboxServer::Reply
{
    int status = 200;
    QJsonObject body;
    bool rejected = false;
    int errorCode = 0;
    ApiFamily family = ApiFamily::Cloud;
    QString message;
    QString details;
    QList<Finding> findings;
    QByteArray allow; // the Allow header of a 405
};

struct SandboxServer::Context
{
    const HttpRequest& request;
    QHostAddress peer;
    QDateTime now;
};

SandboxServer::SandboxServer(QObject* parent)
    : QObject(parent)
    , m_http(new HttpServer(this))
    , m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    m_http->setHandler([this](const HttpRequest& request, const QHostAddress& peer, HttpServer::Answer answer) {
        handle(request, peer, std::move(answer));
    });
}

SandboxServer::~SandboxServer() = default;

bool SandboxServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    return m_http->listen(address, port, error);
}

void SandboxServer::close()
{
    m_http->close();
}

bool SandboxServer::isListening() const
{
    return m_http->isListening();
}

quint16 SandboxServer::port() const
{
    return m_http->port();
}

QString SandboxServer::baseUrl() const
{
    if (!m_http->isListening())
        return {};
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_http->address().toString());
    url.setPort(m_http->port());
    return url.toString();
}

void SandboxServer::setLogin(const QString& user, const QString& password)
{
    m_loginUser = user;
    m_loginPassword = password;
    m_loginTokens.clear(); // tokens of the old login are no longer good
}

void SandboxServer::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

void SandboxServer::setIdleTimeout(int milliseconds)
{
    m_http->setIdleTimeout(milliseconds);
}

void SandboxServer::noteCustomerMessage(const QString& waId, const QDateTime& at)
{
    const QString digits = digitsOf(waId);
    if (digits.isEmpty())
        return;
    QDateTime& last = m_lastCustomerMessage[digits];
    if (!last.isValid() || at > last)
        last = at.toUTC();
    emit customerMessageNoted(digits, at.toUTC());
}

bool SandboxServer::isWindowOpen(const QString& waId) const
{
    const QDateTime last = m_lastCustomerMessage.value(digitsOf(waId));
    return last.isValid() && m_now() < last.addSecs(CustomerServiceWindow::kLengthSeconds);
}

std::optional<SandboxMessage> SandboxServer::acceptedMessage(const QString& id) const
{
    for (auto it = m_accepted.crbegin(); it != m_accepted.crend(); ++it) {
        if (it->id == id)
            return *it;
    }
    return std::nullopt;
}

// --- requests ------------------------------------------------------------------------------------

void SandboxServer::handle(const HttpRequest& request, const QHostAddress& peer, std::function<void(QByteArray)> answer)
{
    Context context{request, peer, m_now().toUTC()};
    Reply reply = route(context);
    if (reply.rejected)
        reply = reject(context, std::move(reply));
    QByteArray response = HttpRequestParser::response(
        reply.status, QJsonDocument(reply.body).toJson(QJsonDocument::Compact), "application/json", request.keepAlive);
    if (!reply.allow.isEmpty())
        response = withAllowHeader(response, reply.allow);
    answer(response);
}

SandboxServer::Reply SandboxServer::route(Context& context)
{
    const HttpRequest& request = context.request;
    const QString path = request.url().path();
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    static const QRegularExpression version(QStringLiteral("^v\\d+\\.\\d+$"));

    Reply reply;
    reply.rejected = true;
    if (segments.size() == 3 && version.match(segments.at(0)).hasMatch() &&
        segments.at(2) == QLatin1String("messages")) {
        if (request.method == "POST")
            return cloudMessages(context, segments.at(1));
        reply.status = 405;
        reply.allow = "POST";
        reply.errorCode = 100;
        reply.message = QStringLiteral("(#100) Unsupported %1 request: %2 accepts POST only.")
                            .arg(QString::fromLatin1(request.method).toLower(), path);
        reply.body = cloudError(100, reply.message, QStringLiteral("GraphMethodException"));
        return reply;
    }
    if (segments.value(0) == QLatin1String("v1")) {
        // The On-Premises namespace: its errors have the On-Premises shape.
        const QString endpoint = segments.mid(1).join(QLatin1Char('/'));
        const bool known = endpoint == QLatin1String("users/login") || endpoint == QLatin1String("contacts") ||
                           endpoint == QLatin1String("messages");
        if (known && request.method == "POST") {
            if (endpoint == QLatin1String("users/login"))
                return onPremisesLogin(context);
            if (endpoint == QLatin1String("contacts"))
                return onPremisesContacts(context);
            return onPremisesMessages(context);
        }
        reply.family = ApiFamily::OnPremises;
        reply.status = known ? 405 : 404;
        reply.errorCode = 1006;
        reply.message = QStringLiteral("Resource not found");
        reply.details =
            known ? QStringLiteral("%1 accepts POST only, not %2.").arg(path, QString::fromLatin1(request.method))
                  : QStringLiteral("No such endpoint: %1 %2.").arg(QString::fromLatin1(request.method), path);
        if (known)
            reply.allow = "POST";
        reply.body = onPremisesError({onPremisesEntry(reply.errorCode, reply.message, reply.details)});
        return reply;
    }
    if (segments.size() == 2 && segments.at(0) == QLatin1String("sandbox") &&
        segments.at(1) == QLatin1String("customer-messages")) {
        if (request.method == "POST")
            return customerMessages(context);
        reply.status = 405;
        reply.allow = "POST";
        reply.errorCode = 100;
        reply.message = QStringLiteral("(#100) Unsupported %1 request: %2 accepts POST only.")
                            .arg(QString::fromLatin1(request.method).toLower(), path);
        reply.body = cloudError(100, reply.message, QStringLiteral("GraphMethodException"));
        return reply;
    }
    reply.status = 404;
    reply.errorCode = 2500;
    reply.message = QStringLiteral("Unknown path components: %1").arg(path);
    reply.details = QStringLiteral("The sandbox serves POST /{version}/{phone-number-id}/messages (Cloud API) and "
                                   "POST /v1/users/login, /v1/contacts, /v1/messages (On-Premises), and "
                                   "POST /sandbox/customer-messages.");
    reply.body = cloudError(2500, reply.message, QStringLiteral("OAuthException"));
    return reply;
}

SandboxServer::Reply SandboxServer::cloudMessages(Context& context, const QString& phoneNumberId)
{
    const HttpRequest& request = context.request;
    Reply reply;
    reply.rejected = true;
    QString token = bearerToken(request);
    if (token.isNull()) // the Graph API also takes the token as a query parameter
        token = QUrlQuery(request.url()).queryItemValue(QStringLiteral("access_token"), QUrl::FullyDecoded);
    if (!sameSecret(token, m_accessToken)) {
        reply.status = 401;
        reply.errorCode = 190;
        reply.message = QStringLiteral("Invalid OAuth access token - Cannot parse access token");
        reply.details = token.isEmpty() ? QStringLiteral("No access token: send Authorization: Bearer <token>.")
                                        : QStringLiteral("The access token is not the sandbox's.");
        reply.body = cloudError(190, reply.message, QStringLiteral("OAuthException"));
        return reply;
    }
    if (phoneNumberId != m_phoneNumberId) {
        reply.status = 400;
        reply.errorCode = 100;
        reply.message =
            QStringLiteral("Unsupported post request. Object with ID '%1' does not exist, cannot be loaded due to "
                           "missing permissions, or does not support this operation. Please read the Graph API "
                           "documentation at https://developers.facebook.com/docs/graph-api")
                .arg(phoneNumberId);
        reply.details = QStringLiteral("The sandbox's phone-number ID is %1.").arg(m_phoneNumberId);
        reply.body = cloudError(100, reply.message, QStringLiteral("GraphMethodException"), {}, 33);
        return reply;
    }
    return checkAndAccept(context, request.body, ApiFamily::Cloud, phoneNumberId);
}

SandboxServer::Reply SandboxServer::checkAndAccept(Context& context, const QByteArray& body, ApiFamily family,
                                                   const QString& phoneNumberId)
{
    const bool cloud = family == ApiFamily::Cloud;
    Reply reply;
    reply.family = family;
    reply.rejected = true;
    reply.status = 400;
    const auto invalidParameter = [&reply, cloud](const QString& details) {
        reply.errorCode = cloud ? 100 : 1009;
        reply.message =
            cloud ? QStringLiteral("(#100) Invalid parameter") : QStringLiteral("Parameter value is not valid");
        reply.details = details;
        reply.body = cloud ? cloudError(100, reply.message, QStringLiteral("OAuthException"), details)
                           : onPremisesError({onPremisesEntry(1009, reply.message, details)});
        return reply;
    };

    const DecodeResult decoded = MessageCodec::decode(body);
    if (!decoded.ok())
        return invalidParameter(decoded.error.message);
    const QJsonObject payload = QJsonDocument::fromJson(body).object();
    if (cloud) {
        const QJsonValue product = payload.value(QStringLiteral("messaging_product"));
        if (product.isUndefined())
            return invalidParameter(QStringLiteral("messaging_product is required: \"whatsapp\"."));
        if (product != QJsonValue(kWhatsApp))
            return invalidParameter(QStringLiteral("messaging_product must be \"whatsapp\", not %1.")
                                        .arg(product.isString()
                                                 ? QLatin1Char('"') + product.toString() + QLatin1Char('"')
                                                 : jsonTypeName(product)));
    }

    const Message& message = *decoded.message;
    const QList<Finding> errors = errorsOf(message, payload, family);
    if (!errors.isEmpty()) {
        const bool missing = isMissingParameter(errors.first());
        reply.findings = errors;
        if (cloud) {
            reply.errorCode = missing ? 131008 : 131009;
            reply.message = missing ? QStringLiteral("(#131008) Required parameter is missing")
                                    : QStringLiteral("(#131009) Parameter value is not valid");
            QStringList lines;
            for (const Finding& f : errors)
                lines << describe(f);
            reply.details = lines.join(QLatin1Char(' '));
            reply.body = cloudError(reply.errorCode, reply.message, QStringLiteral("OAuthException"), reply.details);
        } else {
            // On-Premises lists each error with its own code.
            QList<QJsonObject> entries;
            for (const Finding& f : errors) {
                const bool m = isMissingParameter(f);
                entries << onPremisesEntry(m ? 1008 : 1009,
                                           m ? QStringLiteral("Required parameter is missing")
                                             : QStringLiteral("Parameter value is not valid"),
                                           describe(f));
            }
            reply.errorCode = missing ? 1008 : 1009;
            reply.message = entries.first().value(QStringLiteral("title")).toString();
            reply.details = entries.first().value(QStringLiteral("details")).toString();
            reply.body = onPremisesError(entries);
        }
        return reply;
    }

    const QString type = payload.value(QStringLiteral("type")).toString();
    const QString to = message.to.value_or(QString());
    const QString waId = digitsOf(to);
    const bool outsideWindow = m_strictWindow && (type == kInteractive || type == kText) && !isWindowOpen(waId);
    std::optional<WebhookStatusError> failure;
    if (outsideWindow && m_windowFailure == WindowFailure::FailedStatus) {
        // Accepted now, failed by a status webhook later (Meta's code; 470 in the On-Premises API).
        WebhookStatusError e;
        e.code = cloud ? 131047 : 470;
        e.title = QStringLiteral("Re-engagement message");
        e.message = e.title;
        e.details = kReengagementDetails;
        failure = e;
    } else if (outsideWindow) {
        // Meta's code for the Cloud API, and 470 in the On-Premises API.
        reply.errorCode = cloud ? 131047 : 470;
        reply.message =
            cloud ? QStringLiteral("(#131047) Re-engagement message") : QStringLiteral("Re-engagement message");
        reply.details = kReengagementDetails;
        reply.body = cloud ? cloudError(131047, reply.message, QStringLiteral("OAuthException"), reply.details)
                           : onPremisesError({onPremisesEntry(470, reply.message, reply.details)});
        return reply;
    }

    SandboxMessage accepted;
    accepted.id = newMessageId(family, waId);
    accepted.family = family;
    accepted.waId = waId;
    accepted.phoneNumberId = phoneNumberId;
    accepted.type = type;
    if (type == kInteractive)
        accepted.message = message;
    accepted.payload = payload;
    accepted.time = context.now;
    accepted.peer = context.peer;
    accepted.failure = failure;
    m_accepted.append(accepted);
    while (m_accepted.size() > kMaxKeptMessages)
        m_accepted.removeFirst();

    Reply ok;
    ok.family = family;
    const QJsonArray messages{QJsonObject{{QStringLiteral("id"), accepted.id}}};
    if (cloud) {
        ok.status = 200;
        ok.body = QJsonObject{{QStringLiteral("messaging_product"), kWhatsApp},
                              {QStringLiteral("contacts"),
                               QJsonArray{QJsonObject{{QStringLiteral("input"), to}, {QStringLiteral("wa_id"), waId}}}},
                              {QStringLiteral("messages"), messages}};
    } else {
        ok.status = 201;
        ok.body = QJsonObject{{QStringLiteral("messages"), messages}};
    }
    emit messageAccepted(accepted);
    return ok;
}

SandboxServer::Reply SandboxServer::onPremisesLogin(Context& context)
{
    Reply reply;
    reply.family = ApiFamily::OnPremises;
    QString user;
    QString password;
    const bool given = basicCredentials(context.request, &user, &password);
    if (!given || user != m_loginUser || !sameSecret(password, m_loginPassword)) {
        reply.rejected = true;
        reply.status = 401;
        reply.errorCode = 1005;
        reply.message = QStringLiteral("Access denied");
        reply.details = given ? QStringLiteral("Invalid username or password.")
                              : QStringLiteral("No credentials: log in with HTTP Basic (Authorization: Basic …).");
        reply.body = onPremisesError({onPremisesEntry(1005, reply.message, reply.details)});
        return reply;
    }

    // Expired tokens go, and the oldest beyond the cap: a bot logging in in a loop stays bounded.
    for (auto it = m_loginTokens.begin(); it != m_loginTokens.end();) {
        if (it.value() <= context.now)
            it = m_loginTokens.erase(it);
        else
            ++it;
    }
    while (m_loginTokens.size() >= kMaxLoginTokens) {
        auto oldest = m_loginTokens.begin();
        for (auto it = m_loginTokens.begin(); it != m_loginTokens.end(); ++it) {
            if (it.value() < oldest.value())
                oldest = it;
        }
        m_loginTokens.erase(oldest);
    }

    // Shaped like the real API's tokens (a JWT); only the sandbox reads it, by its whole value.
    const QDateTime expires = context.now.addMSecs(m_tokenLifetimeMs);
    const auto part = [](const QJsonObject& o) {
        return QString::fromLatin1(QJsonDocument(o)
                                       .toJson(QJsonDocument::Compact)
                                       .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    const QString token = part(QJsonObject{{QStringLiteral("alg"), QStringLiteral("HS256")},
                                           {QStringLiteral("typ"), QStringLiteral("JWT")}}) +
                          QLatin1Char('.') +
                          part(QJsonObject{{QStringLiteral("user"), user},
                                           {QStringLiteral("iat"), context.now.toSecsSinceEpoch()},
                                           {QStringLiteral("exp"), expires.toSecsSinceEpoch()}}) +
                          QLatin1Char('.') + randomChars(43);
    m_loginTokens.insert(token, expires);
    reply.status = 200;
    reply.body = QJsonObject{{QStringLiteral("users"),
                              QJsonArray{QJsonObject{{QStringLiteral("token"), token},
                                                     {QStringLiteral("expires_after"),
                                                      expires.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                                                          QStringLiteral("+00:00")}}}}};
    return reply;
}

std::optional<SandboxServer::Reply> SandboxServer::checkLoginToken(Context& context)
{
    const QString token = bearerToken(context.request);
    const auto it = token.isEmpty() ? m_loginTokens.constEnd() : m_loginTokens.constFind(token);
    if (it != m_loginTokens.constEnd() && context.now < it.value())
        return std::nullopt;
    Reply reply;
    reply.family = ApiFamily::OnPremises;
    reply.rejected = true;
    reply.status = 401;
    reply.errorCode = 1005;
    reply.message = QStringLiteral("Access denied");
    if (token.isEmpty())
        reply.details =
            QStringLiteral("No token: log in (POST /v1/users/login), then send Authorization: Bearer <token>.");
    else if (it != m_loginTokens.constEnd())
        reply.details = QStringLiteral("The token expired at %1; log in again (POST /v1/users/login).")
                            .arg(it.value().toString(Qt::ISODate));
    else
        reply.details = QStringLiteral("Unknown token; log in (POST /v1/users/login).");
    reply.body = onPremisesError({onPremisesEntry(1005, reply.message, reply.details)});
    return reply;
}

SandboxServer::Reply SandboxServer::onPremisesContacts(Context& context)
{
    if (std::optional<Reply> denied = checkLoginToken(context))
        return *denied;
    Reply reply;
    reply.family = ApiFamily::OnPremises;
    const auto refuse = [&reply](int code, const QString& details) {
        reply.rejected = true;
        reply.status = 400;
        reply.errorCode = code;
        reply.message = code == 1008 ? QStringLiteral("Required parameter is missing")
                                     : QStringLiteral("Parameter value is not valid");
        reply.details = details;
        reply.body = onPremisesError({onPremisesEntry(code, reply.message, details)});
        return reply;
    };
    QJsonObject body;
    QString why;
    if (!parseObject(context.request.body, &body, &why))
        return refuse(1009, why);
    const QJsonValue contacts = body.value(QStringLiteral("contacts"));
    if (contacts.isUndefined())
        return refuse(1008, QStringLiteral("contacts is required: an array of phone numbers."));
    if (!contacts.isArray())
        return refuse(1009,
                      QStringLiteral("contacts must be an array of strings, not %1.").arg(jsonTypeName(contacts)));
    const QJsonValue blocking = body.value(QStringLiteral("blocking"));
    if (!blocking.isUndefined() && blocking != QJsonValue(QStringLiteral("wait")) &&
        blocking != QJsonValue(QStringLiteral("no_wait")))
        return refuse(1009, QStringLiteral("blocking must be \"wait\" or \"no_wait\"."));
    const QJsonArray inputs = contacts.toArray();
    QJsonArray out;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        if (!inputs.at(i).isString())
            return refuse(
                1009, QStringLiteral("contacts[%1] must be a string, not %2.").arg(i).arg(jsonTypeName(inputs.at(i))));
        const QString input = inputs.at(i).toString();
        const QString digits = digitsOf(input);
        // A phone number in E.164 has at most 15 digits with its country code, and no real number
        // has fewer than 7: outside that range it cannot be a WhatsApp account.
        const bool valid = digits.size() >= 7 && digits.size() <= 15;
        QJsonObject contact{{QStringLiteral("input"), input},
                            {QStringLiteral("status"), valid ? QStringLiteral("valid") : QStringLiteral("invalid")}};
        if (valid)
            contact.insert(QStringLiteral("wa_id"), digits);
        out.append(contact);
    }
    reply.status = 200;
    reply.body = QJsonObject{{QStringLiteral("contacts"), out}};
    return reply;
}

SandboxServer::Reply SandboxServer::onPremisesMessages(Context& context)
{
    if (std::optional<Reply> denied = checkLoginToken(context))
        return *denied;
    return checkAndAccept(context, context.request.body, ApiFamily::OnPremises, m_phoneNumberId);
}

SandboxServer::Reply SandboxServer::customerMessages(Context& context)
{
    Reply reply;
    const auto refuse = [&reply](const QString& details) {
        reply.rejected = true;
        reply.status = 400;
        reply.errorCode = 100;
        reply.message = QStringLiteral("(#100) Invalid parameter");
        reply.details = details;
        reply.body = cloudError(100, reply.message, QStringLiteral("OAuthException"), details);
        return reply;
    };
    QJsonObject body;
    QString why;
    if (!parseObject(context.request.body, &body, &why))
        return refuse(why + QStringLiteral(" Send {\"wa_id\":\"16505551234\"}."));
    const QJsonValue waId = body.value(QStringLiteral("wa_id"));
    if (waId.isUndefined())
        return refuse(QStringLiteral("wa_id is required: the customer's number, e.g. \"16505551234\"."));
    if (!waId.isString())
        return refuse(QStringLiteral("wa_id must be a string, not %1.").arg(jsonTypeName(waId)));
    const QString digits = digitsOf(waId.toString());
    // As in /v1/contacts: 7 to 15 digits with the country code (E.164).
    if (digits.size() < 7 || digits.size() > 15)
        return refuse(QStringLiteral("wa_id \"%1\" is not a phone number: it needs 7 to 15 digits with the "
                                     "country code.")
                          .arg(waId.toString()));
    QDateTime at = context.now;
    const QJsonValue timestamp = body.value(QStringLiteral("timestamp"));
    if (!timestamp.isUndefined()) {
        // Unix seconds, as a number or as a string of digits (the webhooks' way).
        bool ok = false;
        qint64 seconds = 0;
        if (timestamp.isString()) {
            seconds = timestamp.toString().toLongLong(&ok);
        } else if (timestamp.isDouble()) {
            const double value = timestamp.toDouble();
            // Whole seconds within the years a QDateTime holds without trouble.
            ok = value >= 0 && value < 1e12 && value == std::floor(value);
            seconds = ok ? static_cast<qint64>(value) : 0;
        }
        if (!ok || seconds < 0)
            return refuse(QStringLiteral("timestamp must be Unix seconds (a whole number, or a string of digits), "
                                         "not %1.")
                              .arg(timestamp.isString() ? QLatin1Char('"') + timestamp.toString() + QLatin1Char('"')
                                                        : jsonTypeName(timestamp)));
        at = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    }
    noteCustomerMessage(digits, at);
    reply.status = 204;
    return reply;
}

SandboxServer::Reply SandboxServer::reject(Context& context, Reply reply)
{
    SandboxRejection rejection;
    rejection.httpStatus = reply.status;
    rejection.errorCode = reply.errorCode;
    rejection.family = reply.family;
    rejection.message = reply.message;
    rejection.details = reply.details;
    rejection.findings = reply.findings;
    rejection.method = context.request.method;
    rejection.target = context.request.target;
    rejection.body = context.request.body;
    rejection.time = context.now;
    rejection.peer = context.peer;
    emit requestRejected(rejection);
    return reply;
}

QString SandboxServer::newMessageId(ApiFamily family, const QString& waId)
{
    // Time-based and strictly growing: unique for this server, and sortable like Meta's.
    m_lastIdValue = qMax(m_lastIdValue + 1, quint64(m_now().toMSecsSinceEpoch()) << 12);
    const QString hex = QString::number(m_lastIdValue, 16);
    if (family == ApiFamily::OnPremises)
        return hex; // "18bb4a2c1f3d000", like the reference sheet's "157b5e14568e8"
    // A Cloud wamid is base64 of a small protobuf-like record: the recipient's number and an id.
    const QByteArray number = waId.toLatin1().left(127);
    QByteArray record;
    record += '\x1c';
    record += '\x18';
    record += char(number.size());
    record += number;
    record += QByteArrayLiteral("\x15\x02\x00\x12\x18\x14");
    record += (QString::number(QRandomGenerator::global()->bounded(0x100000), 16).rightJustified(5, QLatin1Char('0')) +
               hex.rightJustified(15, QLatin1Char('0')))
                  .toUpper()
                  .toLatin1()
                  .right(20);
    record += '\x00';
    return QStringLiteral("wamid.") + QString::fromLatin1(record.toBase64());
}

} // namespace wa
