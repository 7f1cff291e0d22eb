#include <QTest>
#include <QUrlQuery>

#include "HttpRequestParser.h"

using wa::HttpRequest;
using wa::HttpRequestParser;
using Status = HttpRequestParser::Status;

namespace {

constexpr qsizetype kMiB = 1024 * 1024;

// Everything the parser made of a request, a line a part, so that QCOMPARE shows what differs.
QByteArray dump(const HttpRequest& request)
{
    QByteArray out = request.method + ' ' + request.target + " HTTP/" + QByteArray::number(request.versionMajor) + '.' +
                     QByteArray::number(request.versionMinor) + (request.keepAlive ? " keep-alive\n" : " close\n");
    for (const auto& [name, value] : request.headers)
        out += "header " + name + ": " + value + '\n';
    for (const auto& [name, value] : request.trailers)
        out += "trailer " + name + ": " + value + '\n';
    out += "body " + QByteArray::number(request.body.size()) + ' ' + request.body.toHex() + '\n';
    return out;
}

struct Outcome
{
    QList<QByteArray> requests; // dumped
    Status status = Status::NeedMore;
    int errorStatus = 0;
};

// Feeds the pieces in order, taking every request as it completes.
Outcome parsePieces(const QList<QByteArray>& pieces)
{
    HttpRequestParser parser;
    Outcome outcome;
    for (const QByteArray& piece : pieces) {
        outcome.status = parser.feed(piece);
        while (outcome.status == Status::Complete) {
            outcome.requests << dump(parser.takeRequest());
            outcome.status = parser.feed({});
        }
    }
    outcome.errorStatus = parser.errorStatus();
    return outcome;
}

QList<QByteArray> bytewise(const QByteArray& wire)
{
    QList<QByteArray> pieces;
    for (char byte : wire)
        pieces << QByteArray(1, byte);
    return pieces;
}

// A request head of exactly `size` bytes: one header, or many short ones, padded to the size.
QByteArray headOfSize(qsizetype size, bool manyHeaders, const QByteArray& extra = {})
{
    QByteArray head = "GET /webhook HTTP/1.1\r\nHost: localhost\r\n" + extra;
    if (manyHeaders) {
        for (int i = 0; head.size() + 40 < size; ++i)
            head += "X-Header-" + QByteArray::number(i) + ": v\r\n";
    }
    const qsizetype padding = size - head.size() - qsizetype(sizeof("X-Pad: \r\n\r\n") - 1);
    return head + "X-Pad: " + QByteArray(padding, 'p') + "\r\n\r\n";
}

QByteArray chunked(const QList<QByteArray>& chunks, const QByteArray& trailers = {})
{
    QByteArray out = "POST /webhook HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const QByteArray& chunk : chunks)
        out += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    return out + "0\r\n" + trailers + "\r\n";
}

QByteArray withLength(const QByteArray& body)
{
    return "POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\n\r\n" + body;
}

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes += char(i);
    return bytes;
}

} // namespace

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private slots:
    void getWithQuery_data();
    void getWithQuery();
    void postWithContentLength_data();
    void postWithContentLength();
    void chunkedBody_data();
    void chunkedBody();
    void pipelined();
    void wholeVersusSplit_data();
    void wholeVersusSplit();
    void keepAlive_data();
    void keepAlive();
    void dataAfterConnectionClose();
    void headerLookup_data();
    void headerLookup();
    void bodyBytesIntact_data();
    void bodyBytesIntact();
    void contentLengthLimit_data();
    void contentLengthLimit();
    void chunkedLimit_data();
    void chunkedLimit();
    void headerLimit_data();
    void headerLimit();
    void headerTrickleCutOff_data();
    void headerTrickleCutOff();
    void chunkLineLimit_data();
    void chunkLineLimit();
    void malformed_data();
    void malformed();
    void errorIsSticky();
    void resetAfterError_data();
    void resetAfterError();
    void expectContinue_data();
    void expectContinue();
    void partialRequest();
    void bufferedBytes();
    void response_data();
    void response();
};

void TestHttpRequestParser::getWithQuery_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");

    QTest::newRow("webhook verification")
        << QByteArray("GET /webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=s%C3%A9cret%20t "
                      "HTTP/1.1\r\nHost: localhost:8080\r\n\r\n")
        << QByteArray("GET")
        << QByteArray("/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=s%C3%A9cret%20t")
        << QStringLiteral("/webhook") << QStringLiteral("hub.verify_token") << QStringLiteral("sécret t");
    QTest::newRow("challenge") << QByteArray("GET /webhook?hub.challenge=42 HTTP/1.1\r\n\r\n") << QByteArray("GET")
                               << QByteArray("/webhook?hub.challenge=42") << QStringLiteral("/webhook")
                               << QStringLiteral("hub.challenge") << QStringLiteral("42");
    QTest::newRow("encoded path") << QByteArray("GET /media/%E9%A0%90%E7%B4%84.png?v=1 HTTP/1.1\r\n\r\n")
                                  << QByteArray("GET") << QByteArray("/media/%E9%A0%90%E7%B4%84.png?v=1")
                                  << QStringLiteral("/media/預約.png") << QStringLiteral("v") << QStringLiteral("1");
    QTest::newRow("absolute form") << QByteArray("GET http://localhost:8080/v1/messages?x=y HTTP/1.1\r\n\r\n")
                                   << QByteArray("GET") << QByteArray("http://localhost:8080/v1/messages?x=y")
                                   << QStringLiteral("/v1/messages") << QStringLiteral("x") << QStringLiteral("y");
    QTest::newRow("DELETE without query")
        << QByteArray("DELETE /v1/media/123 HTTP/1.1\r\n\r\n") << QByteArray("DELETE") << QByteArray("/v1/media/123")
        << QStringLiteral("/v1/media/123") << QStringLiteral("missing") << QString();
}

