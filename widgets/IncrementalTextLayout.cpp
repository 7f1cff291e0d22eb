#include "IncrementalTextLayout.h"

#include <algorithm>
#include <climits>

#include <QPainter>

namespace {

// Lines kept before the line of the first change: a line break looks back no further than its
// own line, so the line before the changed one may change too (a word moving up), and the one
// before that is laid out again as the check that nothing earlier moved.
constexpr int kLinesBefore = 2;
// Past this many QTextLayouts holding the lines, the whole text is laid out again in one.
constexpr int kMaxSegments = 24;

// The formats of text[from…], shifted to start at 0.
QList<QTextLayout::FormatRange> formatsFrom(const QList<QTextLayout::FormatRange>& formats, int from)
{
    if (from == 0)
        return formats;
    QList<QTextLayout::FormatRange> out;
    out.reserve(formats.size());
    for (QTextLayout::FormatRange range : formats) {
        const int end = range.start + range.length;
        if (end <= from)
            continue;
        range.start = qMax(range.start, from) - from;
        range.length = end - from - range.start;
        out.append(range);
    }
    return out;
}

bool sorted(const QList<QTextLayout::FormatRange>& formats)
{
    int end = 0;
    for (const QTextLayout::FormatRange& range : formats) {
        if (range.start < end || range.length < 0)
            return false;
        end = range.start + range.length;
    }
    return true;
}

// The first character whose format differs between two sorted lists of ranges (INT_MAX when
// none does): the ranges themselves differ after every keystroke (they end with the text).
int firstFormatDifference(const QList<QTextLayout::FormatRange>& a, const QList<QTextLayout::FormatRange>& b)
{
    if (!sorted(a) || !sorted(b))
        return 0;
    qsizetype ia = 0;
    qsizetype ib = 0;
    int position = 0;
    for (;;) {
        while (ia < a.size() && a[ia].start + a[ia].length <= position)
            ++ia;
        while (ib < b.size() && b[ib].start + b[ib].length <= position)
            ++ib;
        const QTextLayout::FormatRange* ra = ia < a.size() && a[ia].start <= position ? &a[ia] : nullptr;
        const QTextLayout::FormatRange* rb = ib < b.size() && b[ib].start <= position ? &b[ib] : nullptr;
        if (bool(ra) != bool(rb) || (ra && ra->format != rb->format))
            return position;
        const int nextA = ra ? ra->start + ra->length : ia < a.size() ? a[ia].start : INT_MAX;
        const int nextB = rb ? rb->start + rb->length : ib < b.size() ? b[ib].start : INT_MAX;
        const int next = qMin(nextA, nextB);
        if (next == INT_MAX)
            return INT_MAX;
        position = next;
    }
}

bool isSimpleScript(QChar::Script script)
{
    switch (script) {
    case QChar::Script_Common:
    case QChar::Script_Inherited:
    case QChar::Script_Latin:
    case QChar::Script_Greek:
    case QChar::Script_Cyrillic:
    case QChar::Script_Armenian:
    case QChar::Script_Georgian:
    case QChar::Script_Han:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
    case QChar::Script_Hangul:
    case QChar::Script_Bopomofo:
        return true;
    default:
        return false;
    }
}

bool isLeftToRightOrNeutral(QChar::Direction direction)
{
    switch (direction) {
    case QChar::DirL:
    case QChar::DirEN:
    case QChar::DirES:
    case QChar::DirET:
    case QChar::DirCS:
    case QChar::DirNSM:
    case QChar::DirBN:
    case QChar::DirB:
    case QChar::DirS:
    case QChar::DirWS:
    case QChar::DirON:
        return true;
    default:
        return false;
    }
}

} // namespace

