#include <QApplication>
#include <QComboBox>
#include <QTabWidget>
#include <QDockWidget>
#include <QKeyEvent>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QSignalSpy>
#include <QStatusBar>
#include <QUndoStack>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QDateTime>
#include <QTableView>
#include <QJsonArray>

#include "ButtonsEditor.h"
#include "ComposerDocument.h"
#include "ComposerForm.h"
#include "FieldEditor.h"
#include "FindingsModel.h"
#include "FindingsView.h"
#include "FlowEditor.h"
#include "ListEditor.h"
#include "ListTreeModel.h"
#include "MainWindow.h"
#include "MessageCodec.h"
#include "PayloadEditor.h"
#include "PhoneLayout.h"
#include "PhonePreview.h"
#include "EventConsole.h"
#include "EventTableModel.h"
#include "ChatModel.h"
#include "ChatPreview.h"
#include "CustomerBar.h"
#include "CustomerSimulator.h"
#include "DeliveryLogModel.h"
#include "ExchangeView.h"
#include "StatusScheduler.h"
#include "HistoryView.h"
#include "ProfileDialog.h"
#include "ProfileStore.h"
#include "SandboxServer.h"
#include "SecretStore.h"
#include "SendController.h"
#include "SendHistory.h"
#include "SendHistoryModel.h"
#include "TestHttpServer.h"
#include "WebhookPayloadBuilder.h"
#include "ListenerThread.h"
#include "StarterGallery.h"
#include "Validator.h"

using namespace wa;

namespace {

QJsonObject sampleJson(const QString& name)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/messages/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(name));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject documentJson(const MainWindow& window)
{
    return QJsonDocument::fromJson(window.document()->toJson()).object();
}

QLineEdit* lineOf(FieldEditor* field)
{
    return qobject_cast<QLineEdit*>(field->input());
}

// Types text as key events; characters QTest::keyClicks cannot map (CJK, emoji) go as one key
// event carrying the text, as an input method delivers them.
void typeText(QWidget* widget, const QString& text)
{
    bool ascii = true;
    for (const QChar c : text)
        ascii = ascii && c.unicode() < 0x80;
    if (ascii) {
        QTest::keyClicks(widget, text);
        return;
    }
    QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, text);
    QApplication::sendEvent(widget, &press);
}

// Types into a line field by keystrokes, after selecting all it holds.
void retype(FieldEditor* field, const QString& text)
{
    QLineEdit* line = lineOf(field);
    QVERIFY(line);
    line->setFocus();
    line->selectAll();
    if (text.isEmpty())
        QTest::keyClick(line, Qt::Key_Delete);
    else
        typeText(line, text);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void startsValidWithPreview();
    void counterFollowsTyping();
    void inlineFindingAndPanel();
    void activatingAFindingFocusesItsField();
    void fourthButtonRefused();
    void addAndMoveRows();
    void structureLimitsShowWhereTheyBite();
    void typeSwitchKeepsBody();
    void jsonPaneToForm();
    void invalidJsonLeavesFormAlone();
    void formToJsonPane();
    void undoRedo();
    void saveThenOpenGivesTheSamePayload_data();
    void saveThenOpenGivesTheSamePayload();
    void unsavedChangesAreAskedAbout();
    void recoveryAfterACrash();
    void flowDataShowsItsOwnParseError();
    void familySwitchWritesOnPremisesForm();
    void curlHasNoToken();
    void previewReplyTap();
    void galleryOffersEveryType();
    void listenerShowsEventsInTheConsole();
    void sendsThroughTheSandboxAndKeepsHistory();
    void errorsBlockSending();
    void warningsAreAskedOnce();
    void cloudProfileSendsWithItsKeychainToken();
    void apiErrorIsExplained();
    void cancelWhileInFlight();
    void deliveryStatusReachesTheHistory();
    void historyOpensAndResends();
    void sandboxChatLoop();
    void customerTypesAndSharesALocation();
    void conversationFromTheListener();
    void sandboxMenuPlaysWhatsAppsRules();
    void listenerServesHttps();
    void verifyTokenWorksAsTyped();
    void portInUseIsSaidInTheConsole();
    void sendOutsideTheWindowWarns();
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wa-composer-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
}

namespace {
// A Cloud API profile pointed at a local test server, its token in the window's secret store.
void useCloudProfile(MainWindow& window, const TestHttpServer& server, const QString& token)
{
    ConnectionProfile profile;
    profile.name = QStringLiteral("Local Cloud");
    profile.kind = ConnectionProfile::Kind::CloudApi;
    profile.baseUrl = server.url(QString());
    profile.phoneNumberId = QStringLiteral("106540352242922");
    profile.timeoutMs = 5000;
    QString error;
    QVERIFY2(window.sendController()->profiles()->put(profile, &error), qPrintable(error));
    QVERIFY(window.sendController()->profiles()->setCurrent(profile.name));
    // The recipient never wrote to these tests' listener: the 24-hour warning (see
    // sendOutsideTheWindowWarns) is accepted, as a tester who wants the API's answer would.
    window.askToSendWithWarnings = [](const QList<Finding>& warnings) {
        return warnings.size() == 1 && warnings.first().code == QLatin1String("outside_24h_window");
    };
    bool written = false;
    window.sendController()->secrets()->write(profile.secretKey(), token,
                                              [&](bool ok, const QString&) { written = ok; });
    QTRY_VERIFY(written);
    QCOMPARE(window.profileBox()->currentText(), profile.name);
}

void useSandboxProfile(MainWindow& window)
{
    window.sendController()->profiles()->remove(QStringLiteral("Local Cloud"));
    window.sendController()->profiles()->setCurrent(ProfileStore::kSandboxName);
}
} // namespace

void TestMainWindow::init()
{
    QFile::remove(MainWindow::recoveryFilePath());
    // Each test starts with no stored events and no history (test mode keeps them between runs).
    for (const QString& database : {MainWindow::eventStorePath(), MainWindow::historyPath()}) {
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(database + suffix);
    }
}

void TestMainWindow::startsValidWithPreview()
{
    MainWindow window;
    QCOMPARE(window.findingsModel()->rowCount(), 0);
    QCOMPARE(window.form()->typeCombo()->currentData().toInt(), static_cast<int>(InteractiveType::List));
    QCOMPARE(window.preview()->content().inBubble.size(), 1);
    QVERIFY(!window.editor()->toPlainText().isEmpty());
    QVERIFY(!window.document()->isModified());
}

void TestMainWindow::counterFollowsTyping()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    FieldEditor* header = window.form()->headerTextEditor();
    retype(header, QString(60, QLatin1Char('a')));
    QCOMPARE(header->counter()->text(), QStringLiteral("60/60"));
    QCOMPARE(header->counterState(), FieldEditor::CounterState::Normal);
    QTest::keyClicks(lineOf(header), QStringLiteral("b"));
    QCOMPARE(header->counter()->text(), QStringLiteral("61/60"));
    QCOMPARE(header->counterState(), FieldEditor::CounterState::Error);
    QVERIFY(header->counter()->styleSheet().contains(QStringLiteral("#b3261e")));
    // emoji count once toward the limit, and warn when UTF-16 is over
    retype(header, QString(20, QLatin1Char('a')) + QStringLiteral("😀").repeated(40));
    QCOMPARE(header->counter()->text(), QStringLiteral("60/60"));
    QCOMPARE(header->counterState(), FieldEditor::CounterState::Warning);
    QVERIFY(header->counter()->styleSheet().contains(QStringLiteral("#a15c00")));
    // the preview follows every keystroke
    QCOMPARE(FormattedText::plainText(window.preview()->content().headerText),
             QString(20, QLatin1Char('a')) + QStringLiteral("😀").repeated(40));
}