void TestHttpRequestParser::getWithQuery()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QString, path);
    QFETCH(QString, key);
    QFETCH(QString, value);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(wire), Status::Complete);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.method, method);
    QCOMPARE(request.target, target);
    QCOMPARE(request.url().path(), path);
    QCOMPARE(QUrlQuery(request.url()).queryItemValue(key, QUrl::FullyDecoded), value);
    QCOMPARE(request.versionMajor, 1);
    QCOMPARE(request.versionMinor, 1);
    QVERIFY(request.body.isEmpty());
    QCOMPARE(parser.status(), Status::NeedMore);
}

void TestHttpRequestParser::postWithContentLength_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("json") << QByteArray(
                                 "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                 "application/json\r\nContent-Length: 26\r\n\r\n{\"to\":\"123\",\"type\":\"text\"}")
                          << QByteArray("{\"to\":\"123\",\"type\":\"text\"}");
    QTest::newRow("empty body") << QByteArray("POST /v1/messages HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                                << QByteArray("");
    QTest::newRow("body with CRLFs") << QByteArray("PUT /x HTTP/1.1\r\nContent-Length: 8\r\n\r\na\r\n\r\nb\r\n")
                                     << QByteArray("a\r\n\r\nb\r\n");
    QTest::newRow("lower-case header name")
        << QByteArray("POST /x HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc") << QByteArray("abc");
}

void TestHttpRequestParser::postWithContentLength()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArray, body);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(wire), Status::Complete);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.body, body);
    QCOMPARE(request.header("Content-Length"), QByteArray::number(body.size()));
    QVERIFY(request.method == "POST" || request.method == "PUT");
    // Not one byte more: the parser waits for the next request.
    QCOMPARE(parser.feed({}), Status::NeedMore);
    QVERIFY(!parser.hasPartialRequest());
}

void TestHttpRequestParser::chunkedBody_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("trailers"); // "name=value;" each

    const QByteArray head = "POST /webhook HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("two chunks") << head + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                                << QByteArray("hello world") << QByteArray();
    QTest::newRow("chunk extensions") << head + "5;name=value\r\nhello\r\n6 ; a=\"b c\"\r\n world\r\n0;last\r\n\r\n"
                                      << QByteArray("hello world") << QByteArray();
    QTest::newRow("upper- and lower-case hex") << head + "A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n"
                                               << QByteArray("0123456789abcdefghijk") << QByteArray();
    QTest::newRow("trailers") << head + "3\r\n{}\n\r\n0\r\nX-Hub-Signature-256: sha256=ab12\r\nX-Other:  1 \r\n\r\n"
                              << QByteArray("{}\n") << QByteArray("X-Hub-Signature-256=sha256=ab12;X-Other=1;");
    QTest::newRow("extension and trailer") << head + "2;x=1\r\nok\r\n0;y=2\r\nT: v\r\n\r\n"
                                           << QByteArray("ok") << QByteArray("T=v;");
    QTest::newRow("empty body") << head + "0\r\n\r\n" << QByteArray("") << QByteArray();
    QTest::newRow("CRLF inside data") << head + "4\r\n\r\n\r\n\r\n0\r\n\r\n" << QByteArray("\r\n\r\n") << QByteArray();
}

void TestHttpRequestParser::chunkedBody()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, trailers);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(wire), Status::Complete);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.body, body);
    QByteArray seen;
    for (const auto& [name, value] : request.trailers)
        seen += name + '=' + value + ';';
    QCOMPARE(seen, trailers);
    // Trailers are not headers.
    QCOMPARE(request.headers.size(), 2);
    QCOMPARE(request.header("Transfer-Encoding"), QByteArray("chunked"));
    QCOMPARE(parser.feed({}), Status::NeedMore);
}

void TestHttpRequestParser::pipelined()
{
    const QByteArray first = "GET /webhook?hub.challenge=1 HTTP/1.1\r\nHost: localhost\r\n\r\n";
    const QByteArray second = withLength("{\"entry\":[]}");
    const QByteArray third = chunked({"ab", "cd"}, "T: 1\r\n");

    HttpRequestParser parser;
    QCOMPARE(parser.feed(first + second + third), Status::Complete);
    // While a request waits to be taken, more bytes are only buffered.
    QCOMPARE(parser.feed("GET /fourth HTTP/1.1\r\n"), Status::Complete);
    HttpRequest request = parser.takeRequest();
    QCOMPARE(request.target, QByteArray("/webhook?hub.challenge=1"));
    QVERIFY(request.keepAlive);

    QCOMPARE(parser.feed({}), Status::Complete);
    request = parser.takeRequest();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.body, QByteArray("{\"entry\":[]}"));

    QCOMPARE(parser.feed({}), Status::Complete);
    request = parser.takeRequest();
    QCOMPARE(request.body, QByteArray("abcd"));
    QCOMPARE(request.trailers.size(), 1);

    // The fourth is only begun.
    QCOMPARE(parser.feed({}), Status::NeedMore);
    QVERIFY(parser.hasPartialRequest());
    QCOMPARE(parser.feed("\r\n"), Status::Complete);
    QCOMPARE(parser.takeRequest().target, QByteArray("/fourth"));
    QCOMPARE(parser.feed({}), Status::NeedMore);
    QVERIFY(!parser.hasPartialRequest());
    QCOMPARE(parser.takeRequest().method, QByteArray()); // nothing complete
}

