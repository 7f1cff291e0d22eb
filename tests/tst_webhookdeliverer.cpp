#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "WebhookDeliverer.h"
#include "WebhookPayloadBuilder.h"
#include "WebhookServer.h"
#include "WebhookSignature.h"

using namespace wa;

namespace {

const QByteArray kSecret = "bot-app-secret";
const WebhookBusiness kBusiness{QStringLiteral("102290129340398"), QStringLiteral("106540352242922"),
                                QStringLiteral("15550783881")};
const WebhookCustomer kCustomer{QStringLiteral("16505551234"), QStringLiteral("Zoë Nelson")};

// Short waits so retries take milliseconds, not seconds.
WebhookRetryPolicy fastPolicy(int maxAttempts, int firstRetryMs = 50, int timeoutMs = 5000)
{
    WebhookRetryPolicy policy;
    policy.maxAttempts = maxAttempts;
    policy.firstRetryMs = firstRetryMs;
    policy.timeoutMs = timeoutMs;
    return policy;
}

QByteArray statusBody(WebhookStatusValue value)
{
    return WebhookPayloadBuilder::status(kBusiness, kCustomer, QStringLiteral("wamid.out-1"), value, ApiFamily::Cloud)
        .body;
}

// The bot under test: the app's own listener, with a sink that can refuse to store (answering 500).
class Bot
{
public:
    explicit Bot(const QByteArray& secret)
    {
        m_server.setAppSecret(secret);
        m_server.setSink([this](const ReceivedRequest& request, const QList<WebhookEvent>& events,
                                std::function<void(bool, const QList<WebhookEvent>&)> done) {
            requests.append(request);
            eventsSeen.append(events);
            if (failuresLeft > 0) {
                --failuresLeft;
                done(false, {});
                return;
            }
            done(true, events);
        });
        QString error;
        if (!m_server.listen(QHostAddress::LocalHost, 0, &error))
            qFatal("bot cannot listen: %s", qPrintable(error));
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(m_server.port())); }

    QList<ReceivedRequest> requests; // every request that reached the sink, rejected ones too
    QList<QList<WebhookEvent>> eventsSeen;
    int failuresLeft = 0;

private:
    WebhookServer m_server;
};

// A peer that is not a webhook listener: it accepts and never answers, or answers with fixed bytes
// once the request is in (and may close right after).
class RawPeer : public QObject
{
public:
    explicit RawPeer(const QByteArray& answer = {}, bool closeAfter = false)
        : m_answer(answer)
        , m_closeAfter(closeAfter)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                ++connections;
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            }
        });
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            qFatal("peer cannot listen");
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(m_server.serverPort())); }

    int connections = 0;
    int requests = 0;

private:
    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray& line : buffer.left(end).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        buffer.clear();
        ++requests;
        if (m_answer.isEmpty())
            return; // silent
        socket->write(m_answer);
        if (m_closeAfter)
            socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QByteArray m_answer;
    bool m_closeAfter;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

// Everything the deliverer said, with when each attempt ended.
class Recorder : public QObject
{
public:
    explicit Recorder(WebhookDeliverer* deliverer)
    {
        m_clock.start();
        connect(deliverer, &WebhookDeliverer::attemptFinished, this, [this](const WebhookDeliveryAttempt& attempt) {
            attempts.append(attempt);
            attemptEndedAt.append(m_clock.elapsed());
        });
        connect(deliverer, &WebhookDeliverer::deliveryFinished, this,
                [this](const WebhookDeliveryResult& result) { results.append(result); });
    }

    QList<WebhookDeliveryAttempt> attempts;
    QList<qint64> attemptEndedAt;
    QList<WebhookDeliveryResult> results;

private:
    QElapsedTimer m_clock;
};

} // namespace

class TestWebhookDeliverer : public QObject
{
    Q_OBJECT

private slots:
    void deliveredSignedWithTheExactBody();
    void wrongSecretIsInvalidAtTheBot();
    void emptySecretSendsNoSignature();
    void retriedUntilTheBotStores();
    void refusedThenGivenUp();
    void silentPeerTimesOut();
    void closedInTheMiddleOfTheAnswer();
    void longAnswerIsCapped();
    void oneUrlInOrderWhileRetrying();
    void otherUrlsDoNotWait();
    void cancelAllStopsPendingRetries();
    void cancelAllAbortsAnAttemptInFlight();
    void badUrlRefusedAtOnce_data();
    void badUrlRefusedAtOnce();
    void backoffDoublesAndIsCapped();
};

