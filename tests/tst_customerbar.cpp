#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "CustomerBar.h"
#include "CustomerSimulator.h"
#include "FlowResponseDialog.h"
#include "LocationDialog.h"

using namespace wa;

// The tester's controls beside the sandbox chat: CustomerBar, LocationDialog, FlowResponseDialog.
class TestCustomerBar : public QObject
{
    Q_OBJECT

private slots:
    // CustomerBar
    void customersListed();
    void unknownCurrentSelectsFirst();
    void displayNumber_data();
    void displayNumber();
    void textSentOnReturn();
    void textSentOnSendButton();
    void blankTextSendsNothing_data();
    void blankTextSendsNothing();
    void tooLongTextKept();
    void botUrl_data();
    void botUrl();
    void botUrlSetDoesNotEmit();
    void showError();
    void locationClicked();

    // LocationDialog
    void presetFillsFields_data();
    void presetFillsFields();
    void locationOpensOnAPlace();
    void rangesEnforced();
    void blankNameAndAddressAreEmpty();
    void editingTurnsPresetToCustom();
    void setLocationSelectsPreset();

    // FlowResponseDialog
    void initialJsonShownPretty();
    void invalidJson_data();
    void invalidJson();
    void notAnObject_data();
    void notAnObject();
    void validObjectAccepted();

private:
    static QList<SimulatedCustomer> customers()
    {
        QList<SimulatedCustomer> list = CustomerSimulator::defaultCustomers();
        list.prepend({QStringLiteral("Sheena Nelson"), QStringLiteral("16505551234"), QStringLiteral("en_US")});
        list[1].waId = QStringLiteral("16505559876"); // Alex Morgan: another number than Sheena's
        return list;
    }
};

void TestCustomerBar::customersListed()
{
    CustomerBar bar;
    QSignalSpy chosen(&bar, &CustomerBar::customerChosen);
    bar.setCustomers(customers(), QStringLiteral("+886 912 345 678"));
    QComboBox* box = bar.customerBox();
    QCOMPARE(box->count(), 4);
    QCOMPARE(box->itemText(0), QStringLiteral("Sheena Nelson — +1 650 555 1234 (en_US)"));
    QCOMPARE(box->itemData(0).toString(), QStringLiteral("16505551234"));
    QCOMPARE(box->itemText(2), QStringLiteral("林雅婷 — +886 912 345 678 (zh_TW)"));
    QCOMPARE(box->itemText(3), QStringLiteral("ليلى حسن — +971 501 234 567 (ar)"));
    QCOMPARE(box->currentIndex(), 2);
    QCOMPARE(bar.currentCustomer(), QStringLiteral("886912345678"));
    QCOMPARE(chosen.count(), 0); // listing is not choosing

    box->setCurrentIndex(3);
    QCOMPARE(chosen.count(), 1);
    QCOMPARE(chosen.at(0).at(0).toString(), QStringLiteral("971501234567"));
    QCOMPARE(bar.currentCustomer(), QStringLiteral("971501234567"));

    // Choosing by keyboard, as the tester does.
    box->setFocus();
    QTest::keyClick(box, Qt::Key_Up);
    QCOMPARE(chosen.count(), 2);
    QCOMPARE(chosen.at(1).at(0).toString(), QStringLiteral("886912345678"));
}

void TestCustomerBar::unknownCurrentSelectsFirst()
{
    CustomerBar bar;
    bar.setCustomers(customers(), QStringLiteral("15550000000"));
    QCOMPARE(bar.customerBox()->currentIndex(), 0);
    QCOMPARE(bar.currentCustomer(), QStringLiteral("16505551234"));
    bar.setCustomers({}, QString());
    QCOMPARE(bar.customerBox()->count(), 0);
    QCOMPARE(bar.currentCustomer(), QString());
}

void TestCustomerBar::displayNumber_data()
{
    QTest::addColumn<QString>("waId");
    QTest::addColumn<QString>("shown");
    QTest::newRow("NANP") << QStringLiteral("16505551234") << QStringLiteral("+1 650 555 1234");
    QTest::newRow("already formatted") << QStringLiteral("+1 (650) 555-1234") << QStringLiteral("+1 650 555 1234");
    QTest::newRow("two-digit code") << QStringLiteral("447700900123") << QStringLiteral("+44 770 090 0123");
    QTest::newRow("three-digit code") << QStringLiteral("886912345678") << QStringLiteral("+886 912 345 678");
    QTest::newRow("short") << QStringLiteral("12345") << QStringLiteral("+12345");
    QTest::newRow("empty") << QString() << QString();
}

