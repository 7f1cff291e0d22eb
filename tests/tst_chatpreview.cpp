#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QTest>
#include <QWheelEvent>

#include "ChatModel.h"
#include "ChatPreview.h"
#include "MessageCodec.h"
#include "SandboxServer.h"

using namespace wa;

namespace {

SandboxMessage accepted(const QString& sample, const QString& id)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + sample);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(sample));
    const QByteArray bytes = file.readAll();
    SandboxMessage message;
    message.id = id;
    message.waId = QStringLiteral("16505551234");
    message.phoneNumberId = SandboxServer::kDefaultPhoneNumberId;
    message.type = QStringLiteral("interactive");
    message.payload = QJsonDocument::fromJson(bytes).object();
    message.message = *MessageCodec::decode(bytes).message;
    message.time = QDateTime::currentDateTimeUtc();
    return message;
}

const PhoneLayout::Item* findItem(const ChatPreview::Block& block, PhoneLayout::Kind kind, int index = -1)
{
    for (const PhoneLayout::Item& item : block.items) {
        if (item.kind == kind && (index < 0 || item.index == index))
            return &item;
    }
    return nullptr;
}

const ChatPreview::Block* blockOf(const ChatPreview& chat, const QString& id)
{
    for (const ChatPreview::Block& block : chat.blocks()) {
        if (block.id == id)
            return &block;
    }
    return nullptr;
}

} // namespace

// The sandbox chat on the phone: the bot's messages laid out like the composer's preview and
// interactive, the customer's on the right, the delivery under each.
class TestChatPreview : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsTheConversation();
    void listSheetPicksARow();
    void replyButtonTapsOnce();
    void otherButtons();
    void ticksFollowStatuses();
    void laidOutAsItComesLikeAllAtOnce();
    void oldestDroppedUnderAFloodLikeAllAtOnce();
    void onlyWhatIsShownIsLaidOutUnderAFlood();
    void floodPaintedAtMostEveryFrame();

private:
    ChatModel* m_model = nullptr;
    ChatPreview* m_chat = nullptr;
};

void TestChatPreview::init()
{
    m_model = new ChatModel;
    m_model->setCustomer(QStringLiteral("16505551234"));
    m_chat = new ChatPreview;
    m_chat->resize(420, 900);
    m_chat->setModel(m_model);
    m_chat->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chat));
}

void TestChatPreview::cleanup()
{
    delete m_chat;
    delete m_model;
}

void TestChatPreview::showsTheConversation()
{
    QVERIFY(m_chat->blocks().isEmpty());
    QVERIFY(m_model->appendBusinessMessage(
        accepted(QStringLiteral("list-takeout-menu.json"), QStringLiteral("wamid.list"))));
    QJsonObject text{
        {QStringLiteral("from"), QStringLiteral("16505551234")},
        {QStringLiteral("id"), QStringLiteral("wamid.customer1")},
        {QStringLiteral("timestamp"), QStringLiteral("1732500000")},
        {QStringLiteral("type"), QStringLiteral("text")},
        {QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), QStringLiteral("Do you deliver?")}}}};
    QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), text, ApiFamily::Cloud));
    const QList<ChatPreview::Block> blocks = m_chat->blocks();
    QCOMPARE(blocks.size(), 2);
    QVERIFY(blocks.at(0).fromBusiness);
    QVERIFY(findItem(blocks.at(0), PhoneLayout::Kind::Bubble));
    QVERIFY(findItem(blocks.at(0), PhoneLayout::Kind::BubbleButton)); // the list's button
    QVERIFY(!blocks.at(1).fromBusiness);
    QCOMPARE(blocks.at(1).text, QStringLiteral("Do you deliver?"));
    // the customer's bubble is on the right, below the bot's
    QVERIFY(blocks.at(1).bubble.right() > m_chat->width() / 2.0);
    QVERIFY(blocks.at(1).rect.top() >= blocks.at(0).rect.bottom());
    // painting it works and puts something on the right
    const QImage image = m_chat->grab().toImage();
    QVERIFY(!image.isNull());
    if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS"))
        image.save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/chat.png"));
}

