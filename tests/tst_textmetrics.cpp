#include <QTest>

#include "TextMetrics.h"

using wa::TextMetrics;

class TestTextMetrics : public QObject
{
    Q_OBJECT

private slots:
    void codePoints_data();
    void codePoints();
    void emoji_data();
    void emoji();
    void edgeWhitespace_data();
    void edgeWhitespace();
};

void TestTextMetrics::codePoints_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qsizetype>("codePoints");
    QTest::addColumn<qsizetype>("utf16");

    QTest::newRow("empty") << QString() << qsizetype(0) << qsizetype(0);
    QTest::newRow("ascii") << QStringLiteral("Top up") << qsizetype(6) << qsizetype(6);
    QTest::newRow("cjk") << QStringLiteral("查看時段") << qsizetype(4) << qsizetype(4);
    QTest::newRow("emoji") << QStringLiteral("📅") << qsizetype(1) << qsizetype(2);
    QTest::newRow("mixed") << QStringLiteral("預約 📅 ok") << qsizetype(7) << qsizetype(8);
    QTest::newRow("flag (two regional indicators)") << QStringLiteral("🇹🇼") << qsizetype(2) << qsizetype(4);
    QTest::newRow("arabic") << QStringLiteral("مرحبا") << qsizetype(5) << qsizetype(5);
    // A lone surrogate is still one unit, counted once.
    QTest::newRow("lone high surrogate") << QString(QChar(0xD83D)) << qsizetype(1) << qsizetype(1);
}

void TestTextMetrics::codePoints()
{
    QFETCH(QString, text);
    QFETCH(qsizetype, codePoints);
    QFETCH(qsizetype, utf16);
    QCOMPARE(TextMetrics::codePoints(text), codePoints);
    QCOMPARE(TextMetrics::utf16Units(text), utf16);
}

void TestTextMetrics::emoji_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("hasEmoji");

    QTest::newRow("plain") << QStringLiteral("Book now") << false;
    QTest::newRow("cjk") << QStringLiteral("立即預約") << false;
    QTest::newRow("accents") << QStringLiteral("Réserver") << false;
    QTest::newRow("calendar") << QStringLiteral("Book 📅") << true;
    QTest::newRow("sun (BMP)") << QStringLiteral("Sunny ☀") << true;
    QTest::newRow("heart with selector") << QStringLiteral("I ❤️ it") << true;
    QTest::newRow("flag") << QStringLiteral("🇹🇼") << true;
    QTest::newRow("play button") << QStringLiteral("Go ▶") << true;
    QTest::newRow("arrow up right curve") << QStringLiteral("⤴") << true;
    QTest::newRow("maps arrow, not emoji") << QStringLiteral("a ↦ b") << false;
    QTest::newRow("black star in 2B50") << QStringLiteral("⭐") << true;
    QTest::newRow("geometric arrow 2B95, not emoji") << QStringLiteral("⮕") << false;
}

void TestTextMetrics::emoji()
{
    QFETCH(QString, text);
    QFETCH(bool, hasEmoji);
    QCOMPARE(TextMetrics::containsEmoji(text), hasEmoji);
}

void TestTextMetrics::edgeWhitespace_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("edge");

    QTest::newRow("clean") << QStringLiteral("a b") << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("leading") << QStringLiteral(" a") << true;
    QTest::newRow("trailing tab") << QStringLiteral("a\t") << true;
    QTest::newRow("newline") << QStringLiteral("a\n") << true;
}

void TestTextMetrics::edgeWhitespace()
{
    QFETCH(QString, text);
    QFETCH(bool, edge);
    QCOMPARE(TextMetrics::hasEdgeWhitespace(text), edge);
}

QTEST_APPLESS_MAIN(TestTextMetrics)
#include "tst_textmetrics.moc"