void TestMainWindow::inlineFindingAndPanel()
{
    MainWindow window;
    window.show();
    FieldEditor* button = window.form()->findChild<FieldEditor*>(QStringLiteral("listButton"));
    QVERIFY(button);
    retype(button, QStringLiteral("A button text that is far too long"));
    QVERIFY(button->findingLabel()->isVisible());
    QVERIFY(button->findingLabel()->text().contains(QStringLiteral("the limit is 20")));
    QCOMPARE(window.findingsModel()->rowCount(), 1);
    QCOMPARE(window.findingsModel()->index(0, 0).data(FindingsModel::PathRole).toString(),
             QStringLiteral("interactive.action.button"));
    retype(button, QStringLiteral("Open"));
    QVERIFY(!button->findingLabel()->isVisible());
    QCOMPARE(window.findingsModel()->rowCount(), 0);
}

void TestMainWindow::activatingAFindingFocusesItsField()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/row-title-25.json")));
    const QModelIndex error = window.findingsModel()->index(0, 0);
    QCOMPARE(error.data(FindingsModel::PathRole).toString(),
             QStringLiteral("interactive.action.sections[0].rows[0].title"));
    window.findingsView()->setFocus();
    emit window.findingsView()->activated(error);
    ListEditor* list = window.form()->listEditor();
    QVERIFY(list->tree()->currentIndex().isValid());
    QCOMPARE(list->tree()->currentIndex().parent().row(), 0);
    QCOMPARE(list->tree()->currentIndex().row(), 0);
    QTRY_VERIFY(list->titleEditor()->input()->hasFocus());
    QCOMPARE(list->titleEditor()->text(), QStringLiteral("abcdefghijklmnopqrstuvwxy"));
    QCOMPARE(list->titleEditor()->counter()->text(), QStringLiteral("25/24"));

    QVERIFY(window.openFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/button-id-spaces.json")));
    emit window.findingsView()->activated(window.findingsModel()->index(0, 0));
    QTRY_VERIFY(window.form()->buttonsEditor()->idEditor(0)->input()->hasFocus());
}

void TestMainWindow::fourthButtonRefused()
{
    MainWindow window;
    window.show();
    window.newFromStarter(QStringLiteral("button"));
    ButtonsEditor* buttons = window.form()->buttonsEditor();
    QCOMPARE(buttons->buttonCount(), 3);
    QVERIFY(!buttons->addButton()->isEnabled());
    QVERIFY(buttons->addButton()->toolTip().contains(QStringLiteral("at most 3")));
    // with two, add works once more
    window.document()->edit(QStringLiteral("test"), [](Message& m) { m.interactive->action->buttons->pop_back(); });
    QCOMPARE(buttons->buttonCount(), 2);
    QVERIFY(buttons->addButton()->isEnabled());
    QTest::mouseClick(buttons->addButton(), Qt::LeftButton);
    QCOMPARE(buttons->buttonCount(), 3);
    QVERIFY(!buttons->addButton()->isEnabled());
    QCOMPARE(window.findingsModel()->rowCount(), 0);
    // a pasted 4th button is shown where it bites
    QVERIFY(window.openFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/button-four.json")));
    QCOMPARE(buttons->buttonCount(), 4);
    QCOMPARE(window.findingsModel()->index(0, 0).data(FindingsModel::PathRole).toString(),
             QStringLiteral("interactive.action.buttons[3]"));
}

void TestMainWindow::addAndMoveRows()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window)); // shortcuts need an active window
    ListEditor* list = window.form()->listEditor();
    ListTreeModel* model = list->model();
    QCOMPARE(model->rowCount(model->index(0, 0)), 2);
    list->tree()->setCurrentIndex(model->index(1, 0, model->index(0, 0))); // Dan dan noodles
    QTest::mouseClick(list->addItemButton(), Qt::LeftButton);
    QCOMPARE(model->rowCount(model->index(0, 0)), 3);
    QVERIFY(list->titleEditor()->isEnabled());
    retype(list->titleEditor(), QStringLiteral("Wonton soup"));
    const QJsonObject json = documentJson(window);
    const QJsonArray rows = json[QStringLiteral("interactive")][QStringLiteral("action")][QStringLiteral("sections")][0]
                                [QStringLiteral("rows")]
                                    .toArray();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows.at(2)[QStringLiteral("title")].toString(), QStringLiteral("Wonton soup"));
    // move the first row of "Rice" up: it goes to the end of "Noodles"
    list->tree()->setCurrentIndex(model->index(0, 0, model->index(1, 0)));
    list->tree()->setFocus();
    QTest::keyClick(list->tree(), Qt::Key_Up, Qt::AltModifier);
    QCOMPARE(model->rowCount(model->index(0, 0)), 4);
    QCOMPARE(model->rowCount(model->index(1, 0)), 1);
    QCOMPARE(model->index(3, 0, model->index(0, 0)).data(ListTreeModel::TitleRole).toString(),
             QStringLiteral("Braised pork rice"));
    QCOMPARE(list->totalLabel()->text(), QStringLiteral("5/10 rows · 2/10 sections"));
}

void TestMainWindow::structureLimitsShowWhereTheyBite()
{
    MainWindow window;
    QVERIFY(window.openFile(QStringLiteral(WA_SAMPLES_DIR "/messages/invalid/list-eleven-rows.json")));
    ListEditor* list = window.form()->listEditor();
    ListTreeModel* model = list->model();
    const QModelIndex eleventh = model->index(4, 0, model->index(1, 0));
    const Finding* mark = list->findingMarkedAt(eleventh);
    QVERIFY(mark);
    QCOMPARE(mark->code, QStringLiteral("rows_total"));
    QVERIFY(mark->message.contains(QStringLiteral("11th row")));
    QVERIFY(!list->findingMarkedAt(model->index(3, 0, model->index(1, 0))));
    QVERIFY(!list->findingMarkedAt(model->index(0, 0, model->index(0, 0))));
    QVERIFY(list->totalLabel()->text().startsWith(QStringLiteral("11/10 rows")));
    QVERIFY(list->totalLabel()->styleSheet().contains(QStringLiteral("#b3261e")));

    // a product list: the 31st product, with a running total
    QJsonObject payload = sampleJson(QStringLiteral("product-list.json"));
    QJsonArray sections =
        payload[QStringLiteral("interactive")][QStringLiteral("action")][QStringLiteral("sections")].toArray();
    QJsonArray items;
    for (int i = 0; i < 28; ++i)
        items.append(QJsonObject{{QStringLiteral("product_retailer_id"), QStringLiteral("EXTRA-%1").arg(i)}});
    QJsonObject extra{{QStringLiteral("title"), QStringLiteral("More")}, {QStringLiteral("product_items"), items}};
    sections.append(extra);
    QJsonObject interactive = payload[QStringLiteral("interactive")].toObject();
    QJsonObject action = interactive[QStringLiteral("action")].toObject();
    action[QStringLiteral("sections")] = sections;
    interactive[QStringLiteral("action")] = action;
    payload[QStringLiteral("interactive")] = interactive;
    window.editor()->setPlainText(QString::fromUtf8(QJsonDocument(payload).toJson()));
    ListEditor* products = window.form()->productListEditor();
    QVERIFY(products->totalLabel()->text().startsWith(QStringLiteral("33/30 products")));
    const QModelIndex thirtyFirst = products->model()->index(25, 0, products->model()->index(2, 0));
    QVERIFY(products->findingMarkedAt(thirtyFirst));
    QCOMPARE(products->findingMarkedAt(thirtyFirst)->code, QStringLiteral("products_total"));
}

