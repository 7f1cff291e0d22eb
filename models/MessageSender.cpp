#include "MessageSender.h"

#include <cstring>
#include <functional>

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

#if QT_CONFIG(ssl)
#include <QSslError>
#endif

#include "ApiErrorExplainer.h"
#include "MessageCodec.h"

namespace wa {

namespace {

// A cached login token is dropped this long before its expires_after, so that it does not expire
// between the check and the request.
constexpr qint64 kTokenMarginSecs = 60;
// Secrets shorter than this are not scrubbed out of answers: replacing two letters everywhere
// would garble bodies and hide nothing.
constexpr qsizetype kMinScrubbedLength = 4;

const QString kLogin = QStringLiteral("login");
const QString kContacts = QStringLiteral("contacts");
const QString kMessage = QStringLiteral("message");

QString quoted(const QString& text)
{
    return QStringLiteral("\u201c%1\u201d").arg(text);
}

QString hostPort(const QUrl& url)
{
    const bool https = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']'); // IPv6
    return QStringLiteral("%1:%2").arg(host).arg(url.port(https ? 443 : 80));
}

QString seconds(int ms)
{
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 s").arg(QString::number(ms / 1000.0, 'g', 3));
}

QUrl onPremisesUrl(const QUrl& base, const QString& path)
{
    QUrl url = base;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    return url;
}

// "2018-03-01 15:29:26+00:00" (the On-Premises form) or ISO 8601; invalid when neither.
QDateTime parseExpiry(QString text)
{
    text = text.trimmed();
    const qsizetype space = text.indexOf(QLatin1Char(' '));
    if (space == 10)
        text[space] = QLatin1Char('T');
    return QDateTime::fromString(text, Qt::ISODate);
}

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

QJsonObject jsonObject(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

// The first element of an array of objects in `object` ("messages", "contacts", "users"); empty
// when there is none.
QJsonObject firstOf(const QJsonObject& object, QLatin1String key)
{
    const QJsonArray array = object.value(key).toArray();
    return array.isEmpty() ? QJsonObject() : array.at(0).toObject();
}

QByteArray jsonEscaped(const QString& text)
{
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact); // ["…"]
    return array.mid(2, array.size() - 4);
}

// The body of one request, which Qt may read once only. Qt's HTTP layer silently sends a request
// again (up to twice) when the connection closes before the answer; for a message that could
// mean sending it twice. A body that refuses to rewind once it has gone out turns that resend
// into an error (ContentReSendError), reported as a connection closed without an answer.
// (A plain QIODevice: Qt reads a QBuffer's bytes directly, around reset().)
class OneShotBody : public QIODevice
{
public:
    explicit OneShotBody(const QByteArray& bytes)
        : m_bytes(bytes)
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_bytes.size(); }
    bool reset() override { return !m_read && QIODevice::reset(); }
    bool seek(qint64 position) override { return (!m_read || position == pos()) && QIODevice::seek(position); }

protected:
    qint64 readData(char* data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, qint64(m_bytes.size()) - pos());
        if (n <= 0)
            return 0;
        std::memcpy(data, m_bytes.constData() + pos(), size_t(n));
        m_read = true;
        return n;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_bytes;
    bool m_read = false;
};

} // namespace

struct MessageSender::Private
{
    struct CachedToken
    {
        QString token;
        QDateTime expires; // invalid: expiry unknown, used until a 401 says otherwise
    };
    struct Response
    {
        int status = 0;
        QByteArray body; // scrubbed
    };
    using Next = std::function<void(const Response&)>;

    MessageSender* q;
    QPointer<QNetworkAccessManager> network;
    QTimer* timeout;
    QHash<QString, CachedToken> tokens; // by base URL and user
    QString lastTokenKey;

    // The send in progress.
    bool busy = false;
    ConnectionProfile profile;
    QString secret;
    Message message;
    SendOutcome outcome;
    QElapsedTimer clock;
    QPointer<QNetworkReply> reply;
    HttpExchange exchange; // the one in flight
    QElapsedTimer exchangeClock;
    QStringList tlsErrors;
    bool timedOut = false;
    bool cancelled = false;
    QString token;               // the On-Premises login token in use
    bool tokenFromCache = false; // a 401 on it is worth one new login
    bool reloggedIn = false;
    QStringList secrets; // everything scrubbed out of the exchanges

