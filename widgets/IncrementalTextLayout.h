#pragma once

#include <memory>

#include <QFont>
#include <QList>
#include <QRectF>
#include <QString>
#include <QTextLayout>
#include <QTextOption>

class QPainter;

// A text laid out in lines exactly as one QTextLayout over the whole text lays it out (lines from
// y = 0, each line's glyphs the same), but kept as runs of lines from several QTextLayouts so that
// after an edit only the lines from a little before the edit on are laid out again.
//
// QTextLayout cannot lay out part of a text: a keystroke in a 4000-character body costs a whole
// layout (shaping and line breaking of every character). create() with the layout of the text
// before the edit keeps its lines up to two before the line of the first changed character and lays
// out only the rest, as a QTextLayout of that tail. A line laid out from the start of a line gives
// the same line breaks and glyphs as the whole text does (shaping sees only the item's own text,
// and a line break decision looks no further back than its line), so the result is the same
// lines; create() checks that the first new line is the line it replaces and lays the whole text
// out when it is not, or when the text could break that rule: right-to-left or bidirectional
// text, and scripts whose line breaks or shapes depend on more than the line (Thai, Indic, …).
//
//     auto before = IncrementalTextLayout::create(text, formats, font, option, width);
//     auto after = IncrementalTextLayout::create(edited, formats, font, option, width, before);
//     after->draw(&painter, topLeft, exposedRect); // only the lines in exposedRect
class IncrementalTextLayout
{
public:
    struct Line
    {
        int start = 0;  // in text()
        int length = 0; // characters, trailing spaces included
        qreal y = 0;
        qreal height = 0;
        qreal naturalWidth = 0;
    };

    // Lays out `text` with `formats` in lines of `width`, as QTextLayout does with these settings
    // and caching enabled. `previous`, when given, is the same slot's layout before an edit: its
    // lines before the edit are reused when the settings are the same.
    static std::shared_ptr<const IncrementalTextLayout>
    create(const QString& text, const QList<QTextLayout::FormatRange>& formats, const QFont& font,
           const QTextOption& option, qreal width, const std::shared_ptr<const IncrementalTextLayout>& previous = {});

    const QString& text() const { return m_text; }
    const QList<QTextLayout::FormatRange>& formats() const { return m_formats; }
    const QFont& font() const { return m_font; }
    const QTextOption& textOption() const { return m_option; }
    qreal width() const { return m_width; }

    int lineCount() const { return static_cast<int>(m_lines.size()); }
    const Line& line(int i) const { return m_lines.at(i); }
    // The QTextLine of line i, from the QTextLayout that laid it out: its position is right, its
    // textStart() counts from where that layout's text starts (lineStartOffset(i) in text()).
    QTextLine lineAt(int i) const;
    int lineStartOffset(int i) const;
    // The line that holds character `position` (the last line for the end of the text).
    int lineForTextPosition(int position) const;
    // The first line whose top or bottom is past y, for drawing and hit tests.
    int lineAtY(qreal y) const;

    qreal height() const;       // the bottom of the last line
    qreal naturalWidth() const; // the widest line
    // The character nearest to `point` (relative to the layout's origin), -1 when above or below.
    int cursorAt(const QPointF& point) const;

    // Draws the lines at `position`; with a non-null `exposed` rectangle (in the painter's
    // coordinates) only the lines near it.
    void draw(QPainter* painter, const QPointF& position, const QRectF& exposed = QRectF()) const;

    // How many lines were taken from the previous layout, and how many QTextLayouts hold the
    // lines (for tests and profiling).
    int reusedLines() const { return m_reusedLines; }
    int segmentCount() const { return static_cast<int>(m_segments.size()); }
    // The first line that may look different from `other`'s line of the same number (the line
    // count when none does): what a repaint after an edit has to cover.
    int firstChangedLine(const IncrementalTextLayout& other) const;

    // Whether edits of this text may be laid out from the edited line on (see the class comment).
    static bool canLayOutIncrementally(const QString& text, const QTextOption& option);

private:
    struct Segment
    {
        std::shared_ptr<QTextLayout> layout;
        int textOffset = 0; // where the layout's text starts in m_text
        int firstLine = 0;  // the layout's first line that is used
    };
    struct LineRef
    {
        int segment = 0;
        int index = 0; // in the segment's layout
    };

    void layOut(int from, qreal y);
    bool sameSettings(const QFont& font, const QTextOption& option, qreal width) const;

    QString m_text;
    QList<QTextLayout::FormatRange> m_formats;
    QFont m_font;
    QTextOption m_option;
    qreal m_width = 0;
    QList<Segment> m_segments;
    QList<Line> m_lines;
    QList<LineRef> m_refs;
    int m_reusedLines = 0;
};