void TestHttpRequestParser::wholeVersusSplit_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("requests");
    QTest::addColumn<int>("errorStatus");

    const QByteArray get = "GET /webhook?hub.mode=subscribe&hub.challenge=7 HTTP/1.1\r\nHost: localhost\r\n"
                           "User-Agent: facebookexternalua\r\n\r\n";
    const QByteArray post = withLength("{\"text\":\"預約 📅\"}");
    const QByteArray chunks = chunked({"hello", " ", "world"}, "X-T: 1\r\n").replace("5\r\nhello", "5;e=1\r\nhello");
    QTest::newRow("GET") << get << 1 << 0;
    QTest::newRow("POST") << post << 1 << 0;
    QTest::newRow("chunked with extension and trailer") << chunks << 1 << 0;
    QTest::newRow("three pipelined") << get + post + chunks << 3 << 0;
    QTest::newRow("blank lines between") << get + "\r\n" + post + "\r\n\r\n" + get << 3 << 0;
    QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nX-Long: a\r\n b\r\n\r\n") << 1 << 0;
    QTest::newRow("error after a good one") << post + "BREW /pot HTTP/1.1\r\n\r\n" << 1 << 400;
    QTest::newRow("413 after a good one") << get + "POST / HTTP/1.1\r\nContent-Length: 4194305\r\n\r\n" << 1 << 413;
}

// The same requests whole, one byte at a time, and split in two at every point.
void TestHttpRequestParser::wholeVersusSplit()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, requests);
    QFETCH(int, errorStatus);

    const Outcome whole = parsePieces({wire});
    QCOMPARE(whole.requests.size(), requests);
    QCOMPARE(whole.errorStatus, errorStatus);
    QCOMPARE(whole.status, errorStatus ? Status::Error : Status::NeedMore);

    const Outcome single = parsePieces(bytewise(wire));
    QCOMPARE(single.requests, whole.requests);
    QCOMPARE(single.status, whole.status);
    QCOMPARE(single.errorStatus, whole.errorStatus);

    for (qsizetype split = 0; split <= wire.size(); ++split) {
        const Outcome two = parsePieces({wire.left(split), wire.mid(split)});
        QVERIFY2(two.requests == whole.requests && two.errorStatus == whole.errorStatus,
                 qPrintable(QStringLiteral("split at %1").arg(split)));
    }
}

void TestHttpRequestParser::keepAlive_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("minor");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("1.1 by default") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 1 << true;
    QTest::newRow("1.1 with close") << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") << 1 << false;
    QTest::newRow("1.1 with CLOSE") << QByteArray("GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n") << 1 << false;
    QTest::newRow("1.0 by default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << 0 << false;
    QTest::newRow("1.0 with a body") << QByteArray("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi") << 0 << false;
    QTest::newRow("1.0 with keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << 0 << true;
}

void TestHttpRequestParser::keepAlive()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, minor);
    QFETCH(bool, keepAlive);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(wire), Status::Complete);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.versionMajor, 1);
    QCOMPARE(request.versionMinor, minor);
    QCOMPARE(request.keepAlive, keepAlive);
}

// A client that said it closes may not send another request on the connection.
void TestHttpRequestParser::dataAfterConnectionClose()
{
    HttpRequestParser parser;
    QCOMPARE(parser.feed("GET / HTTP/1.0\r\n\r\nGET /again HTTP/1.0\r\n\r\n"), Status::Complete);
    QVERIFY(!parser.takeRequest().keepAlive);
    QCOMPARE(parser.feed({}), Status::Error);
    QCOMPARE(parser.errorStatus(), 400);
    QVERIFY2(parser.errorMessage().contains(QLatin1String("closes the connection")), qPrintable(parser.errorMessage()));
    // Blank lines after it are no request.
    HttpRequestParser blank;
    QCOMPARE(blank.feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n\r\n\r\n"), Status::Complete);
    QVERIFY(!blank.takeRequest().keepAlive);
    QCOMPARE(blank.feed({}), Status::NeedMore);
    QCOMPARE(blank.feed("G"), Status::Error);
}

void TestHttpRequestParser::headerLookup_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("present");

    QTest::newRow("as sent") << QByteArray("X-Hub-Signature-256") << QByteArray("sha256=0f1e") << true;
    QTest::newRow("lower case") << QByteArray("x-hub-signature-256") << QByteArray("sha256=0f1e") << true;
    QTest::newRow("upper case") << QByteArray("CONTENT-TYPE") << QByteArray("application/json") << true;
    QTest::newRow("first of two") << QByteArray("x-dup") << QByteArray("first") << true;
    QTest::newRow("surrounding spaces dropped") << QByteArray("X-Spaced") << QByteArray("a  b") << true;
    QTest::newRow("empty value") << QByteArray("X-Empty") << QByteArray("") << true;
    QTest::newRow("missing") << QByteArray("X-Missing") << QByteArray() << false;
    QTest::newRow("prefix is not a match") << QByteArray("X-Hub") << QByteArray() << false;
}