void TestChatPreview::listSheetPicksARow()
{
    const SandboxMessage list = accepted(QStringLiteral("list-takeout-menu.json"), QStringLiteral("wamid.list"));
    QVERIFY(m_model->appendBusinessMessage(list));
    const ChatPreview::Block* block = blockOf(*m_chat, QStringLiteral("wamid.list"));
    QVERIFY(block);
    const PhoneLayout::Item* button = findItem(*block, PhoneLayout::Kind::BubbleButton);
    QVERIFY(button);
    QTest::mouseClick(m_chat, Qt::LeftButton, {}, m_chat->centerOf(*block, *button).toPoint());
    QCOMPARE(m_chat->sheetMessageId(), QStringLiteral("wamid.list"));
    QList<PhoneLayout::Item> sheet = m_chat->sheetItems();
    const PhoneLayout::Item* row = nullptr;
    for (const PhoneLayout::Item& item : sheet) {
        if (item.kind == PhoneLayout::Kind::SheetRow && item.index == 1)
            row = &item;
    }
    QVERIFY(row);
    QSignalSpy picked(m_chat, &ChatPreview::rowPicked);
    QTest::mouseClick(m_chat, Qt::LeftButton, {}, row->rect.center().toPoint());
    QCOMPARE(m_chat->selectedRow(), 1);
    QCOMPARE(picked.count(), 0); // not before Send
    sheet = m_chat->sheetItems();
    QPointF send;
    for (const PhoneLayout::Item& item : sheet) {
        if (item.kind == PhoneLayout::Kind::SheetSend)
            send = item.rect.center();
    }
    QTest::mouseClick(m_chat, Qt::LeftButton, {}, send.toPoint());
    QCOMPARE(picked.count(), 1);
    QCOMPARE(picked.first().at(0).toString(), QStringLiteral("wamid.list"));
    // the second row of the sample, by its id
    const QJsonArray sections = list.payload.value(QStringLiteral("interactive"))
                                    .toObject()
                                    .value(QStringLiteral("action"))
                                    .toObject()
                                    .value(QStringLiteral("sections"))
                                    .toArray();
    QStringList ids;
    for (const auto& section : sections) {
        for (const auto& r : section.toObject().value(QStringLiteral("rows")).toArray())
            ids << r.toObject().value(QStringLiteral("id")).toString();
    }
    QCOMPARE(picked.first().at(1).toString(), ids.at(1));
    QVERIFY(m_chat->sheetMessageId().isEmpty()); // closed after sending
}

void TestChatPreview::replyButtonTapsOnce()
{
    const SandboxMessage buttons = accepted(QStringLiteral("button-text-header.json"), QStringLiteral("wamid.buttons"));
    QVERIFY(m_model->appendBusinessMessage(buttons));
    const ChatPreview::Block* block = blockOf(*m_chat, QStringLiteral("wamid.buttons"));
    QVERIFY(block);
    const PhoneLayout::Item* second = findItem(*block, PhoneLayout::Kind::ReplyButton, 1);
    QVERIFY(second);
    QSignalSpy tapped(m_chat, &ChatPreview::buttonTapped);
    const QPoint at = m_chat->centerOf(*block, *second).toPoint();
    QTest::mouseClick(m_chat, Qt::LeftButton, {}, at);
    QCOMPARE(tapped.count(), 1);
    QCOMPARE(tapped.first().at(0).toString(), QStringLiteral("wamid.buttons"));
    const QString secondId = buttons.message->interactive->action->buttons->at(1).id.value_or(QString());
    QCOMPARE(tapped.first().at(1).toString(), secondId);
    // the customer's reply arrives: the buttons stop being active
    QJsonObject reply{
        {QStringLiteral("from"), QStringLiteral("16505551234")},
        {QStringLiteral("id"), QStringLiteral("wamid.reply")},
        {QStringLiteral("timestamp"), QStringLiteral("1732500000")},
        {QStringLiteral("type"), QStringLiteral("interactive")},
        {QStringLiteral("context"), QJsonObject{{QStringLiteral("id"), QStringLiteral("wamid.buttons")}}},
        {QStringLiteral("interactive"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("button_reply")},
                     {QStringLiteral("button_reply"),
                      QJsonObject{{QStringLiteral("id"), secondId}, {QStringLiteral("title"), QStringLiteral("x")}}}}}};
    QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), reply, ApiFamily::Cloud));
    // the customer's bubble shows the button's title and quotes the message it answers
    const ChatPreview::Block* answer = blockOf(*m_chat, QStringLiteral("wamid.reply"));
    QVERIFY(answer);
    QCOMPARE(answer->text, QStringLiteral("x"));
    QVERIFY(!answer->quote.isEmpty());
    QCOMPARE(answer->quote, m_model->entry(QStringLiteral("wamid.buttons"))->text.section(QLatin1Char('\n'), 0, 0));
    QVERIFY(answer->quoteRect.top() >= answer->bubble.top() && answer->quoteRect.bottom() <= answer->bubble.bottom());
    block = blockOf(*m_chat, QStringLiteral("wamid.buttons"));
    QVERIFY(!block->active);
    QTest::mouseClick(m_chat, Qt::LeftButton, {},
                      m_chat->centerOf(*block, *findItem(*block, PhoneLayout::Kind::ReplyButton, 0)).toPoint());
    QCOMPARE(tapped.count(), 1);
}

