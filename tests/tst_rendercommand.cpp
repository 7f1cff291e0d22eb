#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run render(const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM")); // the command must go offscreen by itself
    environment.remove(QStringLiteral("DISPLAY"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(WA_EXECUTABLE), QStringList{QStringLiteral("render")} + arguments);
    if (!process.waitForFinished(60000))
        qFatal("render did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestRenderCommand : public QObject
{
    Q_OBJECT

private slots:
    void everySample_data();
    void everySample();
    void themesDiffer();
    void widthIsHonoured();
    void badInput_data();
    void badInput();

private:
    QTemporaryDir m_dir;
};

void TestRenderCommand::everySample_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(WA_SAMPLES_DIR "/messages"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(names.size() >= 12);
    for (const QString& name : names)
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestRenderCommand::everySample()
{
    QFETCH(QString, file);
    const QString png = m_dir.filePath(QFileInfo(file).completeBaseName() + QLatin1String(".png"));
    const Run run = render({file, QStringLiteral("-o"), png});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(run.out.contains(png));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), 380);
    QVERIFY(image.height() > 150);
    // not one flat colour: the bubble and its text are there
    QVERIFY(image.pixelColor(image.width() / 2, 20) != image.pixelColor(image.width() - 5, image.height() - 5));
}

void TestRenderCommand::themesDiffer()
{
    const QString file = QStringLiteral(WA_SAMPLES_DIR "/messages/list-takeout-menu.json");
    const QString light = m_dir.filePath(QStringLiteral("light.png"));
    const QString dark = m_dir.filePath(QStringLiteral("dark.png"));
    QCOMPARE(render({file, QStringLiteral("-o"), light}).exitCode, 0);
    QCOMPARE(render({file, QStringLiteral("--theme"), QStringLiteral("dark"), QStringLiteral("-o"), dark}).exitCode, 0);
    const QImage a(light);
    const QImage b(dark);
    QCOMPARE(a.size(), b.size());
    // the wallpaper near the bottom corner: light is bright, dark is dark
    QVERIFY(a.pixelColor(2, a.height() - 2).lightness() > 180);
    QVERIFY(b.pixelColor(2, b.height() - 2).lightness() < 60);
}

void TestRenderCommand::widthIsHonoured()
{
    const QString png = m_dir.filePath(QStringLiteral("wide.png"));
    const Run run = render({QStringLiteral(WA_SAMPLES_DIR "/messages/flow.json"), QStringLiteral("--width"),
                            QStringLiteral("600"), QStringLiteral("-o"), png});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(QImage(png).width(), 600);
}

void TestRenderCommand::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    const QString sample = QStringLiteral(WA_SAMPLES_DIR "/messages/flow.json");
    QTest::newRow("missing file") << QStringList{QStringLiteral("/nonexistent/x.json")}
                                  << QStringLiteral("/nonexistent/x.json");
    QTest::newRow("bad theme") << QStringList{sample, QStringLiteral("--theme"), QStringLiteral("sepia")}
                               << QStringLiteral("--theme");
    QTest::newRow("bad width") << QStringList{sample, QStringLiteral("--width"), QStringLiteral("12")}
                               << QStringLiteral("--width");
    QTest::newRow("no file") << QStringList() << QStringLiteral("FILE");
    QTest::newRow("unwritable output") << QStringList{sample, QStringLiteral("-o"),
                                                      QStringLiteral("/nonexistent/dir/x.png")}
                                       << QStringLiteral("cannot write");
}

void TestRenderCommand::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const Run run = render(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestRenderCommand)
#include "tst_rendercommand.moc"
