#include <QTest>

#include "WebhookSignature.h"

using wa::WebhookEvent;
using wa::WebhookSignature;

Q_DECLARE_METATYPE(WebhookEvent::Signature)

class TestWebhookSignature : public QObject
{
    Q_OBJECT

private slots:
    void knownVector();
    void verify_data();
    void verify();
    void constantTimeEquals_data();
    void constantTimeEquals();
};

void TestWebhookSignature::knownVector()
{
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    QCOMPARE(WebhookSignature::sign("what do ya want for nothing?", "Jefe"),
             QByteArray("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
}

void TestWebhookSignature::verify_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<WebhookEvent::Signature>("expected");

    const QByteArray body = R"({"object":"whatsapp_business_account","entry":[]})";
    const QByteArray unicode = QStringLiteral(R"({"text":{"body":"你好 😀 مرحبا"}})").toUtf8();
    const QByteArray secret = "app-secret";
    QTest::newRow("valid") << body << WebhookSignature::sign(body, secret) << secret << WebhookEvent::Signature::Valid;
    QTest::newRow("valid, non-ASCII body")
        << unicode << WebhookSignature::sign(unicode, secret) << secret << WebhookEvent::Signature::Valid;
    QTest::newRow("valid, uppercase hex")
        << body << QByteArray("sha256=") + WebhookSignature::sign(body, secret).mid(7).toUpper() << secret
        << WebhookEvent::Signature::Valid;
    QTest::newRow("body changed by one byte")
        << body + ' ' << WebhookSignature::sign(body, secret) << secret << WebhookEvent::Signature::Invalid;
    QTest::newRow("other secret") << body << WebhookSignature::sign(body, "other") << secret
                                  << WebhookEvent::Signature::Invalid;
    QTest::newRow("sha1 header") << body << QByteArray("sha1=0123") << secret << WebhookEvent::Signature::Invalid;
    QTest::newRow("truncated") << body << WebhookSignature::sign(body, secret).left(40) << secret
                               << WebhookEvent::Signature::Invalid;
    QTest::newRow("missing") << body << QByteArray() << secret << WebhookEvent::Signature::Missing;
    QTest::newRow("blank") << body << QByteArray("  ") << secret << WebhookEvent::Signature::Missing;
    QTest::newRow("no secret set") << body << QByteArray("sha256=whatever") << QByteArray()
                                   << WebhookEvent::Signature::Unsigned;
}

void TestWebhookSignature::verify()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, secret);
    QFETCH(WebhookEvent::Signature, expected);
    QCOMPARE(WebhookSignature::verify(body, header, secret), expected);
}

void TestWebhookSignature::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("same") << QByteArray("abc") << QByteArray("abc") << true;
    QTest::newRow("empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("last byte") << QByteArray("abc") << QByteArray("abd") << false;
    QTest::newRow("prefix") << QByteArray("abc") << QByteArray("abcd") << false;
    QTest::newRow("nul padding") << QByteArray("abc") << QByteArray("abc\0", 4) << false;
}

void TestWebhookSignature::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(WebhookSignature::constantTimeEquals(a, b), equal);
}

QTEST_APPLESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