    explicit Private(MessageSender* sender)
        : q(sender)
        , timeout(new QTimer(sender))
    {
        timeout->setSingleShot(true);
        timeout->setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early
    }

    QString tokenKey() const
    {
        return profile.baseUrl.adjusted(QUrl::StripTrailingSlash).toString() + QLatin1Char('\n') + profile.username;
    }

    void start();
    // POST /v1/users/login, then `then`; `failure` starts the explanation when it is refused.
    void login(const QString& failure, const std::function<void()>& then);
    void afterLogin();
    void checkContacts();
    void sendMessage();
    bool reloginOn401(const Response& response, const std::function<void()>& repeat);

    void post(const QString& step, const QUrl& url, const QByteArray& body, const QByteArray& authorization,
              const QByteArray& shownAuthorization, Next next);
    void replyFinished(QNetworkReply* finishedReply, const Next& next);

    void addSecret(const QString& value);
    QByteArray scrub(QByteArray bytes) const;

    void failApi(ApiError error);
    void failTransport(TransportFailure failure, const QString& message);
    void finish();
};

// --- the steps ------------------------------------------------------------------------------------

void MessageSender::Private::start()
{
    addSecret(secret);
    if (profile.kind != ConnectionProfile::Kind::OnPremises) {
        sendMessage();
        return;
    }
    addSecret(QString::fromLatin1((profile.username + QLatin1Char(':') + secret).toUtf8().toBase64()));
    const auto cached = tokens.constFind(tokenKey());
    if (cached != tokens.constEnd() &&
        (!cached->expires.isValid() || QDateTime::currentDateTimeUtc().addSecs(kTokenMarginSecs) < cached->expires)) {
        token = cached->token;
        tokenFromCache = true;
        addSecret(token);
        afterLogin();
        return;
    }
    tokens.remove(tokenKey()); // expired
    login(QStringLiteral("Logging in (POST /v1/users/login as %1) failed.").arg(quoted(profile.username)),
          [this] { afterLogin(); });
}

void MessageSender::Private::login(const QString& failure, const std::function<void()>& then)
{
    const QByteArray basic = "Basic " + (profile.username + QLatin1Char(':') + secret).toUtf8().toBase64();
    const QUrl url = onPremisesUrl(profile.baseUrl, QStringLiteral("/v1/users/login"));
    post(kLogin, url, {}, basic, QStringLiteral("Basic \u2022\u2022\u2022\u2022").toUtf8(),
         [this, failure, then](const Response& r) {
             if (!isSuccess(r.status)) {
                 ApiError error = ApiErrorExplainer::explain(r.status, r.body, ApiFamily::OnPremises);
                 error.explanation = failure + QLatin1Char(' ') + error.explanation;
                 failApi(error);
                 return;
             }
             if (token.isEmpty()) { // set by replyFinished() from the raw answer
                 ApiError error;
                 error.httpStatus = r.status;
                 error.rawBody = r.body;
                 error.message = QStringLiteral("The login answer has no token");
                 error.explanation =
                     QStringLiteral("Logging in answered HTTP %1 but without users[0].token, so there is nothing to "
                                    "send with. Check that the base URL points at an On-Premises API (or a "
                                    "compatible gateway).")
                         .arg(r.status);
                 failApi(error);
                 return;
             }
             then();
         });
}

void MessageSender::Private::afterLogin()
{
    if (profile.checkContactsFirst && outcome.contactStatus.isEmpty())
        checkContacts();
    else
        sendMessage();
}

bool MessageSender::Private::reloginOn401(const Response& response, const std::function<void()>& repeat)
{
    if (response.status != 401 || !tokenFromCache || reloggedIn)
        return false;
    // The cached token expired or was revoked: one new login, then the same request once more.
    reloggedIn = true;
    tokenFromCache = false;
    tokens.remove(tokenKey());
    token.clear();
    login(QStringLiteral("The login token was refused (HTTP 401) and logging in again failed."), repeat);
    return true;
}

