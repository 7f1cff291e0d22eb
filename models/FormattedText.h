#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace wa {

// One run of text in a single style, as WhatsApp renders a message's text.
struct TextSpan
{
    enum Style : unsigned { Plain = 0, Bold = 1, Italic = 2, Strike = 4, Mono = 8 };

    QString text;
    unsigned style = Plain;
    QString link;          // the URL when this run is a link
    bool overflow = false; // past the field's character limit: shown, but marked
    qsizetype source = -1; // where the run starts in the source text (markers included)

    bool operator==(const TextSpan& other) const
    {
        return text == other.text && style == other.style && link == other.link && overflow == other.overflow;
    }
};

// WhatsApp's text formatting: *bold*, _italic_, ~strike~, ```monospace```, and links. A marker
// opens only at the start or after white space or punctuation and before a non-space; it closes
// before the end, white space or punctuation and after a non-space, on the same line. Markers
// that do not pair are shown as typed.
class FormattedText
{
public:
    static QList<TextSpan> parse(QStringView text);

    // As parse(), with every character past `limit` code points marked as overflow (-1: none).
    static QList<TextSpan> parse(QStringView text, qsizetype limit);

    // Equality ignores `source`.
    // The text without markers, as the customer reads it.
    static QString plainText(const QList<TextSpan>& spans);
};

} // namespace wa