void TestWebhookDeliverer::deliveredSignedWithTheExactBody()
{
    Bot bot(kSecret);
    WebhookDeliverer deliverer;
    Recorder recorder(&deliverer);
    const BuiltWebhook built =
        WebhookPayloadBuilder::text(kBusiness, kCustomer, {}, QStringLiteral("héllo 😀"), ApiFamily::Cloud);
    QString error;
    const quint64 id = deliverer.deliver(bot.url(), built.body, kSecret, &error);
    QVERIFY2(id != 0, qPrintable(error));
    QCOMPARE(deliverer.pendingCount(), 1);
    QTRY_COMPARE(recorder.results.size(), 1);

    const WebhookDeliveryResult result = recorder.results.first();
    QCOMPARE(result.deliveryId, id);
    QVERIFY(result.delivered);
    QVERIFY(!result.cancelled);
    QCOMPARE(result.httpStatus, 200);
    QCOMPARE(result.attempts, 1);
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.responseBody, QByteArray("{\"ok\":true}"));
    QCOMPARE(deliverer.pendingCount(), 0);

    QCOMPARE(recorder.attempts.size(), 1);
    const WebhookDeliveryAttempt attempt = recorder.attempts.first();
    QCOMPARE(attempt.deliveryId, id);
    QCOMPARE(attempt.attempt, 1);
    QCOMPARE(attempt.httpStatus, 200);
    QVERIFY(!attempt.willRetry);
    QCOMPARE(attempt.target, bot.url());

    QCOMPARE(bot.requests.size(), 1);
    const ReceivedRequest& request = bot.requests.first();
    QCOMPARE(request.signature, WebhookEvent::Signature::Valid);
    QCOMPARE(request.request.method, QByteArray("POST"));
    QCOMPARE(request.request.body, built.body); // byte for byte
    QCOMPARE(request.request.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(request.request.header("User-Agent"), QByteArray("facebookexternalua"));
    QCOMPARE(request.request.header("X-Hub-Signature-256"), WebhookSignature::sign(built.body, kSecret));
    QCOMPARE(bot.eventsSeen.first().size(), 1);
    QCOMPARE(bot.eventsSeen.first().first().id, built.messageId);
}

void TestWebhookDeliverer::wrongSecretIsInvalidAtTheBot()
{
    Bot bot(kSecret);
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(1));
    Recorder recorder(&deliverer);
    QVERIFY(deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Read), "not-the-secret") != 0);
    QTRY_COMPARE(recorder.results.size(), 1);
    QCOMPARE(bot.requests.size(), 1);
    QCOMPARE(bot.requests.first().signature, WebhookEvent::Signature::Invalid);
    const WebhookDeliveryResult result = recorder.results.first();
    QVERIFY(!result.delivered);
    QCOMPARE(result.httpStatus, 403);
    QCOMPARE(result.error, QStringLiteral("HTTP 403"));
    QVERIFY(result.responseBody.contains("X-Hub-Signature-256"));
    QCOMPARE(result.attempts, 1);
}

void TestWebhookDeliverer::emptySecretSendsNoSignature()
{
    Bot bot({}); // a bot without an app secret takes unsigned events
    WebhookDeliverer deliverer;
    Recorder recorder(&deliverer);
    QVERIFY(deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Sent), {}) != 0);
    QTRY_COMPARE(recorder.results.size(), 1);
    QVERIFY(recorder.results.first().delivered);
    QCOMPARE(bot.requests.size(), 1);
    QVERIFY(bot.requests.first().request.header("X-Hub-Signature-256").isNull());
    QCOMPARE(bot.requests.first().signature, WebhookEvent::Signature::Unsigned);
}