void TestMainWindow::typeSwitchKeepsBody()
{
    MainWindow window;
    window.show();
    const QString body = window.form()->bodyEditor()->text();
    QVERIFY(!body.isEmpty());
    ComposerForm* form = window.form();
    form->typeCombo()->setCurrentIndex(form->typeCombo()->findData(static_cast<int>(InteractiveType::LocationRequest)));
    QCOMPARE(window.document()->message().interactive->kind(), InteractiveType::LocationRequest);
    QCOMPARE(form->bodyEditor()->text(), body);
    // location requests have no header and no footer: put aside, not lost
    QVERIFY(!window.document()->message().interactive->header);
    QVERIFY(!window.document()->message().interactive->footer);
    QCOMPARE(window.findingsModel()->rowCount(), 0);
    form->typeCombo()->setCurrentIndex(form->typeCombo()->findData(static_cast<int>(InteractiveType::List)));
    QCOMPARE(documentJson(window), sampleJson(QStringLiteral("list-takeout-menu.json")));
}

void TestMainWindow::jsonPaneToForm()
{
    MainWindow window;
    window.show();
    PayloadEditor* json = window.editor();
    json->setFocus();
    QJsonObject payload = sampleJson(QStringLiteral("cta-url.json"));
    json->setPlainText(QString::fromUtf8(QJsonDocument(payload).toJson()));
    QCOMPARE(window.form()->typeCombo()->currentData().toInt(), static_cast<int>(InteractiveType::CtaUrl));
    QCOMPARE(window.form()->bodyEditor()->text(), QStringLiteral("Your parcel left the depot this morning."));
    QCOMPARE(documentJson(window), payload);
}

void TestMainWindow::invalidJsonLeavesFormAlone()
{
    MainWindow window;
    window.show();
    const QJsonObject before = documentJson(window);
    window.editor()->setFocus();
    window.editor()->setPlainText(QStringLiteral("{\n  \"to\": \"1\",\n  \"type\" \"interactive\"\n}"));
    QVERIFY(window.jsonError()->isVisible());
    QVERIFY2(window.jsonError()->text().contains(QStringLiteral("line 3, column 10")),
             qPrintable(window.jsonError()->text()));
    QCOMPARE(window.editor()->extraSelections().size(), 2);
    QCOMPARE(documentJson(window), before);
    QCOMPARE(window.form()->bodyEditor()->text(),
             QStringLiteral("Pick a dish and we will have it ready in *15 minutes*."));
}

void TestMainWindow::formToJsonPane()
{
    MainWindow window;
    window.show();
    retype(window.form()->footerEditor(), QStringLiteral("Open until 9 pm"));
    // the pane follows a moment after typing pauses
    const auto shownFooter = [&window] {
        return QJsonDocument::fromJson(window.editor()->toPlainText().toUtf8())
            .object()[QStringLiteral("interactive")][QStringLiteral("footer")][QStringLiteral("text")]
            .toString();
    };
    QTRY_COMPARE(shownFooter(), QStringLiteral("Open until 9 pm"));
    // clearing an optional field removes it from the payload
    retype(window.form()->footerEditor(), QString());
    QVERIFY(!documentJson(window)[QStringLiteral("interactive")].toObject().contains(QStringLiteral("footer")));
}

void TestMainWindow::undoRedo()
{
    MainWindow window;
    window.show();
    const QJsonObject original = documentJson(window);
    retype(window.form()->headerTextEditor(), QStringLiteral("Dinner"));
    QCOMPARE(window.undoStack()->count(), 1); // one run of typing, one step
    window.form()->typeCombo()->setCurrentIndex(
        window.form()->typeCombo()->findData(static_cast<int>(InteractiveType::Button)));
    QCOMPARE(window.undoStack()->count(), 2);
    window.undoStack()->undo();
    QCOMPARE(window.form()->typeCombo()->currentData().toInt(), static_cast<int>(InteractiveType::List));
    QCOMPARE(window.form()->headerTextEditor()->text(), QStringLiteral("Dinner"));
    window.undoStack()->undo();
    QCOMPARE(documentJson(window), original);
    QCOMPARE(window.form()->headerTextEditor()->text(), QStringLiteral("Lunch menu"));
    window.undoStack()->redo();
    QCOMPARE(window.form()->headerTextEditor()->text(), QStringLiteral("Dinner"));
    // a JSON pane edit is undoable too
    window.editor()->setPlainText(QString::fromUtf8(QJsonDocument(sampleJson(QStringLiteral("flow.json"))).toJson()));
    QCOMPARE(window.form()->typeCombo()->currentData().toInt(), static_cast<int>(InteractiveType::Flow));
    window.undoStack()->undo();
    QCOMPARE(window.form()->typeCombo()->currentData().toInt(), static_cast<int>(InteractiveType::List));
}

void TestMainWindow::saveThenOpenGivesTheSamePayload_data()
{
    QTest::addColumn<QString>("sample");
    for (const char* name : {"list-zh-TW-appointments.json", "button-video-header-onprem.json", "flow.json",
                             "product-list.json", "reply-context.json"})
        QTest::newRow(name) << QString::fromUtf8(name);
}

void TestMainWindow::saveThenOpenGivesTheSamePayload()
{
    QFETCH(QString, sample);
    QTemporaryDir dir;
    MainWindow window;
    QVERIFY(window.openFile(QStringLiteral(WA_SAMPLES_DIR "/messages/") + sample));
    retype(window.form()->toEditor(), QStringLiteral("16505550000"));
    const QString path = dir.filePath(QStringLiteral("draft.json"));
    QVERIFY(window.saveTo(path));
    QVERIFY(!window.document()->isModified());
    QJsonObject expected = sampleJson(sample);
    expected[QStringLiteral("to")] = QStringLiteral("16505550000");
    MainWindow other;
    QVERIFY(other.openFile(path));
    QCOMPARE(documentJson(other), expected);
    // the file itself is a plain payload, as curl and Postman take it
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object(), expected);
}

void TestMainWindow::unsavedChangesAreAskedAbout()
{
    MainWindow window;
    window.show();
    int asked = 0;
    window.askToSave = [&asked] {
        ++asked;
        return QMessageBox::Cancel;
    };
    QVERIFY(window.close()); // nothing changed: no question
    QCOMPARE(asked, 0);
    window.show();
    retype(window.form()->footerEditor(), QStringLiteral("x"));
    QVERIFY(window.document()->isModified());
    QVERIFY(window.windowTitle().contains(QLatin1Char('*')));
    QVERIFY(!window.close()); // cancelled
    QCOMPARE(asked, 1);
    window.askToSave = [] { return QMessageBox::Discard; };
    QVERIFY(window.close());
}

