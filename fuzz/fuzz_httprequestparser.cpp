// libFuzzer target: arbitrary bytes, fed to the HTTP request parser in pieces whose sizes come from
// the input itself, as a hostile client would send them. The parser must never crash, must keep its
// limits, and must end every request or error cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "HttpRequestParser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    // The first byte chooses the piece size (1..256 bytes); the rest is the stream.
    const std::size_t piece = std::size_t(data[0]) + 1;
    const char* bytes = reinterpret_cast<const char*>(data + 1);
    const std::size_t length = size - 1;

    wa::HttpRequestParser parser;
    for (std::size_t offset = 0; offset < length; offset += piece) {
        const std::size_t n = offset + piece <= length ? piece : length - offset;
        auto status = parser.feed(QByteArrayView(bytes + offset, qsizetype(n)));
        int taken = 0;
        while (status == wa::HttpRequestParser::Status::Complete) {
            const wa::HttpRequest request = parser.takeRequest();
            if (request.body.size() > wa::HttpRequestParser::kMaxBodyBytes)
                std::abort(); // a limit let through
            (void)request.url();
            (void)request.header("content-type");
            status = parser.feed({});
            if (++taken > 100000)
                std::abort(); // no progress
        }
        if (status == wa::HttpRequestParser::Status::Error) {
            const int code = parser.errorStatus();
            if (code != 400 && code != 413 && code != 414 && code != 431 && code != 505)
                std::abort(); // an error without a proper status
            if (!parser.errorResponse().startsWith("HTTP/1.1 "))
                std::abort();
            break;
        }
    }
    (void)parser.hasPartialRequest();
    return 0;
}
