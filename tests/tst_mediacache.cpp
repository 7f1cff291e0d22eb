#include <QBuffer>
#include <QImage>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "BubbleContent.h"
#include "MediaCache.h"
#include "MessageCodec.h"
#include "PhoneLayout.h"
#include "PhonePreview.h"

using namespace wa;

namespace {

// A small HTTP server on 127.0.0.1 for the test: answers each path as configured, counts requests.
class MediaServer : public QTcpServer
{
public:
    struct Answer
    {
        int status = 200;
        QByteArray contentType = "image/png";
        QByteArray body;
        bool silent = false; // never answer
    };

    MediaServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_buffers[socket] += socket->readAll();
                    const QByteArray& buffer = m_buffers[socket];
                    if (!buffer.contains("\r\n\r\n"))
                        return;
                    const QByteArray path = buffer.split(' ').value(1);
                    ++requests;
                    const Answer answer = answers.value(path, Answer{404, "text/plain", "not found", false});
                    if (answer.silent)
                        return;
                    socket->write("HTTP/1.1 " + QByteArray::number(answer.status) + " X\r\nContent-Type: " +
                                  answer.contentType + "\r\nContent-Length: " + QByteArray::number(answer.body.size()) +
                                  "\r\nConnection: close\r\n\r\n" + answer.body);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    m_buffers.remove(socket); // a later socket may get the same address
                    socket->deleteLater();
                });
            }
        });
    }

    QString url(const char* path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(serverPort()).arg(QLatin1String(path));
    }

    QHash<QByteArray, Answer> answers;
    int requests = 0;

private:
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

QByteArray png(int width, int height, QColor color)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(color);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

BubbleContent imageMessage(const QString& link)
{
    const QByteArray json = QStringLiteral(R"({"messaging_product":"whatsapp","to":"1","type":"interactive",
        "interactive":{"type":"button","header":{"type":"image","image":{"link":"%1"}},"body":{"text":"Hi"},
        "action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}})")
                                .arg(link)
                                .toUtf8();
    return BubbleContent::fromMessage(*MessageCodec::decode(json).message);
}

} // namespace

class TestMediaCache : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void loadsOnceAndCaches();
    void failures_data();
    void failures();
    void timeout();
    void tooLarge();
    void previewShowsTheImage();
    void previewSaysWhyNot();

private:
    std::unique_ptr<MediaServer> m_server;
};

void TestMediaCache::init()
{
    m_server = std::make_unique<MediaServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_server->answers.insert("/red.png", {200, "image/png", png(40, 20, Qt::red), false});
    m_server->answers.insert("/gone.png", {404, "text/plain", "gone", false});
    m_server->answers.insert("/text", {200, "text/plain", "hello", false});
    m_server->answers.insert("/slow.png", {200, "image/png", {}, true});
}

void TestMediaCache::loadsOnceAndCaches()
{
    MediaCache cache;
    QSignalSpy loaded(&cache, &MediaCache::loaded);
    const QUrl url(m_server->url("/red.png"));
    cache.request(url);
    QVERIFY(cache.isLoading(url));
    cache.request(url); // already on its way: no second request
    QTRY_COMPARE(loaded.count(), 1);
    QVERIFY(cache.isCached(url));
    QImage image;
    QVERIFY(image.loadFromData(cache.data(url)));
    QCOMPARE(image.size(), QSize(40, 20));
    cache.request(url); // cached: nothing fetched again
    QTest::qWait(50);
    QCOMPARE(m_server->requests, 1);
    QCOMPARE(cache.requestsStarted(), 1);
}

void TestMediaCache::failures_data()
{
    QTest::addColumn<QString>("url"); // "/…" is a path on the test's server
    QTest::addColumn<QString>("reason");
    QTest::newRow("404") << QStringLiteral("/gone.png") << QStringLiteral("HTTP 404");
    QTest::newRow("not http") << QStringLiteral("ftp://127.0.0.1/a.png") << QStringLiteral("not an http or https link");
    QTest::newRow("no host") << QStringLiteral("https:///a.png") << QStringLiteral("not an http or https link");
    QTest::newRow("refused") << QStringLiteral("http://127.0.0.1:1/a.png") << QStringLiteral("refused");
}

