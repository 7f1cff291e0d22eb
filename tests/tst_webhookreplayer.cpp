#include <QSignalSpy>
#include <QTest>

#include "TestHttpServer.h"
#include "WebhookReplayer.h"
#include "WebhookServer.h"
#include "WebhookSignature.h"

using namespace wa;

namespace {
StoredRequest storedText(const QByteArray& signature)
{
    StoredRequest r;
    r.method = "POST";
    r.target = "/webhook";
    r.body =
        QStringLiteral(
            R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"2"},"messages":[{"from":"16505551234","id":"wamid.replay","timestamp":"1749416384","type":"text","text":{"body":"héllo 😀"}}]}}]}]})")
            .toUtf8();
    r.headers = {{"Host", "example"},
                 {"Content-Type", "application/json"},
                 {"X-Custom", "kept"},
                 {"X-Hub-Signature-256", signature},
                 {"Content-Length", QByteArray::number(r.body.size())}};
    return r;
}
} // namespace

class TestWebhookReplayer : public QObject
{
    Q_OBJECT

private slots:
    void resignedForTheBot();
    void keptSignatureWithoutSecret();
    void refusedAndBadUrl();
    void replayUrl_data();
    void replayUrl();
    void verificationKeepsItsQuery();
};

void TestWebhookReplayer::resignedForTheBot()
{
    // The "bot": a listener on 127.0.0.1 with its own app secret.
    WebhookServer bot;
    bot.setAppSecret("bot-secret");
    QString error;
    QVERIFY(bot.listen(QHostAddress::LocalHost, 0, &error));
    QSignalSpy received(&bot, &WebhookServer::received);
    WebhookReplayer replayer;
    QSignalSpy finished(&replayer, &WebhookReplayer::finished);
    const StoredRequest original = storedText(WebhookSignature::sign(storedText({}).body, "meta-secret"));
    QVERIFY(replayer.replay(original, QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(bot.port())), "bot-secret",
                            &error));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toInt(), 200);
    QVERIFY(finished.first().at(3).toString().isEmpty());
    QCOMPARE(received.count(), 1);
    const auto request = received.first().at(0).value<ReceivedRequest>();
    QCOMPARE(request.request.body, original.body); // byte for byte
    QCOMPARE(request.request.header("X-Custom"), QByteArray("kept"));
    QCOMPARE(request.signature, WebhookEvent::Signature::Valid); // signed again with the bot's secret
    const auto events = received.first().at(1).value<QList<WebhookEvent>>();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().id, QStringLiteral("wamid.replay"));
}

void TestWebhookReplayer::keptSignatureWithoutSecret()
{
    WebhookServer bot;
    bot.setAppSecret("meta-secret");
    QString error;
    QVERIFY(bot.listen(QHostAddress::LocalHost, 0, &error));
    WebhookReplayer replayer;
    QSignalSpy finished(&replayer, &WebhookReplayer::finished);
    const StoredRequest original = storedText(WebhookSignature::sign(storedText({}).body, "meta-secret"));
    QVERIFY(replayer.replay(original, QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(bot.port())), {}, &error));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toInt(), 200); // the original signature still matches
}

void TestWebhookReplayer::refusedAndBadUrl()
{
    WebhookReplayer replayer;
    QString error;
    QVERIFY(!replayer.replay(storedText({}), QUrl(QStringLiteral("ftp://127.0.0.1/")), {}, &error));
    QVERIFY(error.contains(QStringLiteral("http")));
    QSignalSpy finished(&replayer, &WebhookReplayer::finished);
    QVERIFY(replayer.replay(storedText({}), QUrl(QStringLiteral("http://127.0.0.1:1/")), {}, &error));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toInt(), 0);
    QVERIFY(finished.first().at(3).toString().contains(QStringLiteral("refused"), Qt::CaseInsensitive));
}

void TestWebhookReplayer::replayUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("expected");
    QTest::newRow("POST without a query") << QStringLiteral("http://127.0.0.1:8080/webhook") << QByteArray("/webhook")
                                          << QStringLiteral("http://127.0.0.1:8080/webhook");
    QTest::newRow("the URL's own query kept")
        << QStringLiteral("http://127.0.0.1:8080/bot?key=1") << QByteArray("/webhook")
        << QStringLiteral("http://127.0.0.1:8080/bot?key=1");
    QTest::newRow("verification query added")
        << QStringLiteral("http://127.0.0.1:8080/bot") << QByteArray("/webhook?hub.mode=subscribe&hub.challenge=12")
        << QStringLiteral("http://127.0.0.1:8080/bot?hub.mode=subscribe&hub.challenge=12");
    QTest::newRow("stored query replaces the URL's")
        << QStringLiteral("http://127.0.0.1:8080/bot?key=1#x") << QByteArray("/webhook?hub.challenge=12")
        << QStringLiteral("http://127.0.0.1:8080/bot?hub.challenge=12#x");
    QTest::newRow("empty stored query") << QStringLiteral("http://127.0.0.1:8080/bot?key=1") << QByteArray("/webhook?")
                                        << QStringLiteral("http://127.0.0.1:8080/bot?key=1");
    QTest::newRow("encoded bytes kept") << QStringLiteral("http://127.0.0.1:8080/bot")
                                        << QByteArray("/webhook?t=a%2Bb+c%26d%20e&u=caf\xe9 x")
                                        << QStringLiteral("http://127.0.0.1:8080/bot?t=a%2Bb+c%26d%20e&u=caf%E9%20x");
}

void TestWebhookReplayer::replayUrl()
{
    QFETCH(QString, url);
    QFETCH(QByteArray, target);
    QFETCH(QString, expected);
    StoredRequest stored;
    stored.target = target;
    QCOMPARE(WebhookReplayer::replayUrl(QUrl(url), stored).toString(QUrl::FullyEncoded), expected);
}

// Meta's verification GET is its query: replayed, the bot sees hub.mode, hub.verify_token and
// hub.challenge as they came.
void TestWebhookReplayer::verificationKeepsItsQuery()
{
    TestHttpServer bot;
    QVERIFY(bot.listen());
    bot.setHandler([](const HttpRequest&) { return TestHttpServer::Reply::text(200, "1158201444"); });
    StoredRequest stored;
    stored.method = "GET";
    const QByteArray query = "hub.mode=subscribe&hub.verify_token=tok%2Bx%20y&hub.challenge=1158201444";
    stored.target = "/webhook?" + query;
    stored.headers = {{"Host", "example.org"}, {"User-Agent", "facebookexternalua"}};
    WebhookReplayer replayer;
    QSignalSpy finished(&replayer, &WebhookReplayer::finished);
    QString error;
    QUrl url = bot.url(QStringLiteral("/bot"));
    url.setQuery(QStringLiteral("mine=1")); // replaced by the stored query
    QVERIFY2(replayer.replay(stored, url, "bot-secret", &error), qPrintable(error));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toInt(), 200);
    QCOMPARE(finished.first().at(1).toByteArray(), QByteArray("1158201444"));
    QCOMPARE(bot.requests().size(), 1);
    const HttpRequest received = bot.requests().first();
    QCOMPARE(received.method, QByteArray("GET"));
    QCOMPARE(received.target, "/bot?" + query);
    QVERIFY(received.body.isEmpty());
    QVERIFY(received.header("Content-Type").isNull()); // a GET has no body to describe
    QCOMPARE(received.header("User-Agent"), QByteArray("facebookexternalua"));
}

QTEST_GUILESS_MAIN(TestWebhookReplayer)
#include "tst_webhookreplayer.moc"
