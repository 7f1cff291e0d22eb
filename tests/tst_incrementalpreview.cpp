#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QGlyphRun>
#include <QLabel>
#include <QPaintEvent>
#include <QPainter>
#include <QScreen>
#include <QSignalSpy>
#include <QTest>
#include <QTextLayout>
#include <QVBoxLayout>
#include <QtMath>

#include "BubbleContent.h"
#include "FindingsModel.h"
#include "FindingsView.h"
#include "FormattedText.h"
#include "IncrementalTextLayout.h"
#include "MessageCodec.h"
#include "PhoneLayout.h"
#include "PhonePreview.h"
#include "StableSizeBox.h"

using namespace wa;
using Kind = PhoneLayout::Kind;

namespace {

const PhoneStyle kAndroid = PhoneStyle::make(PhoneStyle::Platform::Android, PhoneStyle::Theme::Light);

BubbleContent contentOf(const QString& sample)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + sample);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    const DecodeResult decoded = MessageCodec::decode(file.readAll());
    if (!decoded.ok())
        qFatal("%s", qPrintable(decoded.error.message));
    return BubbleContent::fromMessage(*decoded.message);
}

QString repeated(const QString& piece, int length)
{
    QString out;
    while (out.size() < length)
        out += piece;
    out.truncate(length);
    if (out.back().isHighSurrogate())
        out.chop(1); // not half an emoji
    return out;
}

QString longWord()
{
    return QStringLiteral("0-") + QString(3998, QLatin1Char('b'));
}

QString words()
{
    QString out;
    for (int i = 0; out.size() < 3000; ++i)
        out += QStringLiteral("word%1 AV To fi ffl Wa yo. ").arg(i % 17);
    return out;
}

// Formats as the preview gives them: bold, italic, strike, monospace, links, overflow.
QList<QTextLayout::FormatRange> formatsOf(const QList<TextSpan>& spans)
{
    QList<QTextLayout::FormatRange> formats;
    int at = 0;
    for (const TextSpan& span : spans) {
        QTextLayout::FormatRange range;
        range.start = at;
        range.length = static_cast<int>(span.text.size());
        at += range.length;
        range.format.setForeground(span.link.isEmpty() ? kAndroid.text : kAndroid.link);
        if (span.style & TextSpan::Mono)
            range.format.setFont(kAndroid.monoFont, QTextCharFormat::FontPropertiesSpecifiedOnly);
        if (span.style & TextSpan::Bold)
            range.format.setFontWeight(QFont::Bold);
        if (span.style & TextSpan::Italic)
            range.format.setFontItalic(true);
        if (span.style & TextSpan::Strike)
            range.format.setFontStrikeOut(true);
        if (!span.link.isEmpty()) {
            range.format.setFontUnderline(true);
            range.format.setAnchorHref(span.link);
        }
        if (span.overflow) {
            range.format.setBackground(kAndroid.overflow);
            range.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        }
        if (range.length > 0)
            formats.append(range);
    }
    return formats;
}

QTextOption optionFor(const QString& text)
{
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    option.setTextDirection(text.isRightToLeft() ? Qt::RightToLeft : Qt::LeftToRight);
    option.setAlignment(text.isRightToLeft() ? Qt::AlignRight : Qt::AlignLeft);
    return option;
}

// One QTextLayout over the whole text, as the preview laid text out before.
std::unique_ptr<QTextLayout> wholeLayout(const QString& text, const QList<QTextLayout::FormatRange>& formats,
                                         qreal width)
{
    auto layout = std::make_unique<QTextLayout>(text, kAndroid.bodyFont);
    layout->setFormats(formats);
    layout->setTextOption(optionFor(text));
    layout->setCacheEnabled(true);
    layout->beginLayout();
    qreal y = 0;
    for (QTextLine line = layout->createLine(); line.isValid(); line = layout->createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout->endLayout();
    return layout;
}

bool sameGlyphs(const QList<QGlyphRun>& a, const QList<QGlyphRun>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].glyphIndexes() != b[i].glyphIndexes() || a[i].positions() != b[i].positions() ||
            a[i].rawFont() != b[i].rawFont() || a[i].underline() != b[i].underline() ||
            a[i].strikeOut() != b[i].strikeOut())
            return false;
    }
    return true;
}