void TestMainWindow::recoveryAfterACrash()
{
    {
        MainWindow crashed;
        retype(crashed.form()->headerTextEditor(), QStringLiteral("Unsaved work"));
        crashed.writeRecovery(); // what the timer does every few seconds
        QVERIFY(QFile::exists(MainWindow::recoveryFilePath()));
        // no close(): the process "dies" here
    }
    MainWindow next;
    bool asked = false;
    next.askToRestore = [&asked] {
        asked = true;
        return true;
    };
    QVERIFY(next.restoreRecovery());
    QVERIFY(asked);
    QCOMPARE(next.form()->headerTextEditor()->text(), QStringLiteral("Unsaved work"));
    QVERIFY(next.document()->isModified());
    next.askToSave = [] { return QMessageBox::Discard; };
    QVERIFY(next.close());
    QVERIFY(!QFile::exists(MainWindow::recoveryFilePath())); // a normal close leaves nothing behind
}

void TestMainWindow::flowDataShowsItsOwnParseError()
{
    MainWindow window;
    window.show();
    window.newFromStarter(QStringLiteral("flow"));
    FlowEditor* flow = window.form()->flowEditor();
    const QJsonObject before = documentJson(window);
    flow->dataEditor()->setFocus();
    flow->dataEditor()->setPlainText(QStringLiteral("{\"service\": "));
    QVERIFY(flow->dataError()->isVisible());
    QVERIFY(flow->dataError()->text().contains(QStringLiteral("line 1")));
    QCOMPARE(documentJson(window), before);
    flow->dataEditor()->setPlainText(QStringLiteral("{\"service\": \"beard\"}"));
    QVERIFY(!flow->dataError()->isVisible());
    QCOMPARE(
        documentJson(window)[QStringLiteral("interactive")][QStringLiteral("action")][QStringLiteral("parameters")]
                            [QStringLiteral("flow_action_payload")][QStringLiteral("data")][QStringLiteral("service")]
                                .toString(),
        QStringLiteral("beard"));
}

void TestMainWindow::familySwitchWritesOnPremisesForm()
{
    MainWindow window;
    window.document()->setFamily(ApiFamily::OnPremises);
    QVERIFY(!documentJson(window).contains(QStringLiteral("messaging_product")));
    QCOMPARE(window.findingsModel()->rowCount(), 0);
    window.document()->setFamily(ApiFamily::Cloud);
    QCOMPARE(documentJson(window)[QStringLiteral("messaging_product")].toString(), QStringLiteral("whatsapp"));
}

void TestMainWindow::curlHasNoToken()
{
    MainWindow window;
    const QString curl = window.curlCommand();
    QVERIFY(curl.startsWith(QStringLiteral("curl ")));
    QVERIFY(curl.contains(QStringLiteral("$WA_ACCESS_TOKEN")));
    QVERIFY(curl.contains(QStringLiteral("graph.facebook.com")));
    QVERIFY(curl.contains(QStringLiteral("See dishes")));
}

void TestMainWindow::previewReplyTap()
{
    MainWindow window;
    window.resize(1500, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.newFromStarter(QStringLiteral("button"));
    PhonePreview* preview = window.preview();
    QSignalSpy taps(preview, &PhonePreview::replyTapped);
    const auto buttons = preview->phoneLayout().itemsOf(PhoneLayout::Kind::ReplyButton);
    QCOMPARE(buttons.size(), 3);
    QTest::mouseClick(preview, Qt::LeftButton, {}, buttons.at(1)->rect.center().toPoint());
    QCOMPARE(taps.count(), 1);
    QCOMPARE(taps.first().at(0).toString(), QStringLiteral("topup-10"));
    QCOMPARE(taps.first().at(1).toString(), QStringLiteral("$10"));
    // the buttons stop being active, as on the phone
    QTest::mouseClick(preview, Qt::LeftButton, {}, buttons.at(0)->rect.center().toPoint());
    QCOMPARE(taps.count(), 1);
}

void TestMainWindow::galleryOffersEveryType()
{
    const QList<StarterGallery::Starter> starters = MainWindow::starters();
    QCOMPARE(starters.size(), 7);
    StarterGallery gallery(starters);
    QCOMPARE(gallery.list()->count(), 7);
    QStringList types;
    for (int i = 0; i < gallery.list()->count(); ++i) {
        QVERIFY(!gallery.list()->item(i)->icon().isNull());
        types << gallery.list()->item(i)->data(Qt::UserRole).toString();
    }
    QCOMPARE(types, (QStringList{QStringLiteral("list"), QStringLiteral("button"), QStringLiteral("cta_url"),
                                 QStringLiteral("location_request_message"), QStringLiteral("product"),
                                 QStringLiteral("product_list"), QStringLiteral("flow")}));
    // every starter is valid as it is
    for (const StarterGallery::Starter& s : starters)
        QVERIFY2(!hasErrors(Validator::validate(s.message)), qPrintable(s.type));
    gallery.list()->setCurrentRow(6);
    QCOMPARE(gallery.chosenType(), QStringLiteral("flow"));
    MainWindow window;
    window.newFromStarter(gallery.chosenType());
    QCOMPARE(window.form()->typeCombo()->currentData().toInt(), static_cast<int>(InteractiveType::Flow));
    if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS")) { // for the README: WA_SCREENSHOTS=dir
        gallery.show();
        QVERIFY(QTest::qWaitForWindowExposed(&gallery));
        gallery.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/gallery.png"));
    }
}