void MessageSender::Private::checkContacts()
{
    const QString to = message.to.value_or(QString());
    const QJsonObject request{{QStringLiteral("blocking"), QStringLiteral("wait")},
                              {QStringLiteral("contacts"), QJsonArray{to}},
                              {QStringLiteral("force_check"), false}};
    const QByteArray body = QJsonDocument(request).toJson(QJsonDocument::Compact);
    post(kContacts, onPremisesUrl(profile.baseUrl, QStringLiteral("/v1/contacts")), body, "Bearer " + token.toUtf8(),
         "Bearer " + redactSecret(token).toUtf8(), [this, to](const Response& r) {
             if (reloginOn401(r, [this] { checkContacts(); }))
                 return;
             if (!isSuccess(r.status)) {
                 ApiError error = ApiErrorExplainer::explain(r.status, r.body, ApiFamily::OnPremises);
                 error.explanation =
                     QStringLiteral("The contacts check (POST /v1/contacts) failed. ") + error.explanation;
                 failApi(error);
                 return;
             }
             const QJsonObject answer = jsonObject(r.body);
             const QJsonArray contacts = answer.value(QLatin1String("contacts")).toArray();
             QJsonObject contact = firstOf(answer, QLatin1String("contacts"));
             for (const QJsonValue& value : contacts) {
                 if (value.toObject().value(QLatin1String("input")).toString() == to)
                     contact = value.toObject();
             }
             const QString status = contact.value(QLatin1String("status")).toString();
             const QString waId = contact.value(QLatin1String("wa_id")).toString();
             outcome.contactStatus = status.isEmpty() ? QStringLiteral("(none)") : status;
             if (status == QLatin1String("valid")) {
                 if (!waId.isEmpty()) {
                     outcome.waId = waId;
                     message.to = waId;
                 }
                 sendMessage();
                 return;
             }
             ApiError error;
             error.httpStatus = r.status;
             error.rawBody = r.body;
             error.title = QStringLiteral("Not a valid WhatsApp user");
             error.message = QStringLiteral("Contacts check: %1 is %2").arg(to, quoted(outcome.contactStatus));
             if (status == QLatin1String("invalid"))
                 error.explanation = QStringLiteral("%1 is not a valid WhatsApp user (contacts check status "
                                                    "\u201cinvalid\u201d), so the message was not sent. Check the "
                                                    "number: country code, no missing or extra digits.")
                                         .arg(quoted(to));
             else if (status == QLatin1String("processing"))
                 error.explanation = QStringLiteral("%1 is not a valid WhatsApp user yet: the contacts check is still "
                                                    "running (status \u201cprocessing\u201d), so the message was not "
                                                    "sent. Try again in a moment.")
                                         .arg(quoted(to));
             else if (status == QLatin1String("failed"))
                 error.explanation = QStringLiteral("%1 is not a valid WhatsApp user as far as the gateway knows: the "
                                                    "contacts check failed (status \u201cfailed\u201d), so the message "
                                                    "was not sent. Try again later; check the gateway's connection.")
                                         .arg(quoted(to));
             else
                 error.explanation = QStringLiteral("%1 is not a valid WhatsApp user as far as the gateway knows: the "
                                                    "contacts check answered without a usable status (%2), so the "
                                                    "message was not sent. Check the gateway's /v1/contacts.")
                                         .arg(quoted(to), quoted(outcome.contactStatus));
             failApi(error);
         });
}

void MessageSender::Private::sendMessage()
{
    const bool onPremises = profile.kind == ConnectionProfile::Kind::OnPremises;
    const QString bearer = onPremises ? token : secret;
    const QByteArray body = MessageCodec::encode(message, profile.family(), QJsonDocument::Compact);
    post(kMessage, profile.messagesUrl(), body, "Bearer " + bearer.toUtf8(), "Bearer " + redactSecret(bearer).toUtf8(),
         [this](const Response& r) {
             if (reloginOn401(r, [this] { sendMessage(); }))
                 return;
             if (!isSuccess(r.status)) {
                 failApi(ApiErrorExplainer::explain(r.status, r.body, profile.family()));
                 return;
             }
             const QJsonObject answer = jsonObject(r.body);
             const QString id = firstOf(answer, QLatin1String("messages")).value(QLatin1String("id")).toString();
             const QString waId = firstOf(answer, QLatin1String("contacts")).value(QLatin1String("wa_id")).toString();
             if (!waId.isEmpty())
                 outcome.waId = waId;
             if (id.isEmpty()) {
                 ApiError error;
                 error.httpStatus = r.status;
                 error.rawBody = r.body;
                 error.message = QStringLiteral("No message ID in the answer");
                 error.explanation =
                     QStringLiteral("The API answered HTTP %1 but without a message ID (messages[0].id), so it is not "
                                    "known whether the message was accepted. Check that the base URL points at the "
                                    "%2 (or a compatible server), and look at the raw answer.")
                         .arg(r.status)
                         .arg(profile.family() == ApiFamily::OnPremises ? QStringLiteral("On-Premises API")
                                                                        : QStringLiteral("Cloud API"));
                 failApi(error);
                 return;
             }
             outcome.result = SendOutcome::Result::Accepted;
             outcome.messageId = id;
             finish();
         });
}