void TestWebhookDeliverer::retriedUntilTheBotStores()
{
    Bot bot(kSecret);
    bot.failuresLeft = 2;
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(5, 50));
    Recorder recorder(&deliverer);
    const QByteArray body = statusBody(WebhookStatusValue::Delivered);
    const quint64 id = deliverer.deliver(bot.url(), body, kSecret);
    QTRY_COMPARE(recorder.results.size(), 1);

    QCOMPARE(recorder.attempts.size(), 3);
    const int statuses[] = {500, 500, 200};
    const int waits[] = {50, 100, 0};
    for (int i = 0; i < 3; ++i) {
        const WebhookDeliveryAttempt& attempt = recorder.attempts.at(i);
        QCOMPARE(attempt.deliveryId, id);
        QCOMPARE(attempt.attempt, i + 1);
        QCOMPARE(attempt.httpStatus, statuses[i]);
        QCOMPARE(attempt.error, i < 2 ? QStringLiteral("HTTP 500") : QString());
        QCOMPARE(attempt.willRetry, i < 2);
        QCOMPARE(attempt.retryInMs, waits[i]);
    }
    // Each retry waited its back-off.
    QVERIFY(recorder.attemptEndedAt.at(1) - recorder.attemptEndedAt.at(0) >= 50);
    QVERIFY(recorder.attemptEndedAt.at(2) - recorder.attemptEndedAt.at(1) >= 100);

    const WebhookDeliveryResult result = recorder.results.first();
    QVERIFY(result.delivered);
    QCOMPARE(result.attempts, 3);
    QCOMPARE(result.httpStatus, 200);
    QVERIFY(result.totalMs >= 150);
    QCOMPARE(bot.requests.size(), 3);
    for (const ReceivedRequest& request : bot.requests) {
        QCOMPARE(request.request.body, body);
        QCOMPARE(request.signature, WebhookEvent::Signature::Valid);
    }
}

void TestWebhookDeliverer::refusedThenGivenUp()
{
    quint16 port = 0;
    {
        QTcpServer probe; // a port that was free a moment ago and has nobody listening now
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
        probe.close();
    }
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(3, 20));
    Recorder recorder(&deliverer);
    QVERIFY(deliverer.deliver(QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(port)),
                              statusBody(WebhookStatusValue::Sent), kSecret) != 0);
    QTRY_COMPARE(recorder.results.size(), 1);
    const QString refused = QStringLiteral("Connection refused by 127.0.0.1:%1").arg(port);
    QCOMPARE(recorder.attempts.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(recorder.attempts.at(i).attempt, i + 1);
        QCOMPARE(recorder.attempts.at(i).httpStatus, 0);
        QCOMPARE(recorder.attempts.at(i).error, refused);
        QCOMPARE(recorder.attempts.at(i).willRetry, i < 2);
    }
    QCOMPARE(recorder.attempts.at(0).retryInMs, 20);
    QCOMPARE(recorder.attempts.at(1).retryInMs, 40);
    const WebhookDeliveryResult result = recorder.results.first();
    QVERIFY(!result.delivered);
    QCOMPARE(result.attempts, 3);
    QCOMPARE(result.error, refused);
    QCOMPARE(deliverer.pendingCount(), 0);
}

void TestWebhookDeliverer::silentPeerTimesOut()
{
    RawPeer peer; // accepts, reads, never answers
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(2, 20, 200));
    Recorder recorder(&deliverer);
    QVERIFY(deliverer.deliver(peer.url(), statusBody(WebhookStatusValue::Read), kSecret) != 0);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.results.size(), 1, 10000);
    QCOMPARE(peer.requests, 2); // the request came in whole both times
    QCOMPARE(recorder.attempts.size(), 2);
    for (const WebhookDeliveryAttempt& attempt : recorder.attempts) {
        QCOMPARE(attempt.httpStatus, 0);
        QCOMPARE(attempt.error, QStringLiteral("No answer within 200 ms"));
        QVERIFY2(attempt.elapsedMs >= 190 && attempt.elapsedMs < 3000, qPrintable(QString::number(attempt.elapsedMs)));
    }
    QVERIFY(!recorder.results.first().delivered);
    QCOMPARE(recorder.results.first().attempts, 2);
}

