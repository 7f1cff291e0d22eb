#include <QApplication>
#include <QFile>
#include <QTextLayout>
#include <QWheelEvent>
#include <QJsonDocument>
#include <QTest>

#include "BubbleContent.h"
#include "MessageCodec.h"
#include "PhoneLayout.h"
#include "PhonePreview.h"

using namespace wa;
using Kind = PhoneLayout::Kind;

namespace {

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

QStringList textsOf(const PhoneLayout& layout, Kind kind)
{
    QStringList texts;
    for (const PhoneLayout::Item* item : layout.itemsOf(kind))
        texts << item->text;
    return texts;
}

const PhoneStyle kAndroid = PhoneStyle::make(PhoneStyle::Platform::Android, PhoneStyle::Theme::Light);

} // namespace

class TestPhoneLayout : public QObject
{
    Q_OBJECT

private slots:
    void buttons_data();
    void buttons();
    void listSheet();
    void partsStayInsideTheBubble_data();
    void partsStayInsideTheBubble();
    void headerAndFooter();
    void flowOnWebIsANotice();
    void overflowIsKeptAndMarked();
    void tappedButtonDisablesTheOthers();
    void itemAtFindsButtons();
    void longMessageShowsItsBottomAndScrolls();
    void rightToLeftText();
};

void TestPhoneLayout::buttons_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QStringList>("below");
    QTest::addColumn<QStringList>("inBubble");

    QTest::newRow("reply buttons") << QStringLiteral("button-text-header.json")
                                   << QStringList{QStringLiteral("$5"), QStringLiteral("$10"), QStringLiteral("$20")}
                                   << QStringList();
    QTest::newRow("list") << QStringLiteral("list-takeout-menu.json") << QStringList()
                          << QStringList{QStringLiteral("See dishes")};
    QTest::newRow("cta") << QStringLiteral("cta-url.json") << QStringList()
                         << QStringList{QStringLiteral("Open tracking")};
    QTest::newRow("location") << QStringLiteral("location-request.json") << QStringList()
                              << QStringList{QStringLiteral("Send location")};
    QTest::newRow("flow") << QStringLiteral("flow.json") << QStringList() << QStringList{QStringLiteral("Book now")};
    QTest::newRow("product") << QStringLiteral("product.json") << QStringList() << QStringList{QStringLiteral("View")};
    QTest::newRow("product list") << QStringLiteral("product-list.json") << QStringList()
                                  << QStringList{QStringLiteral("View items")};
}

void TestPhoneLayout::buttons()
{
    QFETCH(QString, sample);
    QFETCH(QStringList, below);
    QFETCH(QStringList, inBubble);
    const PhoneLayout layout = PhoneLayout::compute(contentOf(sample), kAndroid, 380, {});
    QCOMPARE(textsOf(layout, Kind::ReplyButton), below);
    QCOMPARE(textsOf(layout, Kind::BubbleButton), inBubble);
    QCOMPARE(layout.itemsOf(Kind::Bubble).size(), 1);
    QCOMPARE(layout.itemsOf(Kind::Time).size(), 1);
    // reply buttons stack under the bubble, each as wide as it
    const QRectF bubble = layout.itemsOf(Kind::Bubble).first()->rect;
    qreal y = bubble.bottom();
    for (const PhoneLayout::Item* button : layout.itemsOf(Kind::ReplyButton)) {
        QVERIFY(button->rect.top() >= y);
        QCOMPARE(button->rect.width(), bubble.width());
        y = button->rect.bottom();
    }
}

void TestPhoneLayout::listSheet()
{
    const BubbleContent content = contentOf(QStringLiteral("list-takeout-menu.json"));
    const PhoneLayout closed = PhoneLayout::compute(content, kAndroid, 380, {});
    QVERIFY(closed.itemsOf(Kind::Sheet).isEmpty());

    PhoneLayout::State state;
    state.sheetOpen = true;
    state.selectedRow = 2;
    const PhoneLayout open = PhoneLayout::compute(content, kAndroid, 380, state);
    QCOMPARE(textsOf(open, Kind::SheetTitle), QStringList{QStringLiteral("See dishes")});
    QCOMPARE(textsOf(open, Kind::SheetSection), (QStringList{QStringLiteral("Noodles"), QStringLiteral("Rice")}));
    QCOMPARE(textsOf(open, Kind::SheetRow),
             (QStringList{QStringLiteral("Beef noodle soup"), QStringLiteral("Dan dan noodles"),
                          QStringLiteral("Braised pork rice"), QStringLiteral("Chicken rice")}));
    const auto rows = open.itemsOf(Kind::SheetRow);
    QCOMPARE(rows.at(0)->secondaryText, QStringLiteral("Slow braised shank, NT$180"));
    QVERIFY(rows.at(3)->secondaryText.isEmpty());
    QVERIFY(rows.at(2)->selected);
    QVERIFY(!rows.at(0)->selected);
    // rows come in order, without overlapping, above an enabled Send
    for (int i = 1; i < rows.size(); ++i)
        QVERIFY(rows.at(i)->rect.top() >= rows.at(i - 1)->rect.bottom() - 0.5);
    const PhoneLayout::Item* send = open.itemsOf(Kind::SheetSend).first();
    QVERIFY(send->enabled);
    QVERIFY(send->rect.top() >= rows.last()->rect.bottom());
    QVERIFY(send->rect.bottom() <= open.size.height());

    state.selectedRow = -1;
    QVERIFY(!PhoneLayout::compute(content, kAndroid, 380, state).itemsOf(Kind::SheetSend).first()->enabled);
}