void TestMainWindow::listenerShowsEventsInTheConsole()
{
    MainWindow window;
    window.show();
    window.setAppSecret(QString());                                                    // the posts below are unsigned
    QCOMPARE(window.bindBox()->currentData().toString(), QStringLiteral("127.0.0.1")); // all interfaces is a choice
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error)); // a free port of 127.0.0.1
    QCOMPARE(window.listener()->address(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(!window.bindBox()->isEnabled()); // not while listening
    const int before = window.console()->model()->rowCount();
    QFile sample(QStringLiteral(WA_SAMPLES_DIR "/webhooks/cloud-location.json"));
    QVERIFY(sample.open(QIODevice::ReadOnly));
    const QByteArray body = sample.readAll();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, window.listener()->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QTRY_COMPARE(window.console()->model()->rowCount(), before + 1);
    QTRY_VERIFY(socket.bytesAvailable() > 0 || socket.waitForReadyRead(10));
    QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    // the detail pane shows the request and the parsed location, with its map link
    window.console()->table()->selectRow(before);
    QVERIFY(window.console()->detail()->toPlainText().contains(QStringLiteral("POST /webhook")));
    QVERIFY(window.console()->detail()->toPlainText().contains(QStringLiteral("openstreetmap.org")));
    QVERIFY(window.console()->curlForSelected().contains(QStringLiteral("--data-binary")));
    QCOMPARE(window.console()->selectedRequest().value_or(StoredRequest()).body, body); // what Replay sends
    // Export: the selected event alone, or all shown
    QTemporaryDir exportDir;
    const QString exported = exportDir.filePath(QStringLiteral("events.jsonl"));
    window.askExportFileName = [&] { return exported; };
    QVERIFY(window.exportSelectedAction()->isEnabled());
    window.exportSelectedAction()->trigger();
    QFile lines(exported);
    QVERIFY(lines.open(QIODevice::ReadOnly));
    const QList<QByteArray> written = lines.readAll().trimmed().split('\n');
    QCOMPARE(written.size(), 1);
    QCOMPARE(QJsonDocument::fromJson(written.first()).object().value(QStringLiteral("kind")).toString(),
             QStringLiteral("location"));
    lines.close();
    window.exportShownAction()->trigger(); // in the exporter's thread
    QTRY_VERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Exported ")));
    QVERIFY(lines.open(QIODevice::ReadOnly));
    QCOMPARE(lines.readAll().trimmed().split('\n').size(), window.console()->model()->rowCount());
    // filter by kind
    window.console()->kindFilter()->setCurrentIndex(
        window.console()->kindFilter()->findText(QStringLiteral("location")));
    QVERIFY(window.console()->model()->rowCount() >= 1);
    window.console()->kindFilter()->setCurrentIndex(
        window.console()->kindFilter()->findText(QStringLiteral("nfm_reply")));
    const int nfm = window.console()->model()->rowCount();
    window.console()->kindFilter()->setCurrentIndex(0);
    QVERIFY(window.console()->model()->rowCount() > nfm);
    // the 24-hour window of the recipient follows the stored events
    retype(window.form()->toEditor(), QStringLiteral("16505559999"));
    QVERIFY(window.form()->recipientNote()->isVisible());
    QVERIFY(window.form()->recipientNote()->text().contains(QStringLiteral("131047")));
    retype(window.form()->toEditor(), QStringLiteral("16505551234")); // Sheena wrote (the sample's time is old)
    QVERIFY(window.form()->recipientNote()->text().contains(QStringLiteral("closed")));
    if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS")) { // listening, the location selected
        window.resize(1500, 1000);
        window.console()->table()->selectRow(before);
        QVERIFY(window.console()->mapLink()->isVisible());
        window.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/console.png"));
    }
    window.stopListening();
    QVERIFY(!window.listener()->isListening());
}

void TestMainWindow::sendsThroughTheSandboxAndKeepsHistory()
{
    MainWindow window;
    useSandboxProfile(window);
    QVERIFY(window.sandbox()->isListening());
    const int before = window.history()->count();
    QSignalSpy accepted(window.sandbox(), &SandboxServer::messageAccepted);
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    QVERIFY2(window.exchangeView()->banner()->text().contains(QStringLiteral("Accepted")),
             qPrintable(window.exchangeView()->banner()->text()));
    QCOMPARE(accepted.count(), 1);
    const auto message = accepted.first().first().value<SandboxMessage>();
    QCOMPARE(window.history()->count(), before + 1);
    const SentRecord record = window.history()->records(1).first();
    QCOMPARE(record.messageId, message.id);
    QCOMPARE(record.profileName, ProfileStore::kSandboxName);
    QCOMPARE(record.result, SendOutcome::Result::Accepted);
    QVERIFY(record.messageId.startsWith(QStringLiteral("wamid.")));
    // what the sandbox received is the composed payload
    QCOMPARE(message.payload, QJsonDocument::fromJson(window.document()->toJson()).object());
    // the request view shows the request with the sandbox token redacted, and the response
    QVERIFY(window.exchangeView()->requestText().contains(QStringLiteral("Bearer \u2022\u2022\u2022\u2022")));
    QVERIFY(!window.exchangeView()->requestText().contains(SandboxServer::kDefaultAccessToken));
    QVERIFY(window.exchangeView()->responseText().contains(message.id));
    // the history view lists it first
    QCOMPARE(window.historyView()->model()->index(0, 0).data(SendHistoryModel::MessageIdRole).toString(), message.id);
}

void TestMainWindow::errorsBlockSending()
{
    MainWindow window;
    useSandboxProfile(window);
    window.document()->edit(QStringLiteral("test"), [](Message& m) { m.interactive->body->text = QString(); });
    const int before = window.history()->count();
    QSignalSpy accepted(window.sandbox(), &SandboxServer::messageAccepted);
    bool asked = false;
    window.askToSendWithWarnings = [&](const QList<Finding>&) { return asked = true; };
    window.sendMessage();
    QTest::qWait(100);
    QVERIFY(!asked);
    QCOMPARE(accepted.count(), 0);
    QCOMPARE(window.history()->count(), before);
    QVERIFY2(window.exchangeView()->banner()->text().contains(QStringLiteral("Not sent")),
             qPrintable(window.exchangeView()->banner()->text()));
    QVERIFY(window.sendAction()->isEnabled());
}

void TestMainWindow::warningsAreAskedOnce()
{
    MainWindow window;
    useSandboxProfile(window);
    window.document()->edit(QStringLiteral("test"), [](Message& m) { m.to = QStringLiteral("0612345678"); });
    bool hasWarning = false;
    for (const Finding& finding : window.document()->findings())
        hasWarning = hasWarning || finding.severity == Severity::Warning;
    QVERIFY(hasWarning);
    int asked = 0;
    bool answer = false;
    window.askToSendWithWarnings = [&](const QList<Finding>& warnings) {
        ++asked;
        return !warnings.isEmpty() && answer;
    };
    QSignalSpy accepted(window.sandbox(), &SandboxServer::messageAccepted);
    window.sendMessage(); // declined: nothing sent, asked again next time
    QCOMPARE(asked, 1);
    QTest::qWait(50);
    QCOMPARE(accepted.count(), 0);
    answer = true;
    window.sendMessage();
    QCOMPARE(asked, 2);
    QTRY_COMPARE(accepted.count(), 1);
    QTRY_VERIFY(window.sendAction()->isEnabled());
    window.sendMessage(); // the same warnings: not asked again
    QCOMPARE(asked, 2);
    QTRY_COMPARE(accepted.count(), 2);
}

void TestMainWindow::cloudProfileSendsWithItsKeychainToken()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const HttpRequest&) {
        return TestHttpServer::Reply::json(
            200,
            R"({"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]})");
    });
    MainWindow window;
    const QString token = QStringLiteral("EAAGm0PX4ZCpsBAKZCtesttoken9876");
    useCloudProfile(window, server, token);
    window.sendMessage();
    QTRY_COMPARE(server.requests().size(), 1);
    QTRY_VERIFY(window.sendAction()->isEnabled());
    const HttpRequest request = server.requests().first();
    QCOMPARE(request.url().path(), QStringLiteral("/v23.0/106540352242922/messages"));
    QCOMPARE(request.header("Authorization"), QByteArray("Bearer ") + token.toUtf8());
    QCOMPARE(QJsonDocument::fromJson(request.body).object(),
             QJsonDocument::fromJson(window.document()->toJson()).object());
    QVERIFY(window.exchangeView()->banner()->text().contains(QStringLiteral("wamid.HBgL")));
    // the token is nowhere on screen or in the history
    QVERIFY(!window.exchangeView()->requestText().contains(token));
    QVERIFY(window.exchangeView()->requestText().contains(QStringLiteral("\u2022\u2022\u2022\u20229876")));
    const SentRecord record = window.history()->records(1).first();
    QVERIFY(!record.exchangesJson.contains(token.toUtf8()));
    QVERIFY(!record.payload.contains(token.toUtf8()));
    QCOMPARE(record.profileName, QStringLiteral("Local Cloud"));
    useSandboxProfile(window);
}