// --- one request ----------------------------------------------------------------------------------

void MessageSender::Private::post(const QString& step, const QUrl& url, const QByteArray& body,
                                  const QByteArray& authorization, const QByteArray& shownAuthorization, Next next)
{
    emit q->started(step);
    if (cancelled) { // cancel() from a slot of started()
        failTransport(TransportFailure::Cancelled,
                      QStringLiteral("Cancelled before the %1 request was sent").arg(step));
        return;
    }
    if (!network) {
        failTransport(TransportFailure::Other, QStringLiteral("The network access manager is gone"));
        return;
    }

    exchange = HttpExchange();
    exchange.step = step;
    exchange.method = "POST";
    exchange.url = url;
    exchange.requestHeaders = {{"Content-Type", "application/json"}, {"Authorization", shownAuthorization}};
    exchange.requestBody = scrub(body);
    tlsErrors.clear();
    timedOut = false;

    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", authorization);
    // A redirect is reported, not followed: following it would send the body and the credentials
    // somewhere the profile does not name.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // Read from OneShotBody itself, not from a copy Qt could rewind (see OneShotBody).
    request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    request.setHeader(QNetworkRequest::ContentLengthHeader, body.size());
    const bool acceptSelfSigned =
        profile.kind == ConnectionProfile::Kind::OnPremises && profile.acceptSelfSignedCertificate;
    if (acceptSelfSigned) {
        // Its own pool of connections (the peer verify name is part of Qt's connection key), so that
        // a connection accepted despite its certificate is never reused by a request that checks it.
        request.setPeerVerifyName(url.host());
    }

    exchangeClock.start();
    auto* upload = new OneShotBody(body);
    QNetworkReply* sent = network->post(request, upload);
    upload->setParent(sent);
    reply = sent;
#if QT_CONFIG(ssl)
    connect(sent, &QNetworkReply::sslErrors, q, [this, sent, acceptSelfSigned](const QList<QSslError>& errors) {
        QStringList texts;
        for (const QSslError& error : errors)
            texts.append(error.errorString());
        tlsErrors = texts;
        if (acceptSelfSigned) {
            qWarning("wa-composer: TLS certificate of %s accepted despite: %s (the profile accepts self-signed "
                     "certificates)",
                     qUtf8Printable(hostPort(sent->url())), qUtf8Printable(texts.join(QStringLiteral("; "))));
            sent->ignoreSslErrors();
        }
    });
#endif
    connect(sent, &QNetworkReply::finished, q, [this, sent, next] { replyFinished(sent, next); });
    timeout->start(profile.timeoutMs);
}

void MessageSender::Private::replyFinished(QNetworkReply* finishedReply, const Next& next)
{
    finishedReply->deleteLater();
    if (finishedReply != reply)
        return;
    reply = nullptr;
    timeout->stop();

    const QVariant statusAttribute = finishedReply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    const QByteArray raw = finishedReply->isOpen() ? finishedReply->readAll() : QByteArray();
    if (exchange.step == kLogin && isSuccess(status) && !timedOut && !cancelled) {
        // The token is taken from the raw answer, then scrubbed out of everything recorded.
        const QJsonObject user = firstOf(jsonObject(raw), QLatin1String("users"));
        token = user.value(QLatin1String("token")).toString();
        if (!token.isEmpty()) {
            addSecret(token);
            tokens.insert(tokenKey(), {token, parseExpiry(user.value(QLatin1String("expires_after")).toString())});
            lastTokenKey = tokenKey();
        }
    }
    exchange.elapsedMs = exchangeClock.elapsed();
    exchange.status = status;
    for (const auto& [name, value] : finishedReply->rawHeaderPairs())
        exchange.responseHeaders.append({name, scrub(value)});
    exchange.responseBody = scrub(raw);
    outcome.exchanges.append(exchange);

    const QUrl url = finishedReply->url();
    if (cancelled) {
        failTransport(TransportFailure::Cancelled,
                      QStringLiteral("Cancelled while waiting for %1 (%2)").arg(hostPort(url), exchange.step));
        return;
    }
    if (timedOut) {
        failTransport(TransportFailure::Timeout,
                      QStringLiteral("No answer from %1 within %2").arg(hostPort(url), seconds(profile.timeoutMs)));
        return;
    }
    if (status == 0) {
        const QNetworkReply::NetworkError error = finishedReply->error();
        const TransportFailure failure = transportFailureFor(error);
        const QString detail = failure == TransportFailure::TlsError && !tlsErrors.isEmpty()
                                   ? tlsErrors.join(QStringLiteral("; "))
                                   : finishedReply->errorString();
        QString text = transportMessageFor(error, url, detail);
        if (failure == TransportFailure::TlsError && profile.kind == ConnectionProfile::Kind::OnPremises)
            text += QStringLiteral(" If the gateway uses a self-signed certificate, turn on \u201cAccept self-signed "
                                   "certificate\u201d in the profile.");
        failTransport(failure, text);
        return;
    }
    next({status, exchange.responseBody});
}

