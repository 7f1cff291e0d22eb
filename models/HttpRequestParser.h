#pragma once

#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace wa {

// One HTTP/1.x request as it came off the wire.
struct HttpRequest
{
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    QByteArray method; // "GET", "POST"
    QByteArray target; // the raw request target, "/webhook?hub.mode=subscribe&…"
    int versionMajor = 1;
    int versionMinor = 1;
    HeaderList headers;    // in the order sent, names as sent, values without surrounding whitespace
    HeaderList trailers;   // the trailer section of a chunked body, same form
    QByteArray body;       // the raw bytes (de-chunked) exactly as sent: signatures are checked over them
    bool keepAlive = true; // false when the connection is to be closed after the answer

    // The target as a URL: path() and QUrlQuery(url()) give it decoded.
    QUrl url() const;
    // The first header of that name, compared case-insensitively; null when there is none.
    QByteArray header(QByteArrayView name) const;
};

// HTTP/1.1 request parsing for the embedded servers, done by libhttp-parser and fed plain bytes so
// that it can be tested without sockets. Limits are checked as the bytes arrive, never after
// buffering them: an over-long header section or body is refused as soon as it is known to be over.
//
//     auto status = parser.feed(socket->readAll());
//     while (status == HttpRequestParser::Status::Complete) {
//         answer(parser.takeRequest()); // check keepAlive
//         status = parser.feed({});     // a pipelined next request may already be buffered
//     }
//     if (status == HttpRequestParser::Status::Error) {
//         socket->write(parser.errorResponse()); // then close: the stream cannot be resynchronised
//     }
//
// After an error the parser stays in error until reset(). A request after one whose keepAlive is
// false is an error (400): the client said it was done.
class HttpRequestParser
{
public:
    // The body, de-chunked: a larger Content-Length or chunk is answered with 413.
    static constexpr qsizetype kMaxBodyBytes = 4 * 1024 * 1024;
    // The request line and the header fields, counted byte for byte as sent (with the trailer
    // section of a chunked body): 431 beyond, or 414 when the request line alone is over.
    static constexpr qsizetype kMaxHeaderBytes = 16 * 1024;
    // One chunk-size line with its extensions: 400 beyond.
    static constexpr qsizetype kMaxChunkLineBytes = 1024;

    enum class Status { NeedMore, Complete, Error };

    HttpRequestParser();
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser&) = delete;
    HttpRequestParser& operator=(const HttpRequestParser&) = delete;
    HttpRequestParser(HttpRequestParser&&) noexcept;
    HttpRequestParser& operator=(HttpRequestParser&&) noexcept;

    // Parses bytes until one request is complete or the bytes run out. Bytes after a complete
    // request (pipelining) stay buffered: takeRequest(), then feed({}) to go on with them. While a
    // complete request waits to be taken, further bytes are only buffered.
    Status feed(QByteArrayView bytes);
    Status status() const;
    // The complete request; the parser then goes on with the next one.
    HttpRequest takeRequest();
    // True once per request whose client waits for "100 Continue" before sending the body; the
    // server writes continueResponse() then.
    bool takeExpectContinue();
    // Some bytes of a next request have arrived (for an idle timeout: 408 or silently close).
    bool hasPartialRequest() const;
    // The bytes received after a complete request and not parsed yet (pipelining): the server stops
    // reading from a client whose backlog grows past its cap while an answer is pending.
    qsizetype bufferedBytes() const;

    int errorStatus() const;          // 400, 413, 414, 431 or 505; 0 without an error
    QString errorMessage() const;     // names what is wrong and where
    QByteArray errorResponse() const; // response(errorStatus(), errorMessage(), …, keepAlive = false)

    // Forgets everything, buffered bytes included, as on a new connection.
    void reset();

    // A complete response with the status line, Content-Length and Connection. No Content-Length
    // and no body for 1xx, 204 and 304; no Content-Type when the body is empty.
    static QByteArray response(int status, const QByteArray& body,
                               const QByteArray& contentType = "text/plain; charset=utf-8", bool keepAlive = true);
    static QByteArray continueResponse();
    // "Not Found" for 404; "Unknown" for codes the parser library does not name.
    static QByteArray reasonPhrase(int status);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace wa