void TestMainWindow::apiErrorIsExplained()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const HttpRequest&) {
        return TestHttpServer::Reply::json(
            400,
            R"({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"AbCdEf"}})");
    });
    MainWindow window;
    useCloudProfile(window, server, QStringLiteral("EAAG-another-token-5555"));
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    const QString banner = window.exchangeView()->banner()->text();
    QVERIFY2(banner.contains(QStringLiteral("131047")), qPrintable(banner));
    QVERIFY2(banner.contains(QStringLiteral("template")), qPrintable(banner)); // what to do instead
    if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS")) {
        window.resize(1500, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/send-error.png"));
        ProfileDialog dialog(window.sendController()->profiles(), window.sendController()->secrets(), &window);
        dialog.select(QStringLiteral("Local Cloud"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::qWait(50);
        dialog.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/profiles.png"));
    }
    QVERIFY(window.exchangeView()->responseText().contains(QStringLiteral("fbtrace_id")));
    QCOMPARE(window.history()->records(1).first().result, SendOutcome::Result::ApiError);
    useSandboxProfile(window);
}

void TestMainWindow::cancelWhileInFlight()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const HttpRequest&) { return TestHttpServer::Reply::never(); });
    MainWindow window;
    useCloudProfile(window, server, QStringLiteral("EAAG-cancel-token-1111"));
    window.sendMessage();
    QTRY_COMPARE(server.requests().size(), 1);
    QVERIFY(window.cancelAction()->isEnabled());
    QVERIFY(!window.sendAction()->isEnabled());
    window.cancelAction()->trigger();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    QVERIFY(!window.cancelAction()->isEnabled());
    QVERIFY2(window.exchangeView()->banner()->text().contains(QStringLiteral("cancelled")),
             qPrintable(window.exchangeView()->banner()->text()));
    useSandboxProfile(window);
}

void TestMainWindow::deliveryStatusReachesTheHistory()
{
    MainWindow window;
    useSandboxProfile(window);
    window.setAppSecret(QString());                                       // the status below is posted unsigned
    window.setBotUrl(QUrl(QStringLiteral("http://127.0.0.1:9/webhook"))); // the sandbox's own statuses go nowhere
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    const SentRecord sent = window.history()->records(1).first();
    QVERIFY(!sent.messageId.isEmpty());
    // Meta (here: a status webhook as the sandbox sends it) tells the listener it was read
    const WebhookBusiness business{QStringLiteral("102290129340398"), SandboxServer::kDefaultPhoneNumberId,
                                   SandboxServer::kDefaultDisplayPhoneNumber};
    const WebhookCustomer customer{QStringLiteral("16505551234"), QString()};
    const BuiltWebhook built =
        WebhookPayloadBuilder::status(business, customer, sent.messageId, WebhookStatusValue::Read, ApiFamily::Cloud);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, window.listener()->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(built.body.size()) + "\r\n\r\n" + built.body);
    QTRY_COMPARE(window.history()->find(sent.id).value_or(SentRecord()).deliveryStatus, QStringLiteral("read"));
    QTRY_VERIFY(window.historyView()
                    ->model()
                    ->index(0, SendHistoryModel::DeliveryColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("read")));
    if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS")) {
        window.resize(1500, 1000);
        window.show();
        window.historyView()->selectRow(0);
        window.findChild<QDockWidget*>(QStringLiteral("historyDock"))->raise();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/history.png"));
    }
    window.stopListening();
}

void TestMainWindow::historyOpensAndResends()
{
    MainWindow window;
    useSandboxProfile(window);
    window.newFromStarter(QStringLiteral("button"));
    const QJsonObject sentJson = documentJson(window);
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    const qint64 id = window.history()->records(1).first().id;
    window.newFromStarter(QStringLiteral("list"));
    window.document()->setModified(false);
    QVERIFY(documentJson(window) != sentJson);
    QVERIFY(window.openFromHistory(id));
    QCOMPARE(documentJson(window), sentJson);
    QSignalSpy accepted(window.sandbox(), &SandboxServer::messageAccepted);
    const int before = window.history()->count();
    window.resendFromHistory(id);
    QTRY_COMPARE(accepted.count(), 1);
    QTRY_COMPARE(window.history()->count(), before + 1);
    QCOMPARE(accepted.first().first().value<SandboxMessage>().payload, sentJson);
}

// The bot test loop in the window, with the app's own listener as the bot: the composer sends through
// the sandbox, the message shows in the chat, the tester taps a button, the signed button_reply
// reaches the bot with its context, and the statuses reach the history.
void TestMainWindow::sandboxChatLoop()
{
    MainWindow window;
    window.show();
    useSandboxProfile(window);
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    window.setAppSecret(QStringLiteral("loop-secret"));
    window.setBotUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(window.listener()->port())));
    window.simulator()->scheduler()->setDelays({10, 20, 40, true});
    window.newFromStarter(QStringLiteral("button"));
    const int eventsBefore = window.console()->model()->rowCount();

    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    const SentRecord sent = window.history()->records(1).first();
    QCOMPARE(sent.result, SendOutcome::Result::Accepted);
    // it arrives in the chat, which is brought forward, in the recipient's conversation
    QCOMPARE(window.previewTabs()->currentWidget(), window.chat()->parentWidget());
    QTRY_COMPARE(window.chat()->blocks().size(), 1);
    const ChatPreview::Block block = window.chat()->blocks().first();
    QCOMPARE(block.id, sent.messageId);
    QCOMPARE(window.simulator()->currentCustomer().waId, QStringLiteral("16505551234"));
    // the statuses reach the bot (here the listener): the history shows read, the chat its ticks
    QTRY_COMPARE(window.history()->find(sent.id).value_or(SentRecord()).deliveryStatus, QStringLiteral("read"));
    QTRY_VERIFY(window.chat()->blocks().first().status.contains(QStringLiteral("read")));

    // the tester taps the first reply button
    const PhoneLayout::Item* button = nullptr;
    for (const PhoneLayout::Item& item : block.items) {
        if (item.kind == PhoneLayout::Kind::ReplyButton && item.index == 0)
            button = &item;
    }
    QVERIFY(button);
    QTest::mouseClick(window.chat(), Qt::LeftButton, {}, window.chat()->centerOf(block, *button).toPoint());
    QTRY_COMPARE(window.chat()->blocks().size(), 2);
    QVERIFY(!window.chat()->blocks().first().active); // WhatsApp disables the buttons once one is tapped
    // the signed button_reply reached the bot with the context of the message
    window.console()->searchFilter()->setText(sent.messageId); // the reply names it as its context
    window.console()->kindFilter()->setCurrentIndex(
        window.console()->kindFilter()->findText(QStringLiteral("button_reply")));
    QTRY_COMPARE(window.console()->model()->rowCount(), 1);
    window.console()->table()->selectRow(0);
    const QString detail = window.console()->detail()->toPlainText();
    QVERIFY2(detail.contains(sent.messageId), qPrintable(detail));
    window.console()->searchFilter()->clear();
    window.console()->kindFilter()->setCurrentIndex(0);
    QVERIFY(window.console()->model()->rowCount() > eventsBefore);
    QTRY_VERIFY(window.deliveries()->rowCount() >= 4); // sent, delivered, read, the button_reply
    if (!qEnvironmentVariableIsEmpty("WA_SCREENSHOTS")) {
        window.resize(1500, 1000);
        window.findChild<QDockWidget*>(QStringLiteral("deliveriesDock"))->raise();
        QTest::qWait(100);
        window.grab().save(qEnvironmentVariable("WA_SCREENSHOTS") + QLatin1String("/loop.png"));
    }
    window.stopListening();
}