bool IncrementalTextLayout::canLayOutIncrementally(const QString& text, const QTextOption& option)
{
    if (option.textDirection() == Qt::RightToLeft || option.wrapMode() == QTextOption::NoWrap ||
        option.wrapMode() == QTextOption::ManualWrap || (option.alignment() & Qt::AlignJustify))
        return false;
    const QChar* chars = text.constData();
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = chars[i].unicode();
        if (c < 0x80)
            continue; // ASCII: left to right or neutral, Latin or common
        char32_t ucs4 = c;
        if (QChar::isHighSurrogate(c) && i + 1 < size && QChar::isLowSurrogate(chars[i + 1].unicode()))
            ucs4 = QChar::surrogateToUcs4(c, chars[++i].unicode());
        if (!isLeftToRightOrNeutral(QChar::direction(ucs4)) || !isSimpleScript(QChar::script(ucs4)))
            return false;
    }
    return true;
}

std::shared_ptr<const IncrementalTextLayout>
IncrementalTextLayout::create(const QString& text, const QList<QTextLayout::FormatRange>& formats, const QFont& font,
                              const QTextOption& option, qreal width,
                              const std::shared_ptr<const IncrementalTextLayout>& previous)
{
    std::shared_ptr<IncrementalTextLayout> out(new IncrementalTextLayout);
    out->m_text = text;
    out->m_formats = formats;
    out->m_font = font;
    out->m_option = option;
    out->m_width = width;

    if (previous && previous->sameSettings(font, option, width) && previous->lineCount() > 0) {
        const QString& before = previous->m_text;
        const auto mismatch = std::mismatch(before.cbegin(), before.cend(), text.cbegin(), text.cend());
        const int textChange = static_cast<int>(mismatch.first - before.cbegin());
        const int formatChange = firstFormatDifference(previous->m_formats, formats);
        if (textChange == before.size() && textChange == text.size() && formatChange == INT_MAX)
            return previous; // nothing changed
        const int change = qMin(textChange, formatChange);
        const int editLine = previous->lineForTextPosition(change);
        const int from = editLine - kLinesBefore;
        if (from > 0 && previous->segmentCount() < kMaxSegments && canLayOutIncrementally(text, option) &&
            canLayOutIncrementally(before, previous->m_option)) {
            const Line& kept = previous->m_lines.at(from);
            out->m_lines = previous->m_lines.mid(0, from);
            out->m_refs = previous->m_refs.mid(0, from);
            out->m_segments = previous->m_segments.mid(0, out->m_refs.last().segment + 1);
            out->layOut(kept.start, kept.y);
            // The first line laid out again must be the line it replaces, else an earlier one moved.
            const Line& again = out->m_lines.at(from);
            if (again.length == kept.length && again.naturalWidth == kept.naturalWidth && again.height == kept.height) {
                out->m_reusedLines = from;
                return out;
            }
            out->m_segments.clear();
            out->m_lines.clear();
            out->m_refs.clear();
        }
    }
    out->layOut(0, 0);
    return out;
}

