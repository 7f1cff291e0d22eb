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
    // regional indicators, miscellaneous symbols and dingbats), the single emoji of Unicode's
    // emoji-data outside them, and the variation selector, keycap combiner and joiner that turn
    // characters into emoji.
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || c == 0xFE0F || c == 0x20E3 ||
           c == 0x200D || c == 0x231A || c == 0x231B || c == 0x2328 || c == 0x23CF || (c >= 0x23E9 && c <= 0x23F3) ||
           (c >= 0x23F8 && c <= 0x23FA) || c == 0x24C2 || c == 0x25AA || c == 0x25AB || c == 0x25B6 || c == 0x25C0 ||
           (c >= 0x25FB && c <= 0x25FE) || c == 0x2934 || c == 0x2935 || (c >= 0x2B05 && c <= 0x2B07) || c == 0x2B1B ||
           c == 0x2B1C || c == 0x2B50 || c == 0x2B55 || c == 0x00A9 || c == 0x00AE || c == 0x203C || c == 0x2049 ||
           c == 0x2122 || c == 0x2139 || (c >= 0x2194 && c <= 0x2199) || c == 0x21A9 || c == 0x21AA || c == 0x3030 ||
           c == 0x303D || c == 0x3297 || c == 0x3299;
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
