#pragma once

#include <QStringView>

namespace wa {

// Character counting as the reference sheet's section 3 decides: Unicode code points for the
// limit, UTF-16 code units for the warning. Works in place; never allocates.
class TextMetrics
{
public:
    static qsizetype codePoints(QStringView text);
    static qsizetype utf16Units(QStringView text) { return text.size(); }
    static bool containsEmoji(QStringView text);
    static bool isEmoji(char32_t codePoint);
    static bool hasEdgeWhitespace(QStringView text);
};

} // namespace wa
