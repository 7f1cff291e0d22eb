#include <QSignalSpy>
#include <QTest>

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

QTEST_GUILESS_MAIN(TestWebhookReplayer)
#include "tst_webhookreplayer.moc"