void TestWebhookDeliverer::closedInTheMiddleOfTheAnswer()
{
    RawPeer peer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly part", true);
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(2, 20));
    Recorder recorder(&deliverer);
    QVERIFY(deliverer.deliver(peer.url(), statusBody(WebhookStatusValue::Read), kSecret) != 0);
    QTRY_COMPARE(recorder.results.size(), 1);
    QCOMPARE(recorder.attempts.size(), 2); // not delivered: retried
    const WebhookDeliveryResult result = recorder.results.first();
    QVERIFY(!result.delivered);
    QCOMPARE(
        result.error,
        QStringLiteral("Connection closed by %1 in the middle of the answer (HTTP 200)").arg(peer.url().authority()));
}

void TestWebhookDeliverer::longAnswerIsCapped()
{
    const QByteArray big(200 * 1024, 'x');
    RawPeer peer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(big.size()) +
                 "\r\n\r\n" + big);
    WebhookDeliverer deliverer;
    Recorder recorder(&deliverer);
    QVERIFY(deliverer.deliver(peer.url(), statusBody(WebhookStatusValue::Read), kSecret) != 0);
    QTRY_COMPARE(recorder.results.size(), 1);
    const WebhookDeliveryResult result = recorder.results.first();
    QVERIFY(result.delivered);
    QCOMPARE(result.responseBody.size(), WebhookDeliverer::kMaxResponseBytes);
    QVERIFY(result.responseTruncated);
}

void TestWebhookDeliverer::oneUrlInOrderWhileRetrying()
{
    Bot bot(kSecret);
    bot.failuresLeft = 2; // the first delivery needs three attempts
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(5, 30));
    Recorder recorder(&deliverer);
    const quint64 sent = deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Sent), kSecret);
    const quint64 delivered = deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Delivered), kSecret);
    // The third is queued from the console's slot, while the first one waits for its retry.
    quint64 read = 0;
    connect(&deliverer, &WebhookDeliverer::attemptFinished, &deliverer, [&](const WebhookDeliveryAttempt& attempt) {
        if (read == 0 && attempt.willRetry)
            read = deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Read), kSecret);
    });
    QTRY_COMPARE(deliverer.pendingCount(), 3);
    QTRY_COMPARE(recorder.results.size(), 3);
    QVERIFY(recorder.attemptEndedAt.at(1) - recorder.attemptEndedAt.at(0) >= 30); // the back-off was kept

    QStringList seen; // every request the bot got, in order
    for (const QList<WebhookEvent>& events : bot.eventsSeen)
        seen << events.first().fields.value(QLatin1String("status")).toString();
    QCOMPARE(seen, (QStringList{QStringLiteral("sent"), QStringLiteral("sent"), QStringLiteral("sent"),
                                QStringLiteral("delivered"), QStringLiteral("read")}));
    QCOMPARE(recorder.results.at(0).deliveryId, sent);
    QCOMPARE(recorder.results.at(1).deliveryId, delivered);
    QCOMPARE(recorder.results.at(2).deliveryId, read);
    for (const WebhookDeliveryResult& result : recorder.results)
        QVERIFY(result.delivered);
    QCOMPARE(recorder.results.at(0).attempts, 3);
    QCOMPARE(recorder.results.at(1).attempts, 1);
}

void TestWebhookDeliverer::otherUrlsDoNotWait()
{
    Bot down(kSecret);
    down.failuresLeft = 100;
    Bot up(kSecret);
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(2, 300));
    Recorder recorder(&deliverer);
    const quint64 first = deliverer.deliver(down.url(), statusBody(WebhookStatusValue::Sent), kSecret);
    const quint64 second = deliverer.deliver(up.url(), statusBody(WebhookStatusValue::Sent), kSecret);
    QTRY_COMPARE(recorder.results.size(), 2);
    QCOMPARE(recorder.results.at(0).deliveryId, second);
    QVERIFY(recorder.results.at(0).delivered);
    QCOMPARE(recorder.results.at(1).deliveryId, first);
    QVERIFY(!recorder.results.at(1).delivered);
    QCOMPARE(recorder.results.at(1).error, QStringLiteral("HTTP 500"));
}