void TestCustomerBar::displayNumber()
{
    QFETCH(QString, waId);
    QFETCH(QString, shown);
    QCOMPARE(CustomerBar::displayNumber(waId), shown);
}

void TestCustomerBar::textSentOnReturn()
{
    CustomerBar bar;
    QSignalSpy sent(&bar, &CustomerBar::textSent);
    QTest::keyClicks(bar.textEdit(), QStringLiteral("Do you deliver on Sundays?"));
    QVERIFY(bar.sendButton()->isEnabled());
    QTest::keyClick(bar.textEdit(), Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QStringLiteral("Do you deliver on Sundays?"));
    QCOMPARE(bar.textEdit()->text(), QString());
    QVERIFY(!bar.sendButton()->isEnabled());
    QTest::keyClick(bar.textEdit(), Qt::Key_Return); // the field is empty now
    QCOMPARE(sent.count(), 1);
}

void TestCustomerBar::textSentOnSendButton()
{
    CustomerBar bar;
    QSignalSpy sent(&bar, &CustomerBar::textSent);
    bar.textEdit()->setText(QStringLiteral("  你好  ")); // keyClicks types Latin-1 only
    QTest::mouseClick(bar.sendButton(), Qt::LeftButton);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QStringLiteral("你好")); // trimmed, as WhatsApp sends it
    QCOMPARE(bar.textEdit()->text(), QString());
}

void TestCustomerBar::blankTextSendsNothing_data()
{
    QTest::addColumn<QString>("typed");
    QTest::newRow("empty") << QString();
    QTest::newRow("spaces") << QStringLiteral("   ");
    QTest::newRow("tab") << QStringLiteral(" \t ");
}

void TestCustomerBar::blankTextSendsNothing()
{
    QFETCH(QString, typed);
    CustomerBar bar;
    QSignalSpy sent(&bar, &CustomerBar::textSent);
    bar.textEdit()->setText(typed);
    QTest::keyClick(bar.textEdit(), Qt::Key_Return);
    QVERIFY(!bar.sendButton()->isEnabled());
    bar.sendButton()->click();
    QCOMPARE(sent.count(), 0);
}

void TestCustomerBar::tooLongTextKept()
{
    CustomerBar bar;
    QSignalSpy sent(&bar, &CustomerBar::textSent);
    const QString text(CustomerSimulator::kMaxTextChars + 1, QLatin1Char('a'));
    bar.textEdit()->setText(text);
    QTest::keyClick(bar.textEdit(), Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(bar.textEdit()->text(), text);
    QVERIFY(!bar.errorLabel()->isHidden());
    QVERIFY2(bar.errorLabel()->text().contains(QLatin1String("4097")), qPrintable(bar.errorLabel()->text()));

    bar.textEdit()->backspace();
    QTest::keyClick(bar.textEdit(), Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QVERIFY(bar.errorLabel()->isHidden());
}

void TestCustomerBar::botUrl_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("accepted"); // empty: refused
    QTest::addColumn<QString>("error");    // a part of the error shown when refused

    QTest::newRow("http") << QStringLiteral("http://127.0.0.1:3000/webhook")
                          << QStringLiteral("http://127.0.0.1:3000/webhook") << QString();
    QTest::newRow("https, spaces around") << QStringLiteral("  https://bot.example.com/wa  ")
                                          << QStringLiteral("https://bot.example.com/wa") << QString();
    QTest::newRow("ftp") << QStringLiteral("ftp://x") << QString() << QStringLiteral("not ftp://");
    QTest::newRow("not a url") << QStringLiteral("not a url") << QString()
                               << QStringLiteral("“not a url” is not a bot webhook URL");
    QTest::newRow("no host") << QStringLiteral("http://") << QString() << QStringLiteral("has no host");
    QTest::newRow("no scheme") << QStringLiteral("localhost:3000/webhook") << QString()
                               << QStringLiteral("must start with http:// or https://");
    QTest::newRow("empty") << QString() << QString() << QStringLiteral("Type the bot's webhook URL");
    QTest::newRow("bad port") << QStringLiteral("http://127.0.0.1:99999/webhook") << QString()
                              << QStringLiteral("is not a valid URL");
}

void TestCustomerBar::botUrl()
{
    QFETCH(QString, typed);
    QFETCH(QString, accepted);
    QFETCH(QString, error);

    CustomerBar bar;
    QSignalSpy changed(&bar, &CustomerBar::botUrlChanged);
    QTest::keyClicks(bar.botUrlEdit(), typed);
    QTest::keyClick(bar.botUrlEdit(), Qt::Key_Return);
    if (accepted.isEmpty()) {
        QCOMPARE(changed.count(), 0);
        QVERIFY(!bar.errorLabel()->isHidden());
        QVERIFY2(bar.errorLabel()->text().contains(error), qPrintable(bar.errorLabel()->text()));
        QCOMPARE(bar.botUrl(), QUrl());
    } else {
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toUrl(), QUrl(accepted));
        QCOMPARE(bar.botUrl(), QUrl(accepted));
        QVERIFY(bar.errorLabel()->isHidden());
        // The same URL again is no change.
        QTest::keyClick(bar.botUrlEdit(), Qt::Key_Return);
        QCOMPARE(changed.count(), 1);
    }
}