void TestHttpRequestParser::headerLookup()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(bool, present);

    HttpRequestParser parser;
    QCOMPARE(parser.feed("POST /webhook HTTP/1.1\r\n"
                         "Content-Type: application/json\r\n"
                         "X-Hub-Signature-256: sha256=0f1e\r\n"
                         "X-Dup: first\r\n"
                         "x-dup: second\r\n"
                         "X-Spaced: \t a  b \t\r\n"
                         "X-Empty:\r\n"
                         "Content-Length: 0\r\n\r\n"),
             Status::Complete);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.header(name), value);
    QCOMPARE(!request.header(name).isNull(), present);
    // In order, names as sent.
    QCOMPARE(request.headers.size(), 7);
    QCOMPARE(request.headers.at(1).first, QByteArray("X-Hub-Signature-256"));
    QCOMPARE(request.headers.at(3), qMakePair(QByteArray("x-dup"), QByteArray("second")));
}

void TestHttpRequestParser::bodyBytesIntact_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("isChunked");

    const QByteArray utf8 = QStringLiteral("{\"text\":\"預約 📅 مرحبا Réserver\"}").toUtf8();
    const QByteArray binary = allByteValues() + allByteValues();
    const QByteArray invalidUtf8("\xff\xfe\xc3\x28\xed\xa0\x80\x00\x00", 9);
    for (bool isChunked : {false, true}) {
        const char* how = isChunked ? "chunked" : "Content-Length";
        QTest::addRow("UTF-8, %s", how) << utf8 << isChunked;
        QTest::addRow("all 256 byte values, %s", how) << binary << isChunked;
        QTest::addRow("invalid UTF-8 and NULs, %s", how) << invalidUtf8 << isChunked;
        QTest::addRow("looks like a request, %s", how)
            << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n\r\n0\r\n\r\n") << isChunked;
    }
}

void TestHttpRequestParser::bodyBytesIntact()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, isChunked);

    const QByteArray wire = isChunked ? chunked({body.left(5), body.mid(5)}) : withLength(body);
    const Outcome whole = parsePieces({wire});
    QCOMPARE(parsePieces(bytewise(wire)).requests, whole.requests);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(wire), Status::Complete);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.body.size(), body.size());
    QCOMPARE(request.body, body);
    QCOMPARE(parser.feed({}), Status::NeedMore);
}

void TestHttpRequestParser::contentLengthLimit_data()
{
    QTest::addColumn<QByteArray>("length");
    QTest::addColumn<int>("errorStatus");

    QTest::newRow("exactly 4 MiB") << QByteArray::number(HttpRequestParser::kMaxBodyBytes) << 0;
    QTest::newRow("one byte over") << QByteArray::number(HttpRequestParser::kMaxBodyBytes + 1) << 413;
    QTest::newRow("5 MiB") << QByteArray("5242880") << 413;
    QTest::newRow("100 GB") << QByteArray("100000000000") << 413;
    QTest::newRow("beyond 64 bits") << QByteArray("99999999999999999999999") << 400;
}

// Refused from the Content-Length header, before any byte of the body is sent.
void TestHttpRequestParser::contentLengthLimit()
{
    QFETCH(QByteArray, length);
    QFETCH(int, errorStatus);

    HttpRequestParser parser;
    const QByteArray head = "POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + length + "\r\n\r\n";
    if (errorStatus) {
        QCOMPARE(parser.feed(head), Status::Error);
        QCOMPARE(parser.errorStatus(), errorStatus);
        if (errorStatus == 413) {
            QVERIFY2(parser.errorMessage().contains(QString::fromLatin1(length)), qPrintable(parser.errorMessage()));
            QVERIFY2(parser.errorMessage().contains(QLatin1String("4 MiB")), qPrintable(parser.errorMessage()));
            QVERIFY(parser.errorResponse().startsWith("HTTP/1.1 413 Payload Too Large\r\n"));
        }
        return;
    }
    QCOMPARE(parser.feed(head), Status::NeedMore);
    const QByteArray body(HttpRequestParser::kMaxBodyBytes, 'b');
    QCOMPARE(parser.feed(QByteArrayView(body).first(body.size() - 1)), Status::NeedMore);
    QCOMPARE(parser.feed("b"), Status::Complete);
    QCOMPARE(parser.takeRequest().body.size(), HttpRequestParser::kMaxBodyBytes);
}