// Every line of `layout` against the whole layout's: place, characters and each glyph.
void compareWithWholeLayout(const IncrementalTextLayout& layout, const QTextLayout& whole)
{
    QCOMPARE(layout.lineCount(), whole.lineCount());
    for (int i = 0; i < whole.lineCount(); ++i) {
        const QTextLine expected = whole.lineAt(i);
        const IncrementalTextLayout::Line& line = layout.line(i);
        QCOMPARE(line.start, expected.textStart());
        QCOMPARE(line.length, expected.textLength());
        QCOMPARE(line.y, expected.y());
        QCOMPARE(line.height, expected.height());
        QCOMPARE(line.naturalWidth, expected.naturalTextWidth());
        QCOMPARE(layout.lineAt(i).textStart() + layout.lineStartOffset(i), expected.textStart());
        QVERIFY2(sameGlyphs(layout.lineAt(i).glyphRuns(), expected.glyphRuns()), qPrintable(QString::number(i)));
    }
}

bool sameLayouts(const PhoneLayout& a, const PhoneLayout& b)
{
    if (a.items.size() != b.items.size() || a.size != b.size)
        return false;
    for (qsizetype i = 0; i < a.items.size(); ++i) {
        const PhoneLayout::Item& x = a.items.at(i);
        const PhoneLayout::Item& y = b.items.at(i);
        if (x.kind != y.kind || x.rect != y.rect || x.text != y.text || bool(x.layout) != bool(y.layout))
            return false;
        if (x.layout) {
            if (x.layout->lineCount() != y.layout->lineCount() || x.layout->height() != y.layout->height())
                return false;
            for (int l = 0; l < x.layout->lineCount(); ++l) {
                if (!sameGlyphs(x.layout->lineAt(l).glyphRuns(), y.layout->lineAt(l).glyphRuns()))
                    return false;
            }
        }
    }
    return true;
}

QImage onScreen(QWidget* widget)
{
    QApplication::processEvents();
    return QGuiApplication::primaryScreen()
        ->grabWindow(widget->winId())
        .toImage()
        .convertToFormat(QImage::Format_RGB32);
}

class PaintRecorder : public QObject
{
public:
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            painted.append(static_cast<QPaintEvent*>(event)->rect());
        if (event->type() == QEvent::LayoutRequest)
            ++layoutRequests;
        return false;
    }
    QList<QRect> painted;
    int layoutRequests = 0;
};

} // namespace

class TestIncrementalPreview : public QObject
{
    Q_OBJECT

private slots:
    void sameLinesAsAWholeLayout_data();
    void sameLinesAsAWholeLayout();
    void unchangedTextIsTakenAsItIs();
    void otherSettingsLayOutAgain();
    void typingOnAndOnStaysOneLayoutDeep();
    void hitTestAndDrawingFollowTheLines();
    void computeWithPreviousIsTheSame_data();
    void computeWithPreviousIsTheSame();
    void partialRepaintLooksLikeAFullPaint_data();
    void partialRepaintLooksLikeAFullPaint();
    void typingRepaintsOnlyTheEditedLines();
    void stableSizeBoxAsksOnlyOnARealChange();
    void findingsWithNewNumbersUpdateInPlace();
    void findingsViewRepaintsTheChangedRow();
};

