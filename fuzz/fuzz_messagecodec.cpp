// libFuzzer target: arbitrary bytes as a message payload (pasted into the JSON pane, read from a
// file, or POSTed to the sandbox). Decoding, validating and writing back must never crash, and what
// the codec writes must read back to the same JSON (nothing lost, nothing invented).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <QJsonDocument>

#include "MessageCodec.h"
#include "Validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray json(reinterpret_cast<const char*>(data), qsizetype(size));
    const wa::DecodeResult decoded = wa::MessageCodec::decode(json);
    if (!decoded.ok()) {
        if (decoded.error.message.isEmpty())
            std::abort(); // an error must say what is wrong
        return 0;
    }
    (void)wa::Validator::validate(*decoded.message);
    for (const wa::ApiFamily family : {wa::ApiFamily::Cloud, wa::ApiFamily::OnPremises}) {
        const QByteArray written = wa::MessageCodec::encode(*decoded.message, family, QJsonDocument::Compact);
        const wa::DecodeResult again = wa::MessageCodec::decode(written);
        if (!again.ok())
            std::abort(); // the codec wrote something it cannot read
        if (wa::MessageCodec::toJson(*again.message, family) != wa::MessageCodec::toJson(*decoded.message, family))
            std::abort(); // a round trip changed the payload
    }
    return 0;
}