void TestChatPreview::otherButtons()
{
    QVERIFY(m_model->appendBusinessMessage(accepted(QStringLiteral("cta-url.json"), QStringLiteral("wamid.cta"))));
    QVERIFY(
        m_model->appendBusinessMessage(accepted(QStringLiteral("location-request.json"), QStringLiteral("wamid.loc"))));
    QVERIFY(m_model->appendBusinessMessage(accepted(QStringLiteral("flow.json"), QStringLiteral("wamid.flow"))));
    QSignalSpy cta(m_chat, &ChatPreview::ctaOpened);
    QSignalSpy location(m_chat, &ChatPreview::locationRequested);
    QSignalSpy flow(m_chat, &ChatPreview::flowOpened);
    for (const QString& id : {QStringLiteral("wamid.cta"), QStringLiteral("wamid.loc"), QStringLiteral("wamid.flow")}) {
        const ChatPreview::Block* block = blockOf(*m_chat, id);
        QVERIFY(block);
        const PhoneLayout::Item* button = findItem(*block, PhoneLayout::Kind::BubbleButton);
        QVERIFY2(button, qPrintable(id));
        const QPointF at = m_chat->centerOf(*block, *button);
        QVERIFY2(at.y() > 0 && at.y() < m_chat->height(), qPrintable(id)); // visible
        QTest::mouseClick(m_chat, Qt::LeftButton, {}, at.toPoint());
    }
    QCOMPARE(cta.count(), 1);
    QCOMPARE(cta.first().first().toString(), QStringLiteral("wamid.cta"));
    QCOMPARE(location.count(), 1);
    QCOMPARE(location.first().first().toString(), QStringLiteral("wamid.loc"));
    QCOMPARE(flow.count(), 1);
    QCOMPARE(flow.first().first().toString(), QStringLiteral("wamid.flow"));
}

void TestChatPreview::ticksFollowStatuses()
{
    QVERIFY(
        m_model->appendBusinessMessage(accepted(QStringLiteral("button-text-header.json"), QStringLiteral("wamid.t"))));
    // Accepted, by whoever it went through (the sandbox, Meta or a gateway): no one is named.
    QCOMPARE(blockOf(*m_chat, QStringLiteral("wamid.t"))->status, QStringLiteral("accepted, no status yet"));
    QVERIFY(m_model->setStatus(QStringLiteral("wamid.t"), QStringLiteral("delivered")));
    QVERIFY(blockOf(*m_chat, QStringLiteral("wamid.t"))->status.contains(QStringLiteral("\u2713\u2713 delivered")));
    QVERIFY(m_model->setStatus(QStringLiteral("wamid.t"), QStringLiteral("read")));
    QVERIFY(blockOf(*m_chat, QStringLiteral("wamid.t"))->status.contains(QStringLiteral("read")));
    QVERIFY(m_model->setStatus(QStringLiteral("wamid.t"), QStringLiteral("failed"),
                               QStringLiteral("131047: Re-engagement message")));
    const ChatPreview::Block* block = blockOf(*m_chat, QStringLiteral("wamid.t"));
    QVERIFY(block->status.contains(QStringLiteral("131047")));
    QCOMPARE(block->statusColor, QColor(0xe5, 0x39, 0x35));
}