void TestIncrementalPreview::sameLinesAsAWholeLayout_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("position"); // -1: the end
    QTest::addColumn<int>("removed");
    QTest::addColumn<QString>("inserted");
    QTest::addColumn<qreal>("width");
    QTest::addColumn<bool>("reuses"); // lines are taken from the layout before the edit

    const QString w = words();
    QTest::newRow("long word, letter at the end") << longWord() << -1 << 0 << QStringLiteral("a") << 342.0 << true;
    QTest::newRow("long word, Backspace at the end") << longWord() << -1 << 1 << QString() << 342.0 << true;
    QTest::newRow("long word, narrow") << longWord() << -1 << 0 << QStringLiteral("a") << 200.0 << true;
    QTest::newRow("words, letter at the end") << w << -1 << 0 << QStringLiteral("x") << 342.0 << true;
    QTest::newRow("words, space in the middle") << w << 1500 << 0 << QStringLiteral(" ") << 342.0 << true;
    QTest::newRow("words, word in the middle") << w << 1501 << 0 << QStringLiteral("mmmmmmmmmmmm") << 342.0 << true;
    QTest::newRow("words, paste of a long run") << w << 2000 << 0 << QString(300, QLatin1Char('m')) << 342.0 << true;
    QTest::newRow("words, selection deleted") << w << 1200 << 600 << QString() << 342.0 << true;
    QTest::newRow("words, new line") << w << 2222 << 0 << QStringLiteral("\n") << 342.0 << true;
    QTest::newRow("words, at the start") << w << 0 << 0 << QStringLiteral("A") << 342.0 << false;
    QTest::newRow("words, first line") << w << 10 << 1 << QString() << 342.0 << false;
    // a word that now fits at the end of the line before the edited one moves up
    QTest::newRow("words, word moves up") << w << 1000 << 8 << QString() << 200.0 << true;
    QTest::newRow("CJK") << repeated(QStringLiteral("你好，世界。預約時間請選擇。"), 1500) << 1200 << 0
                         << QStringLiteral("預") << 342.0 << true;
    QTest::newRow("CJK at the end") << repeated(QStringLiteral("你好，世界。預約時間請選擇。"), 1500) << -1 << 1
                                    << QString() << 342.0 << true;
    QTest::newRow("emoji") << repeated(
                                  QStringLiteral("Hi 👋🏽 family 👨‍👩‍👧 flags 🇹🇼🇯🇵 ok "),
                                  1600)
                           << -1 << 0 << QStringLiteral("👋🏽") << 342.0 << true;
    QTest::newRow("emoji in the middle")
        << repeated(QStringLiteral("Hi 👋🏽 family 👨‍👩‍👧 flags 🇹🇼🇯🇵 ok "), 1600) << 800
        << 0 << QStringLiteral("🇯🇵") << 293.0 << true;
    QTest::newRow("formatting spans") << repeated(QStringLiteral("plain *bold words* _italic_ ~strike~ ```mono``` "),
                                                  2500)
                                      << 2000 << 0 << QStringLiteral("*") << 342.0 << true;
    // typing the closing marker makes text before the edit bold: laid out from there
    QTest::newRow("marker closes earlier text")
        << repeated(QStringLiteral("some words "), 1500) + QStringLiteral(" *tail") << -1 << 0 << QStringLiteral("*")
        << 342.0 << true;
    QTest::newRow("links") << repeated(QStringLiteral("see https://example.com/a/b?c=d and www.example.org/x "), 2500)
                           << 1900 << 0 << QStringLiteral("q") << 342.0 << true;
    QTest::newRow("over the limit") << words() << 500 << 0 << QStringLiteral("abc") << 342.0 << true;
    QTest::newRow("right to left") << repeated(QStringLiteral("هل تريد تأكيد طلبك؟ "), 2000) << -1 << 0
                                   << QStringLiteral("ك") << 342.0 << false;
    QTest::newRow("right to left inside left to right")
        << repeated(QStringLiteral("Order 12 abc مرحبا 34 done. "), 2500) << 2000 << 0 << QStringLiteral("x") << 342.0
        << false;
    QTest::newRow("Thai") << repeated(QStringLiteral("สวัสดีครับยินดีต้อนรับ "), 1500) << -1 << 0 << QStringLiteral("ก")
                          << 342.0 << false;
}