void TestMediaCache::failures()
{
    QFETCH(QString, url);
    QFETCH(QString, reason);
    if (url.startsWith(QLatin1Char('/')))
        url = m_server->url(url.toLatin1().constData());
    MediaCache cache;
    QSignalSpy failed(&cache, &MediaCache::failed);
    cache.request(QUrl(url));
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(failed.first().at(1).toString().contains(reason, Qt::CaseInsensitive),
             qPrintable(failed.first().at(1).toString()));
    QVERIFY(cache.error(QUrl(url)).contains(reason, Qt::CaseInsensitive));
    cache.request(QUrl(url)); // a failure is remembered, not retried on every keystroke
    QTest::qWait(20);
    QCOMPARE(failed.count(), 1);
    cache.retry(QUrl(url));
    cache.request(QUrl(url));
    QTRY_COMPARE(failed.count(), 2);
}

void TestMediaCache::timeout()
{
    MediaCache cache;
    cache.setTimeout(300);
    QSignalSpy failed(&cache, &MediaCache::failed);
    cache.request(QUrl(m_server->url("/slow.png")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("no answer")),
             qPrintable(failed.first().at(1).toString()));
}

void TestMediaCache::tooLarge()
{
    m_server->answers.insert("/huge.png", {200, "image/png", QByteArray(MediaCache::kMaxBytes + 1024, 'x'), false});
    MediaCache cache;
    QSignalSpy failed(&cache, &MediaCache::failed);
    cache.request(QUrl(m_server->url("/huge.png")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("larger than")));
    QVERIFY(!cache.isCached(QUrl(m_server->url("/huge.png"))));
}

void TestMediaCache::previewShowsTheImage()
{
    MediaCache cache;
    PhonePreview preview;
    preview.resize(380, 700);
    preview.setMediaCache(&cache);
    preview.setContent(imageMessage(m_server->url("/red.png")));
    const PhoneLayout::Item* loading = preview.phoneLayout().itemsOf(PhoneLayout::Kind::Media).value(0);
    QVERIFY(loading);
    QVERIFY(!loading->hasImage);
    QCOMPARE(loading->detail, QStringLiteral("loading…"));
    QTRY_VERIFY(!preview.headerImage().isNull());
    QImage shot(preview.size(), QImage::Format_ARGB32);
    preview.QWidget::render(&shot);
    const PhoneLayout::Item* media = preview.phoneLayout().itemsOf(PhoneLayout::Kind::Media).value(0);
    QVERIFY(media->hasImage);
    QVERIFY(media->detail.isEmpty());
    // 40×20: the media takes the image's shape
    QVERIFY(qAbs(media->rect.height() - qMax(80.0, media->rect.width() / 2)) < 1.0);
    QCOMPARE(shot.pixelColor(media->rect.center().toPoint()), QColor(Qt::red));
    // typing elsewhere does not fetch again
    preview.setContent(imageMessage(m_server->url("/red.png")));
    QCOMPARE(cache.requestsStarted(), 1);
}

void TestMediaCache::previewSaysWhyNot()
{
    MediaCache cache;
    PhonePreview preview;
    preview.resize(380, 700);
    preview.setMediaCache(&cache);
    preview.setContent(imageMessage(m_server->url("/text")));
    QTRY_VERIFY(preview.phoneLayout()
                    .itemsOf(PhoneLayout::Kind::Media)
                    .value(0)
                    ->detail.contains(QStringLiteral("not an image")));
    preview.setContent(imageMessage(m_server->url("/gone.png")));
    QTRY_VERIFY(
        preview.phoneLayout().itemsOf(PhoneLayout::Kind::Media).value(0)->detail.contains(QStringLiteral("404")));
}

QTEST_MAIN(TestMediaCache)
#include "tst_mediacache.moc"