// New messages are laid out alone and ticks from their row on; the result is what laying out the
// whole conversation at once gives.
void TestChatPreview::laidOutAsItComesLikeAllAtOnce()
{
    for (int i = 0; i < 12; ++i) {
        QVERIFY(m_model->appendBusinessMessage(
            accepted(i % 2 ? QStringLiteral("button-text-header.json") : QStringLiteral("list-takeout-menu.json"),
                     QStringLiteral("wamid.b%1").arg(i))));
        QJsonObject text{
            {QStringLiteral("from"), QStringLiteral("16505551234")},
            {QStringLiteral("id"), QStringLiteral("wamid.c%1").arg(i)},
            {QStringLiteral("timestamp"), QStringLiteral("1732500000")},
            {QStringLiteral("type"), QStringLiteral("text")},
            {QStringLiteral("context"), QJsonObject{{QStringLiteral("id"), QStringLiteral("wamid.b%1").arg(i)}}},
            {QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), QStringLiteral("reply %1").arg(i)}}}};
        QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), text, ApiFamily::Cloud));
        (void)m_chat->blocks(); // laid out as they come
        if (i == 5)
            QVERIFY(m_model->setStatus(QStringLiteral("wamid.b3"), QStringLiteral("read")));
    }
    ChatPreview fresh;
    fresh.resize(m_chat->size());
    fresh.setModel(m_model);
    const QList<ChatPreview::Block> incremental = m_chat->blocks();
    const QList<ChatPreview::Block> whole = fresh.blocks();
    QCOMPARE(incremental.size(), whole.size());
    QCOMPARE(incremental.size(), 24);
    for (int i = 0; i < whole.size(); ++i) {
        QCOMPARE(incremental.at(i).id, whole.at(i).id);
        QCOMPARE(incremental.at(i).rect, whole.at(i).rect);
        QCOMPARE(incremental.at(i).bubble, whole.at(i).bubble);
        QCOMPARE(incremental.at(i).status, whole.at(i).status);
        QCOMPARE(incremental.at(i).quote, whole.at(i).quote);
        QCOMPARE(incremental.at(i).items.size(), whole.at(i).items.size());
        for (int j = 0; j < whole.at(i).items.size(); ++j)
            QCOMPARE(incremental.at(i).items.at(j).rect, whole.at(i).items.at(j).rect);
    }
    QVERIFY(incremental.at(6).status.contains(QStringLiteral("read"))); // wamid.b3
}

// Past the model's cap each new message drops the oldest. Between two layouts many come and go
// (a flood): the blocks are moved up once for all of them, and end where a fresh layout puts them.
void TestChatPreview::oldestDroppedUnderAFloodLikeAllAtOnce()
{
    const auto customerText = [](int i) {
        return QJsonObject{
            {QStringLiteral("from"), QStringLiteral("16505551234")},
            {QStringLiteral("id"), QStringLiteral("wamid.f%1").arg(i)},
            {QStringLiteral("timestamp"), QStringLiteral("1732500000")},
            {QStringLiteral("type"), QStringLiteral("text")},
            {QStringLiteral("text"),
             QJsonObject{{QStringLiteral("body"),
                          QStringLiteral("message %1%2").arg(i).arg(QString(i % 7 * 12, QLatin1Char('x')))}}}};
    };
    QVERIFY(
        m_model->appendBusinessMessage(accepted(QStringLiteral("button-text-header.json"), QStringLiteral("wamid.t"))));
    int n = 0;
    for (; n < ChatModel::kMaxEntriesPerCustomer - 1; ++n)
        QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), customerText(n), ApiFamily::Cloud));
    (void)m_chat->blocks(); // laid out full
    for (int round = 0; round < 5; ++round) {
        for (int k = 0; k < 9 + round; ++k, ++n) // several come and go between two layouts
            QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), customerText(n), ApiFamily::Cloud));
        if (round == 2) { // and one of ours, ticked in the middle of the drops
            QVERIFY(m_model->appendBusinessMessage(
                accepted(QStringLiteral("button-text-header.json"), QStringLiteral("wamid.mid"))));
            QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), customerText(n++), ApiFamily::Cloud));
            QVERIFY(m_model->setStatus(QStringLiteral("wamid.mid"), QStringLiteral("read")));
        }
        (void)m_chat->blocks();
    }
    QCOMPARE(m_model->rowCount(), ChatModel::kMaxEntriesPerCustomer);
    ChatPreview fresh;
    fresh.resize(m_chat->size());
    fresh.setModel(m_model);
    const QList<ChatPreview::Block> incremental = m_chat->blocks();
    const QList<ChatPreview::Block> whole = fresh.blocks();
    QCOMPARE(incremental.size(), whole.size());
    QCOMPARE(incremental.first().id, QStringLiteral("wamid.f%1").arg(n + 1 - ChatModel::kMaxEntriesPerCustomer));
    for (int i = 0; i < whole.size(); ++i) {
        QCOMPARE(incremental.at(i).row, whole.at(i).row);
        QCOMPARE(incremental.at(i).id, whole.at(i).id);
        QCOMPARE(incremental.at(i).rect, whole.at(i).rect);
        QCOMPARE(incremental.at(i).bubble, whole.at(i).bubble);
        QCOMPARE(incremental.at(i).items.size(), whole.at(i).items.size());
        for (int j = 0; j < whole.at(i).items.size(); ++j)
            QCOMPARE(incremental.at(i).items.at(j).rect, whole.at(i).items.at(j).rect);
    }
}