// --- secrets --------------------------------------------------------------------------------------

void MessageSender::Private::addSecret(const QString& value)
{
    if (value.size() >= kMinScrubbedLength && !secrets.contains(value))
        secrets.append(value);
}

QByteArray MessageSender::Private::scrub(QByteArray bytes) const
{
    for (const QString& value : secrets) {
        const QByteArray shown = redactSecret(value).toUtf8();
        bytes.replace(value.toUtf8(), shown);
        const QByteArray escaped = jsonEscaped(value);
        if (escaped != value.toUtf8())
            bytes.replace(escaped, shown);
    }
    return bytes;
}

// --- the end of a send ----------------------------------------------------------------------------

void MessageSender::Private::failApi(ApiError error)
{
    if (error.explanation.isEmpty())
        error.explanation = ApiErrorExplainer::explainStatus(error.httpStatus, profile.family());
    if (error.httpStatus >= 300 && error.httpStatus < 400 && !outcome.exchanges.isEmpty()) {
        // Redirects are not followed (see post()): say where it pointed.
        QByteArray location;
        for (const auto& [name, value] : outcome.exchanges.last().responseHeaders) {
            if (name.compare("Location", Qt::CaseInsensitive) == 0)
                location = value;
        }
        if (!location.isEmpty())
            error.explanation += QStringLiteral(" It points to %1.").arg(quoted(QString::fromUtf8(location)));
    }
    outcome.result = SendOutcome::Result::ApiError;
    outcome.apiError = error;
    finish();
}

void MessageSender::Private::failTransport(TransportFailure failure, const QString& message)
{
    outcome.result = SendOutcome::Result::TransportError;
    outcome.transport = failure;
    outcome.transportMessage = message;
    finish();
}

void MessageSender::Private::finish()
{
    timeout->stop();
    outcome.elapsedMs = clock.elapsed();
    const SendOutcome done = std::exchange(outcome, SendOutcome());
    busy = false;
    reply = nullptr;
    secret.clear();
    token.clear();
    secrets.clear();
    message = Message();
    emit q->finished(done);
}

// --- the public side ------------------------------------------------------------------------------

MessageSender::MessageSender(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    d->network = network;
    connect(d->timeout, &QTimer::timeout, this, [this] {
        if (!d->reply)
            return;
        d->timedOut = true;
        d->reply->abort(); // finished() follows at once and reports the timeout
    });
}

MessageSender::~MessageSender()
{
    if (QNetworkReply* inFlight = d->reply) {
        disconnect(inFlight, nullptr, this, nullptr);
        inFlight->abort();
        inFlight->deleteLater();
    }
}

