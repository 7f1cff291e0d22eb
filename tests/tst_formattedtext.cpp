#include <QTest>

#include "FormattedText.h"

using wa::FormattedText;
using wa::TextSpan;

Q_DECLARE_METATYPE(QList<TextSpan>)

namespace {
TextSpan span(const char* text, unsigned style = TextSpan::Plain, const char* link = "")
{
    return TextSpan{QString::fromUtf8(text), style, QString::fromUtf8(link), false, -1};
}

QString describe(const QList<TextSpan>& spans)
{
    QStringList parts;
    for (const TextSpan& s : spans)
        parts << QStringLiteral("[%1|%2|%3|%4]").arg(s.text).arg(s.style).arg(s.link).arg(s.overflow);
    return parts.join(QLatin1Char(' '));
}
} // namespace

class TestFormattedText : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void sourcePositions();
    void overflow_data();
    void overflow();
};

void TestFormattedText::parse_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QList<TextSpan>>("expected");

    QTest::newRow("plain") << QStringLiteral("Hello") << QList<TextSpan>{span("Hello")};
    QTest::newRow("bold") << QStringLiteral("ready in *15 minutes*.")
                          << QList<TextSpan>{span("ready in "), span("15 minutes", TextSpan::Bold), span(".")};
    QTest::newRow("italic") << QStringLiteral("_soft_") << QList<TextSpan>{span("soft", TextSpan::Italic)};
    QTest::newRow("strike") << QStringLiteral("~old~ new")
                            << QList<TextSpan>{span("old", TextSpan::Strike), span(" new")};
    QTest::newRow("mono") << QStringLiteral("run ```make *all*```")
                          << QList<TextSpan>{span("run "), span("make *all*", TextSpan::Mono)};
    QTest::newRow("nested") << QStringLiteral("*_both_*")
                            << QList<TextSpan>{span("both", TextSpan::Bold | TextSpan::Italic)};
    QTest::newRow("inside a word stays") << QStringLiteral("2*3*4") << QList<TextSpan>{span("2*3*4")};
    QTest::newRow("space after opener") << QStringLiteral("* not bold*") << QList<TextSpan>{span("* not bold*")};
    QTest::newRow("unpaired") << QStringLiteral("5 * 3") << QList<TextSpan>{span("5 * 3")};
    QTest::newRow("not across lines") << QStringLiteral("*a\nb*") << QList<TextSpan>{span("*a\nb*")};
    QTest::newRow("snake_case_words") << QStringLiteral("my_var_name") << QList<TextSpan>{span("my_var_name")};
    QTest::newRow("link") << QStringLiteral("See https://example.com/track?id=1.")
                          << QList<TextSpan>{span("See "),
                                             span("https://example.com/track?id=1", TextSpan::Plain,
                                                  "https://example.com/track?id=1"),
                                             span(".")};
    QTest::newRow("www link") << QStringLiteral("www.example.com")
                              << QList<TextSpan>{span("www.example.com", TextSpan::Plain, "https://www.example.com")};
    QTest::newRow("bold link") << QStringLiteral("*https://a.io*")
                               << QList<TextSpan>{span("https://a.io", TextSpan::Bold, "https://a.io")};
    QTest::newRow("cjk bold") << QStringLiteral("請*選擇*時段")
                              << QList<TextSpan>{span("請*選擇*時段")}; // no boundary around CJK markers
    QTest::newRow("cjk bold spaced") << QStringLiteral("請 *選擇* 時段")
                                     << QList<TextSpan>{span("請 "), span("選擇", TextSpan::Bold), span(" 時段")};
    QTest::newRow("emoji inside") << QStringLiteral("_📅 today_") << QList<TextSpan>{span("📅 today", TextSpan::Italic)};
}

void TestFormattedText::parse()
{
    QFETCH(QString, input);
    QFETCH(QList<TextSpan>, expected);
    const QList<TextSpan> actual = FormattedText::parse(input);
    QVERIFY2(actual == expected, qPrintable(describe(actual) + QLatin1String("  expected  ") + describe(expected)));
}

void TestFormattedText::sourcePositions()
{
    const QString input = QStringLiteral("ab *cd* ef");
    const QList<TextSpan> spans = FormattedText::parse(input);
    QCOMPARE(spans.size(), 3);
    for (const TextSpan& s : spans)
        QCOMPARE(input.mid(s.source, s.text.size()), s.text);
}

void TestFormattedText::overflow_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("inside");
    QTest::addColumn<QString>("over");

    QTest::newRow("within") << QStringLiteral("abc") << 3 << QStringLiteral("abc") << QString();
    QTest::newRow("one over") << QStringLiteral("abcd") << 3 << QStringLiteral("abc") << QStringLiteral("d");
    // The limit counts the text as sent, so markers count; they are not shown.
    QTest::newRow("markers count") << QStringLiteral("*ab* cd") << 4 << QStringLiteral("ab") << QStringLiteral(" cd");
    QTest::newRow("cut inside bold") << QStringLiteral("x *abcd*") << 5 << QStringLiteral("x ab")
                                     << QStringLiteral("cd");
    QTest::newRow("emoji count once") << QStringLiteral("📅📅📅") << 2 << QStringLiteral("📅📅") << QStringLiteral("📅");
    QTest::newRow("cjk") << QStringLiteral("請選擇您方便的") << 4 << QStringLiteral("請選擇您")
                         << QStringLiteral("方便的");
}

void TestFormattedText::overflow()
{
    QFETCH(QString, input);
    QFETCH(int, limit);
    QFETCH(QString, inside);
    QFETCH(QString, over);
    QString actualInside;
    QString actualOver;
    for (const TextSpan& s : FormattedText::parse(input, limit))
        (s.overflow ? actualOver : actualInside) += s.text;
    QCOMPARE(actualInside, inside);
    QCOMPARE(actualOver, over);
}

QTEST_APPLESS_MAIN(TestFormattedText)
#include "tst_formattedtext.moc"
