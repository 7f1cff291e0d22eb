#include "TextMetrics.h"

#include <QChar>

namespace wa {

qsizetype TextMetrics::codePoints(QStringView text)
{
    qsizetype count = 0;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (text[i].isHighSurrogate() && i + 1 < n && text[i + 1].isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

bool TextMetrics::isEmoji(char32_t c)
{
    // The Unicode blocks where emoji live (pictographs, emoticons, transport, supplemental symbols,
    // regional indicators, dingbats and miscellaneous symbols), plus the emoji variation selector
    // and the keycap combiner that turn plain characters into emoji.
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF)
           || c == 0xFE0F || c == 0x20E3 || c == 0x200D || (c >= 0x2300 && c <= 0x23FF) || c == 0x00A9
           || c == 0x00AE || c == 0x203C || c == 0x2049 || c == 0x2122 || c == 0x2139
           || (c >= 0x2194 && c <= 0x21AA) || c == 0x3030 || c == 0x303D || c == 0x3297 || c == 0x3299;
}

bool TextMetrics::containsEmoji(QStringView text)
{
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        char32_t c = text[i].unicode();
        if (text[i].isHighSurrogate() && i + 1 < n && text[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text[i], text[i + 1]);
            ++i;
        }
        if (isEmoji(c))
            return true;
    }
    return false;
}

bool TextMetrics::hasEdgeWhitespace(QStringView text)
{
    return !text.isEmpty() && (text.front().isSpace() || text.back().isSpace());
}

} // namespace wa