void TestMainWindow::customerTypesAndSharesALocation()
{
    MainWindow window;
    window.show();
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    window.setAppSecret(QStringLiteral("loop-secret"));
    window.setBotUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(window.listener()->port())));
    window.previewTabs()->setCurrentIndex(1);
    const auto countOf = [&window](const QString& kind) {
        window.console()->kindFilter()->setCurrentIndex(window.console()->kindFilter()->findText(kind));
        return window.console()->model()->rowCount();
    };
    const int locationsBefore = countOf(QStringLiteral("location"));
    const int textsBefore = countOf(QStringLiteral("text"));
    // text, typed in the compose bar
    QLineEdit* text = window.customerBar()->textEdit();
    text->setFocus();
    QTest::keyClicks(text, QStringLiteral("Hi, are you open today?"));
    QTest::keyClick(text, Qt::Key_Return);
    QTRY_COMPARE(window.chat()->blocks().size(), 1);
    QCOMPARE(window.chat()->blocks().first().text, QStringLiteral("Hi, are you open today?"));
    // a location, from the picker (its answer given here)
    window.askLocation = [](LocationPreset* location) {
        location->latitude = 25.0339;
        location->longitude = 121.5645;
        location->name = QStringLiteral("Taipei 101");
        return true;
    };
    window.customerBar()->locationButton()->click();
    QTRY_COMPARE(window.chat()->blocks().size(), 2);
    // both reached the bot, signed
    QTRY_COMPARE(countOf(QStringLiteral("location")), locationsBefore + 1);
    QTRY_COMPARE(countOf(QStringLiteral("text")), textsBefore + 1);
    // the customer wrote: the sandbox's 24-hour window for them is open
    QVERIFY(window.sandbox()->isWindowOpen(window.simulator()->currentCustomer().waId));
    // with no bot URL, an action says why instead of sending
    window.setBotUrl(QUrl());
    QTest::keyClicks(text, QStringLiteral("again"));
    QTest::keyClick(text, Qt::Key_Return);
    QCOMPARE(window.chat()->blocks().size(), 2);
    window.stopListening();
}

// A message sent through the Cloud API joins the chat; the customer's reply and its statuses, as
// WhatsApp posts them to the listener, show under it.
void TestMainWindow::conversationFromTheListener()
{
    TestHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const HttpRequest&) {
        return TestHttpServer::Reply::json(
            200,
            R"({"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.CLOUD1"}]})");
    });
    MainWindow window;
    window.show();
    useCloudProfile(window, server, QStringLiteral("EAAG-conversation-token-7777"));
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    window.setAppSecret(QString());
    window.newFromStarter(QStringLiteral("button"));
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    QTRY_VERIFY(window.simulator()->chat()->entry(QStringLiteral("wamid.CLOUD1")).has_value());

    const auto post = [&window](const QByteArray& body) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, window.listener()->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        QTRY_VERIFY(socket.bytesAvailable() > 0 || socket.waitForReadyRead(10));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    };
    const WebhookBusiness business{QStringLiteral("102290129340398"), QStringLiteral("106540352242922"),
                                   QStringLiteral("15550783881")};
    const WebhookCustomer customer{QStringLiteral("16505551234"), QStringLiteral("Sheena Nelson")};
    post(WebhookPayloadBuilder::status(business, customer, QStringLiteral("wamid.CLOUD1"), WebhookStatusValue::Read,
                                       ApiFamily::Cloud)
             .body);
    QTRY_COMPARE(window.simulator()->chat()->entry(QStringLiteral("wamid.CLOUD1"))->statusName(),
                 QStringLiteral("read"));
    WebhookContext context;
    context.messageId = QStringLiteral("wamid.CLOUD1");
    const QString buttonId = documentJson(window)
                                 .value(QStringLiteral("interactive"))
                                 .toObject()
                                 .value(QStringLiteral("action"))
                                 .toObject()
                                 .value(QStringLiteral("buttons"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QStringLiteral("reply"))
                                 .toObject()
                                 .value(QStringLiteral("id"))
                                 .toString();
    const BuiltWebhook reply = WebhookPayloadBuilder::buttonReply(business, customer, context, buttonId,
                                                                  QStringLiteral("$5"), ApiFamily::Cloud);
    post(reply.body);
    QTRY_VERIFY(window.simulator()->chat()->entry(reply.messageId).has_value());
    QVERIFY(window.simulator()->chat()->entry(QStringLiteral("wamid.CLOUD1"))->answered);
    window.simulator()->chat()->setCustomer(QStringLiteral("16505551234"));
    const ChatPreview::Block* answer = nullptr;
    for (const ChatPreview::Block& block : window.chat()->blocks()) {
        if (block.id == reply.messageId)
            answer = &block;
    }
    QVERIFY(answer);
    QCOMPARE(answer->text, QStringLiteral("$5"));
    QVERIFY(!answer->quote.isEmpty());
    window.stopListening();
    useSandboxProfile(window);
}

// The Sandbox menu: the 24-hour window enforced (131047 until the customer writes), and when the
// statuses come.
void TestMainWindow::sandboxMenuPlaysWhatsAppsRules()
{
    MainWindow window;
    window.show();
    useSandboxProfile(window);
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    window.setBotUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(window.listener()->port())));
    QVERIFY(!window.sandbox()->strictWindow());
    QVERIFY(!window.failAsStatusAction()->isEnabled());
    window.strictWindowAction()->trigger();
    QVERIFY(window.sandbox()->strictWindow());
    QVERIFY(window.failAsStatusAction()->isEnabled());

    QList<Finding> asked;
    window.askToSendWithWarnings = [&](const QList<Finding>& warnings) {
        asked = warnings;
        return true; // send anyway: the 131047 is what is tested
    };
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    QVERIFY2(window.exchangeView()->banner()->text().contains(QStringLiteral("131047")),
             qPrintable(window.exchangeView()->banner()->text()));
    QCOMPARE(asked.size(), 1); // warned before sending
    QCOMPARE(asked.first().code, QStringLiteral("outside_24h_window"));
    asked.clear();
    // the customer writes: the window opens, the same message is accepted
    window.previewTabs()->setCurrentIndex(1);
    QTest::keyClicks(window.customerBar()->textEdit(), QStringLiteral("hello"));
    QTest::keyClick(window.customerBar()->textEdit(), Qt::Key_Return);
    QTRY_VERIFY(window.sandbox()->isWindowOpen(QStringLiteral("16505551234")));
    window.sendMessage();
    QTRY_VERIFY(window.sendAction()->isEnabled());
    QVERIFY2(window.exchangeView()->banner()->text().contains(QStringLiteral("Accepted")),
             qPrintable(window.exchangeView()->banner()->text()));
    QVERIFY(asked.isEmpty()); // inside the window: no warning

    // status delays and the read status
    QVERIFY(window.setStatusDelays(QStringLiteral("5 10 20")));
    QCOMPARE(window.simulator()->scheduler()->delays().deliveredMs, 10);
    QVERIFY(!window.setStatusDelays(QStringLiteral("soon later")));
    QVERIFY(!window.setStatusDelays(QStringLiteral("1 2")));
    QCOMPARE(window.simulator()->scheduler()->delays().readMs, 20);
    window.customerReadsAction()->trigger();
    QVERIFY(!window.simulator()->scheduler()->delays().read);
    window.stopListening();
}