void TestIncrementalPreview::sameLinesAsAWholeLayout()
{
    QFETCH(QString, text);
    QFETCH(int, position);
    QFETCH(int, removed);
    QFETCH(QString, inserted);
    QFETCH(qreal, width);
    QFETCH(bool, reuses);

    const qsizetype limit = 1024; // past it the text is marked as overflow
    const QList<TextSpan> spansBefore = FormattedText::parse(text, limit);
    const QString before = FormattedText::plainText(spansBefore);
    const auto first =
        IncrementalTextLayout::create(before, formatsOf(spansBefore), kAndroid.bodyFont, optionFor(before), width);
    QCOMPARE(first->reusedLines(), 0);

    QString edited = text;
    const int at = position < 0 ? static_cast<int>(edited.size()) - removed : position;
    edited.remove(at, removed);
    edited.insert(at, inserted);
    const QList<TextSpan> spans = FormattedText::parse(edited, limit);
    const QString after = FormattedText::plainText(spans);
    const auto second =
        IncrementalTextLayout::create(after, formatsOf(spans), kAndroid.bodyFont, optionFor(after), width, first);
    QCOMPARE(second->reusedLines() > 0, reuses);
    if (reuses)
        QVERIFY(second->segmentCount() >= 2);
    QCOMPARE(second->text(), after);

    const auto whole = wholeLayout(after, formatsOf(spans), width);
    compareWithWholeLayout(*second, *whole);
    // and once more on top of the edited layout, undoing the edit
    const auto third = IncrementalTextLayout::create(before, formatsOf(spansBefore), kAndroid.bodyFont,
                                                     optionFor(before), width, second);
    compareWithWholeLayout(*third, *wholeLayout(before, formatsOf(spansBefore), width));
}

void TestIncrementalPreview::unchangedTextIsTakenAsItIs()
{
    const QString text = words();
    const auto first = IncrementalTextLayout::create(text, {}, kAndroid.bodyFont, optionFor(text), 300);
    const auto second = IncrementalTextLayout::create(text, {}, kAndroid.bodyFont, optionFor(text), 300, first);
    QCOMPARE(second.get(), first.get());
    QCOMPARE(second->firstChangedLine(*first), first->lineCount());
}

void TestIncrementalPreview::otherSettingsLayOutAgain()
{
    const QString text = words();
    const auto first = IncrementalTextLayout::create(text, {}, kAndroid.bodyFont, optionFor(text), 300);
    const QString edited = text + QStringLiteral("x");
    // another width, another font: nothing can be taken over
    const auto wider = IncrementalTextLayout::create(edited, {}, kAndroid.bodyFont, optionFor(edited), 320, first);
    QCOMPARE(wider->reusedLines(), 0);
    compareWithWholeLayout(*wider, *wholeLayout(edited, {}, 320));
    const auto bold = IncrementalTextLayout::create(edited, {}, kAndroid.headerFont, optionFor(edited), 300, first);
    QCOMPARE(bold->reusedLines(), 0);
}

void TestIncrementalPreview::typingOnAndOnStaysOneLayoutDeep()
{
    // letter after letter at the end: lines come from many layouts, then all from one again
    QString text = words();
    auto layout = IncrementalTextLayout::create(text, {}, kAndroid.bodyFont, optionFor(text), 342);
    int mostSegments = 0;
    for (int i = 0; i < 400; ++i) {
        text += i % 7 == 6 ? QLatin1Char(' ') : QLatin1Char('k');
        layout = IncrementalTextLayout::create(text, {}, kAndroid.bodyFont, optionFor(text), 342, layout);
        mostSegments = qMax(mostSegments, layout->segmentCount());
    }
    QVERIFY(mostSegments > 2);
    QVERIFY(mostSegments <= 24);
    compareWithWholeLayout(*layout, *wholeLayout(text, {}, 342));
}