void TestCustomerBar::botUrlSetDoesNotEmit()
{
    CustomerBar bar;
    QSignalSpy changed(&bar, &CustomerBar::botUrlChanged);
    const QUrl url(QStringLiteral("http://127.0.0.1:3000/webhook"));
    bar.setBotUrl(url);
    QCOMPARE(bar.botUrlEdit()->text(), url.toString());
    QCOMPARE(bar.botUrl(), url);
    QCOMPARE(changed.count(), 0);

    // A wrong edit keeps the URL in use; fixing it clears the error.
    bar.botUrlEdit()->setText(QStringLiteral("ftp://x"));
    QTest::keyClick(bar.botUrlEdit(), Qt::Key_Return);
    QCOMPARE(bar.botUrl(), url);
    QVERIFY(!bar.errorLabel()->isHidden());
    bar.botUrlEdit()->setText(QStringLiteral("http://127.0.0.1:4000/webhook"));
    QTest::keyClick(bar.botUrlEdit(), Qt::Key_Return);
    QVERIFY(bar.errorLabel()->isHidden());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(bar.botUrl(), QUrl(QStringLiteral("http://127.0.0.1:4000/webhook")));
}

void TestCustomerBar::showError()
{
    CustomerBar bar;
    bar.setCustomers(customers(), QString());
    QVERIFY(bar.errorLabel()->isHidden());
    bar.showError(QStringLiteral("No bot webhook URL: type where your bot listens."));
    QVERIFY(!bar.errorLabel()->isHidden());
    QCOMPARE(bar.errorLabel()->text(), QStringLiteral("No bot webhook URL: type where your bot listens."));
    bar.showError(QString());
    QVERIFY(bar.errorLabel()->isHidden());

    // Each next action of the tester hides it, before its own signal (which may show a new one).
    bar.showError(QStringLiteral("refused"));
    QTest::keyClicks(bar.textEdit(), QStringLiteral("hi"));
    QVERIFY(!bar.errorLabel()->isHidden()); // typing is not yet an action
    QTest::keyClick(bar.textEdit(), Qt::Key_Return);
    QVERIFY(bar.errorLabel()->isHidden());
    bar.showError(QStringLiteral("refused"));
    bar.customerBox()->setCurrentIndex(1);
    QVERIFY(bar.errorLabel()->isHidden());
    bar.showError(QStringLiteral("refused"));
    bar.locationButton()->click();
    QVERIFY(bar.errorLabel()->isHidden());
    // A refusal shown while the action is handled stays.
    connect(&bar, &CustomerBar::textSent, &bar, [&bar] { bar.showError(QStringLiteral("refused again")); });
    QTest::keyClicks(bar.textEdit(), QStringLiteral("hi"));
    QTest::keyClick(bar.textEdit(), Qt::Key_Return);
    QVERIFY(!bar.errorLabel()->isHidden());
    QCOMPARE(bar.errorLabel()->text(), QStringLiteral("refused again"));
}

void TestCustomerBar::locationClicked()
{
    CustomerBar bar;
    QSignalSpy clicked(&bar, &CustomerBar::locationClicked);
    QCOMPARE(bar.locationButton()->text(), QStringLiteral("📍 Location…"));
    QCOMPARE(bar.textEdit()->placeholderText(), QStringLiteral("Type a message as the customer"));
    QCOMPARE(bar.botUrlEdit()->placeholderText(),
             QStringLiteral("bot webhook URL, e.g. http://127.0.0.1:3000/webhook"));
    QTest::mouseClick(bar.locationButton(), Qt::LeftButton);
    QCOMPARE(clicked.count(), 1);
}

void TestCustomerBar::presetFillsFields_data()
{
    QTest::addColumn<int>("preset");
    const QList<LocationPreset> presets = CustomerSimulator::locationPresets();
    QVERIFY(presets.size() >= 2);
    for (int i = 0; i < presets.size(); ++i)
        QTest::addRow("%d", i) << i;
}

