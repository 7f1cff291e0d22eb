#include "MainWindow.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "FindingsModel.h"
#include "FindingsView.h"
#include "MessageCodec.h"
#include "BubbleContent.h"
#include "PayloadEditor.h"
#include "PhonePreview.h"
#include "Validator.h"

namespace {
enum FamilyChoice { Detect, Cloud, OnPremises };
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_editor(new PayloadEditor(this))
    , m_findingsView(new FindingsView(this))
    , m_findings(new wa::FindingsModel(this))
    , m_preview(new PhonePreview(this))
    , m_family(new QComboBox(this))
    , m_platform(new QComboBox(this))
    , m_theme(new QComboBox(this))
    , m_summary(new QLabel(this))
{
    setWindowTitle(tr("wa-composer"));
    resize(1400, 820);

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->addAction(tr("Open…"), this, &MainWindow::chooseFile)->setShortcut(QKeySequence::Open);
    toolbar->addAction(tr("Format JSON"), this, &MainWindow::reformat);
    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr("Validate as: "), this));
    m_family->addItem(tr("Detected form"), Detect);
    m_family->addItem(tr("Cloud API"), Cloud);
    m_family->addItem(tr("On-Premises"), OnPremises);
    m_family->setToolTip(
        tr("The Cloud API form has \"messaging_product\": \"whatsapp\"; the On-Premises form has not."));
    toolbar->addWidget(m_family);
    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr(" Preview: "), this));
    m_platform->addItem(tr("Android"), static_cast<int>(PhoneStyle::Platform::Android));
    m_platform->addItem(tr("iOS"), static_cast<int>(PhoneStyle::Platform::IOS));
    m_platform->addItem(tr("Web"), static_cast<int>(PhoneStyle::Platform::Web));
    m_theme->addItem(tr("Light"), static_cast<int>(PhoneStyle::Theme::Light));
    m_theme->addItem(tr("Dark"), static_cast<int>(PhoneStyle::Theme::Dark));
    toolbar->addWidget(m_platform);
    toolbar->addWidget(m_theme);

    auto* findingsPanel = new QWidget(this);
    auto* layout = new QVBoxLayout(findingsPanel);
    layout->setContentsMargins(6, 6, 6, 6);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    layout->addWidget(m_summary);
    layout->addWidget(m_findingsView, 1);
    m_findingsView->setModel(m_findings);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_editor);
    splitter->addWidget(m_preview);
    splitter->addWidget(findingsPanel);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setStretchFactor(2, 2);
    splitter->setSizes({560, 400, 440});
    setCentralWidget(splitter);

    connect(m_editor, &QPlainTextEdit::textChanged, this, &MainWindow::revalidate);
    connect(m_family, &QComboBox::currentIndexChanged, this, &MainWindow::revalidate);
    connect(m_findingsView, &QAbstractItemView::activated, this, &MainWindow::activateFinding);
    connect(m_platform, &QComboBox::currentIndexChanged, this, &MainWindow::applyPhoneStyle);
    connect(m_theme, &QComboBox::currentIndexChanged, this, &MainWindow::applyPhoneStyle);
    connect(m_preview, &PhonePreview::urlOpened, this,
            [this](const QString& url) { statusBar()->showMessage(tr("The customer opens %1").arg(url)); });

    QFile starter(QStringLiteral(":/starter/list.json"));
    if (starter.open(QIODevice::ReadOnly))
        m_editor->setPlainText(QString::fromUtf8(QJsonDocument::fromJson(starter.readAll()).toJson()));
    revalidate();
}

bool MainWindow::openFile(const QString& fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, tr("Cannot open file"),
                             tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(fileName), file.errorString()));
        return false;
    }
    m_editor->setPlainText(QString::fromUtf8(file.readAll()));
    setWindowTitle(tr("%1 — wa-composer").arg(QFileInfo(fileName).fileName()));
    return true;
}

void MainWindow::chooseFile()
{
    const QString fileName =
        QFileDialog::getOpenFileName(this, tr("Open payload"), QString(), tr("JSON files (*.json);;All files (*)"));
    if (!fileName.isEmpty())
        openFile(fileName);
}

void MainWindow::reformat()
{
    const QJsonDocument document = QJsonDocument::fromJson(m_editor->toPlainText().toUtf8());
    if (document.isObject())
        m_editor->setPlainText(QString::fromUtf8(document.toJson(QJsonDocument::Indented)));
}

void MainWindow::revalidate()
{
    const QByteArray text = m_editor->toPlainText().toUtf8();
    const wa::DecodeResult decoded = wa::MessageCodec::decode(text);
    if (!decoded.ok()) {
        m_errorLine = decoded.error.line;
        m_errorColumn = decoded.error.column;
        m_editor->markError(m_errorLine, m_errorColumn);
        wa::Finding parseError;
        parseError.code = QStringLiteral("json");
        parseError.message = decoded.error.message;
        m_findings->setFindings({parseError});
        m_summary->setText(tr("Not a payload yet: fix the JSON first."));
        m_summary->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold"));
        statusBar()->showMessage(decoded.error.message);
        return;
    }
    m_errorLine = 0;
    m_errorColumn = 0;
    m_editor->clearErrorMark();

    const wa::Message& message = *decoded.message;
    m_preview->setContent(wa::BubbleContent::fromMessage(message));
    const int choice = m_family->currentData().toInt();
    const wa::ApiFamily family = choice == Cloud        ? wa::ApiFamily::Cloud
                                 : choice == OnPremises ? wa::ApiFamily::OnPremises
                                                        : message.family;
    m_findings->setFindings(wa::Validator::validate(message, family));
    const int errors = m_findings->errorCount();
    const int warnings = m_findings->warningCount();
    const QString form = family == wa::ApiFamily::Cloud ? tr("Cloud API form") : tr("On-Premises form");
    m_summary->setStyleSheet(errors ? QStringLiteral("color: #b3261e; font-weight: bold")
                                    : QStringLiteral("color: #1b7f3b; font-weight: bold"));
    const auto count = [](int n, const QString& one, const QString& many) {
        return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
    };
    const QString errorText = count(errors, tr("error"), tr("errors"));
    const QString warningText = count(warnings, tr("warning"), tr("warnings"));
    if (errors == 0 && warnings == 0)
        m_summary->setText(tr("Valid (%1): WhatsApp will accept this message.").arg(form));
    else if (errors == 0)
        m_summary->setText(tr("Valid (%1), with %2.").arg(form, warningText));
    else if (warnings == 0)
        m_summary->setText(tr("Invalid (%1): %2.").arg(form, errorText));
    else
        m_summary->setText(tr("Invalid (%1): %2, %3.").arg(form, errorText, warningText));
    statusBar()->showMessage(tr("%1 · %2").arg(form, count(errors + warnings, tr("finding"), tr("findings"))));
}

void MainWindow::applyPhoneStyle()
{
    m_preview->setPhoneStyle(static_cast<PhoneStyle::Platform>(m_platform->currentData().toInt()),
                             static_cast<PhoneStyle::Theme>(m_theme->currentData().toInt()));
}

void MainWindow::activateFinding(const QModelIndex& index)
{
    if (index.isValid() && index.data(wa::FindingsModel::CodeRole).toString() == QLatin1String("json"))
        m_editor->goTo(m_errorLine, m_errorColumn);
}