void MessageSender::send(const ConnectionProfile& profile, const QString& secret, const Message& message)
{
    QString problem;
    const QUrl url = profile.messagesUrl();
    const QStringList problems = profile.problems();
    QByteArray encoded;
    if (d->busy) {
        problem = QStringLiteral("A send is already in progress: wait for it to finish, or cancel it");
    } else if (!problems.isEmpty()) {
        problem = problems.join(QStringLiteral("; "));
    } else if (!url.isValid() || url.host().isEmpty()) {
        problem = profile.kind == ConnectionProfile::Kind::Sandbox
                      ? QStringLiteral("The sandbox is not running: the profile has no address to send to")
                      : QStringLiteral("The profile \u201c%1\u201d has no valid address to send to").arg(profile.name);
    } else if (secret.trimmed().isEmpty()) {
        problem = profile.kind == ConnectionProfile::Kind::OnPremises
                      ? QStringLiteral("The profile \u201c%1\u201d has no password for the user \u201c%2\u201d")
                            .arg(profile.name, profile.username)
                      : QStringLiteral("The profile \u201c%1\u201d has no access token").arg(profile.name);
    } else {
        encoded = MessageCodec::encode(message, profile.family(), QJsonDocument::Compact);
        const QJsonDocument document = QJsonDocument::fromJson(encoded);
        if (!document.isObject() || document.object().isEmpty())
            problem = QStringLiteral("The message is empty: there is nothing to send");
        else if (profile.kind == ConnectionProfile::Kind::OnPremises && profile.checkContactsFirst &&
                 message.to.value_or(QString()).trimmed().isEmpty())
            problem = QStringLiteral("The message has no recipient (\u201cto\u201d) to check with /v1/contacts");
    }
    if (!problem.isEmpty()) {
        SendOutcome outcome;
        outcome.result = SendOutcome::Result::InputError;
        outcome.inputMessage = problem;
        // Asynchronously, as every other outcome: a caller connects after send() returns.
        QTimer::singleShot(0, this, [this, outcome] { emit finished(outcome); });
        return;
    }

    d->busy = true;
    d->profile = profile;
    d->secret = secret;
    d->message = message;
    d->outcome = SendOutcome();
    d->outcome.result = SendOutcome::Result::TransportError;
    d->cancelled = false;
    d->timedOut = false;
    d->token.clear();
    d->tokenFromCache = false;
    d->reloggedIn = false;
    d->secrets.clear();
    d->clock.start();
    // Started from the event loop, like the input errors, so that started() and finished() never
    // come before send() has returned.
    QTimer::singleShot(0, this, [this] {
        if (d->busy)
            d->start();
    });
}

void MessageSender::cancel()
{
    if (!d->busy)
        return;
    d->cancelled = true;
    if (d->reply)
        d->reply->abort(); // finished() follows at once and reports the cancel
}

bool MessageSender::busy() const
{
    return d->busy;
}

QString MessageSender::cachedToken() const
{
    const auto cached = d->tokens.constFind(d->lastTokenKey);
    if (cached == d->tokens.constEnd())
        return {};
    if (cached->expires.isValid() && QDateTime::currentDateTimeUtc().addSecs(kTokenMarginSecs) >= cached->expires)
        return {};
    return cached->token;
}

void MessageSender::forgetToken()
{
    d->tokens.clear();
    d->lastTokenKey.clear();
}

TransportFailure MessageSender::transportFailureFor(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::NoError:
        return TransportFailure::None;
    case QNetworkReply::ConnectionRefusedError:
        return TransportFailure::ConnectionRefused;
    case QNetworkReply::HostNotFoundError:
        return TransportFailure::HostNotFound;
    case QNetworkReply::TimeoutError:
        return TransportFailure::Timeout;
    case QNetworkReply::OperationCanceledError:
        return TransportFailure::Cancelled;
    case QNetworkReply::SslHandshakeFailedError:
        return TransportFailure::TlsError;
    default:
        return TransportFailure::Other;
    }
}

QString MessageSender::transportMessageFor(QNetworkReply::NetworkError error, const QUrl& url, const QString& detail)
{
    const QString where = hostPort(url);
    switch (error) {
    case QNetworkReply::NoError:
        return {};
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("Connection refused by %1 \u2014 is the server running?").arg(where);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("Host %1 not found (the DNS lookup failed) \u2014 check the base URL and the network")
            .arg(quoted(url.host()));
    case QNetworkReply::TimeoutError:
        return QStringLiteral("No answer from %1 in time (the connection timed out)").arg(where);
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("Cancelled while waiting for %1").arg(where);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS with %1 failed: %2.")
            .arg(where, detail.isEmpty() ? QStringLiteral("handshake error") : detail);
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection without answering").arg(where);
    case QNetworkReply::ContentReSendError: // Qt wanted to send it again after such a close
        return QStringLiteral("%1 closed the connection without answering (the request is not sent twice: it may "
                              "have been received)")
            .arg(where);
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
        return QStringLiteral("The proxy failed on the way to %1: %2").arg(where, detail);
    default:
        return QStringLiteral("Network error talking to %1: %2").arg(where, detail);
    }
}

} // namespace wa