void TestCustomerBar::presetFillsFields()
{
    QFETCH(int, preset);
    const LocationPreset expected = CustomerSimulator::locationPresets().at(preset);
    LocationDialog dialog;
    // From another preset, so that every row is a change.
    dialog.presetBox()->setCurrentIndex(dialog.presetBox()->findData(preset == 0 ? 1 : 0));
    dialog.presetBox()->setCurrentIndex(dialog.presetBox()->findData(preset));
    QCOMPARE(dialog.latitudeBox()->value(), expected.latitude);
    QCOMPARE(dialog.longitudeBox()->value(), expected.longitude);
    QCOMPARE(dialog.nameEdit()->text(), expected.name);
    QCOMPARE(dialog.addressEdit()->text(), expected.address);
    const LocationPreset shown = dialog.location();
    QCOMPARE(shown.latitude, expected.latitude);
    QCOMPARE(shown.longitude, expected.longitude);
    QCOMPARE(shown.name, expected.name);
    QCOMPARE(shown.address, expected.address);
    if (expected.name.isEmpty())
        QVERIFY(dialog.presetBox()->currentText().startsWith(QLatin1String("Dropped pin (")));
    else
        QCOMPARE(dialog.presetBox()->currentText(), expected.name);
}

void TestCustomerBar::locationOpensOnAPlace()
{
    LocationDialog dialog;
    const LocationPreset first = CustomerSimulator::locationPresets().first();
    QCOMPARE(dialog.presetBox()->currentData().toInt(), 0);
    QCOMPARE(dialog.location().name, first.name);
    QCOMPARE(dialog.location().latitude, first.latitude);
}

void TestCustomerBar::rangesEnforced()
{
    LocationDialog dialog;
    QDoubleSpinBox* latitude = dialog.latitudeBox();
    QDoubleSpinBox* longitude = dialog.longitudeBox();
    QCOMPARE(latitude->decimals(), 6);
    QCOMPARE(longitude->decimals(), 6);
    QCOMPARE(latitude->minimum(), -90.0);
    QCOMPARE(latitude->maximum(), 90.0);
    QCOMPARE(longitude->minimum(), -180.0);
    QCOMPARE(longitude->maximum(), 180.0);
    latitude->setValue(91);
    longitude->setValue(-200);
    QCOMPARE(dialog.location().latitude, 90.0);
    QCOMPARE(dialog.location().longitude, -180.0);

    // Typed: six decimals kept, a seventh digit refused by the box.
    latitude->selectAll();
    QTest::keyClicks(latitude, QStringLiteral("12.3456789"));
    QCOMPARE(latitude->value(), 12.345678);
    // A latitude past 90 cannot be typed.
    latitude->selectAll();
    QTest::keyClicks(latitude, QStringLiteral("95"));
    QVERIFY(latitude->value() <= 90.0);
}

void TestCustomerBar::blankNameAndAddressAreEmpty()
{
    LocationDialog dialog;
    dialog.latitudeBox()->setValue(48.858370);
    dialog.longitudeBox()->setValue(2.294481);
    dialog.nameEdit()->setText(QStringLiteral("   "));
    dialog.addressEdit()->clear();
    LocationPreset shown = dialog.location();
    QVERIFY(shown.name.isEmpty());
    QVERIFY(shown.address.isEmpty());
    QCOMPARE(shown.latitude, 48.858370);
    QCOMPARE(shown.longitude, 2.294481);

    dialog.nameEdit()->setText(QStringLiteral(" Tour Eiffel "));
    dialog.addressEdit()->setText(QStringLiteral("Champ de Mars, 75007 Paris"));
    shown = dialog.location();
    QCOMPARE(shown.name, QStringLiteral("Tour Eiffel"));
    QCOMPARE(shown.address, QStringLiteral("Champ de Mars, 75007 Paris"));
}

void TestCustomerBar::editingTurnsPresetToCustom()
{
    LocationDialog dialog;
    dialog.presetBox()->setCurrentIndex(dialog.presetBox()->findData(1));
    QTest::keyClicks(dialog.nameEdit(), QStringLiteral(" observatory"));
    QCOMPARE(dialog.presetBox()->currentData().toInt(), -1);
    QCOMPARE(dialog.nameEdit()->text(),
             CustomerSimulator::locationPresets().at(1).name + QStringLiteral(" observatory"));
    // Custom keeps what is shown.
    QCOMPARE(dialog.location().latitude, CustomerSimulator::locationPresets().at(1).latitude);
}