void TestIncrementalPreview::hitTestAndDrawingFollowTheLines()
{
    const QString raw = words() + QStringLiteral(" https://example.com/end");
    const QList<TextSpan> spans = FormattedText::parse(raw, -1);
    const QString text = FormattedText::plainText(spans);
    const auto first = IncrementalTextLayout::create(text, formatsOf(spans), kAndroid.bodyFont, optionFor(text), 300);
    const QList<TextSpan> editedSpans = FormattedText::parse(raw + QStringLiteral("x"), -1);
    const QString edited = FormattedText::plainText(editedSpans);
    const QList<QTextLayout::FormatRange> formats = formatsOf(editedSpans);
    const auto layout =
        IncrementalTextLayout::create(edited, formats, kAndroid.bodyFont, optionFor(edited), 300, first);
    QVERIFY(layout->reusedLines() > 0);
    const auto whole = wholeLayout(edited, formats, 300);
    // a point on the last line (laid out again) and one on the first (taken over)
    for (int line : {0, layout->lineCount() - 1}) {
        const QPointF point(40, whole->lineAt(line).y() + 5);
        QCOMPARE(layout->cursorAt(point), whole->lineAt(line).xToCursor(40));
        QCOMPARE(layout->lineForTextPosition(whole->lineAt(line).textStart() + 1), line);
    }
    QCOMPARE(layout->cursorAt(QPointF(10, -50)), -1);
    const QTextLine last = whole->lineAt(whole->lineCount() - 1);
    QCOMPARE(layout->height(), last.y() + last.height());

    // drawn, it is the whole layout's picture, and drawing only the exposed part gives its pixels
    const QSize size(320, qCeil(layout->height()) + 10);
    QImage expected(size, QImage::Format_ARGB32_Premultiplied);
    expected.fill(Qt::white);
    QPainter p1(&expected);
    whole->draw(&p1, QPointF(5, 5));
    p1.end();
    QImage actual(size, QImage::Format_ARGB32_Premultiplied);
    actual.fill(Qt::white);
    QPainter p2(&actual);
    layout->draw(&p2, QPointF(5, 5));
    p2.end();
    QCOMPARE(actual, expected);
    const QRect exposed(0, size.height() - 60, size.width(), 60);
    QImage part(size, QImage::Format_ARGB32_Premultiplied);
    part.fill(Qt::white);
    QPainter p3(&part);
    p3.setClipRect(exposed);
    layout->draw(&p3, QPointF(5, 5), exposed);
    p3.end();
    QCOMPARE(part.copy(exposed), expected.copy(exposed));
}

void TestIncrementalPreview::computeWithPreviousIsTheSame_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("part"); // what is edited
    QTest::addColumn<bool>("sheetOpen");
    for (const char* sample : {"list-takeout-menu.json", "list-zh-TW-appointments.json", "button-text-header.json",
                               "cta-url.json", "flow.json", "product-list.json"}) {
        for (const char* part : {"body", "body-start", "header", "footer", "button"}) {
            for (bool open : {false, true}) {
                QTest::addRow("%s %s%s", sample, part, open ? " sheet" : "")
                    << QString::fromLatin1(sample) << QString::fromLatin1(part) << open;
            }
        }
    }
}

