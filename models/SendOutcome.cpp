#include "SendOutcome.h"

#include <QJsonObject>
#include <QStringDecoder>

namespace wa {

QString SendOutcome::summary() const
{
    switch (result) {
    case Result::Accepted:
        return messageId.isEmpty() ? QStringLiteral("Accepted") : QStringLiteral("Accepted: %1").arg(messageId);
    case Result::ApiError: {
        QString text = apiError.code != 0 ? QStringLiteral("Error %1").arg(apiError.code)
                                          : QStringLiteral("HTTP %1").arg(apiError.httpStatus);
        const QString what = !apiError.message.isEmpty() ? apiError.message : apiError.title;
        if (!what.isEmpty())
            text += QStringLiteral(": ") + what;
        return text;
    }
    case Result::TransportError:
        return QStringLiteral("Not sent (%1): %2").arg(transportFailureName(transport), transportMessage);
    case Result::InputError:
        return QStringLiteral("Not sent: %1").arg(inputMessage);
    }
    return {};
}

QString transportFailureName(TransportFailure failure)
{
    switch (failure) {
    case TransportFailure::None:
        return QStringLiteral("none");
    case TransportFailure::HostNotFound:
        return QStringLiteral("host not found");
    case TransportFailure::ConnectionRefused:
        return QStringLiteral("connection refused");
    case TransportFailure::TlsError:
        return QStringLiteral("TLS error");
    case TransportFailure::Timeout:
        return QStringLiteral("timeout");
    case TransportFailure::Cancelled:
        return QStringLiteral("cancelled");
    case TransportFailure::Other:
        return QStringLiteral("network error");
    }
    return {};
}

namespace {
constexpr SendOutcome::Result kResults[] = {SendOutcome::Result::Accepted, SendOutcome::Result::ApiError,
                                            SendOutcome::Result::TransportError, SendOutcome::Result::InputError};

QJsonArray headersToJson(const HttpExchange::HeaderList& headers)
{
    QJsonArray array;
    for (const auto& [name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromUtf8(value)});
    return array;
}

HttpExchange::HeaderList headersFromJson(const QJsonArray& array)
{
    HttpExchange::HeaderList headers;
    for (const auto& pair : array) {
        const QJsonArray nameValue = pair.toArray();
        headers.append({nameValue.at(0).toString().toLatin1(), nameValue.at(1).toString().toUtf8()});
    }
    return headers;
}

void putBody(QJsonObject& object, const QString& key, const QByteArray& body)
{
    auto decoder = QStringDecoder(QStringDecoder::Utf8);
    const QString text = decoder(body);
    if (decoder.hasError())
        object.insert(key + QStringLiteral("_base64"), QString::fromLatin1(body.toBase64()));
    else
        object.insert(key, text);
}

QByteArray takeBody(const QJsonObject& object, const QString& key)
{
    if (object.contains(key + QStringLiteral("_base64")))
        return QByteArray::fromBase64(object.value(key + QStringLiteral("_base64")).toString().toLatin1());
    return object.value(key).toString().toUtf8();
}
} // namespace

QString sendResultName(SendOutcome::Result result)
{
    switch (result) {
    case SendOutcome::Result::Accepted:
        return QStringLiteral("accepted");
    case SendOutcome::Result::ApiError:
        return QStringLiteral("api_error");
    case SendOutcome::Result::TransportError:
        return QStringLiteral("transport_error");
    case SendOutcome::Result::InputError:
        return QStringLiteral("input_error");
    }
    return {};
}

bool sendResultFromName(QStringView name, SendOutcome::Result* result)
{
    for (auto candidate : kResults) {
        if (name == sendResultName(candidate)) {
            *result = candidate;
            return true;
        }
    }
    return false;
}

QJsonArray exchangesToJson(const QList<HttpExchange>& exchanges)
{
    QJsonArray array;
    for (const HttpExchange& exchange : exchanges) {
        QJsonObject object{
            {QStringLiteral("step"), exchange.step},
            {QStringLiteral("method"), QString::fromLatin1(exchange.method)},
            {QStringLiteral("url"), exchange.url.toString()},
            {QStringLiteral("request_headers"), headersToJson(exchange.requestHeaders)},
            {QStringLiteral("status"), exchange.status},
            {QStringLiteral("response_headers"), headersToJson(exchange.responseHeaders)},
            {QStringLiteral("elapsed_ms"), exchange.elapsedMs},
        };
        putBody(object, QStringLiteral("request_body"), exchange.requestBody);
        putBody(object, QStringLiteral("response_body"), exchange.responseBody);
        array.append(object);
    }
    return array;
}

QList<HttpExchange> exchangesFromJson(const QJsonArray& array)
{
    QList<HttpExchange> exchanges;
    for (const auto& value : array) {
        const QJsonObject object = value.toObject();
        HttpExchange exchange;
        exchange.step = object.value(QStringLiteral("step")).toString();
        exchange.method = object.value(QStringLiteral("method")).toString().toLatin1();
        exchange.url = QUrl(object.value(QStringLiteral("url")).toString());
        exchange.requestHeaders = headersFromJson(object.value(QStringLiteral("request_headers")).toArray());
        exchange.requestBody = takeBody(object, QStringLiteral("request_body"));
        exchange.status = object.value(QStringLiteral("status")).toInt();
        exchange.responseHeaders = headersFromJson(object.value(QStringLiteral("response_headers")).toArray());
        exchange.responseBody = takeBody(object, QStringLiteral("response_body"));
        exchange.elapsedMs = object.value(QStringLiteral("elapsed_ms")).toInteger();
        exchanges.append(exchange);
    }
    return exchanges;
}

} // namespace wa
