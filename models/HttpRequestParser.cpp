#include "HttpRequestParser.h"

#include <climits>
#include <utility>

#include <http_parser.h>

namespace wa {

namespace {

QString mebibytes(qsizetype bytes)
{
    return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
}

QString kibibytes(qsizetype bytes)
{
    return QStringLiteral("%1 KiB").arg(bytes / 1024);
}

// RFC 9110 5.6.2: tchar. Debian builds the library without HTTP_PARSER_STRICT, and then it lets
// spaces into header names, which RFC 9112 5.1 says a server must refuse.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

} // namespace

QUrl HttpRequest::url() const
{
    return QUrl::fromEncoded(target);
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto& [field, value] : headers) {
        if (QByteArrayView(field).compare(name, Qt::CaseInsensitive) == 0)
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

// The parser runs in phases; the raw bytes of the phases that are not body data are counted so
// that none can grow without bound. The library is paused at every change of phase (and at the end
// of a message), so that each call of http_parser_execute() covers one phase only and the bytes it
// consumed can be put to that phase's account. In a counted phase, the library is never given more
// than one byte past the limit, so that a limit is passed by one byte at the most.
struct HttpRequestParser::Private
{
    enum class Phase { Head, Body, ChunkLine, Trailers };
    enum class Last { None, Field, Value };

    http_parser parser;
    Status status = Status::NeedMore;
    HttpRequest current;
    HttpRequest complete;
    QByteArray pending; // bytes after a complete request, from pendingFrom on
    qsizetype pendingFrom = 0;
    Phase phase = Phase::Head;
    Last last = Last::None;
    qsizetype headerBytes = 0;    // the head (from the end of the previous request) and the trailers
    qsizetype chunkLineBytes = 0; // the current chunk-size line
    qsizetype messageBytes = 0;   // every byte of this request so far, for the error positions
    bool inRequestLine = true;
    bool expectContinue = false;
    bool closed = false;              // the last request closes the connection: no other may follow
    const char* sliceStart = nullptr; // the bytes given to the library, for error positions
    int errorStatus = 0;
    QString errorMessage;

    Private()
    {
        http_parser_init(&parser, HTTP_REQUEST);
        parser.data = this;
    }
    Private(const Private&) = delete;
    Private& operator=(const Private&) = delete;

    qsizetype parse(const char* data, qsizetype size);
    void count(Phase before, qsizetype consumed);
    void fail(int status, const QString& message);
    HttpRequest::HeaderList& fields() { return phase == Phase::Trailers ? current.trailers : current.headers; }

    static const http_parser_settings& settings();
    static Private* self(http_parser* parser) { return static_cast<Private*>(parser->data); }
    static int onMessageBegin(http_parser* parser);
    static int onUrl(http_parser* parser, const char* at, size_t length);
    static int onHeaderField(http_parser* parser, const char* at, size_t length);
    static int onHeaderValue(http_parser* parser, const char* at, size_t length);
    static int onHeadersComplete(http_parser* parser);
    static int onBody(http_parser* parser, const char* at, size_t length);
    static int onChunkHeader(http_parser* parser);
    static int onChunkComplete(http_parser* parser);
    static int onMessageComplete(http_parser* parser);
};

const http_parser_settings& HttpRequestParser::Private::settings()
{
    static const http_parser_settings settings = [] {
        http_parser_settings s;
        http_parser_settings_init(&s);
        s.on_message_begin = &Private::onMessageBegin;
        s.on_url = &Private::onUrl;
        s.on_header_field = &Private::onHeaderField;
        s.on_header_value = &Private::onHeaderValue;
        s.on_headers_complete = &Private::onHeadersComplete;
        s.on_body = &Private::onBody;
        s.on_chunk_header = &Private::onChunkHeader;
        s.on_chunk_complete = &Private::onChunkComplete;
        s.on_message_complete = &Private::onMessageComplete;
        return s;
    }();
    return settings;
}

qsizetype HttpRequestParser::Private::parse(const char* data, qsizetype size)
{
    qsizetype offset = 0;
    while (offset < size && status == Status::NeedMore) {
        qsizetype slice = size - offset;
        if (phase == Phase::Head || phase == Phase::Trailers)
            slice = qMin(slice, kMaxHeaderBytes - headerBytes + 1);
        else if (phase == Phase::ChunkLine)
            slice = qMin(slice, kMaxChunkLineBytes - chunkLineBytes + 1);

        const Phase before = phase;
        sliceStart = data + offset;
        const auto consumed = qsizetype(http_parser_execute(&parser, &settings(), data + offset, size_t(slice)));
        offset += consumed;
        messageBytes += consumed;
        const auto error = HTTP_PARSER_ERRNO(&parser);
        if (error == HPE_PAUSED) {
            http_parser_pause(&parser, 0);
        } else if (error != HPE_OK) {
            // Our own callbacks say why before they stop the library; anything else is the library's.
            if (errorStatus == 0) {
                fail(error == HPE_HEADER_OVERFLOW ? 431 : 400,
                     QStringLiteral("malformed request at byte %1: %2 (%3)")
                         .arg(messageBytes)
                         .arg(QLatin1String(http_errno_description(error)), QLatin1String(http_errno_name(error))));
            }
            status = Status::Error;
            break;
        }
        count(before, consumed);
        if (status == Status::Complete) {
            headerBytes = 0;
            chunkLineBytes = 0;
            messageBytes = 0;
        }
    }
    return offset;
}

void HttpRequestParser::Private::count(Phase before, qsizetype consumed)
{
    switch (before) {
    case Phase::Head:
    case Phase::Trailers:
        headerBytes += consumed;
        if (headerBytes > kMaxHeaderBytes) {
            if (before == Phase::Head && inRequestLine)
                fail(414, QStringLiteral("request line longer than the %1 limit").arg(kibibytes(kMaxHeaderBytes)));
            else if (before == Phase::Head)
                fail(431, QStringLiteral("header section longer than the %1 limit").arg(kibibytes(kMaxHeaderBytes)));
            else
                fail(431, QStringLiteral("header section and trailers longer than the %1 limit")
                              .arg(kibibytes(kMaxHeaderBytes)));
        }
        break;
    case Phase::ChunkLine:
        chunkLineBytes += consumed;
        if (chunkLineBytes > kMaxChunkLineBytes)
            fail(400, QStringLiteral("chunk-size line longer than the %1-byte limit").arg(kMaxChunkLineBytes));
        break;
    case Phase::Body:
        break;
    }
}

void HttpRequestParser::Private::fail(int status, const QString& message)
{
    this->status = Status::Error;
    errorStatus = status;
    errorMessage = message;
}

int HttpRequestParser::Private::onMessageBegin(http_parser* parser)
{
    Private* d = self(parser);
    if (d->closed) {
        // The library would take it (only its strict build refuses), but the client said it was done.
        d->fail(400, QStringLiteral("request after one that closes the connection (HTTP/1.0 or Connection: close)"));
        return 1;
    }
    d->current = HttpRequest();
    d->phase = Phase::Head;
    d->last = Last::None;
    d->inRequestLine = true;
    return 0;
}

int HttpRequestParser::Private::onUrl(http_parser* parser, const char* at, size_t length)
{
    self(parser)->current.target.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParser::Private::onHeaderField(http_parser* parser, const char* at, size_t length)
{
    Private* d = self(parser);
    d->inRequestLine = false;
    for (size_t i = 0; i < length; ++i) {
        if (!isTokenChar(at[i])) {
            d->fail(400, QStringLiteral("malformed request at byte %1: invalid character 0x%2 in a header name")
                             .arg(d->messageBytes + (at + i - d->sliceStart))
                             .arg(uchar(at[i]), 2, 16, QLatin1Char('0')));
            return 1;
        }
    }
    // A field may come in pieces when the bytes were split inside it.
    if (d->last == Last::Field)
        d->fields().last().first.append(at, qsizetype(length));
    else
        d->fields().append({QByteArray(at, qsizetype(length)), QByteArray()});
    d->last = Last::Field;
    return 0;
}

int HttpRequestParser::Private::onHeaderValue(http_parser* parser, const char* at, size_t length)
{
    Private* d = self(parser);
    if (d->fields().isEmpty())
        return 1; // cannot happen: the library gives a field first
    d->fields().last().second.append(at, qsizetype(length));
    d->last = Last::Value;
    return 0;
}

int HttpRequestParser::Private::onHeadersComplete(http_parser* parser)
{
    Private* d = self(parser);
    HttpRequest& request = d->current;
    request.method = http_method_str(static_cast<http_method>(parser->method));
    request.versionMajor = parser->http_major;
    request.versionMinor = parser->http_minor;
    request.keepAlive = http_should_keep_alive(parser) != 0;
    for (auto& field : request.headers)
        field.second = field.second.trimmed();

    if (parser->http_major != 1) {
        d->fail(505, QStringLiteral("HTTP/%1.%2 is not supported, only HTTP/1.0 and HTTP/1.1")
                         .arg(parser->http_major)
                         .arg(parser->http_minor));
        return -1; // 1 and 2 mean "no body" here
    }
    const bool chunked = (parser->flags & F_CHUNKED) != 0;
    const bool hasLength = (parser->flags & F_CONTENTLENGTH) != 0;
    if (!chunked && hasLength && parser->content_length > quint64(kMaxBodyBytes)) {
        d->fail(413, QStringLiteral("body of %1 bytes (Content-Length) is over the %2 limit")
                         .arg(parser->content_length)
                         .arg(mebibytes(kMaxBodyBytes)));
        return -1;
    }
    const bool hasBody = chunked || (hasLength && parser->content_length > 0);
    d->expectContinue = hasBody && (request.versionMinor >= 1) &&
                        QByteArrayView(request.header("Expect")).compare("100-continue", Qt::CaseInsensitive) == 0;

    // The library stops before the last LF of the head and consumes it in the next phase.
    d->headerBytes += 1;
    d->phase = chunked ? Phase::ChunkLine : Phase::Body;
    d->chunkLineBytes = -1;
    http_parser_pause(parser, 1);
    return 0;
}

int HttpRequestParser::Private::onBody(http_parser* parser, const char* at, size_t length)
{
    Private* d = self(parser);
    // The limit was checked against Content-Length or the chunk size already; this is a safety net.
    if (length > size_t(kMaxBodyBytes - d->current.body.size())) {
        d->fail(413, QStringLiteral("body is over the %1 limit").arg(mebibytes(kMaxBodyBytes)));
        return 1;
    }
    d->current.body.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParser::Private::onChunkHeader(http_parser* parser)
{
    Private* d = self(parser);
    // The library has the size of the chunk to come in content_length.
    const quint64 chunk = parser->content_length;
    const qsizetype sofar = d->current.body.size();
    if (chunk > quint64(kMaxBodyBytes - sofar)) {
        d->fail(413, QStringLiteral("chunked body of at least %1 bytes is over the %2 limit")
                         .arg(quint64(sofar) + chunk)
                         .arg(mebibytes(kMaxBodyBytes)));
        return 1;
    }
    if (chunk == 0) {
        d->phase = Phase::Trailers;
        d->last = Last::None;
    } else {
        d->phase = Phase::Body;
    }
    http_parser_pause(parser, 1);
    return 0;
}

int HttpRequestParser::Private::onChunkComplete(http_parser* parser)
{
    Private* d = self(parser);
    if (d->phase != Phase::Trailers) {
        d->phase = Phase::ChunkLine;
        d->chunkLineBytes = 0;
    }
    http_parser_pause(parser, 1);
    return 0;
}

int HttpRequestParser::Private::onMessageComplete(http_parser* parser)
{
    Private* d = self(parser);
    for (auto& field : d->current.trailers)
        field.second = field.second.trimmed();
    d->closed = !d->current.keepAlive;
    d->complete = std::exchange(d->current, HttpRequest());
    d->status = Status::Complete;
    d->phase = Phase::Head;
    d->last = Last::None;
    d->inRequestLine = true;
    d->expectContinue = false;
    http_parser_pause(parser, 1);
    return 0;
}

HttpRequestParser::HttpRequestParser()
    : d(std::make_unique<Private>())
{
}

HttpRequestParser::~HttpRequestParser() = default;
HttpRequestParser::HttpRequestParser(HttpRequestParser&&) noexcept = default;
HttpRequestParser& HttpRequestParser::operator=(HttpRequestParser&&) noexcept = default;

HttpRequestParser::Status HttpRequestParser::feed(QByteArrayView bytes)
{
    switch (d->status) {
    case Status::Error:
        return Status::Error;
    case Status::Complete:
        if (d->pendingFrom > 0 && !bytes.isEmpty()) {
            // What was parsed already goes first, so that the buffer holds only bytes yet to parse.
            d->pending.remove(0, d->pendingFrom);
            d->pendingFrom = 0;
        }
        d->pending.append(bytes.data(), bytes.size());
        return Status::Complete;
    case Status::NeedMore:
        break;
    }

    if (d->pendingFrom == d->pending.size()) {
        // Nothing buffered: parse the bytes where they are and keep only what a complete request left.
        const qsizetype used = d->parse(bytes.data(), bytes.size());
        d->pending.clear();
        d->pendingFrom = 0;
        if (d->status == Status::Complete && used < bytes.size())
            d->pending = bytes.sliced(used).toByteArray();
    } else {
        if (!bytes.isEmpty()) {
            d->pending.remove(0, d->pendingFrom);
            d->pendingFrom = 0;
            d->pending.append(bytes.data(), bytes.size());
        }
        d->pendingFrom += d->parse(d->pending.constData() + d->pendingFrom, d->pending.size() - d->pendingFrom);
        if (d->pendingFrom == d->pending.size()) {
            d->pending.clear();
            d->pendingFrom = 0;
        }
    }
    if (d->status == Status::Error) {
        d->pending.clear();
        d->pendingFrom = 0;
    }
    return d->status;
}

HttpRequestParser::Status HttpRequestParser::status() const
{
    return d->status;
}

HttpRequest HttpRequestParser::takeRequest()
{
    if (d->status != Status::Complete)
        return {};
    d->status = Status::NeedMore;
    return std::exchange(d->complete, HttpRequest());
}

bool HttpRequestParser::takeExpectContinue()
{
    return std::exchange(d->expectContinue, false);
}

bool HttpRequestParser::hasPartialRequest() const
{
    return d->messageBytes > 0 || d->pendingFrom < d->pending.size();
}

qsizetype HttpRequestParser::bufferedBytes() const
{
    return d->pending.size() - d->pendingFrom;
}

int HttpRequestParser::errorStatus() const
{
    return d->errorStatus;
}

QString HttpRequestParser::errorMessage() const
{
    return d->errorMessage;
}

QByteArray HttpRequestParser::errorResponse() const
{
    if (d->errorStatus == 0)
        return {};
    return response(d->errorStatus, d->errorMessage.toUtf8() + '\n', "text/plain; charset=utf-8", false);
}

void HttpRequestParser::reset()
{
    d = std::make_unique<Private>();
}

QByteArray HttpRequestParser::reasonPhrase(int status)
{
    if (status < 100 || status > 511) // the range of the library's http_status
        return "Unknown";
    const QByteArray phrase = http_status_str(static_cast<http_status>(status));
    return phrase.startsWith('<') ? QByteArray("Unknown") : phrase; // "<unknown>"
}

QByteArray HttpRequestParser::response(int status, const QByteArray& body, const QByteArray& contentType,
                                       bool keepAlive)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (status < 200)
        return out + "\r\n"; // 1xx: the status line alone
    // RFC 9110 8.6: no Content-Length (and no content) in a 204; a 304 has no content either.
    const bool hasContent = status != 204 && status != 304;
    if (hasContent) {
        if (!body.isEmpty() && !contentType.isEmpty())
            out += "Content-Type: " + contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (hasContent)
        out += body;
    return out;
}

QByteArray HttpRequestParser::continueResponse()
{
    return response(100, {});
}

} // namespace wa