void TestIncrementalPreview::computeWithPreviousIsTheSame()
{
    QFETCH(QString, sample);
    QFETCH(QString, part);
    QFETCH(bool, sheetOpen);
    BubbleContent content = contentOf(sample);
    content.body = FormattedText::parse(words(), 1024);
    PhoneLayout::State state;
    state.sheetOpen = sheetOpen;
    state.minimumHeight = 700;
    const PhoneLayout before = PhoneLayout::compute(content, kAndroid, 380, state);

    if (part == QLatin1String("body"))
        content.body = FormattedText::parse(words() + QStringLiteral(" more"), 1024);
    else if (part == QLatin1String("body-start"))
        content.body = FormattedText::parse(QStringLiteral("New ") + words(), 1024);
    else if (part == QLatin1String("header"))
        content.headerText = FormattedText::parse(QStringLiteral("A new header"), 60);
    else if (part == QLatin1String("footer"))
        content.footer = FormattedText::parse(QStringLiteral("Another footer"), 60);
    else if (!content.inBubble.isEmpty())
        content.inBubble.first().label = FormattedText::parse(QStringLiteral("Menu!"), 20);
    else if (!content.below.isEmpty())
        content.below.first().label = FormattedText::parse(QStringLiteral("Yes!"), 20);

    const PhoneLayout fresh = PhoneLayout::compute(content, kAndroid, 380, state);
    const PhoneLayout reused = PhoneLayout::compute(content, kAndroid, 380, state, &before);
    QVERIFY(sameLayouts(reused, fresh));
    // texts that did not change are the very same layouts
    const auto unchanged = [&](Kind kind) {
        const auto a = before.itemsOf(kind);
        const auto b = reused.itemsOf(kind);
        return !a.isEmpty() && !b.isEmpty() && a.first()->layout == b.first()->layout;
    };
    if (part != QLatin1String("header") && !before.itemsOf(Kind::HeaderText).isEmpty())
        QVERIFY(unchanged(Kind::HeaderText));
    if (sheetOpen && !before.itemsOf(Kind::SheetRow).isEmpty())
        QVERIFY(unchanged(Kind::SheetRow));
}

void TestIncrementalPreview::partialRepaintLooksLikeAFullPaint_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("platform");
    QTest::addRow("long word") << longWord() << QSize(400, 880) << QStringLiteral("android");
    QTest::addRow("list sheet open") << words() << QSize(400, 880) << QStringLiteral("sheet");
    QTest::addRow("words over the limit") << words() << QSize(380, 700) << QStringLiteral("android");
    QTest::addRow("short body") << QStringLiteral("Hello *there*") << QSize(380, 700) << QStringLiteral("ios");
    QTest::addRow("CJK") << repeated(QStringLiteral("你好，世界。預約時間請選擇。"), 900) << QSize(400, 800)
                         << QStringLiteral("web");
    QTest::addRow("emoji") << repeated(QStringLiteral("Hi 👋🏽 family 👨‍👩‍👧 ok "), 900)
                           << QSize(400, 800) << QStringLiteral("android");
    QTest::addRow("right to left") << repeated(QStringLiteral("هل تريد تأكيد طلبك؟ "), 600) << QSize(380, 700)
                                   << QStringLiteral("android");
}

void TestIncrementalPreview::partialRepaintLooksLikeAFullPaint()
{
    QFETCH(QString, body);
    QFETCH(QSize, size);
    QFETCH(QString, platform);
    BubbleContent content = contentOf(QStringLiteral("list-takeout-menu.json"));
    PhonePreview preview;
    preview.setPhoneStyle(platform == QLatin1String("ios")   ? PhoneStyle::Platform::IOS
                          : platform == QLatin1String("web") ? PhoneStyle::Platform::Web
                                                             : PhoneStyle::Platform::Android,
                          PhoneStyle::Theme::Light);
    preview.resize(size);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    if (platform == QLatin1String("sheet")) {
        preview.setContent(content);
        preview.openSheet();
        QVERIFY(preview.state().sheetOpen);
    }
    QString text = body;
    const QStringList typed = {QStringLiteral("a"), QStringLiteral(" "), QStringLiteral("*x*"), QStringLiteral("\n")};
    for (int step = 0; step < 16; ++step) {
        if (step % 4 == 3)
            text.chop(1);
        else if (step == 5)
            text.insert(text.size() / 2, QStringLiteral("mid "));
        else if (step == 9)
            text.insert(2, QStringLiteral("X"));
        else
            text += typed.at(step % typed.size());
        content.body = FormattedText::parse(text, 1024);
        preview.setContent(content);
        const QImage screen = onScreen(&preview);
        // the same state painted whole
        const QImage whole = preview.grab().toImage().convertToFormat(QImage::Format_RGB32);
        QVERIFY2(screen == whole, qPrintable(QStringLiteral("step %1").arg(step)));
    }
}