void TestCustomerBar::setLocationSelectsPreset()
{
    LocationDialog dialog;
    const LocationPreset preset = CustomerSimulator::locationPresets().at(2);
    dialog.setLocation(preset);
    QCOMPARE(dialog.presetBox()->currentData().toInt(), 2);
    LocationPreset custom;
    custom.latitude = 1.5;
    custom.longitude = -2.25;
    dialog.setLocation(custom);
    QCOMPARE(dialog.presetBox()->currentData().toInt(), -1);
    QCOMPARE(dialog.location().latitude, 1.5);
    QCOMPARE(dialog.location().longitude, -2.25);
    QVERIFY(dialog.location().name.isEmpty());
}

void TestCustomerBar::initialJsonShownPretty()
{
    const QJsonObject initial{{QStringLiteral("flow_token"), QStringLiteral("AQAAAAACS5FpgQ_cAAAAAD0QI3s")},
                              {QStringLiteral("screen_0_Choose_0"), QStringLiteral("0_Pickup")},
                              {QStringLiteral("screen_1_Options_1"), QJsonArray{1, 2}}};
    FlowResponseDialog dialog(QStringLiteral("Book a table"), initial);
    QCOMPARE(dialog.editor()->toPlainText(), QString::fromUtf8(QJsonDocument(initial).toJson(QJsonDocument::Indented)));
    QVERIFY(dialog.editor()->toPlainText().contains(QLatin1String("\n    \"flow_token\": ")));
    QVERIFY(dialog.windowTitle().contains(QLatin1String("Book a table")));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.errorLabel()->isHidden());
    QCOMPARE(dialog.response(), initial);
}

void TestCustomerBar::invalidJson_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("missing colon") << QStringLiteral("{\n  \"a\": 1,\n  \"b\" 2\n}")
                                   << QStringLiteral("Not valid JSON at line 3, column 7: ");
    QTest::newRow("trailing comma") << QStringLiteral("{\"a\": 1,}")
                                    << QStringLiteral("Not valid JSON at line 1, column 9: ");
    QTest::newRow("unterminated") << QStringLiteral("{\n  \"a\": \"x")
                                  << QStringLiteral("Not valid JSON at line 2, column ");
    QTest::newRow("bad number") << QStringLiteral("{\"é\": 1.2.3}")
                                << QStringLiteral("Not valid JSON at line 1, column ");
    QTest::newRow("garbage after") << QStringLiteral("{}\nx") << QStringLiteral("Not valid JSON at line 2, column 1: ");
}

void TestCustomerBar::invalidJson()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    FlowResponseDialog dialog(QStringLiteral("Sign up"), QJsonObject{{QStringLiteral("ok"), true}});
    dialog.editor()->setPlainText(text);
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(!dialog.errorLabel()->isHidden());
    QVERIFY2(dialog.errorLabel()->text().startsWith(error), qPrintable(dialog.errorLabel()->text()));
    // The last valid response stays until the text is one again.
    QCOMPARE(dialog.response(), (QJsonObject{{QStringLiteral("ok"), true}}));
}

void TestCustomerBar::notAnObject_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("array") << QStringLiteral("[{\"a\": 1}]");
    QTest::newRow("number") << QStringLiteral("42");
    QTest::newRow("string") << QStringLiteral("\"done\"");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral(" \n ");
}

void TestCustomerBar::notAnObject()
{
    QFETCH(QString, text);
    FlowResponseDialog dialog(QStringLiteral("Sign up"), QJsonObject());
    QVERIFY(dialog.okButton()->isEnabled()); // {} is an object
    dialog.editor()->setPlainText(text);
    QVERIFY(!dialog.okButton()->isEnabled());
    QCOMPARE(dialog.errorLabel()->text(), QStringLiteral("The response must be a JSON object"));
}

void TestCustomerBar::validObjectAccepted()
{
    FlowResponseDialog dialog(QStringLiteral("Sign up"), QJsonObject());
    dialog.editor()->setPlainText(QStringLiteral("[1]"));
    QVERIFY(!dialog.okButton()->isEnabled());
    dialog.editor()->selectAll();
    QTest::keyClicks(dialog.editor(), QStringLiteral("{\"name\": \"Sheena\", \"guests\": 4}"));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.errorLabel()->isHidden());
    const QJsonObject expected{{QStringLiteral("name"), QStringLiteral("Sheena")}, {QStringLiteral("guests"), 4}};
    QCOMPARE(dialog.response(), expected);
    dialog.okButton()->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

QTEST_MAIN(TestCustomerBar)
#include "tst_customerbar.moc"
