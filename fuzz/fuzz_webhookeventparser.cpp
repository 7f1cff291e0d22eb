// libFuzzer target: arbitrary bytes as a webhook body. Parsing must never crash; a body that is not
// a JSON object must say why (with a line and column when it has content).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "WebhookEventParser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const wa::WebhookParseResult result = wa::WebhookEventParser::parse(body);
    if (!result.ok() && result.error.isEmpty())
        std::abort();
    for (const wa::WebhookEvent& event : result.events)
        (void)event.toJson();
    return 0;
}