void TestPhoneLayout::partsStayInsideTheBubble_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("width");
    for (const char* sample : {"button-image-header.json", "button-document-header.json",
                               "list-zh-TW-appointments.json", "flow.json", "product-list.json"}) {
        for (int width : {240, 380, 800})
            QTest::addRow("%s@%d", sample, width) << QString::fromUtf8(sample) << width;
    }
}

void TestPhoneLayout::partsStayInsideTheBubble()
{
    QFETCH(QString, sample);
    QFETCH(int, width);
    const PhoneLayout layout = PhoneLayout::compute(contentOf(sample), kAndroid, width, {});
    const QRectF bubble = layout.itemsOf(Kind::Bubble).first()->rect;
    QVERIFY(bubble.right() <= width);
    for (Kind kind : {Kind::HeaderText, Kind::Media, Kind::Body, Kind::Footer, Kind::Time, Kind::BubbleButton}) {
        for (const PhoneLayout::Item* item : layout.itemsOf(kind)) {
            QVERIFY2(bubble.adjusted(-0.5, -0.5, 0.5, 0.5).contains(item->rect),
                     qPrintable(QStringLiteral("part %1 leaves the bubble").arg(static_cast<int>(kind))));
        }
    }
    QVERIFY(layout.size.height() >= bubble.bottom());
}

void TestPhoneLayout::headerAndFooter()
{
    const PhoneLayout layout = PhoneLayout::compute(contentOf(QStringLiteral("cta-url.json")), kAndroid, 380, {});
    QCOMPARE(textsOf(layout, Kind::HeaderText), QStringList{QStringLiteral("Track your parcel")});
    QCOMPARE(textsOf(layout, Kind::Body), QStringList{QStringLiteral("Your parcel left the depot this morning.")});
    QCOMPARE(textsOf(layout, Kind::Footer), QStringList{QStringLiteral("Updated every hour")});
    const qreal header = layout.itemsOf(Kind::HeaderText).first()->rect.top();
    const qreal body = layout.itemsOf(Kind::Body).first()->rect.top();
    const qreal footer = layout.itemsOf(Kind::Footer).first()->rect.top();
    QVERIFY(header < body && body < footer);
    const PhoneLayout media =
        PhoneLayout::compute(contentOf(QStringLiteral("button-image-header.json")), kAndroid, 380, {});
    QCOMPARE(media.itemsOf(Kind::Media).size(), 1);
    QCOMPARE(media.itemsOf(Kind::Media).first()->text, QStringLiteral("https://example.com/images/order-1234.jpg"));
}

void TestPhoneLayout::flowOnWebIsANotice()
{
    const BubbleContent content = contentOf(QStringLiteral("flow.json"));
    const PhoneLayout web =
        PhoneLayout::compute(content, PhoneStyle::make(PhoneStyle::Platform::Web, PhoneStyle::Theme::Light), 700, {});
    QVERIFY(web.itemsOf(Kind::BubbleButton).isEmpty());
    QCOMPARE(web.itemsOf(Kind::Notice).size(), 1);
    QVERIFY(web.itemsOf(Kind::Notice).first()->text.contains(QStringLiteral("does not show Flows")));
    const PhoneLayout ios =
        PhoneLayout::compute(content, PhoneStyle::make(PhoneStyle::Platform::IOS, PhoneStyle::Theme::Dark), 380, {});
    QCOMPARE(textsOf(ios, Kind::BubbleButton), QStringList{QStringLiteral("Book now")});
}