void TestHttpRequestParser::chunkedLimit_data()
{
    QTest::addColumn<QList<QByteArray>>("lines"); // fed one by one: chunk-size lines, data with its CRLF
    QTest::addColumn<int>("refusedAt");           // the index of the piece refused, -1 when none

    const QByteArray mebibyte(kMiB, 'c');
    const QByteArray megHex = QByteArray::number(kMiB, 16) + "\r\n";
    QList<QByteArray> four;
    for (int i = 0; i < 4; ++i)
        four << megHex << mebibyte + "\r\n";

    QTest::newRow("four 1 MiB chunks") << (QList<QByteArray>(four) << "0\r\n\r\n") << -1;
    // The fifth chunk-size line is refused, before any of its data.
    QTest::newRow("a fifth 1 MiB chunk") << (QList<QByteArray>(four) << megHex << mebibyte + "\r\n") << 8;
    QTest::newRow("a fifth chunk of 1 byte") << (QList<QByteArray>(four) << "1\r\n"
                                                                         << "x\r\n")
                                             << 8;
    QTest::newRow("one chunk of 5 MiB") << QList<QByteArray>{"500000\r\n", mebibyte} << 0;
    QTest::newRow("one chunk of 2^63 bytes") << QList<QByteArray>{"8000000000000000\r\n"} << 0;
    QTest::newRow("three 1 MiB chunks in one piece and a 2 MiB chunk")
        << QList<QByteArray>{megHex + mebibyte + "\r\n" + megHex + mebibyte + "\r\n" + megHex + mebibyte +
                             "\r\n200000\r\n"}
        << 0;
}

void TestHttpRequestParser::chunkedLimit()
{
    QFETCH(QList<QByteArray>, lines);
    QFETCH(int, refusedAt);

    HttpRequestParser parser;
    QCOMPARE(parser.feed("POST /webhook HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), Status::NeedMore);
    for (int i = 0; i < lines.size(); ++i) {
        const Status status = parser.feed(lines.at(i));
        if (i == refusedAt) {
            QCOMPARE(status, Status::Error);
            QCOMPARE(parser.errorStatus(), 413);
            QVERIFY2(parser.errorMessage().contains(QLatin1String("over the 4 MiB limit")),
                     qPrintable(parser.errorMessage()));
            return;
        }
        QCOMPARE(status, i + 1 == lines.size() ? Status::Complete : Status::NeedMore);
    }
    QCOMPARE(refusedAt, -1);
    QCOMPARE(parser.takeRequest().body.size(), HttpRequestParser::kMaxBodyBytes);
}

void TestHttpRequestParser::headerLimit_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("errorStatus");
    QTest::addColumn<QString>("message");

    const qsizetype limit = HttpRequestParser::kMaxHeaderBytes;
    QTest::newRow("one header, exactly 16 KiB") << headOfSize(limit, false) << 0 << QString();
    QTest::newRow("one header, a byte over") << headOfSize(limit + 1, false) << 431 << QStringLiteral("header section");
    QTest::newRow("one header of 1 MiB") << headOfSize(kMiB, false) << 431 << QStringLiteral("header section");
    QTest::newRow("many headers, exactly 16 KiB") << headOfSize(limit, true) << 0 << QString();
    QTest::newRow("many headers, a byte over")
        << headOfSize(limit + 1, true) << 431 << QStringLiteral("header section");
    QTest::newRow("many headers, 64 KiB") << headOfSize(4 * limit, true) << 431 << QStringLiteral("header section");
    QTest::newRow("exactly 16 KiB with a body")
        << headOfSize(limit, false, "Content-Length: 2\r\n") + "ok" << 0 << QString();
    QTest::newRow("request line") << "GET /" + QByteArray(limit, 'u') + " HTTP/1.1\r\n\r\n"
                                  << 414 << QStringLiteral("request line");
    QByteArray trailers;
    for (int i = 0; trailers.size() < limit; ++i)
        trailers += "X-Trailer-" + QByteArray::number(i) + ": value\r\n";
    QTest::newRow("trailers") << chunked({"data"}, trailers) << 431 << QStringLiteral("trailers");
    QTest::newRow("blank lines before the request") << QByteArray(limit, '\n') + "GET / HTTP/1.1\r\n\r\n"
                                                    << 414 << QStringLiteral("request line");
}

void TestHttpRequestParser::headerLimit()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, errorStatus);
    QFETCH(QString, message);

    for (bool oneByOne : {false, true}) {
        const Outcome outcome = parsePieces(oneByOne ? bytewise(wire) : QList<QByteArray>{wire});
        QCOMPARE(outcome.errorStatus, errorStatus);
        QCOMPARE(outcome.requests.size(), errorStatus ? 0 : 1);
    }
    HttpRequestParser parser;
    parser.feed(wire);
    QVERIFY2(parser.errorMessage().contains(message), qPrintable(parser.errorMessage()));
    if (errorStatus)
        QVERIFY2(parser.errorMessage().contains(QLatin1String("16 KiB")), qPrintable(parser.errorMessage()));
}

void TestHttpRequestParser::headerTrickleCutOff_data()
{
    QTest::addColumn<QByteArray>("line"); // repeated for ever

    QTest::newRow("short headers") << QByteArray("X-A: b\r\n");
    QTest::newRow("one endless name") << QByteArray("aaaaaaaa");
    QTest::newRow("one endless value") << QByteArray("X-Long: ") + QByteArray(20 * 1024, 'v');
}