// Hundreds of messages between two frames: only the newest are laid out, the others when they are
// scrolled into view, and what is painted is what a complete layout paints, at the bottom and
// scrolled up.
void TestChatPreview::onlyWhatIsShownIsLaidOutUnderAFlood()
{
    constexpr int kMessages = 600;
    for (int i = 0; i < kMessages; ++i) {
        if (i % 50 == 10) {
            QVERIFY(m_model->appendBusinessMessage(
                accepted(QStringLiteral("button-text-header.json"), QStringLiteral("wamid.bot%1").arg(i))));
            continue;
        }
        const QJsonObject text{
            {QStringLiteral("from"), QStringLiteral("16505551234")},
            {QStringLiteral("id"), QStringLiteral("wamid.flood%1").arg(i)},
            {QStringLiteral("timestamp"), QStringLiteral("1732500000")},
            {QStringLiteral("type"), QStringLiteral("text")},
            {QStringLiteral("text"),
             QJsonObject{{QStringLiteral("body"),
                          QStringLiteral("message %1 %2").arg(i).arg(QString(i % 9 * 20, QLatin1Char('w')))}}}};
        QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), text, ApiFamily::Cloud));
    }
    const QImage lazy = m_chat->grab().toImage();
    const int laidOut = m_chat->laidOutCount();
    QVERIFY2(laidOut > 0 && laidOut < 80, qPrintable(QStringLiteral("%1 of %2 laid out").arg(laidOut).arg(kMessages)));

    ChatPreview complete;
    complete.resize(m_chat->size());
    complete.setModel(m_model);
    complete.show(); // its first resize event, which lays out anew, before the comparison
    QVERIFY(QTest::qWaitForWindowExposed(&complete));
    QCOMPARE(complete.blocks().size(), kMessages); // every one laid out
    QCOMPARE(complete.laidOutCount(), kMessages);
    QCOMPARE(lazy, complete.grab().toImage());

    // Three screens up: laid out as they come into view, where the complete layout has them.
    for (ChatPreview* chat : {m_chat, &complete}) {
        QWheelEvent wheel(QPointF(100, 100), QPointF(100, 100), QPoint(), QPoint(0, 2 * 3 * 900), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(chat, &wheel);
    }
    const QImage scrolled = m_chat->grab().toImage();
    QCOMPARE(complete.laidOutCount(), kMessages);
    QVERIFY(complete.contentOffset() != m_chat->contentOffset()); // the same view, not the same estimates
    QCOMPARE(scrolled, complete.grab().toImage());
    QVERIFY(m_chat->laidOutCount() > laidOut);
    QVERIFY(m_chat->laidOutCount() < kMessages);
}

namespace {
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(const ChatModel* model)
        : m_model(model)
    {
    }
    int paints = 0;
    int rowsPainted = 0; // the model's rows at the last paint
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Paint) {
            ++paints;
            rowsPainted = m_model->rowCount();
        }
        return false;
    }

private:
    const ChatModel* m_model;
};
} // namespace

// Messages one after the other, each given its turn of the event loop (as the listener's batches
// come): the chat is painted at most once a frame, and the last one is painted.
void TestChatPreview::floodPaintedAtMostEveryFrame()
{
    PaintCounter counter(m_model);
    m_chat->installEventFilter(&counter);
    QElapsedTimer elapsed;
    elapsed.start();
    constexpr int kMessages = 60;
    for (int i = 0; i < kMessages; ++i) {
        const QJsonObject text{{QStringLiteral("from"), QStringLiteral("16505551234")},
                               {QStringLiteral("id"), QStringLiteral("wamid.paint%1").arg(i)},
                               {QStringLiteral("timestamp"), QStringLiteral("1732500000")},
                               {QStringLiteral("type"), QStringLiteral("text")},
                               {QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), QStringLiteral("hi")}}}};
        QVERIFY(m_model->appendCustomerMessage(QStringLiteral("16505551234"), text, ApiFamily::Cloud));
        QCoreApplication::processEvents();
    }
    const qint64 ms = elapsed.elapsed();
    const int allowed = 1 + int(ms / ChatPreview::kRepaintIntervalMs);
    QVERIFY2(
        counter.paints <= allowed,
        qPrintable(QStringLiteral("%1 paints in %2 ms for %3 messages").arg(counter.paints).arg(ms).arg(kMessages)));
    QTRY_COMPARE(counter.rowsPainted, kMessages); // the last one is painted, within a frame
    QCOMPARE(m_chat->blocks().last().id, QStringLiteral("wamid.paint%1").arg(kMessages - 1));
}

QTEST_MAIN(TestChatPreview)
#include "tst_chatpreview.moc"