void IncrementalTextLayout::layOut(int from, qreal y)
{
    // As PhoneLayout always laid text out: one QTextLayout, lines one under the other from y.
    auto layout = std::make_shared<QTextLayout>(from == 0 ? m_text : m_text.mid(from), m_font);
    layout->setFormats(formatsFrom(m_formats, from));
    layout->setTextOption(m_option);
    layout->setCacheEnabled(true);
    Segment segment;
    segment.layout = layout;
    segment.textOffset = from;
    segment.firstLine = 0;
    const int segmentIndex = static_cast<int>(m_segments.size());
    layout->beginLayout();
    for (QTextLine line = layout->createLine(); line.isValid(); line = layout->createLine()) {
        line.setLineWidth(m_width);
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout->endLayout();
    m_segments.append(segment);
    m_lines.reserve(m_lines.size() + layout->lineCount());
    for (int i = 0; i < layout->lineCount(); ++i) {
        const QTextLine line = layout->lineAt(i);
        m_lines.append(
            Line{line.textStart() + from, line.textLength(), line.y(), line.height(), line.naturalTextWidth()});
        m_refs.append(LineRef{segmentIndex, i});
    }
}

bool IncrementalTextLayout::sameSettings(const QFont& font, const QTextOption& option, qreal width) const
{
    return width == m_width && option.wrapMode() == m_option.wrapMode() &&
           option.textDirection() == m_option.textDirection() && option.alignment() == m_option.alignment() &&
           option.flags() == m_option.flags() && option.tabStopDistance() == m_option.tabStopDistance() &&
           option.useDesignMetrics() == m_option.useDesignMetrics() && font == m_font &&
           font.resolveMask() == m_font.resolveMask();
}

QTextLine IncrementalTextLayout::lineAt(int i) const
{
    if (i < 0 || i >= m_refs.size())
        return QTextLine();
    const LineRef& ref = m_refs.at(i);
    return m_segments.at(ref.segment).layout->lineAt(ref.index);
}

int IncrementalTextLayout::lineStartOffset(int i) const
{
    return i < 0 || i >= m_refs.size() ? 0 : m_segments.at(m_refs.at(i).segment).textOffset;
}

int IncrementalTextLayout::lineForTextPosition(int position) const
{
    // the last line whose start is at or before position
    const auto it = std::upper_bound(m_lines.cbegin(), m_lines.cend(), position,
                                     [](int p, const Line& line) { return p < line.start; });
    return qMax(0, static_cast<int>(it - m_lines.cbegin()) - 1);
}

int IncrementalTextLayout::lineAtY(qreal y) const
{
    const auto it = std::upper_bound(m_lines.cbegin(), m_lines.cend(), y,
                                     [](qreal v, const Line& line) { return v < line.y + line.height; });
    return static_cast<int>(it - m_lines.cbegin());
}

qreal IncrementalTextLayout::height() const
{
    return m_lines.isEmpty() ? 0 : m_lines.last().y + m_lines.last().height;
}

qreal IncrementalTextLayout::naturalWidth() const
{
    qreal widest = 0;
    for (const Line& line : m_lines)
        widest = qMax(widest, line.naturalWidth);
    return widest;
}

int IncrementalTextLayout::cursorAt(const QPointF& point) const
{
    for (int i = 0; i < lineCount(); ++i) {
        const Line& l = m_lines.at(i);
        if (point.y() < l.y || point.y() > l.y + l.height)
            continue;
        return lineAt(i).xToCursor(point.x()) + lineStartOffset(i);
    }
    return -1;
}

void IncrementalTextLayout::draw(QPainter* painter, const QPointF& position, const QRectF& exposed) const
{
    int first = 0;
    int last = lineCount();
    if (!exposed.isNull()) {
        // a line's glyphs may reach past its box (accents, italics): a line's height of margin
        const qreal margin = m_lines.isEmpty() ? 0 : m_lines.first().height;
        first = lineAtY(exposed.top() - position.y() - margin);
        last = qMin(last, lineAtY(exposed.bottom() - position.y() + margin) + 1);
    }
    for (int i = first; i < last; ++i)
        lineAt(i).draw(painter, position);
}

int IncrementalTextLayout::firstChangedLine(const IncrementalTextLayout& other) const
{
    const int common = qMin(lineCount(), other.lineCount());
    const bool sameFont = sameSettings(other.m_font, other.m_option, other.m_width);
    for (int i = 0; i < common; ++i) {
        const LineRef& a = m_refs.at(i);
        const LineRef& b = other.m_refs.at(i);
        if (m_segments.at(a.segment).layout == other.m_segments.at(b.segment).layout && a.index == b.index)
            continue; // the very same line
        const Line& la = m_lines.at(i);
        const Line& lb = other.m_lines.at(i);
        if (!sameFont || la.start != lb.start || la.length != lb.length || la.y != lb.y || la.height != lb.height ||
            la.naturalWidth != lb.naturalWidth)
            return i;
        if (QStringView(m_text).mid(la.start, la.length) != QStringView(other.m_text).mid(lb.start, lb.length))
            return i;
        const QList<QTextLayout::FormatRange> fa = formatsFrom(m_formats, la.start);
        const QList<QTextLayout::FormatRange> fb = formatsFrom(other.m_formats, lb.start);
        if (firstFormatDifference(fa, fb) < la.length)
            return i;
    }
    return lineCount() == other.lineCount() ? lineCount() : common;
}