// A client trickling headers that never end is cut off at the byte that passes the limit.
void TestHttpRequestParser::headerTrickleCutOff()
{
    QFETCH(QByteArray, line);

    HttpRequestParser parser;
    const QByteArray start = "POST /webhook HTTP/1.1\r\nX-Start: 1\r\n";
    QCOMPARE(parser.feed(start), Status::NeedMore);
    qsizetype fed = start.size();
    Status status = Status::NeedMore;
    for (qsizetype i = 0; status == Status::NeedMore && i < 10 * HttpRequestParser::kMaxHeaderBytes; ++i) {
        status = parser.feed(QByteArrayView(line).sliced(i % line.size(), 1));
        ++fed;
    }
    QCOMPARE(status, Status::Error);
    QCOMPARE(fed, HttpRequestParser::kMaxHeaderBytes + 1);
    QCOMPARE(parser.errorStatus(), 431);
}

void TestHttpRequestParser::chunkLineLimit_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("errorStatus");
    QTest::addColumn<QByteArray>("body");

    // A chunk-size line of `size` bytes, its CRLF included.
    const auto line = [](const QByteArray& hex, qsizetype size) {
        return hex + ';' + QByteArray(size - hex.size() - 3, 'e') + "\r\n";
    };
    const qsizetype limit = HttpRequestParser::kMaxChunkLineBytes;
    const QByteArray head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    const QByteArray first = head + "2\r\nok\r\n";
    QTest::newRow("first line at the limit") << head + line("2", limit) + "ok\r\n0\r\n\r\n" << 0 << QByteArray("ok");
    QTest::newRow("first line a byte over") << head + line("2", limit + 1) + "ok\r\n0\r\n\r\n" << 400 << QByteArray();
    QTest::newRow("second line at the limit") << first + line("2", limit) + "OK\r\n0\r\n\r\n"
                                              << 0 << QByteArray("okOK");
    QTest::newRow("second line a byte over") << first + line("2", limit + 1) + "OK\r\n0\r\n\r\n" << 400 << QByteArray();
    QTest::newRow("last line at the limit") << first + line("0", limit) + "\r\n" << 0 << QByteArray("ok");
    QTest::newRow("last line a byte over") << first + line("0", limit + 1) + "\r\n" << 400 << QByteArray();
}

// Chunk extensions are never kept, but they may not go on for ever either.
void TestHttpRequestParser::chunkLineLimit()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, errorStatus);
    QFETCH(QByteArray, body);

    for (bool oneByOne : {false, true}) {
        const Outcome outcome = parsePieces(oneByOne ? bytewise(wire) : QList<QByteArray>{wire});
        QCOMPARE(outcome.errorStatus, errorStatus);
        QCOMPARE(outcome.requests.size(), errorStatus ? 0 : 1);
        if (!errorStatus)
            QVERIFY(outcome.requests.constFirst().endsWith("\nbody " + QByteArray::number(body.size()) + ' ' +
                                                           body.toHex() + '\n'));
    }
}

void TestHttpRequestParser::malformed_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("errorStatus");
    QTest::addColumn<QString>("message");

    const QByteArray chunkedHead = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("garbage") << QByteArray("\x00\x01garbage\r\n\r\n", 13) << 400
                             << QStringLiteral("at byte 0: invalid HTTP method");
    QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\n\r\n") << 400
                                    << QStringLiteral("at byte 1: invalid HTTP method");
    QTest::newRow("lower-case method") << QByteArray("get / HTTP/1.1\r\n\r\n") << 400
                                       << QStringLiteral("invalid HTTP method");
    QTest::newRow("TLS handshake on the plain port") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)
                                                     << 400 << QStringLiteral("invalid HTTP method");
    QTest::newRow("bad chunk size") << chunkedHead + "zz\r\nhello\r\n0\r\n\r\n"
                                    << 400 << QStringLiteral("invalid character in chunk size");
    QTest::newRow("chunk size overflows 64 bits") << chunkedHead + "1ffffffffffffffff\r\n"
                                                  << 400 << QStringLiteral("content-length");
    QTest::newRow("chunk data longer than its size") << chunkedHead + "2\r\nabc\r\n0\r\n\r\n"
                                                     << 400 << QStringLiteral("malformed request at byte");
    QTest::newRow("endless chunk extension") << chunkedHead + "5;" + QByteArray(2000, 'e') << 400
                                             << QStringLiteral("chunk-size line longer than the 1024-byte limit");
    QTest::newRow("bad version") << QByteArray("GET / HTTP/x.1\r\n\r\n") << 400
                                 << QStringLiteral("invalid HTTP version");
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505
                              << QStringLiteral("HTTP/2.0 is not supported");
    QTest::newRow("header without colon")
        << QByteArray("GET / HTTP/1.1\r\nNoColon\r\n\r\n") << 400 << QStringLiteral("invalid character in header");
    QTest::newRow("space in header name") << QByteArray("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") << 400
                                          << QStringLiteral("at byte 19: invalid character 0x20 in a header name");
    QTest::newRow("space before the colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400
                                            << QStringLiteral("at byte 20: invalid character 0x20 in a header name");
    QTest::newRow("space in a trailer name") << chunkedHead + "0\r\nX Y: 1\r\n\r\n"
                                             << 400 << QStringLiteral("invalid character 0x20 in a header name");
    QTest::newRow("Content-Length not a number")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << 400 << QStringLiteral("content-length");
    QTest::newRow("two Content-Lengths") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: "
                                                       "2\r\n\r\nab")
                                         << 400 << QStringLiteral("content-length");
    QTest::newRow("Content-Length and chunked")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 400
        << QStringLiteral("content-length");
    QTest::newRow("Transfer-Encoding other than chunked")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc") << 400
        << QStringLiteral("transfer-encoding");
    QTest::newRow("CR without LF") << QByteArray("GET / HTTP/1.1\rX") << 400 << QStringLiteral("malformed request");
    QTest::newRow("NUL in the target") << QByteArray("GET /a\x00b HTTP/1.1\r\n\r\n", 22) << 400
                                       << QStringLiteral("invalid URL");
}

