#include "FormattedText.h"

#include <QRegularExpression>

#include "TextMetrics.h"

namespace wa {

namespace {

unsigned styleOf(QChar marker)
{
    switch (marker.unicode()) {
    case '*':
        return TextSpan::Bold;
    case '_':
        return TextSpan::Italic;
    case '~':
        return TextSpan::Strike;
    default:
        return TextSpan::Plain;
    }
}

// The characters a formatting marker starts with.
bool isMarker(QChar c)
{
    return c == QLatin1Char('*') || c == QLatin1Char('_') || c == QLatin1Char('~') || c == QLatin1Char('`');
}

bool isBoundary(QStringView text, qsizetype i)
{
    if (i < 0 || i >= text.size())
        return true;
    const QChar c = text[i];
    return c.isSpace() || c.isPunct() || c.isSymbol();
}

class Parser
{
public:
    explicit Parser(QStringView text)
        : m_text(text)
    {
    }

    QList<TextSpan> run()
    {
        parseRange(0, m_text.size(), TextSpan::Plain);
        flush();
        return m_spans;
    }

private:
    // Where a marker opened at `open` closes, or -1.
    qsizetype closing(qsizetype open, qsizetype end, QStringView marker) const
    {
        const qsizetype m = marker.size();
        if (open + m >= end || m_text[open + m].isSpace())
            return -1;
        for (qsizetype i = open + m + 1; i + m <= end; ++i) {
            if (m_text[i] == QLatin1Char('\n'))
                return -1;
            if (m_text.mid(i, m).compare(marker) == 0 && !m_text[i - 1].isSpace() &&
                (i + m >= end || isBoundary(m_text, i + m))) {
                return i;
            }
        }
        return -1;
    }

    void parseRange(qsizetype begin, qsizetype end, unsigned style)
    {
        qsizetype i = begin;
        while (i < end) {
            const QChar c = m_text[i];
            const bool canOpen = i == begin || isBoundary(m_text, i - 1);
            if (canOpen && c == QLatin1Char('`') && m_text.mid(i, 3) == QLatin1String("```")) {
                const qsizetype close = m_text.indexOf(QLatin1String("```"), i + 3);
                if (close >= 0 && close + 3 <= end && close > i + 3) {
                    append(i + 3, close - i - 3, style | TextSpan::Mono);
                    i = close + 3;
                    continue;
                }
            }
            const unsigned marker = styleOf(c);
            if (canOpen && marker != TextSpan::Plain && !(style & marker)) {
                const qsizetype close = closing(i, end, m_text.mid(i, 1));
                if (close > i + 1) {
                    parseRange(i + 1, close, style | marker);
                    i = close + 1;
                    continue;
                }
            }
            // what cannot open anything goes in as one run, not character by character
            qsizetype next = i + 1;
            while (next < end && !isMarker(m_text[next]))
                ++next;
            append(i, next - i, style);
            i = next;
        }
    }

    void append(qsizetype at, qsizetype length, unsigned style)
    {
        const QStringView text = m_text.mid(at, length);
        if (!m_spans.isEmpty() && m_spans.last().style == style &&
            m_spans.last().source + m_spans.last().text.size() == at) {
            m_spans.last().text += text;
            return;
        }
        m_spans.append(TextSpan{text.toString(), style, {}, false, at});
    }

    void flush()
    {
        // Split runs where a link stands, outside monospace.
        static const QRegularExpression linkPattern(QStringLiteral(R"((https?://[^\s<>"]+|www\.[^\s<>"]+\.[^\s<>"]+))"),
                                                    QRegularExpression::CaseInsensitiveOption);
        QList<TextSpan> out;
        for (const TextSpan& span : std::as_const(m_spans)) {
            if (span.style & TextSpan::Mono) {
                out.append(span);
                continue;
            }
            qsizetype at = 0;
            auto it = linkPattern.globalMatch(span.text);
            while (it.hasNext()) {
                const QRegularExpressionMatch match = it.next();
                QString url = match.captured(1);
                // Trailing punctuation ends a sentence, not the link.
                while (!url.isEmpty() && QStringLiteral(".,;:!?)'").contains(url.back()))
                    url.chop(1);
                if (match.capturedStart(1) > at)
                    out.append(TextSpan{
                        span.text.mid(at, match.capturedStart(1) - at), span.style, {}, false, span.source + at});
                const QString href =
                    url.startsWith(QLatin1String("www."), Qt::CaseInsensitive) ? QStringLiteral("https://") + url : url;
                out.append(TextSpan{url, span.style, href, false, span.source + match.capturedStart(1)});
                at = match.capturedStart(1) + url.size();
            }
            if (at < span.text.size())
                out.append(TextSpan{span.text.mid(at), span.style, {}, false, span.source + at});
        }
        m_spans = out;
    }

    QStringView m_text;
    QList<TextSpan> m_spans;
};

} // namespace

QList<TextSpan> FormattedText::parse(QStringView text)
{
    return Parser(text).run();
}

QList<TextSpan> FormattedText::parse(QStringView text, qsizetype limit)
{
    QList<TextSpan> spans = parse(text);
    if (limit < 0 || TextMetrics::codePoints(text) <= limit)
        return spans;
    // The limit counts the text as sent, markers included: find the source position of the
    // first character past it, and mark what each run has from there on.
    qsizetype cut = 0;
    for (qsizetype points = 0; cut < text.size() && points < limit; ++points)
        cut += (text[cut].isHighSurrogate() && cut + 1 < text.size() && text[cut + 1].isLowSurrogate()) ? 2 : 1;
    QList<TextSpan> out;
    for (const TextSpan& span : std::as_const(spans)) {
        const qsizetype start = span.source;
        const qsizetype end = start + span.text.size();
        if (end <= cut) {
            out.append(span);
        } else if (start >= cut) {
            TextSpan over = span;
            over.overflow = true;
            out.append(over);
        } else {
            TextSpan inside = span;
            inside.text = span.text.left(cut - start);
            TextSpan over = span;
            over.text = span.text.mid(cut - start);
            over.overflow = true;
            over.source = cut;
            out.append(inside);
            out.append(over);
        }
    }
    return out;
}

QString FormattedText::plainText(const QList<TextSpan>& spans)
{
    QString out;
    for (const TextSpan& span : spans)
        out += span.text;
    return out;
}

} // namespace wa
