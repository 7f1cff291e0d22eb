#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "FindingsModel.h"

using namespace wa;

namespace {
Finding finding(Severity severity, const char* path, const char* code)
{
    Finding f;
    f.severity = severity;
    f.path = QString::fromUtf8(path);
    f.code = QString::fromUtf8(code);
    f.message = QStringLiteral("Something about ") + f.path;
    f.limit = 24;
    f.actual = 25;
    return f;
}
} // namespace

class TestFindingsModel : public QObject
{
    Q_OBJECT

private slots:
    void rolesAndOrder();
    void unchangedFindingsDoNotReset();
    void counts();
};

void TestFindingsModel::rolesAndOrder()
{
    FindingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFindings({finding(Severity::Warning, "interactive.action.sections[0].title", "section_title_single"),
                       finding(Severity::Error, "interactive.action.sections[0].rows[0].title", "row_title_length")});
    QCOMPARE(model.rowCount(), 2);
    // errors first, whatever order they came in
    const QModelIndex first = model.index(0, 0);
    QCOMPARE(first.data(FindingsModel::SeverityRole).toInt(), static_cast<int>(Severity::Error));
    QCOMPARE(first.data(FindingsModel::PathRole).toString(),
             QStringLiteral("interactive.action.sections[0].rows[0].title"));
    QCOMPARE(first.data(FindingsModel::CodeRole).toString(), QStringLiteral("row_title_length"));
    QCOMPARE(first.data(FindingsModel::LimitRole).toLongLong(), 24);
    QCOMPARE(first.data(FindingsModel::ActualRole).toLongLong(), 25);
    QCOMPARE(first.data(Qt::DisplayRole).toString(),
             QStringLiteral("interactive.action.sections[0].rows[0].title: Something about "
                            "interactive.action.sections[0].rows[0].title"));
    QCOMPARE(model.index(1, 0).data(FindingsModel::SeverityRole).toInt(), static_cast<int>(Severity::Warning));
    QVERIFY(model.roleNames().value(FindingsModel::PathRole) == "path");
    QVERIFY(!model.index(2, 0).isValid());
}

void TestFindingsModel::unchangedFindingsDoNotReset()
{
    FindingsModel model;
    const QList<Finding> findings{finding(Severity::Error, "to", "to_required")};
    model.setFindings(findings);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setFindings(findings);
    QCOMPARE(resets.count(), 0);
    model.setFindings({});
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void TestFindingsModel::counts()
{
    FindingsModel model;
    model.setFindings(
        {finding(Severity::Error, "a", "x"), finding(Severity::Warning, "b", "y"), finding(Severity::Error, "c", "z")});
    QCOMPARE(model.errorCount(), 2);
    QCOMPARE(model.warningCount(), 1);
}

QTEST_GUILESS_MAIN(TestFindingsModel)
#include "tst_findingsmodel.moc"