void TestHttpRequestParser::malformed()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, errorStatus);
    QFETCH(QString, message);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(wire), Status::Error);
    QCOMPARE(parser.status(), Status::Error);
    QCOMPARE(parser.errorStatus(), errorStatus);
    QVERIFY2(parser.errorMessage().contains(message, Qt::CaseInsensitive), qPrintable(parser.errorMessage()));
    const QByteArray answer = parser.errorResponse();
    QVERIFY2(answer.startsWith("HTTP/1.1 " + QByteArray::number(errorStatus) + ' '), answer.constData());
    QVERIFY(answer.contains("\r\nConnection: close\r\n"));
    QVERIFY(answer.endsWith(parser.errorMessage().toUtf8() + '\n'));

    const Outcome single = parsePieces(bytewise(wire));
    QCOMPARE(single.status, Status::Error);
    QCOMPARE(single.errorStatus, errorStatus);
}

void TestHttpRequestParser::errorIsSticky()
{
    HttpRequestParser parser;
    QCOMPARE(parser.feed("BREW /pot HTTP/1.1\r\n\r\n"), Status::Error);
    QCOMPARE(parser.feed("GET / HTTP/1.1\r\n\r\n"), Status::Error);
    QCOMPARE(parser.errorStatus(), 400);
    QCOMPARE(parser.takeRequest().method, QByteArray());
    QVERIFY(!parser.takeExpectContinue());
}

void TestHttpRequestParser::resetAfterError_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("errorStatus");

    QTest::newRow("400 in the head") << QByteArray("GET / HTTP/1.1\r\nNoColon\r\n\r\n") << 400;
    QTest::newRow("400 in a chunk") << QByteArray(
                                           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n")
                                    << 400;
    QTest::newRow("413") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n") << 413;
    QTest::newRow("431") << headOfSize(HttpRequestParser::kMaxHeaderBytes + 1, true) << 431;
    QTest::newRow("after a good request")
        << QByteArray("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nNoColon\r\n\r\n") << 400;
}

void TestHttpRequestParser::resetAfterError()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, errorStatus);

    HttpRequestParser parser;
    Status status = parser.feed(wire);
    while (status == Status::Complete) {
        parser.takeRequest();
        status = parser.feed({});
    }
    QCOMPARE(status, Status::Error);
    QCOMPARE(parser.errorStatus(), errorStatus);

    parser.reset();
    QCOMPARE(parser.status(), Status::NeedMore);
    QCOMPARE(parser.errorStatus(), 0);
    QVERIFY(parser.errorMessage().isEmpty());
    QVERIFY(parser.errorResponse().isEmpty());
    QVERIFY(!parser.hasPartialRequest());
    QCOMPARE(parser.feed(withLength("fine")), Status::Complete);
    QCOMPARE(parser.takeRequest().body, QByteArray("fine"));
    // The limits count again from zero.
    QCOMPARE(parser.feed(headOfSize(HttpRequestParser::kMaxHeaderBytes, true)), Status::Complete);
}

void TestHttpRequestParser::expectContinue_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("expected");

    QTest::newRow("Expect: 100-continue") << QByteArray("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: "
                                                        "2\r\n\r\n")
                                          << true;
    QTest::newRow("case-insensitive, chunked")
        << QByteArray("POST / HTTP/1.1\r\nexpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n")
        << true;
    QTest::newRow("no Expect") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n") << false;
    QTest::newRow("HTTP/1.0") << QByteArray("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
                              << false;
}

void TestHttpRequestParser::expectContinue()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, expected);

    HttpRequestParser parser;
    QCOMPARE(parser.feed(head), Status::NeedMore);
    QCOMPARE(parser.takeExpectContinue(), expected);
    QVERIFY(!parser.takeExpectContinue()); // once
    QCOMPARE(parser.feed(head.contains("chunked") ? "\r\n" : "ok"), Status::Complete);
    QCOMPARE(parser.takeRequest().body, QByteArray("ok"));

    // With the body already there, there is nothing to wait for.
    HttpRequestParser whole;
    QCOMPARE(whole.feed(head + (head.contains("chunked") ? "\r\n" : "ok")), Status::Complete);
    QVERIFY(!whole.takeExpectContinue());
    QCOMPARE(HttpRequestParser::continueResponse(), QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
}

void TestHttpRequestParser::partialRequest()
{
    HttpRequestParser parser;
    QVERIFY(!parser.hasPartialRequest());
    QCOMPARE(parser.feed("GE"), Status::NeedMore);
    QVERIFY(parser.hasPartialRequest());
    QCOMPARE(parser.takeRequest().method, QByteArray()); // nothing complete yet
    QCOMPARE(parser.feed("T / HTTP/1.1\r\n\r\n"), Status::Complete);
    QCOMPARE(parser.takeRequest().method, QByteArray("GET"));
    QCOMPARE(parser.feed({}), Status::NeedMore);
    QVERIFY(!parser.hasPartialRequest());
    QCOMPARE(parser.feed("\r\n"), Status::NeedMore); // blank lines between requests count as a start
    QVERIFY(parser.hasPartialRequest());
}