void TestWebhookDeliverer::cancelAllStopsPendingRetries()
{
    Bot bot(kSecret);
    bot.failuresLeft = 100;
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(5, 100));
    Recorder recorder(&deliverer);
    deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Sent), kSecret);
    deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Delivered), kSecret);
    QTRY_COMPARE(recorder.attempts.size(), 1);
    QVERIFY(recorder.attempts.first().willRetry);
    deliverer.cancelAll();
    QCOMPARE(deliverer.pendingCount(), 0);
    QCOMPARE(recorder.results.size(), 2);
    for (const WebhookDeliveryResult& result : recorder.results) {
        QVERIFY(result.cancelled);
        QVERIFY(!result.delivered);
        QVERIFY(result.error.startsWith(QStringLiteral("Cancelled")));
    }
    QCOMPARE(recorder.results.first().attempts, 1);
    QCOMPARE(recorder.results.first().error, QStringLiteral("Cancelled (last attempt: HTTP 500)"));
    QCOMPARE(recorder.results.last().attempts, 0);
    QTest::qWait(350); // past the retries that would have come
    QCOMPARE(recorder.attempts.size(), 1);
    QCOMPARE(bot.requests.size(), 1);

    // The deliverer still works afterwards.
    bot.failuresLeft = 0;
    deliverer.deliver(bot.url(), statusBody(WebhookStatusValue::Read), kSecret);
    QTRY_COMPARE(recorder.results.size(), 3);
    QVERIFY(recorder.results.last().delivered);
}

void TestWebhookDeliverer::cancelAllAbortsAnAttemptInFlight()
{
    RawPeer peer; // never answers
    WebhookDeliverer deliverer;
    deliverer.setRetryPolicy(fastPolicy(5, 20, 5000));
    Recorder recorder(&deliverer);
    deliverer.deliver(peer.url(), statusBody(WebhookStatusValue::Read), kSecret);
    QTRY_COMPARE(peer.requests, 1);
    deliverer.cancelAll();
    QCOMPARE(recorder.results.size(), 1);
    QVERIFY(recorder.results.first().cancelled);
    QCOMPARE(recorder.results.first().error, QStringLiteral("Cancelled"));
    QTest::qWait(100);
    QCOMPARE(recorder.attempts.size(), 0); // the aborted attempt is not reported as a failure
    QCOMPARE(peer.requests, 1);
}

void TestWebhookDeliverer::badUrlRefusedAtOnce_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::newRow("ftp") << QUrl(QStringLiteral("ftp://127.0.0.1/hook"));
    QTest::newRow("file") << QUrl(QStringLiteral("file:///tmp/hook"));
    QTest::newRow("no scheme") << QUrl(QStringLiteral("127.0.0.1:8080/hook"));
    QTest::newRow("no host") << QUrl(QStringLiteral("http:///hook"));
    QTest::newRow("relative") << QUrl(QStringLiteral("/webhook"));
    QTest::newRow("empty") << QUrl();
}

void TestWebhookDeliverer::badUrlRefusedAtOnce()
{
    QFETCH(QUrl, url);
    WebhookDeliverer deliverer;
    Recorder recorder(&deliverer);
    QString error;
    QCOMPARE(deliverer.deliver(url, statusBody(WebhookStatusValue::Read), kSecret, &error), quint64(0));
    QVERIFY2(error.contains(QStringLiteral("http or https")), qPrintable(error));
    QCOMPARE(deliverer.pendingCount(), 0);
    QTest::qWait(20);
    QCOMPARE(recorder.attempts.size(), 0);
    QCOMPARE(recorder.results.size(), 0);
}

void TestWebhookDeliverer::backoffDoublesAndIsCapped()
{
    WebhookDeliverer deliverer;
    QCOMPARE(deliverer.retryPolicy().timeoutMs, 10000); // Meta-like defaults
    QCOMPARE(deliverer.retryPolicy().firstRetryMs, 1000);
    QCOMPARE(deliverer.retryPolicy().maxAttempts, 5);
    WebhookRetryPolicy policy = fastPolicy(5, 10);
    policy.maxRetryMs = 25;
    deliverer.setRetryPolicy(policy);
    Recorder recorder(&deliverer);
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    deliverer.deliver(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)), "{}", {});
    QTRY_COMPARE(recorder.results.size(), 1);
    QList<int> waits;
    for (const WebhookDeliveryAttempt& attempt : recorder.attempts)
        waits << attempt.retryInMs;
    QCOMPARE(waits, (QList<int>{10, 20, 25, 25, 0}));
}

QTEST_GUILESS_MAIN(TestWebhookDeliverer)
#include "tst_webhookdeliverer.moc"
