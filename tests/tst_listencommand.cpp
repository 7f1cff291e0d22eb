#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "WebhookSignature.h"
#include "TestSamples.h"

namespace {

const QByteArray kSecret = "listen-secret";

// `wa-composer listen` as a real process, on a free port of 127.0.0.1.
class Listener
{
public:
    Listener(const QStringList& extra, const QString& db)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("WA_APP_SECRET"));
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("listen"), QStringLiteral("--port"),
                                                                 QStringLiteral("0"), QStringLiteral("--db"), db} +
                                                         extra);
    }
    ~Listener()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            process.waitForFinished(5000);
        }
    }
    // Reads the "listening on http://127.0.0.1:PORT/" line.
    quint16 waitPort()
    {
        static const QRegularExpression pattern(QStringLiteral(R"(listening on http://127\.0\.0\.1:(\d+)/)"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000) {
            process.waitForReadyRead(100);
            err += process.readAllStandardError();
            const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(err));
            if (match.hasMatch())
                return static_cast<quint16>(match.captured(1).toUInt());
        }
        return 0;
    }
    QList<QJsonObject> waitLines(int count)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000 && out.count('\n') < count) {
            process.waitForReadyRead(100);
            out += process.readAllStandardOutput();
        }
        QList<QJsonObject> lines;
        for (const QByteArray& line : out.split('\n')) {
            if (!line.trimmed().isEmpty())
                lines.append(QJsonDocument::fromJson(line).object());
        }
        return lines;
    }
    QProcess process;
    QByteArray out;
    QByteArray err;
};

int postTo(quint16 port, const QByteArray& body, const QByteArray& signature)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return -1;
    QByteArray request = "POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n";
    if (!signature.isEmpty())
        request += "X-Hub-Signature-256: " + signature + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket.write(request);
    QByteArray response;
    while (socket.waitForReadyRead(5000) || socket.bytesAvailable() > 0) {
        response += socket.readAll();
        if (response.contains("\r\n\r\n"))
            break;
    }
    return response.mid(9, 3).toInt();
}

} // namespace

class TestListenCommand : public QObject
{
    Q_OBJECT

private slots:
    void jsonLines();
    void humanLinesAndRejection();
    void storedAcrossRestarts();
    void badOptions_data();
    void badOptions();

private:
    QTemporaryDir m_dir;
};

void TestListenCommand::jsonLines()
{
    Listener listener({QStringLiteral("--json"), QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)},
                      m_dir.filePath(QStringLiteral("json.sqlite")));
    const quint16 port = listener.waitPort();
    QVERIFY2(port > 0, listener.err.constData());
    const QByteArray reply = TestSamples::webhook(QStringLiteral("cloud-button-reply.json"));
    QCOMPARE(postTo(port, reply, wa::WebhookSignature::sign(reply, kSecret)), 200);
    const QByteArray batch = TestSamples::webhook(QStringLiteral("cloud-batch.json"));
    QCOMPARE(postTo(port, batch, wa::WebhookSignature::sign(batch, kSecret)), 200);
    QCOMPARE(postTo(port, reply, wa::WebhookSignature::sign(reply, kSecret)), 200); // Meta retries
    const QList<QJsonObject> lines = listener.waitLines(6);
    QCOMPARE(lines.size(), 6);
    const QJsonObject first = lines.at(0);
    QCOMPARE(first[QStringLiteral("kind")].toString(), QStringLiteral("button_reply"));
    QVERIFY(first[QStringLiteral("id")].toString().startsWith(QStringLiteral("wamid.")));
    QVERIFY(!first[QStringLiteral("contact")].toString().isEmpty());
    QCOMPARE(first[QStringLiteral("signature")].toString(), QStringLiteral("valid"));
    QCOMPARE(first[QStringLiteral("duplicate")].toBool(), false);
    QVERIFY(first[QStringLiteral("button_reply")].toObject().contains(QStringLiteral("id")));
    QCOMPARE(lines.at(1)[QStringLiteral("kind")].toString(), QStringLiteral("text"));
    QCOMPARE(lines.at(3)[QStringLiteral("kind")].toString(), QStringLiteral("status"));
    QCOMPARE(lines.at(3)[QStringLiteral("status")].toString(), QStringLiteral("delivered"));
    // the retry is recognised
    QCOMPARE(lines.at(5)[QStringLiteral("id")], first[QStringLiteral("id")]);
    QCOMPARE(lines.at(5)[QStringLiteral("duplicate")].toBool(), true);
}

void TestListenCommand::humanLinesAndRejection()
{
    Listener listener({QStringLiteral("--app-secret"), QString::fromLatin1(kSecret)},
                      m_dir.filePath(QStringLiteral("human.sqlite")));
    const quint16 port = listener.waitPort();
    QVERIFY(port > 0);
    const QByteArray text = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    QCOMPARE(postTo(port, text, QByteArray("sha256=0000")), 403);
    QCOMPARE(postTo(port, text, wa::WebhookSignature::sign(text, kSecret)), 200);
    listener.waitLines(2);
    const QList<QByteArray> lines = listener.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines.at(0).contains("rejected") && lines.at(0).contains("[invalid]"), lines.at(0).constData());
    QVERIFY2(lines.at(1).contains("text"), lines.at(1).constData());
}

void TestListenCommand::storedAcrossRestarts()
{
    const QString db = m_dir.filePath(QStringLiteral("restart.sqlite"));
    const QByteArray text = TestSamples::webhook(QStringLiteral("cloud-text.json"));
    {
        Listener first({QStringLiteral("--json")}, db);
        const quint16 port = first.waitPort();
        QVERIFY(port > 0);
        QCOMPARE(postTo(port, text, {}), 200);
        first.waitLines(1);
        first.process.kill(); // no goodbye: what was acknowledged must be in the store
        first.process.waitForFinished(5000);
    }
    Listener second({QStringLiteral("--json")}, db);
    const quint16 port = second.waitPort();
    QVERIFY(port > 0);
    QCOMPARE(postTo(port, text, {}), 200);
    const QList<QJsonObject> lines = second.waitLines(1);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first()[QStringLiteral("duplicate")].toBool(), true); // the first one was kept
    QCOMPARE(lines.first()[QStringLiteral("signature")].toString(), QStringLiteral("unsigned"));
}

void TestListenCommand::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("port") << QStringList{QStringLiteral("--port"), QStringLiteral("99999")} << QStringLiteral("--port");
    QTest::newRow("bind") << QStringList{QStringLiteral("--bind"), QStringLiteral("nowhere")}
                          << QStringLiteral("--bind");
    QTest::newRow("db") << QStringList{QStringLiteral("--db"), QStringLiteral("/proc/no/such/dir/x.sqlite")}
                        << QStringLiteral("event store");
    QTest::newRow("tls cert without key")
        << QStringList{QStringLiteral("--tls-cert"), QStringLiteral("/tmp/x.pem")} << QStringLiteral("go together");
    QTest::newRow("tls files missing") << QStringList{QStringLiteral("--db"),
                                                      QStringLiteral(":memory:"),
                                                      QStringLiteral("--tls-cert"),
                                                      QStringLiteral("/nonexistent/c.pem"),
                                                      QStringLiteral("--tls-key"),
                                                      QStringLiteral("/nonexistent/k.pem")}
                                       << QStringLiteral("no PEM certificate");
}

void TestListenCommand::badOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    QProcess process;
    process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("listen")} + arguments);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.contains(mentions), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestListenCommand)
#include "tst_listencommand.moc"