// Only the bytes behind a complete request count, not what was parsed already: the server caps them.
void TestHttpRequestParser::bufferedBytes()
{
    const QByteArray first = "GET /1 HTTP/1.1\r\n\r\n";
    const QByteArray second = "GET /2 HTTP/1.1\r\n\r\n";
    HttpRequestParser parser;
    QCOMPARE(parser.bufferedBytes(), 0);
    QCOMPARE(parser.feed("GET /1 HTTP/1.1\r\n"), Status::NeedMore);
    QCOMPARE(parser.bufferedBytes(), 0); // parsed as it came
    QCOMPARE(parser.feed("\r\n" + second + "GET /3"), Status::Complete);
    QCOMPARE(parser.bufferedBytes(), second.size() + 6);
    QCOMPARE(parser.feed(" HTTP/1.1\r\n\r\n"), Status::Complete); // waiting to be taken: only buffered
    QCOMPARE(parser.bufferedBytes(), 2 * second.size());
    QCOMPARE(parser.takeRequest().target, QByteArray("/1"));
    QCOMPARE(parser.feed({}), Status::Complete);
    QCOMPARE(parser.bufferedBytes(), second.size()); // the second is parsed, the third not yet
    // More bytes while the second waits: the parsed second is not counted (nor kept) with them.
    QCOMPARE(parser.feed(first), Status::Complete);
    QCOMPARE(parser.bufferedBytes(), 2 * second.size());
    QCOMPARE(parser.takeRequest().target, QByteArray("/2"));
    QCOMPARE(parser.feed({}), Status::Complete);
    QCOMPARE(parser.takeRequest().target, QByteArray("/3"));
    QCOMPARE(parser.feed({}), Status::Complete);
    QCOMPARE(parser.takeRequest().target, QByteArray("/1"));
    QCOMPARE(parser.feed({}), Status::NeedMore);
    QCOMPARE(parser.bufferedBytes(), 0);
}

void TestHttpRequestParser::response_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("200 json") << 200 << QByteArray("{\"ok\":true}") << QByteArray("application/json") << true
                              << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                            "11\r\nConnection: keep-alive\r\n\r\n{\"ok\":true}");
    QTest::newRow("200 empty, no type") << 200 << QByteArray() << QByteArray("text/plain; charset=utf-8") << true
                                        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: "
                                                      "keep-alive\r\n\r\n");
    QTest::newRow("400 close") << 400 << QByteArray("bad\n") << QByteArray("text/plain; charset=utf-8") << false
                               << QByteArray("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                                             "charset=utf-8\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbad\n");
    QTest::newRow("UTF-8 body counted in bytes")
        << 404 << QStringLiteral("找不到 📅").toUtf8() << QByteArray("text/plain; charset=utf-8") << true
        << "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\nConnection: "
           "keep-alive\r\n\r\n" +
               QStringLiteral("找不到 📅").toUtf8();
    QTest::newRow("413") << 413 << QByteArray("x") << QByteArray("text/plain") << false
                         << QByteArray("HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\nContent-Length: "
                                       "1\r\nConnection: close\r\n\r\nx");
    QTest::newRow("414") << 414 << QByteArray() << QByteArray() << false
                         << QByteArray("HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    QTest::newRow("431") << 431 << QByteArray() << QByteArray() << false
                         << QByteArray(
                                "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: "
                                "close\r\n\r\n");
    QTest::newRow("505") << 505 << QByteArray() << QByteArray() << false
                         << QByteArray("HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Length: 0\r\nConnection: "
                                       "close\r\n\r\n");
    QTest::newRow("204 has no length and no body")
        << 204 << QByteArray("ignored") << QByteArray("text/plain") << true
        << QByteArray("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n");
    QTest::newRow("100 is the status line alone")
        << 100 << QByteArray() << QByteArray() << true << QByteArray("HTTP/1.1 100 Continue\r\n\r\n");
    QTest::newRow("unnamed code") << 299 << QByteArray() << QByteArray() << true
                                  << QByteArray("HTTP/1.1 299 Unknown\r\nContent-Length: 0\r\nConnection: "
                                                "keep-alive\r\n\r\n");
    QTest::newRow("code out of range") << 999 << QByteArray() << QByteArray() << false
                                       << QByteArray("HTTP/1.1 999 Unknown\r\nContent-Length: 0\r\nConnection: "
                                                     "close\r\n\r\n");
}

void TestHttpRequestParser::response()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(bool, keepAlive);
    QFETCH(QByteArray, expected);

    const QByteArray answer = HttpRequestParser::response(status, body, contentType, keepAlive);
    QCOMPARE(answer, expected);
    // Content-Length counts what follows the head, in bytes.
    if (status >= 200 && status != 204) {
        const qsizetype headEnd = answer.indexOf("\r\n\r\n") + 4;
        QCOMPARE(answer.size() - headEnd, body.size());
    }
}

QTEST_APPLESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