// The console's HTTPS choice: the user's certificate and key, checked when chosen, used from the
// next Listen; back to plain HTTP in one click.
void TestMainWindow::listenerServesHttps()
{
    MainWindow window;
    window.show();
    window.setAppSecret(QString());
    QString error;
    QVERIFY(!window.setListenerTls(QStringLiteral("/nonexistent/cert.pem"), QStringLiteral("/nonexistent/key.pem"),
                                   &error));
    QVERIFY2(error.contains(QStringLiteral("no PEM certificate")), qPrintable(error));
    QVERIFY(window.setListenerTls(QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-cert.pem"),
                                  QStringLiteral(WA_TEST_DATA_DIR "/selfsigned-key.pem"), &error));
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    QVERIFY(window.listener()->isTls());
    const int before = window.console()->model()->rowCount();
    QFile sample(QStringLiteral(WA_SAMPLES_DIR "/webhooks/cloud-text.json"));
    QVERIFY(sample.open(QIODevice::ReadOnly));
    const QByteArray body = sample.readAll();
    QSslSocket client;
    client.setPeerVerifyMode(QSslSocket::VerifyNone); // the test's own self-signed certificate
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), window.listener()->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.isEncrypted(), 10000);
    client.write("POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QTRY_COMPARE(window.console()->model()->rowCount(), before + 1);
    window.stopListening();
    // plain HTTP again
    QVERIFY(window.setListenerTls(QString(), QString(), &error));
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    QVERIFY(!window.listener()->isTls());
    window.stopListening();
}

namespace {
// A raw GET on 127.0.0.1; the whole answer (the server closes after it: Connection: close).
QByteArray rawGet(quint16 port, const QByteArray& target)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    while (socket.waitForReadyRead(5000))
        answer += socket.readAll();
    return answer + socket.readAll();
}
} // namespace

// Meta's "Verify and save" must work with the token as typed, while the listener runs, and the
// token is kept (in the keychain) for the next start.
void TestMainWindow::verifyTokenWorksAsTyped()
{
    MainWindow window;
    window.show();
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    const QByteArray verify = "/webhook?hub.mode=subscribe&hub.verify_token=tok-123&hub.challenge=4711";
    QVERIFY(rawGet(window.listener()->port(), verify).startsWith("HTTP/1.1 403")); // no token yet
    QVERIFY(window.listenState()->text().contains(QStringLiteral("no verify token")));

    window.verifyTokenEditor()->setFocus();
    QTest::keyClicks(window.verifyTokenEditor(), QStringLiteral("tok-123")); // no Enter, no Stop/Listen
    QTRY_VERIFY(rawGet(window.listener()->port(), verify).startsWith("HTTP/1.1 200"));
    const QByteArray answer = rawGet(window.listener()->port(), verify);
    QVERIFY2(answer.endsWith("\r\n\r\n4711"), answer.constData());
    QVERIFY(!window.listenState()->text().contains(QStringLiteral("no verify token")));
    QVERIFY(rawGet(window.listener()->port(), "/webhook?hub.mode=subscribe&hub.verify_token=tok-12&hub.challenge=1")
                .startsWith("HTTP/1.1 403"));

    // kept when the edit is done
    QTest::keyClick(window.verifyTokenEditor(), Qt::Key_Return);
    QString kept;
    bool found = false;
    window.secretStore()->read(QStringLiteral("listener/verify-token"),
                               [&](bool ok, const QString& secret, const QString&) {
                                   found = ok;
                                   kept = secret;
                               });
    QTRY_VERIFY(found);
    QCOMPARE(kept, QStringLiteral("tok-123"));
    window.stopListening();
}

// A port another program holds: said on the console's line, in red, until the next Listen.
void TestMainWindow::portInUseIsSaidInTheConsole()
{
    QTcpServer holder;
    QVERIFY(holder.listen(QHostAddress::LocalHost, 0));
    MainWindow window;
    window.show();
    QString error;
    QVERIFY(!window.startListening(holder.serverPort(), &error));
    QVERIFY2(!error.isEmpty(), "no reason given");
    QVERIFY(!window.listener()->isListening());
    const QString state = window.listenState()->text();
    QVERIFY2(state.contains(QStringLiteral("Not listening")) && state.contains(error) &&
                 state.contains(QStringLiteral("another port")),
             qPrintable(state));
    QVERIFY(!window.listenState()->styleSheet().isEmpty());
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    QVERIFY(window.listenState()->text().startsWith(QStringLiteral("Listening on http://127.0.0.1:")));
    QVERIFY(window.listenState()->styleSheet().isEmpty());
    window.stopListening();
    QCOMPARE(window.listenState()->text(), QStringLiteral("Not listening."));
}

// WhatsApp answers 131047 outside the recipient's 24-hour window: Send warns first, for a real
// profile from what the listener has seen of the contact.
void TestMainWindow::sendOutsideTheWindowWarns()
{
    MainWindow window;
    window.show();
    // a Cloud API profile that is never reached: the warning is declined
    ConnectionProfile cloud;
    cloud.name = QStringLiteral("Cloud test");
    cloud.kind = ConnectionProfile::Kind::CloudApi;
    cloud.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/"));
    cloud.phoneNumberId = QStringLiteral("100000000000002");
    const ConnectionProfile& profile = cloud;
    QCOMPARE(window.outsideWindowWarning(profile, window.document()->message()).value_or(Finding()).code,
             QStringLiteral("outside_24h_window"));
    QVERIFY(window.outsideWindowWarning(profile, window.document()->message())
                ->message.contains(QStringLiteral("No message from")));

    // the customer writes (through the listener): no warning while the window is open
    window.setAppSecret(QString());
    QString error;
    QVERIFY2(window.startListening(0, &error), qPrintable(error));
    QFile sample(QStringLiteral(WA_SAMPLES_DIR "/webhooks/cloud-text.json"));
    QVERIFY(sample.open(QIODevice::ReadOnly));
    QByteArray body = sample.readAll();
    body.replace("\"1749416383\"", "\"" + QByteArray::number(QDateTime::currentSecsSinceEpoch() - 60) + "\"");
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, window.listener()->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QTRY_VERIFY(!window.outsideWindowWarning(profile, window.document()->message()).has_value());
    window.stopListening();

    // no recipient, no warning
    Message message = window.document()->message();
    message.to.reset();
    window.document()->setMessage(message);
    QVERIFY(!window.outsideWindowWarning(profile, window.document()->message()).has_value());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