void TestIncrementalPreview::typingRepaintsOnlyTheEditedLines()
{
    BubbleContent content = contentOf(QStringLiteral("list-takeout-menu.json"));
    PhonePreview preview;
    preview.resize(400, 880);
    QString text = longWord();
    // the last line half full, so that a letter does not start a new line (which moves everything)
    PhoneLayout::State state;
    state.minimumHeight = 880;
    const PhoneLayout full = PhoneLayout::compute(
        [&] {
            BubbleContent c = content;
            c.body = FormattedText::parse(text, 4096);
            return c;
        }(),
        kAndroid, 400, state);
    const IncrementalTextLayout* body = full.itemsOf(Kind::Body).first()->layout.get();
    const int lastLine = body->line(body->lineCount() - 1).length;
    const int fullLine = body->line(1).length;
    text.chop(qMax(0, lastLine - fullLine / 2));
    content.body = FormattedText::parse(text, 4096);
    preview.setContent(content);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    QApplication::processEvents();
    PaintRecorder recorder;
    preview.installEventFilter(&recorder);
    for (int i = 0; i < 10; ++i) {
        if (i % 2 == 0)
            text += QLatin1Char('a');
        else
            text.chop(1);
        content.body = FormattedText::parse(text, 4096);
        recorder.painted.clear();
        preview.setContent(content);
        QApplication::processEvents();
        QCOMPARE(recorder.painted.size(), 1); // every keystroke shows
        const QRect painted = recorder.painted.first();
        QVERIFY2(painted.height() < 120, qPrintable(QStringLiteral("%1 px high").arg(painted.height())));
        QVERIFY(painted.width() < preview.width());
    }
    // a new style is painted whole
    recorder.painted.clear();
    preview.setPhoneStyle(PhoneStyle::Platform::Android, PhoneStyle::Theme::Dark);
    QApplication::processEvents();
    QCOMPARE(recorder.painted.size(), 1);
    QCOMPARE(recorder.painted.first(), preview.rect());
}

void TestIncrementalPreview::stableSizeBoxAsksOnlyOnARealChange()
{
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    auto* counter = new QLabel(QStringLiteral("10/4096"));
    auto* counterBox = new StableSizeBox(counter, &window);
    auto* finding = new QLabel(QStringLiteral("Body text is 4000 characters."));
    finding->setWordWrap(true);
    auto* findingBox = new StableSizeBox(finding, &window);
    layout->addWidget(counterBox);
    layout->addWidget(findingBox);
    layout->addStretch(1);
    window.resize(300, 300);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QApplication::processEvents();
    QCOMPARE(counter->parentWidget(), counterBox);
    QCOMPARE(counter->geometry(), counterBox->rect());
    QCOMPARE(finding->geometry(), findingBox->rect());
    PaintRecorder recorder;
    window.installEventFilter(&recorder);
    counter->installEventFilter(&recorder);

    // as large as before: repainted, nothing laid out
    counter->setText(QStringLiteral("11/4096"));
    finding->setText(QStringLiteral("Body text is 4001 characters."));
    QApplication::processEvents();
    QApplication::processEvents();
    QCOMPARE(recorder.layoutRequests, 0);
    QVERIFY(!recorder.painted.isEmpty());
    QCOMPARE(counterBox->geometryRequests(), 0);
    QCOMPARE(findingBox->geometryRequests(), 0);

    // a finding that needs more lines: laid out, and the box grows with it
    const int oneLine = findingBox->height();
    finding->setText(QString(QStringLiteral("Body text is far too long for this field. ")).repeated(6));
    QApplication::processEvents();
    QApplication::processEvents();
    QCOMPARE(findingBox->geometryRequests(), 1);
    QVERIFY(recorder.layoutRequests > 0);
    QVERIFY(findingBox->height() > 2 * oneLine);
    QCOMPARE(findingBox->height(), finding->heightForWidth(findingBox->width()));
    QCOMPARE(finding->geometry(), findingBox->rect());

    // a wider counter: its minimum width follows
    counter->setText(QStringLiteral("a much longer text than the counter had"));
    QApplication::processEvents();
    QCOMPARE(counterBox->geometryRequests(), 1);
    QCOMPARE(counterBox->sizeHint(), counter->sizeHint());
}