void TestPhoneLayout::overflowIsKeptAndMarked()
{
    Message m =
        MessageCodec::fromJson(QJsonDocument::fromJson(R"({"messaging_product":"whatsapp","to":"1","type":"interactive",
        "interactive":{"type":"button","body":{"text":"Hi"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A title that is too long"}}]}}})")
                                   .object());
    const BubbleContent content = BubbleContent::fromMessage(m);
    QCOMPARE(content.below.size(), 1);
    const QList<TextSpan>& label = content.below.first().label;
    QCOMPARE(label.size(), 2);
    QCOMPARE(label.at(0).text, QStringLiteral("A title that is too "));
    QVERIFY(!label.at(0).overflow);
    QCOMPARE(label.at(1).text, QStringLiteral("long"));
    QVERIFY(label.at(1).overflow);
    const PhoneLayout layout = PhoneLayout::compute(content, kAndroid, 380, {});
    QCOMPARE(textsOf(layout, Kind::ReplyButton), QStringList{QStringLiteral("A title that is too long")});
}

void TestPhoneLayout::tappedButtonDisablesTheOthers()
{
    PhoneLayout::State state;
    state.tappedButton = 1;
    const PhoneLayout layout =
        PhoneLayout::compute(contentOf(QStringLiteral("button-text-header.json")), kAndroid, 380, state);
    const auto buttons = layout.itemsOf(Kind::ReplyButton);
    QCOMPARE(buttons.size(), 3);
    for (const PhoneLayout::Item* b : buttons)
        QVERIFY(!b->enabled);
    QVERIFY(buttons.at(1)->selected);
}

void TestPhoneLayout::itemAtFindsButtons()
{
    const BubbleContent content = contentOf(QStringLiteral("list-takeout-menu.json"));
    const PhoneLayout closed = PhoneLayout::compute(content, kAndroid, 380, {});
    const PhoneLayout::Item* button = closed.itemsOf(Kind::BubbleButton).first();
    QCOMPARE(closed.itemAt(button->rect.center()), button);
    QCOMPARE(closed.itemAt(QPointF(2, 2)), nullptr);

    PhoneLayout::State state;
    state.sheetOpen = true;
    const PhoneLayout open = PhoneLayout::compute(content, kAndroid, 380, state);
    const PhoneLayout::Item* row = open.itemsOf(Kind::SheetRow).at(1);
    QCOMPARE(open.itemAt(row->rect.center()), row);
    // with the sheet open, the bubble's button under the shade does not answer
    const PhoneLayout::Item* under = open.itemAt(open.itemsOf(Kind::BubbleButton).first()->rect.center());
    QVERIFY(under && under->kind != Kind::BubbleButton);
}

void TestPhoneLayout::longMessageShowsItsBottomAndScrolls()
{
    BubbleContent content = contentOf(QStringLiteral("list-takeout-menu.json"));
    content.body = FormattedText::parse(
        QString(3000, QLatin1Char('x')).replace(QLatin1Char('x'), QStringLiteral("word ")).left(3000), 4096);
    PhonePreview preview;
    preview.resize(380, 500);
    preview.setContent(content);
    QVERIFY(preview.phoneLayout().size.height() > 600);
    const qreal offset = preview.scrollOffset();
    QCOMPARE(offset, preview.phoneLayout().size.height() - 500); // the newest part is shown
    // the list button, at the bottom, answers where it is seen
    const PhoneLayout::Item* button = preview.phoneLayout().itemsOf(Kind::BubbleButton).first();
    const QPoint seen = (button->rect.center() - QPointF(0, offset)).toPoint();
    QVERIFY(seen.y() > 0 && seen.y() < 500);
    QTest::mouseClick(&preview, Qt::LeftButton, {}, seen);
    QVERIFY(preview.state().sheetOpen);
    preview.closeSheet();
    // scrolling up shows the top
    QWheelEvent up(QPointF(100, 300), preview.mapToGlobal(QPointF(100, 300)), QPoint(), QPoint(0, 12000), Qt::NoButton,
                   Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&preview, &up);
    QCOMPARE(preview.scrollOffset(), 0.0);
}

void TestPhoneLayout::rightToLeftText()
{
    const Message m = MessageCodec::fromJson(
        QJsonDocument::fromJson(
            QStringLiteral(
                R"({"messaging_product":"whatsapp","to":"1","type":"interactive","interactive":{"type":"button",
        "body":{"text":"هل تريد تأكيد طلبك؟"},"action":{"buttons":[{"type":"reply","reply":{"id":"y","title":"نعم"}}]}}})")
                .toUtf8())
            .object());
    const PhoneLayout layout = PhoneLayout::compute(BubbleContent::fromMessage(m), kAndroid, 380, {});
    const PhoneLayout::Item* body = layout.itemsOf(Kind::Body).first();
    QCOMPARE(body->layout->textOption().textDirection(), Qt::RightToLeft);
    // right-aligned in the bubble: the line ends at the right edge
    const QTextLine line = body->layout->lineAt(0);
    QVERIFY(qAbs(line.naturalTextRect().right() - body->rect.width()) < 1.0);
    QCOMPARE(layout.itemsOf(Kind::ReplyButton).first()->text, QStringLiteral("نعم"));
}

QTEST_MAIN(TestPhoneLayout)
#include "tst_phonelayout.moc"
