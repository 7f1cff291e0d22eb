#include <QComboBox>
#include <QFile>
#include <QTest>

#include "FindingsModel.h"
#include "MainWindow.h"
#include "PayloadEditor.h"

using namespace wa;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void startsWithAValidStarter();
    void findingsFollowTyping();
    void parseErrorIsShownWithItsPlace();
    void familyChoiceRevalidates();
    void openFileLoadsAndValidates();
};

void TestMainWindow::startsWithAValidStarter()
{
    MainWindow window;
    QVERIFY(!window.editor()->toPlainText().isEmpty());
    QCOMPARE(window.findingsModel()->rowCount(), 0);
}

void TestMainWindow::findingsFollowTyping()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    PayloadEditor* editor = window.editor();
    editor->setPlainText(QStringLiteral(
        R"({"messaging_product":"whatsapp","to":"16505551234","type":"interactive","interactive":{"type":"button","body":{"text":"Hi"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}})"));
    QCOMPARE(window.findingsModel()->rowCount(), 0);

    // Type a title one character past the limit of 20, by keystrokes.
    QTextCursor cursor = editor->document()->find(QStringLiteral("\"title\":\"A"));
    QVERIFY(!cursor.isNull());
    cursor.clearSelection(); // the cursor now stands right after the "A"
    editor->setTextCursor(cursor);
    editor->setFocus();
    QTest::keyClicks(editor, QStringLiteral("bcdefghijklmnopqrst")); // title "A" + 19 = 20: at the limit
    QCOMPARE(window.findingsModel()->rowCount(), 0);
    QTest::keyClicks(editor, QStringLiteral("u")); // 21
    QCOMPARE(window.findingsModel()->rowCount(), 1);
    const QModelIndex index = window.findingsModel()->index(0, 0);
    QCOMPARE(index.data(FindingsModel::PathRole).toString(),
             QStringLiteral("interactive.action.buttons[0].reply.title"));
    QCOMPARE(index.data(FindingsModel::ActualRole).toLongLong(), 21);
    QTest::keyClick(editor, Qt::Key_Backspace);
    QCOMPARE(window.findingsModel()->rowCount(), 0);
}

void TestMainWindow::parseErrorIsShownWithItsPlace()
{
    MainWindow window;
    window.editor()->setPlainText(QStringLiteral("{\n  \"to\": \"1\",\n  \"type\" \"interactive\"\n}"));
    QCOMPARE(window.findingsModel()->rowCount(), 1);
    const QString text = window.findingsModel()->index(0, 0).data(FindingsModel::MessageRole).toString();
    QVERIFY2(text.contains(QStringLiteral("line 3")), qPrintable(text));
    QCOMPARE(window.editor()->extraSelections().size(), 2); // the line and the character are marked
    window.editor()->setPlainText(QStringLiteral("{}"));
    QVERIFY(window.editor()->extraSelections().isEmpty());
}

void TestMainWindow::familyChoiceRevalidates()
{
    MainWindow window;
    // The starter is in the Cloud form: validating it as On-Premises flags messaging_product.
    auto* family = window.findChild<QComboBox*>();
    QVERIFY(family);
    QCOMPARE(window.findingsModel()->rowCount(), 0);
    family->setCurrentIndex(2);
    QCOMPARE(window.findingsModel()->rowCount(), 1);
    QCOMPARE(window.findingsModel()->index(0, 0).data(FindingsModel::CodeRole).toString(),
             QStringLiteral("messaging_product_on_premises"));
    family->setCurrentIndex(0);
    QCOMPARE(window.findingsModel()->rowCount(), 0);
}

void TestMainWindow::openFileLoadsAndValidates()
{
    MainWindow window;
    QVERIFY(window.openFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/button-four.json")));
    QCOMPARE(window.findingsModel()->rowCount(), 1);
    QCOMPARE(window.findingsModel()->index(0, 0).data(FindingsModel::PathRole).toString(),
             QStringLiteral("interactive.action.buttons[3]"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