void TestIncrementalPreview::findingsWithNewNumbersUpdateInPlace()
{
    FindingsModel model;
    QAbstractItemModelTester tester(&model);
    const auto finding = [](Severity severity, const QString& path, const QString& code, qint64 actual) {
        Finding f;
        f.severity = severity;
        f.path = path;
        f.code = code;
        f.limit = 1024;
        f.actual = actual;
        f.message = QStringLiteral("Body text is %1 characters").arg(actual);
        return f;
    };
    model.setFindings({finding(Severity::Warning, QStringLiteral("interactive.body.text"), QStringLiteral("a"), 4000),
                       finding(Severity::Error, QStringLiteral("to"), QStringLiteral("b"), 1)});
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

    // the body grew by one character: its row changes, nothing else
    model.setFindings({finding(Severity::Warning, QStringLiteral("interactive.body.text"), QStringLiteral("a"), 4001),
                       finding(Severity::Error, QStringLiteral("to"), QStringLiteral("b"), 1)});
    QCOMPARE(resets.size(), 0);
    QCOMPARE(changes.size(), 1);
    const QModelIndex changed = changes.first().at(0).toModelIndex();
    QCOMPARE(changed.row(), 1); // errors first
    QCOMPARE(changed.data(FindingsModel::ActualRole).toLongLong(), 4001);
    QVERIFY(changed.data().toString().contains(QStringLiteral("4001")));

    // another finding: the list is new
    model.setFindings({finding(Severity::Warning, QStringLiteral("interactive.footer.text"), QStringLiteral("c"), 70)});
    QCOMPARE(resets.size(), 1);
    QCOMPARE(model.rowCount(), 1);
}

void TestIncrementalPreview::findingsViewRepaintsTheChangedRow()
{
    const auto findings = [](qint64 actual, const QString& extra) {
        Finding body;
        body.path = QStringLiteral("interactive.body.text");
        body.code = QStringLiteral("body_length");
        body.actual = actual;
        body.message = QStringLiteral("Body text is %1 characters; the limit is 4096.%2").arg(actual).arg(extra);
        Finding footer;
        footer.severity = Severity::Warning;
        footer.path = QStringLiteral("interactive.footer.text");
        footer.code = QStringLiteral("footer_legacy_length");
        footer.message = QStringLiteral("Footer text is 61 characters.");
        return QList<Finding>{body, footer};
    };
    FindingsModel model;
    FindingsView view;
    view.setModel(&model);
    view.resize(420, 300);
    model.setFindings(findings(5000, {}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QApplication::processEvents();
    PaintRecorder recorder;
    view.viewport()->installEventFilter(&recorder);
    const QModelIndex row = model.index(0);
    const QModelIndex next = model.index(1);
    for (qint64 actual : {5001, 5002, 5003}) {
        recorder.painted.clear();
        model.setFindings(findings(actual, {}));
        QTRY_VERIFY(!recorder.painted.isEmpty()); // QListView lays out on a zero timer
        if (actual > 5001)                        // measured once before: only its row is repainted
            QCOMPARE(recorder.painted.last(), view.visualRect(row));
        QCOMPARE(onScreen(&view), view.grab().toImage().convertToFormat(QImage::Format_RGB32));
    }
    // a message that needs more lines: the rows are laid out again, the next one moves down
    const int oneLine = view.visualRect(row).height();
    model.setFindings(findings(5004, QString(QStringLiteral(" Much longer now.")).repeated(8)));
    QTRY_VERIFY(view.visualRect(row).height() > oneLine);
    QTRY_COMPARE(view.visualRect(next).top(), view.visualRect(row).bottom() + 1);
    QCOMPARE(onScreen(&view), view.grab().toImage().convertToFormat(QImage::Format_RGB32));
}

QTEST_MAIN(TestIncrementalPreview)
#include "tst_incrementalpreview.moc"
