#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QProgressDialog>
#include <QMenuBar>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QTabWidget>
#include <QTableView>
#include <QHeaderView>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "BubbleContent.h"
#include "ChatModel.h"
#include "ChatPreview.h"
#include "CustomerBar.h"
#include "DeliveryLogModel.h"
#include "FlowResponseDialog.h"
#include "LocationDialog.h"
#include "StatusScheduler.h"
#include "WebhookDeliverer.h"
#include "EventConsole.h"
#include "EventExporter.h"
#include "EventTableModel.h"
#include "ExchangeView.h"
#include "HistoryView.h"
#include "KeychainSecretStore.h"
#include "MessageSender.h"
#include "ProfileDialog.h"
#include "ProfileStore.h"
#include "SandboxServer.h"
#include "SendController.h"
#include "SendHistory.h"
#include "Validator.h"
#include "EventStore.h"
#include "WebhookReplayer.h"
#include "ListenerThread.h"
#include "WebhookServer.h"
#include "ComposerDocument.h"
#include "ComposerForm.h"
#include "CustomerServiceWindow.h"
#include "CurlCommand.h"
#include "EditCommand.h"
#include "FindingsModel.h"
#include "FindingsView.h"
#include "MediaCache.h"
#include "MessageCodec.h"
#include "PayloadEditor.h"
#include "PhonePreview.h"
#include "StarterGallery.h"

namespace {

const char kRecentKey[] = "recentFiles";
constexpr int kMaxRecent = 8;
constexpr int kRecoveryIntervalMs = 5000;
constexpr int kJsonPaneDelayMs = 120;

struct Starter
{
    const char* type;
    const char* label;
};
constexpr Starter kStarters[] = {
    {"list", "List"},
    {"button", "Reply buttons"},
    {"cta_url", "Call to action (URL)"},
    {"location_request_message", "Location request"},
    {"product", "Product"},
    {"product_list", "Product list"},
    {"flow", "Flow"},
};

QString countText(int n, const QString& one, const QString& many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_document(new wa::ComposerDocument(this))
    , m_undo(new QUndoStack(this))
    , m_form(new ComposerForm(m_document, this))
    , m_preview(new PhonePreview(this))
    , m_json(new PayloadEditor(this))
    , m_jsonError(new QLabel(this))
    , m_findingsView(new FindingsView(this))
    , m_findings(new wa::FindingsModel(this))
    , m_summary(new QLabel(this))
    , m_family(new QComboBox(this))
    , m_platform(new QComboBox(this))
    , m_theme(new QComboBox(this))
    , m_recoveryTimer(new QTimer(this))
    , m_jsonTimer(new QTimer(this))
    , m_events(new wa::EventStore(this))
    , m_listener(new wa::ListenerThread(this))
    , m_windowClock(new QTimer(this))
{
    m_jsonTimer->setSingleShot(true);
    m_jsonTimer->setInterval(kJsonPaneDelayMs);
    connect(m_jsonTimer, &QTimer::timeout, this, &MainWindow::refreshJsonPane);
    resize(1500, 900);
    askToSave = [this] {
        return QMessageBox::question(this, tr("Unsaved changes"),
                                     tr("The message has changes that are not saved. Save them?"),
                                     QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    };
    askSaveFileName = [this] {
        return QFileDialog::getSaveFileName(this, tr("Save payload"),
                                            m_document->filePath().isEmpty() ? QStringLiteral("message.json")
                                                                             : m_document->filePath(),
                                            tr("JSON files (*.json)"));
    };
    askToRestore = [this] {
        return QMessageBox::question(this, tr("Recover unsaved work"),
                                     tr("wa-composer did not close normally last time. Restore the message you "
                                        "were composing?"),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) == QMessageBox::Yes;
    };

    m_preview->setMediaCache(new wa::MediaCache(this));

    m_document->setEditHandler([this](const QString& key, const wa::Message& before, const wa::Message& after) {
        m_undo->push(new EditCommand(m_document, key, before, after));
    });

    auto* formScroll = new QScrollArea(this);
    formScroll->setWidget(m_form);
    formScroll->setWidgetResizable(true);
    formScroll->setMinimumWidth(420);

    auto* jsonPanel = new QWidget(this);
    auto* jsonLayout = new QVBoxLayout(jsonPanel);
    jsonLayout->setContentsMargins(4, 4, 4, 4);
    auto* jsonTitle = new QLabel(tr("Payload JSON (editable)"), jsonPanel);
    jsonTitle->setStyleSheet(QStringLiteral("font-weight: bold"));
    jsonLayout->addWidget(jsonTitle);
    jsonLayout->addWidget(m_json, 1);
    m_jsonError->setWordWrap(true);
    m_jsonError->setStyleSheet(QStringLiteral("color: #b3261e"));
    m_jsonError->hide();
    jsonLayout->addWidget(m_jsonError);

    auto* findingsPanel = new QWidget(this);
    auto* findingsLayout = new QVBoxLayout(findingsPanel);
    findingsLayout->setContentsMargins(4, 4, 4, 4);
    m_summary->setWordWrap(true);
    findingsLayout->addWidget(m_summary);
    findingsLayout->addWidget(m_findingsView, 1);
    m_findingsView->setModel(m_findings);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(jsonPanel);
    right->addWidget(findingsPanel);
    right->setSizes({520, 280});

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(formScroll);
    m_previewTabs = new QTabWidget(this);
    m_previewTabs->setDocumentMode(true);
    m_previewTabs->addTab(m_preview, tr("Preview"));
    splitter->addWidget(m_previewTabs);
    splitter->addWidget(right);
    splitter->setSizes({560, 400, 540});
    setCentralWidget(splitter);

    buildMenus();

    QString storeError;
    QDir().mkpath(QFileInfo(eventStorePath()).absolutePath());
    // The listener writes the store in its own thread; the console and the recipient's 24-hour
    // window read it here, through a connection of their own, told of what the listener added.
    if (!m_listener->openStore(eventStorePath(), &storeError) ||
        !m_events->openForReading(eventStorePath(), &storeError))
        statusBar()->showMessage(tr("The webhook event store cannot be opened: %1").arg(storeError));
    connect(m_listener, &wa::ListenerThread::eventsAdded, m_events, &wa::EventStore::noteAdded);
    connect(m_listener, &wa::ListenerThread::cleared, m_events, &wa::EventStore::noteCleared);
    m_windowClock->setInterval(1000);
    connect(m_windowClock, &QTimer::timeout, this, &MainWindow::updateServiceWindow);
    // The recipient's 24-hour window changes only when they write: brought up to date from the
    // events themselves, without a query (a query per commit stalled the window under load, and
    // took the store's cached filter from the console; see BENCHMARKS.md).
    connect(m_listener, &wa::ListenerThread::received, this, [this](const QList<wa::WebhookEvent>& events) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        bool changed = false;
        for (const wa::WebhookEvent& event : events)
            changed = m_window.takeIn(event, m_windowContact, now) || changed;
        if (changed)
            updateServiceWindow();
    });
    auto* consoleDock = new QDockWidget(tr("Webhook console"), this);
    consoleDock->setObjectName(QStringLiteral("webhookConsole"));
    consoleDock->setWidget(buildConsole());
    addDockWidget(Qt::BottomDockWidgetArea, consoleDock);
    buildSending();
    m_previewTabs->addTab(buildChat(), tr("Sandbox chat"));
    buildDeliveries();
    buildSandboxMenu();
    tabifyDockWidget(consoleDock, m_sendDock);
    tabifyDockWidget(m_sendDock, m_historyDock);
    tabifyDockWidget(m_historyDock, m_deliveriesDock);
    consoleDock->raise();
    resizeDocks({consoleDock}, {300}, Qt::Vertical); // the composer and the phone keep most of the height

    connect(m_document, &wa::ComposerDocument::changed, this, &MainWindow::documentChanged);
    connect(m_document, &wa::ComposerDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &wa::ComposerDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) {
        if (clean)
            m_document->setModified(false);
    });
    connect(m_json, &QPlainTextEdit::textChanged, this, &MainWindow::jsonEdited);
    connect(m_findingsView, &QAbstractItemView::activated, this, &MainWindow::activateFinding);
    connect(m_findingsView, &QAbstractItemView::clicked, this, &MainWindow::activateFinding);
    connect(m_form, &ComposerForm::notice, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_preview, &PhonePreview::urlOpened, this,
            [this](const QString& url) { statusBar()->showMessage(tr("The customer opens %1").arg(url), 6000); });
    connect(m_preview, &PhonePreview::replyTapped, this, [this](const QString& id, const QString& title) {
        statusBar()->showMessage(tr("The customer taps \"%1\" (button_reply id \"%2\")").arg(title, id), 6000);
    });
    connect(m_preview, &PhonePreview::rowSent, this, [this](const QString& id, const QString& title) {
        statusBar()->showMessage(tr("The customer picks \"%1\" (list_reply id \"%2\")").arg(title, id), 6000);
    });
    connect(m_recoveryTimer, &QTimer::timeout, this, [this] {
        if (m_document->isModified())
            writeRecovery();
    });
    m_recoveryTimer->start(kRecoveryIntervalMs);

    // HTTPS files chosen before (paths only; a file gone since is said, and plain HTTP is used).
    if (const QString certificate = QSettings().value(QStringLiteral("listener/tlsCertificate")).toString();
        !certificate.isEmpty() && !QStandardPaths::isTestModeEnabled()) {
        QString error;
        if (!setListenerTls(certificate, QSettings().value(QStringLiteral("listener/tlsKey")).toString(), &error))
            statusBar()->showMessage(tr("The listener's HTTPS files cannot be used: %1").arg(error), 15000);
    }
    // The listener starts with the window (the bot test loop's statuses and the customer's webhooks
    // reach it by default), on the port used last; not in tests, which take free ports.
    QSettings settings;
    m_listenPort->setValue(settings.value(QStringLiteral("listener/port"), wa::WebhookServer::kDefaultPort).toInt());
    connect(m_listenPort, &QSpinBox::valueChanged, this,
            [](int port) { QSettings().setValue(QStringLiteral("listener/port"), port); });
    if (!QStandardPaths::isTestModeEnabled() &&
        settings.value(QStringLiteral("listener/startWithWindow"), true).toBool()) {
        QString error;
        if (!startListening(quint16(m_listenPort->value()), &error))
            statusBar()->showMessage(tr("The webhook listener did not start: %1").arg(error), 15000);
    }

    newFromStarter(QStringLiteral("list"));
}

MainWindow::~MainWindow()
{
    // The undo stack announces itself clean while it is destroyed, after the document it would tell.
    disconnect(m_undo, nullptr, this, nullptr);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* gallery = file->addAction(tr("New from &example…"), this, &MainWindow::showGallery);
    gallery->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    QAction* newAction = file->addAction(tr("&New"), this, [this] {
        if (maybeSave())
            newFromStarter(QStringLiteral("list"));
    });
    newAction->setShortcut(QKeySequence::New);
    file->addAction(tr("&Open…"), this, &MainWindow::chooseFile)->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addAction(tr("&Save"), this, &MainWindow::save)->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save &as…"), this, &MainWindow::saveAs)->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction* copyJson = edit->addAction(tr("Copy &JSON"), this, [this] {
        QApplication::clipboard()->setText(QString::fromUtf8(m_document->toJson()));
        statusBar()->showMessage(tr("Payload copied"), 3000);
    });
    QAction* copyCurl = edit->addAction(tr("Copy as &curl"), this, [this] {
        QApplication::clipboard()->setText(curlCommand());
        statusBar()->showMessage(tr("curl command copied; it reads the token from $WA_ACCESS_TOKEN"), 5000);
    });

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->addAction(undo);
    toolbar->addAction(redo);
    toolbar->addSeparator();
    toolbar->addAction(copyJson);
    toolbar->addAction(copyCurl);
    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr(" Form: "), this));
    m_family->addItem(tr("Cloud API"), static_cast<int>(wa::ApiFamily::Cloud));
    m_family->addItem(tr("On-Premises"), static_cast<int>(wa::ApiFamily::OnPremises));
    m_family->setToolTip(tr("The Cloud API form has \"messaging_product\": \"whatsapp\"; the On-Premises form has "
                            "not."));
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
    connect(m_family, &QComboBox::currentIndexChanged, this,
            [this] { m_document->setFamily(static_cast<wa::ApiFamily>(m_family->currentData().toInt())); });
    connect(m_platform, &QComboBox::currentIndexChanged, this, &MainWindow::applyPhoneStyle);
    connect(m_theme, &QComboBox::currentIndexChanged, this, &MainWindow::applyPhoneStyle);
}

QList<StarterGallery::Starter> MainWindow::starters()
{
    QList<StarterGallery::Starter> out;
    for (const Starter& s : kStarters) {
        QFile file(QStringLiteral(":/starter/%1.json").arg(QLatin1String(s.type)));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const wa::DecodeResult decoded = wa::MessageCodec::decode(file.readAll());
        if (decoded.ok())
            out.append({QLatin1String(s.type), tr(s.label), *decoded.message});
    }
    return out;
}

void MainWindow::showGallery()
{
    if (!maybeSave())
        return;
    StarterGallery gallery(starters(), this);
    if (gallery.exec() == QDialog::Accepted && !gallery.chosenType().isEmpty())
        newFromStarter(gallery.chosenType());
}

QString MainWindow::historyPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/history.sqlite");
}

void MainWindow::buildSending()
{
    // Tests run with QStandardPaths' test mode: they never touch the real keychain.
    if (QStandardPaths::isTestModeEnabled())
        m_secrets = new wa::MemorySecretStore(this);
    else
        m_secrets = new wa::KeychainSecretStore(this);
    m_history = new wa::SendHistory(this);
    QString historyError;
    QDir().mkpath(QFileInfo(historyPath()).absolutePath());
    if (!m_history->open(historyPath(), &historyError))
        statusBar()->showMessage(tr("The send history cannot be opened: %1").arg(historyError));
    m_send = new SendController(new QSettings(this), m_secrets, m_history, this);

    // The embedded sandbox, where the Sandbox profile sends: on its usual port when that is free
    // (bots are pointed at it), else on any free one. Tests always take a free one.
    m_sandbox = new wa::SandboxServer(this);
    QString sandboxError;
    const bool usualPort = !QStandardPaths::isTestModeEnabled() &&
                           m_sandbox->listen(QHostAddress::LocalHost, wa::SandboxServer::kDefaultPort, &sandboxError);
    if (usualPort || m_sandbox->listen(QHostAddress::LocalHost, 0, &sandboxError))
        m_send->setSandbox(QUrl(m_sandbox->baseUrl()), wa::SandboxServer::kDefaultAccessToken);
    else
        statusBar()->showMessage(tr("The embedded sandbox cannot listen: %1").arg(sandboxError));
    askToSendWithWarnings = [this](const QList<wa::Finding>& warnings) {
        QStringList lines;
        for (const wa::Finding& warning : warnings)
            lines << QStringLiteral("• %1: %2").arg(warning.path, warning.message);
        return QMessageBox::question(this, tr("Send with warnings?"),
                                     tr("The message has %1:\n\n%2\n\nSend it anyway?")
                                         .arg(countText(int(warnings.size()), tr("warning"), tr("warnings")),
                                              lines.join(QLatin1Char('\n'))),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
    };

    m_exchange = new ExchangeView(this);
    m_sendDock = new QDockWidget(tr("Send"), this);
    m_sendDock->setObjectName(QStringLiteral("sendDock"));
    m_sendDock->setWidget(m_exchange);
    addDockWidget(Qt::BottomDockWidgetArea, m_sendDock);
    m_historyView = new HistoryView(m_history, this);
    m_historyDock = new QDockWidget(tr("History"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyDock->setWidget(m_historyView);
    addDockWidget(Qt::BottomDockWidgetArea, m_historyDock);
    connect(m_historyView, &HistoryView::openRequested, this, &MainWindow::openFromHistory);
    connect(m_historyView, &HistoryView::resendRequested, this, &MainWindow::resendFromHistory);
    // Delivery statuses reach the history as the listener receives them.
    connect(m_listener, &wa::ListenerThread::received, this, [this](const QList<wa::WebhookEvent>& events) {
        m_history->applyStatuses(events);
        // The conversation: statuses tick our messages, the customers' messages (from
        // WhatsApp through a tunnel, or the simulator's own, known by id) join the chat.
        for (const wa::WebhookEvent& event : events) {
            if (event.duplicate)
                continue;
            switch (event.kind) {
            case wa::WebhookEvent::Kind::Status: {
                QString error;
                const QJsonObject first = event.fields.value(QStringLiteral("errors")).toArray().first().toObject();
                if (!first.isEmpty())
                    error = QStringLiteral("%1: %2")
                                .arg(first.value(QStringLiteral("code")).toInt())
                                .arg(first.value(QStringLiteral("title")).toString());
                m_simulator->chat()->setStatus(event.id, event.fields.value(QStringLiteral("status")).toString(),
                                               error);
                break;
            }
            case wa::WebhookEvent::Kind::Text:
            case wa::WebhookEvent::Kind::ButtonReply:
            case wa::WebhookEvent::Kind::ListReply:
            case wa::WebhookEvent::Kind::NfmReply:
            case wa::WebhookEvent::Kind::Location:
            case wa::WebhookEvent::Kind::Button:
            case wa::WebhookEvent::Kind::Media:
                if (!event.contact.isEmpty())
                    m_simulator->chat()->appendCustomerMessage(event.contact, event.payload, event.family);
                break;
            default:
                break;
            }
        }
    });

    QToolBar* toolbar = addToolBar(tr("Send"));
    toolbar->setObjectName(QStringLiteral("sendToolBar"));
    toolbar->addWidget(new QLabel(tr(" Profile: "), this));
    m_profileBox = new QComboBox(this);
    m_profileBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_profileBox->setToolTip(tr("Where Send sends: the embedded sandbox, the Cloud API or an On-Premises gateway"));
    toolbar->addWidget(m_profileBox);
    toolbar->addAction(tr("Profiles…"), this, &MainWindow::showProfiles);
    m_sendAction = toolbar->addAction(tr("Send"), this, &MainWindow::sendMessage);
    m_sendAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_sendAction->setToolTip(tr("Validate and send the message through the chosen profile (Ctrl+Return)"));
    m_cancelAction = toolbar->addAction(tr("Cancel"), this, &MainWindow::cancelSend);
    m_cancelAction->setEnabled(false);
    m_cancelAction->setToolTip(tr("Abort the send in flight"));
    fillProfiles();
    connect(m_send->profiles(), &wa::ProfileStore::profilesChanged, this, &MainWindow::fillProfiles);
    connect(m_send->profiles(), &wa::ProfileStore::currentChanged, this, &MainWindow::fillProfiles);
    connect(m_profileBox, &QComboBox::activated, this,
            [this](int index) { m_send->profiles()->setCurrent(m_profileBox->itemText(index)); });
    connect(m_send, &SendController::started, this, [this](const QString& profile, const QString& step) {
        QString text = step == QLatin1String("secret")
                           ? tr("Sending through \u201c%1\u201d\u2026").arg(profile)
                           : tr("Sending through \u201c%1\u201d: %2\u2026").arg(profile, step);
        if (m_send->effectiveProfile(profile).acceptSelfSignedCertificate)
            text += tr(" \u26a0 The server's certificate is not checked (the profile accepts a self-signed one).");
        m_exchange->showPending(text);
    });
    connect(m_send, &SendController::finished, this, &MainWindow::sendFinished);

    m_secretsState = new QLabel(this);
    statusBar()->addPermanentWidget(m_secretsState);
    auto describeSecrets = [this] {
        m_secretsState->setText(m_secrets->isPersistent() ? QString() : tr("Secrets: this session only"));
        m_secretsState->setToolTip(m_secrets->describe());
    };
    connect(m_secrets, &wa::SecretStore::backendChanged, this, describeSecrets);
    describeSecrets();
}

void MainWindow::fillProfiles()
{
    const QSignalBlocker blocker(m_profileBox);
    m_profileBox->clear();
    for (const wa::ConnectionProfile& profile : m_send->profiles()->profiles())
        m_profileBox->addItem(profile.name);
    m_profileBox->setCurrentText(m_send->profiles()->currentName());
}

void MainWindow::showProfiles()
{
    ProfileDialog dialog(m_send->profiles(), m_secrets, this);
    dialog.exec();
}

void MainWindow::sendMessage()
{
    if (m_send->busy()) {
        statusBar()->showMessage(tr("A send is in flight: wait for it or cancel it."), 4000);
        return;
    }
    const wa::ConnectionProfile profile = m_send->effectiveProfile({});
    const wa::Message& message = m_document->message();
    QList<wa::Finding> errors;
    QList<wa::Finding> warnings;
    for (const wa::Finding& finding :
         wa::Validator::validate(wa::MessageCodec::convert(message, profile.family()), profile.family()))
        (finding.severity == wa::Severity::Error ? errors : warnings).append(finding);
    if (!errors.isEmpty()) {
        m_findingsView->setFocus();
        if (auto* findingsPanel = m_findingsView->parentWidget())
            findingsPanel->show();
        m_exchange->showPending(tr("Not sent: the message has %1 — fix them first (listed under the JSON pane).")
                                    .arg(countText(int(errors.size()), tr("error"), tr("errors"))));
        m_sendDock->raise();
        statusBar()->showMessage(
            tr("Not sent: %1 in the message").arg(countText(int(errors.size()), tr("error"), tr("errors"))), 8000);
        return;
    }
    if (const std::optional<wa::Finding> outside = outsideWindowWarning(profile, message))
        warnings.append(*outside);
    if (!warnings.isEmpty()) {
        QStringList keys;
        for (const wa::Finding& warning : std::as_const(warnings))
            keys << warning.path + QLatin1Char('|') + warning.code;
        const QString signature = keys.join(QLatin1Char('\n'));
        if (signature != m_acceptedWarnings) {
            if (!askToSendWithWarnings || !askToSendWithWarnings(warnings))
                return;
            m_acceptedWarnings = signature;
        }
    }
    m_sendDock->raise();
    m_sendAction->setEnabled(false);
    m_cancelAction->setEnabled(true);
    m_sentFromComposer = profile.kind == wa::ConnectionProfile::Kind::Sandbox;
    m_send->send(message);
}

std::optional<wa::Finding> MainWindow::outsideWindowWarning(const wa::ConnectionProfile& profile,
                                                            const wa::Message& message) const
{
    const QString to = message.to.value_or(QString());
    if (to.trimmed().isEmpty())
        return std::nullopt;
    wa::Finding finding;
    finding.severity = wa::Severity::Warning;
    finding.path = QStringLiteral("to");
    finding.code = QStringLiteral("outside_24h_window");
    if (profile.kind == wa::ConnectionProfile::Kind::Sandbox) {
        // The sandbox keeps its own windows (its customers write to it) and holds to them only
        // when told to (Sandbox menu).
        if (!m_sandbox->strictWindow() || m_sandbox->isWindowOpen(to))
            return std::nullopt;
        finding.message = tr("%1 has not written to the sandbox in the last 24 hours, and the sandbox enforces the "
                             "window: it will answer 131047.")
                              .arg(to);
        return finding;
    }
    // WhatsApp: what the listener has seen of this contact.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_window.isOpen(now))
        return std::nullopt;
    finding.message = m_window.known
                          ? tr("The 24-hour window of %1 closed at %2 UTC: WhatsApp will answer 131047.")
                                .arg(to, m_window.closesAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
                          : tr("No message from %1 has reached the listener, so its 24-hour window looks closed: "
                               "WhatsApp will answer 131047 unless the customer wrote where this app did not see it.")
                                .arg(to);
    return finding;
}

void MainWindow::cancelSend()
{
    m_send->cancel();
}

void MainWindow::sendFinished(const wa::SendOutcome& outcome, qint64 historyId)
{
    if (!outcome.accepted())
        m_sentFromComposer = false;
    // A message Meta (or a gateway) accepted joins the conversation too: the replies and statuses
    // the listener receives for it then show under it in the chat.
    const auto record = outcome.accepted() && historyId ? m_history->find(historyId) : std::nullopt;
    if (record && record->profileKind != wa::ConnectionProfile::Kind::Sandbox) {
        const wa::DecodeResult decoded = wa::MessageCodec::decode(record->payload);
        wa::SandboxMessage sent;
        sent.id = outcome.messageId;
        sent.waId = wa::digitsOf(outcome.waId.isEmpty() ? record->recipient : outcome.waId);
        sent.type = QStringLiteral("interactive");
        sent.payload = QJsonDocument::fromJson(record->payload).object();
        if (decoded.ok()) {
            sent.family = decoded.message->family;
            sent.message = *decoded.message;
        }
        sent.time = record->sentAt;
        m_simulator->chat()->appendBusinessMessage(sent);
    }
    m_sendAction->setEnabled(true);
    m_cancelAction->setEnabled(false);
    m_exchange->showOutcome(outcome);
    m_sendDock->raise();
    statusBar()->showMessage(outcome.summary(), 10000);
}

bool MainWindow::openFromHistory(qint64 id)
{
    const auto record = m_history->find(id);
    if (!record)
        return false;
    const wa::DecodeResult decoded = wa::MessageCodec::decode(record->payload);
    if (!decoded.ok()) {
        statusBar()->showMessage(tr("The stored payload cannot be read: %1").arg(decoded.error.message), 6000);
        return false;
    }
    if (!maybeSave())
        return false;
    m_document->setMessage(*decoded.message);
    m_document->setFilePath({});
    m_undo->clear();
    refreshJsonPane();
    updateTitle();
    statusBar()->showMessage(
        tr("Opened the message sent %1 to %2")
            .arg(QLocale().toString(record->sentAt.toLocalTime(), QLocale::ShortFormat), record->recipient),
        6000);
    return true;
}

void MainWindow::resendFromHistory(qint64 id)
{
    const auto record = m_history->find(id);
    if (!record)
        return;
    const wa::DecodeResult decoded = wa::MessageCodec::decode(record->payload);
    if (!decoded.ok()) {
        statusBar()->showMessage(tr("The stored payload cannot be read: %1").arg(decoded.error.message), 6000);
        return;
    }
    if (!m_send->profiles()->contains(record->profileName)) {
        statusBar()->showMessage(tr("The profile \u201c%1\u201d no longer exists.").arg(record->profileName), 6000);
        return;
    }
    if (m_send->busy())
        return;
    m_sendAction->setEnabled(false);
    m_cancelAction->setEnabled(true);
    m_sendDock->raise();
    m_send->send(*decoded.message, record->profileName);
}

QUrl MainWindow::defaultBotUrl()
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(wa::WebhookServer::kDefaultPort));
}

QWidget* MainWindow::buildChat()
{
    m_simulator = new wa::CustomerSimulator(m_sandbox, nullptr, nullptr, nullptr, this);
    QSettings settings;
    const QUrl botUrl(settings.value(QStringLiteral("sandbox/botWebhookUrl"), defaultBotUrl()).toString());
    m_simulator->setBotWebhook(botUrl, kSampleAppSecret.toUtf8());
    m_simulator->chat()->setCustomer(m_simulator->currentCustomer().waId);

    auto* panel = new QWidget(this);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_chat = new ChatPreview(panel);
    m_chat->setModel(m_simulator->chat());
    m_customerBar = new CustomerBar(panel);
    m_customerBar->setCustomers(m_simulator->customers(), m_simulator->currentCustomer().waId);
    m_customerBar->setBotUrl(botUrl);
    layout->addWidget(m_chat, 1);
    layout->addWidget(m_customerBar);

    askLocation = [this](wa::LocationPreset* location) {
        LocationDialog dialog(this);
        if (dialog.exec() != QDialog::Accepted)
            return false;
        *location = dialog.location();
        return true;
    };
    askFlowResponse = [this](const QString& flowCta, QJsonObject* response) {
        FlowResponseDialog dialog(flowCta, *response, this);
        if (dialog.exec() != QDialog::Accepted)
            return false;
        *response = dialog.response();
        return true;
    };

    // The tester's actions, as the customer.
    connect(m_chat, &ChatPreview::buttonTapped, this, [this](const QString& messageId, const QString& buttonId) {
        simulated(tr("Tapped"), m_simulator->tapButton(messageId, buttonId));
    });
    connect(m_chat, &ChatPreview::rowPicked, this, [this](const QString& messageId, const QString& rowId) {
        simulated(tr("Picked"), m_simulator->pickRow(messageId, rowId));
    });
    connect(m_chat, &ChatPreview::ctaOpened, this, [this](const QString& messageId) {
        const wa::SimulationResult result = m_simulator->openCta(messageId);
        if (!result.ok()) {
            m_customerBar->showError(result.error);
            return;
        }
        statusBar()->showMessage(
            tr("The customer's WhatsApp opens %1 (nothing is sent to the bot)").arg(result.url.toString()), 10000);
    });
    connect(m_chat, &ChatPreview::locationRequested, this, [this](const QString& messageId) {
        wa::LocationPreset location;
        if (askLocation && askLocation(&location))
            simulated(tr("Shared a location"), m_simulator->shareLocation(messageId, location));
    });
    connect(m_chat, &ChatPreview::flowOpened, this, [this](const QString& messageId) {
        const auto entry = m_simulator->chat()->entry(messageId);
        QString cta;
        if (entry && entry->message && entry->message->interactive && entry->message->interactive->action &&
            entry->message->interactive->action->parameters)
            cta = entry->message->interactive->action->parameters->flowCta.value_or(QString());
        QJsonObject response{{QStringLiteral("screen"), QStringLiteral("SUCCESS")}};
        if (askFlowResponse && askFlowResponse(cta, &response))
            simulated(tr("Answered the flow"), m_simulator->sendFlowResponse(messageId, response));
    });
    connect(m_customerBar, &CustomerBar::textSent, this,
            [this](const QString& text) { simulated(tr("Sent"), m_simulator->sendText(text)); });
    connect(m_customerBar, &CustomerBar::locationClicked, this, [this] {
        wa::LocationPreset location;
        if (askLocation && askLocation(&location))
            simulated(tr("Shared a location"), m_simulator->shareLocation(QString(), location));
    });
    connect(m_customerBar, &CustomerBar::customerChosen, this, [this](const QString& waId) {
        m_simulator->setCurrentCustomer(waId);
        m_simulator->chat()->setCustomer(wa::digitsOf(waId));
    });
    connect(m_customerBar, &CustomerBar::botUrlChanged, this, &MainWindow::setBotUrl);
    connect(m_simulator, &wa::CustomerSimulator::actionRefused, this,
            [this](const QString& error) { m_customerBar->showError(error); });

    // What the sandbox accepted: shown in the chat of its customer (a new number becomes a customer).
    connect(m_sandbox, &wa::SandboxServer::messageAccepted, this, [this](const wa::SandboxMessage& message) {
        QList<wa::SimulatedCustomer> customers = m_simulator->customers();
        bool known = false;
        for (const wa::SimulatedCustomer& customer : std::as_const(customers))
            known = known || wa::digitsOf(customer.waId) == message.waId;
        if (!known) {
            customers.append({QStringLiteral("+%1").arg(message.waId), message.waId, QString()});
            m_simulator->setCustomers(customers);
            m_customerBar->setCustomers(customers, m_simulator->currentCustomer().waId);
        }
        if (m_sentFromComposer) {
            // The tester sent it from the composer: show it arrive, in its customer's chat.
            m_sentFromComposer = false;
            if (m_simulator->setCurrentCustomer(message.waId)) {
                m_simulator->chat()->setCustomer(message.waId);
                m_customerBar->setCustomers(m_simulator->customers(), message.waId);
            }
            m_previewTabs->setCurrentWidget(m_chat->parentWidget());
        } else if (m_previewTabs->currentWidget() != m_chat->parentWidget()) {
            m_previewTabs->setTabText(1, tr("Sandbox chat \u2022"));
        }
    });
    connect(m_previewTabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            m_previewTabs->setTabText(1, tr("Sandbox chat"));
    });
    // The app secret: the saved one (keychain), else a sample one so that signatures are checked
    // from the first run; an edit is saved and used at once.
    setAppSecret(kSampleAppSecret);
    QPointer<MainWindow> self(this);
    m_secrets->read(QStringLiteral("listener/app-secret"), [self](bool found, const QString& secret, const QString&) {
        if (self && found)
            self->setAppSecret(secret);
    });
    connect(m_appSecret, &QLineEdit::editingFinished, this, [this] {
        const QString secret = m_appSecret->text();
        setAppSecret(secret);
        m_secrets->write(QStringLiteral("listener/app-secret"), secret, [](bool, const QString&) {});
    });
    // The verify token likewise, with none until the user gives one. Both are used as they are
    // typed, while listening too: Meta's "Verify and save" may come before the field loses focus.
    m_secrets->read(QStringLiteral("listener/verify-token"), [self](bool found, const QString& token, const QString&) {
        if (self && found)
            self->setVerifyToken(token);
    });
    connect(m_verifyToken, &QLineEdit::textEdited, this, [this](const QString& token) {
        m_listener->setVerifyToken(token.toUtf8());
        updateListenState();
    });
    connect(m_verifyToken, &QLineEdit::editingFinished, this, [this] {
        m_secrets->write(QStringLiteral("listener/verify-token"), m_verifyToken->text(), [](bool, const QString&) {});
    });
    connect(m_appSecret, &QLineEdit::textEdited, this, [this](const QString& secret) {
        m_listener->setAppSecret(secret.toUtf8());
        updateListenState();
    });
    return panel;
}

void MainWindow::simulated(const QString& what, const wa::SimulationResult& result)
{
    if (!result.ok()) {
        m_customerBar->showError(result.error);
        return;
    }
    m_customerBar->showError(QString());
    statusBar()->showMessage(
        tr("%1: %2 webhook %3 sent to %4")
            .arg(what, result.kind, result.webhook.messageId, m_simulator->botWebhookUrl().toString()),
        8000);
}

void MainWindow::buildSandboxMenu()
{
    // How the sandbox plays WhatsApp: the 24-hour window, and when the statuses come.
    QMenu* menu = menuBar()->addMenu(tr("Sand&box"));
    m_strictWindow = menu->addAction(tr("Enforce the 24-hour window (131047)"));
    m_strictWindow->setCheckable(true);
    m_strictWindow->setToolTip(tr("Answer 131047 to a message for a customer who has not written in 24 hours, as "
                                  "WhatsApp does"));
    m_failAsStatus = menu->addAction(tr("\u2026as a failed status webhook instead of an error"));
    m_failAsStatus->setCheckable(true);
    m_failAsStatus->setEnabled(false);
    menu->addSeparator();
    m_customerReads = menu->addAction(tr("The customer reads messages (read status)"));
    m_customerReads->setCheckable(true);
    m_customerReads->setChecked(true);
    menu->addAction(tr("Status delays\u2026"), this, [this] {
        const wa::StatusDelays delays = m_simulator->scheduler()->delays();
        bool ok = false;
        const QString text = QInputDialog::getText(
            this, tr("Status delays"), tr("Milliseconds from acceptance to sent, delivered and read (three numbers):"),
            QLineEdit::Normal, QStringLiteral("%1 %2 %3").arg(delays.sentMs).arg(delays.deliveredMs).arg(delays.readMs),
            &ok);
        if (ok)
            setStatusDelays(text);
    });
    const auto apply = [this] {
        m_sandbox->setStrictWindow(m_strictWindow->isChecked());
        m_failAsStatus->setEnabled(m_strictWindow->isChecked());
        m_sandbox->setWindowFailure(m_failAsStatus->isChecked() ? wa::WindowFailure::FailedStatus
                                                                : wa::WindowFailure::Reject);
        wa::StatusDelays delays = m_simulator->scheduler()->delays();
        delays.read = m_customerReads->isChecked();
        m_simulator->scheduler()->setDelays(delays);
    };
    connect(m_strictWindow, &QAction::toggled, this, apply);
    connect(m_failAsStatus, &QAction::toggled, this, apply);
    connect(m_customerReads, &QAction::toggled, this, apply);
}

bool MainWindow::setStatusDelays(const QString& text)
{
    const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QList<int> values;
    for (const QString& part : parts) {
        bool ok = false;
        const int value = part.toInt(&ok);
        if (!ok || value < 0 || value > 3600000)
            break;
        values << value;
    }
    if (parts.size() != 3 || values.size() != 3) {
        statusBar()->showMessage(tr("Status delays: give three numbers of milliseconds (0 to 3600000), such as "
                                    "\u201c100 600 1500\u201d, not \u201c%1\u201d")
                                     .arg(text),
                                 8000);
        return false;
    }
    wa::StatusDelays delays = m_simulator->scheduler()->delays();
    delays.sentMs = values.at(0);
    delays.deliveredMs = values.at(1);
    delays.readMs = values.at(2);
    m_simulator->scheduler()->setDelays(delays);
    return true;
}

void MainWindow::buildDeliveries()
{
    m_deliveries = new wa::DeliveryLogModel(m_simulator->deliverer(), this);
    connect(m_simulator, &wa::CustomerSimulator::webhookQueued, m_deliveries, &wa::DeliveryLogModel::noteQueued);
    auto* table = new QTableView(this);
    table->setModel(m_deliveries);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    m_deliveriesDock = new QDockWidget(tr("Deliveries to the bot"), this);
    m_deliveriesDock->setObjectName(QStringLiteral("deliveriesDock"));
    m_deliveriesDock->setWidget(table);
    addDockWidget(Qt::BottomDockWidgetArea, m_deliveriesDock);
}

void MainWindow::setBotUrl(const QUrl& url)
{
    m_simulator->setBotWebhook(url, m_simulator->appSecret());
    if (m_customerBar->botUrl() != url)
        m_customerBar->setBotUrl(url);
    QSettings().setValue(QStringLiteral("sandbox/botWebhookUrl"), url.toString());
}

void MainWindow::setAppSecret(const QString& secret)
{
    m_appSecret->setText(secret);
    m_listener->setAppSecret(secret.toUtf8());
    m_simulator->setBotWebhook(m_simulator->botWebhookUrl(), secret.toUtf8());
    updateListenState();
}

QString MainWindow::eventStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/events.sqlite");
}

QWidget* MainWindow::buildConsole()
{
    auto* panel = new QWidget(this);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_listenPort = new QSpinBox(panel);
    m_listenPort->setRange(1, 65535);
    m_listenPort->setValue(wa::WebhookServer::kDefaultPort);
    m_bind = new QComboBox(panel);
    m_bind->addItem(tr("127.0.0.1 only"), QStringLiteral("127.0.0.1"));
    m_bind->addItem(tr("all interfaces"), QStringLiteral("0.0.0.0"));
    m_bind->setToolTip(tr("Where the listener accepts connections: this machine only (a tunnel such as ngrok "
                          "reaches it there), or every network interface — then anyone who can reach this "
                          "machine can post events."));
    m_bind->setCurrentIndex(
        m_bind->findData(QSettings().value(QStringLiteral("listener/bind"), QStringLiteral("127.0.0.1")).toString()));
    if (m_bind->currentIndex() < 0)
        m_bind->setCurrentIndex(0);
    connect(m_bind, &QComboBox::currentIndexChanged, this,
            [this] { QSettings().setValue(QStringLiteral("listener/bind"), m_bind->currentData().toString()); });
    m_tlsButton = new QPushButton(tr("HTTP"), panel);
    m_tlsButton->setToolTip(tr("Serve HTTPS with your certificate and key (PEM files), from the next Listen"));
    connect(m_tlsButton, &QPushButton::clicked, this, [this] {
        if (!m_tlsCertificate.isEmpty()) {
            QString ignored;
            setListenerTls(QString(), QString(), &ignored); // back to plain HTTP
            return;
        }
        const QString certificate = QFileDialog::getOpenFileName(this, tr("TLS certificate (PEM)"), QString(),
                                                                 tr("PEM files (*.pem *.crt *.cer);;All files (*)"));
        if (certificate.isEmpty())
            return;
        const QString key = QFileDialog::getOpenFileName(this, tr("Its private key (PEM)"), QString(),
                                                         tr("PEM files (*.pem *.key);;All files (*)"));
        QString error;
        if (!key.isEmpty() && !setListenerTls(certificate, key, &error))
            QMessageBox::warning(this, tr("Cannot use these files for HTTPS"), error);
    });
    m_verifyToken = new QLineEdit(panel);
    m_verifyToken->setPlaceholderText(tr("verify token"));
    m_verifyToken->setToolTip(tr("The token you give Meta with the callback URL: its verification GET is answered "
                                 "with the challenge only when it matches. Kept in the keychain."));
    m_appSecret = new QLineEdit(panel);
    m_appSecret->setPlaceholderText(tr("app secret (checks X-Hub-Signature-256)"));
    m_appSecret->setEchoMode(QLineEdit::Password);
    m_appSecret->setToolTip(tr("The app secret: the listener checks X-Hub-Signature-256 with it, and what the sandbox "
                               "sends to the bot is signed with it. Kept in the keychain."));
    m_listenButton = new QPushButton(tr("Listen"), panel);
    m_listenState = new QLabel(tr("Not listening."), panel);
    auto* exportButton = new QPushButton(tr("Export…"), panel);
    auto* curlButton = new QPushButton(tr("Copy as curl"), panel);
    auto* replayUrl = new QLineEdit(panel);
    replayUrl->setPlaceholderText(tr("replay to http://127.0.0.1:PORT/webhook"));
    replayUrl->setToolTip(tr("Sends the selected event's request again, re-signed with the app secret when one is "
                             "set — to a bot on this machine, say."));
    auto* replayButton = new QPushButton(tr("Replay"), panel);
    auto* clearButton = new QPushButton(tr("Clear"), panel);
    bar->addWidget(new QLabel(tr("Port"), panel));
    bar->addWidget(m_listenPort);
    bar->addWidget(m_bind);
    bar->addWidget(m_tlsButton);
    bar->addWidget(m_verifyToken, 1);
    bar->addWidget(m_appSecret, 1);
    bar->addWidget(m_listenButton);
    bar->addSpacing(12);
    bar->addWidget(replayUrl, 1);
    bar->addWidget(replayButton);
    bar->addWidget(curlButton);
    bar->addWidget(exportButton);
    bar->addWidget(clearButton);
    layout->addLayout(bar);
    // The state on a line of its own, whole: an error with what to do must not squeeze the fields.
    m_listenState->setWordWrap(true);
    m_listenState->setTextInteractionFlags(Qt::TextSelectableByMouse); // the address, to copy
    layout->addWidget(m_listenState);
    m_console = new EventConsole(m_events, panel);
    layout->addWidget(m_console, 1);

    connect(m_listenButton, &QPushButton::clicked, this, [this] {
        if (m_listener->isListening()) {
            stopListening();
            return;
        }
        QString error;
        if (!startListening(static_cast<quint16>(m_listenPort->value()), &error))
            QMessageBox::warning(this, tr("Cannot listen"), error);
    });
    auto* replayer = new wa::WebhookReplayer(this);
    connect(replayButton, &QPushButton::clicked, this, [this, replayer, replayUrl] {
        const std::optional<wa::StoredRequest> request = m_console->selectedRequest();
        if (!request) {
            statusBar()->showMessage(tr("Select an event first."), 3000);
            return;
        }
        QString error;
        if (!replayer->replay(*request, QUrl::fromUserInput(replayUrl->text()), m_appSecret->text().toUtf8(), &error))
            QMessageBox::warning(this, tr("Cannot replay"), error);
    });
    connect(replayer, &wa::WebhookReplayer::finished, this,
            [this](int status, const QByteArray& body, qint64 elapsedMs, const QString& error) {
                statusBar()->showMessage(status ? tr("Replayed: HTTP %1 in %2 ms: %3")
                                                      .arg(status)
                                                      .arg(elapsedMs)
                                                      .arg(QString::fromUtf8(body.left(200)))
                                                : tr("Replay failed: %1").arg(error),
                                         10000);
            });
    connect(curlButton, &QPushButton::clicked, this, [this] {
        const QString curl = m_console->curlForSelected();
        if (curl.isEmpty()) {
            statusBar()->showMessage(tr("Select an event first."), 3000);
            return;
        }
        QApplication::clipboard()->setText(curl);
        statusBar()->showMessage(tr("curl copied: set WEBHOOK_URL to where it should go"), 5000);
    });
    // Export: the selected events, or every event the filter shows, as JSON Lines.
    auto* exportMenu = new QMenu(exportButton);
    m_exportSelected = exportMenu->addAction(tr("Selected events…"));
    m_exportShown = exportMenu->addAction(tr("All events shown…"));
    exportButton->setMenu(exportMenu);
    const auto updateExportMenu = [this] {
        const int selected = m_console->selectedCount();
        const int shown = m_console->model()->rowCount();
        m_exportSelected->setText(tr("Selected events (%1)…").arg(selected));
        m_exportSelected->setEnabled(selected > 0);
        m_exportShown->setText(tr("All events shown (%1)…").arg(shown));
        m_exportShown->setEnabled(shown > 0);
    };
    connect(exportMenu, &QMenu::aboutToShow, this, updateExportMenu);
    connect(m_console, &EventConsole::selectedCountChanged, this, updateExportMenu);
    // The selected events are written at once; all shown (maybe 100,000) in the exporter's
    // thread, with a progress dialog that can cancel, while the window goes on.
    m_exporter = new wa::EventExporter(this);
    connect(m_exporter, &wa::EventExporter::finished, this, [this](bool ok, int written, const QString& error) {
        if (m_exportProgress)
            m_exportProgress->deleteLater();
        if (ok)
            statusBar()->showMessage(
                tr("Exported %1 events to %2").arg(written).arg(QDir::toNativeSeparators(m_exportFileName)), 8000);
        else if (error.startsWith(QLatin1String("Cancelled")))
            statusBar()->showMessage(error, 8000);
        else
            QMessageBox::warning(this, tr("Cannot export"), error);
    });
    connect(m_exporter, &wa::EventExporter::progress, this, [this](int written, int total) {
        if (!m_exportProgress)
            return;
        m_exportProgress->setMaximum(total);
        m_exportProgress->setValue(written);
    });
    const auto exportEvents = [this](EventConsole::ExportScope scope) {
        if (m_exporter->isRunning()) {
            statusBar()->showMessage(tr("An export is running: wait for it or cancel it."), 4000);
            return;
        }
        const QString fileName = askExportFileName();
        if (fileName.isEmpty())
            return;
        QString error;
        if (scope == EventConsole::ExportScope::Selected) {
            if (!m_console->exportJsonLines(fileName, scope, &error))
                QMessageBox::warning(this, tr("Cannot export"), error);
            else
                statusBar()->showMessage(tr("Exported to %1").arg(QDir::toNativeSeparators(fileName)), 8000);
            return;
        }
        m_exportFileName = fileName;
        if (!m_exporter->start(m_events->path(), m_console->model()->filter(), fileName, &error)) {
            QMessageBox::warning(this, tr("Cannot export"), error);
            return;
        }
        m_exportProgress = new QProgressDialog(tr("Exporting events to %1…").arg(QDir::toNativeSeparators(fileName)),
                                               tr("Cancel"), 0, m_console->model()->rowCount(), this);
        m_exportProgress->setWindowTitle(tr("Export"));
        m_exportProgress->setMinimumDuration(500); // a short export shows nothing
        m_exportProgress->setAutoClose(false);
        m_exportProgress->setAutoReset(false);
        connect(m_exportProgress, &QProgressDialog::canceled, m_exporter, &wa::EventExporter::cancel);
    };
    connect(m_exportSelected, &QAction::triggered, this,
            [exportEvents] { exportEvents(EventConsole::ExportScope::Selected); });
    connect(m_exportShown, &QAction::triggered, this,
            [exportEvents] { exportEvents(EventConsole::ExportScope::Shown); });
    askExportFileName = [this] {
        return QFileDialog::getSaveFileName(this, tr("Export events"), QStringLiteral("events.jsonl"),
                                            tr("JSON Lines (*.jsonl);;All files (*)"));
    };
    connect(clearButton, &QPushButton::clicked, this, [this] { m_listener->clearEvents(); });
    return panel;
}

bool MainWindow::startListening(quint16 port, QString* error)
{
    m_listener->setVerifyToken(m_verifyToken->text().toUtf8());
    m_listener->setAppSecret(m_appSecret->text().toUtf8());
    const QHostAddress address(m_bind->currentData().toString());
    QString why;
    bool ok = true;
    if (m_tlsCertificate.isEmpty())
        m_listener->clearTls();
    else
        ok = m_listener->setTls(m_tlsCertificate, m_tlsKey, &why);
    ok = ok && m_listener->listen(address, port, &why);
    // Said where the user looks for it, until the next Listen: a port another program holds is
    // the usual reason (another wa-composer, or the bot itself).
    m_listenError = ok ? QString() : why;
    if (!ok && error)
        *error = why;
    if (ok) {
        m_listenButton->setText(tr("Stop"));
        m_bind->setEnabled(false);
    }
    updateListenState();
    return ok;
}

void MainWindow::updateListenState()
{
    if (!m_listener->isListening()) {
        m_listenState->setText(
            m_listenError.isEmpty()
                ? tr("Not listening.")
                : tr("\u26a0 Not listening: %1. Choose another port, then Listen.").arg(m_listenError));
        m_listenState->setStyleSheet(m_listenError.isEmpty() ? QString() : QStringLiteral("color: #b3261e;"));
        return;
    }
    QString state = tr("Listening on %1://%2:%3/ — %4")
                        .arg(m_listener->isTls() ? QStringLiteral("https") : QStringLiteral("http"))
                        .arg(m_listener->address().toString())
                        .arg(m_listener->port())
                        .arg(m_appSecret->text().isEmpty() ? tr("no app secret: events are marked unsigned")
                                                           : tr("signatures checked"));
    if (m_verifyToken->text().isEmpty())
        state += tr("; no verify token: Meta's verification is refused");
    if (!m_listener->address().isLoopback())
        state += tr(" \u26a0 every interface: other machines can post events");
    m_listenState->setText(state);
    m_listenState->setStyleSheet(QString());
}

bool MainWindow::setListenerTls(const QString& certificateFile, const QString& keyFile, QString* error)
{
    if (!certificateFile.isEmpty()) {
        // Checked now, on a server that does not listen, so that a bad file is said at once.
        wa::WebhookServer probe;
        if (!probe.setTls(certificateFile, keyFile, error))
            return false;
    }
    m_tlsCertificate = certificateFile;
    m_tlsKey = certificateFile.isEmpty() ? QString() : keyFile;
    m_tlsButton->setText(m_tlsCertificate.isEmpty() ? tr("HTTP") : tr("HTTPS"));
    m_tlsButton->setToolTip(
        m_tlsCertificate.isEmpty()
            ? tr("Serve HTTPS with your certificate and key (PEM files), from the next Listen")
            : tr("HTTPS with %1 (click for plain HTTP), from the next Listen").arg(m_tlsCertificate));
    QSettings settings;
    settings.setValue(QStringLiteral("listener/tlsCertificate"), m_tlsCertificate);
    settings.setValue(QStringLiteral("listener/tlsKey"), m_tlsKey);
    return true;
}

void MainWindow::stopListening()
{
    m_listener->close();
    m_bind->setEnabled(true);
    m_listenButton->setText(tr("Listen"));
    m_listenError.clear();
    updateListenState();
}

void MainWindow::setVerifyToken(const QString& token)
{
    m_verifyToken->setText(token);
    m_listener->setVerifyToken(token.toUtf8());
    updateListenState();
}

void MainWindow::newFromStarter(const QString& type)
{
    QFile starter(QStringLiteral(":/starter/%1.json").arg(type.isEmpty() ? QStringLiteral("list") : type));
    if (starter.open(QIODevice::ReadOnly)) {
        const wa::DecodeResult decoded = wa::MessageCodec::decode(starter.readAll());
        if (decoded.ok()) {
            m_document->setFamily(decoded.message->family);
            m_document->setMessage(*decoded.message);
        }
    }
    m_undo->clear();
    m_document->setFilePath(QString());
    m_document->setModified(false);
    refreshJsonPane();
    updateTitle();
}

bool MainWindow::openFile(const QString& fileName)
{
    QString error;
    if (!m_document->load(fileName, &error)) {
        QMessageBox::warning(this, tr("Cannot open file"), error);
        return false;
    }
    m_undo->clear();
    addRecent(fileName);
    refreshJsonPane();
    updateTitle();
    return true;
}

bool MainWindow::saveTo(const QString& fileName)
{
    QString error;
    if (!m_document->save(fileName, &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    m_undo->setClean();
    QFile::remove(recoveryFilePath());
    addRecent(fileName);
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(fileName)), 4000);
    return true;
}

bool MainWindow::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    return saveTo(m_document->filePath());
}

bool MainWindow::saveAs()
{
    const QString fileName = askSaveFileName();
    if (fileName.isEmpty())
        return false;
    return saveTo(fileName);
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified())
        return true;
    switch (askToSave()) {
    case QMessageBox::Save:
        return save();
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

void MainWindow::chooseFile()
{
    if (!maybeSave())
        return;
    const QString fileName =
        QFileDialog::getOpenFileName(this, tr("Open payload"), QString(), tr("JSON files (*.json);;All files (*)"));
    if (!fileName.isEmpty())
        openFile(fileName);
}

void MainWindow::addRecent(const QString& fileName)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(kRecentKey)).toStringList();
    const QString absolute = QFileInfo(fileName).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QLatin1String(kRecentKey), recent);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    for (const QString& fileName : recent) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(fileName), this, [this, fileName] {
            if (maybeSave())
                openFile(fileName);
        });
        action->setEnabled(QFileInfo::exists(fileName));
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none yet)"))->setEnabled(false);
}

void MainWindow::updateTitle()
{
    const QString name =
        m_document->filePath().isEmpty() ? tr("Untitled") : QFileInfo(m_document->filePath()).fileName();
    setWindowTitle(
        QStringLiteral("%1%2 — wa-composer").arg(name, m_document->isModified() ? QStringLiteral("*") : QString()));
}

QString MainWindow::recoveryFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/recovery.json");
}

void MainWindow::writeRecovery()
{
    const QString path = recoveryFilePath();
    QDir().mkpath(QFileInfo(path).path());
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(m_document->toJson());
        file.commit();
    }
}

bool MainWindow::restoreRecovery()
{
    const QString path = recoveryFilePath();
    if (!QFileInfo::exists(path))
        return false;
    if (!askToRestore()) {
        QFile::remove(path);
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const wa::DecodeResult decoded = wa::MessageCodec::decode(file.readAll());
    if (!decoded.ok())
        return false;
    m_document->setFamily(decoded.message->family);
    m_document->setMessage(*decoded.message);
    m_document->setFilePath(QString());
    m_undo->clear();
    m_document->setModified(true);
    updateTitle();
    statusBar()->showMessage(tr("Restored the message of the last session; save it to keep it."), 8000);
    return true;
}

QString MainWindow::curlCommand() const
{
    return wa::CurlCommand::forPayload(m_document->toJson(), m_document->family());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    QFile::remove(recoveryFilePath()); // a normal close leaves nothing to recover
    event->accept();
}

void MainWindow::updateServiceWindow()
{
    const QString to = m_document->message().to.value_or(QString());
    if (to != m_windowContact) { // a query only when the recipient or the events change
        m_windowContact = to;
        m_window = m_events->isOpen() ? wa::CustomerServiceWindow::of(*m_events, to) : wa::CustomerServiceWindow();
    }
    const wa::CustomerServiceWindow& window = m_window;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (to.trimmed().isEmpty()) {
        m_form->setRecipientNote({}, false);
        m_windowClock->stop();
        return;
    }
    m_form->setRecipientNote(window.describe(now), !window.isOpen(now));
    if (window.isOpen(now))
        m_windowClock->start();
    else
        m_windowClock->stop();
}

void MainWindow::documentChanged()
{
    m_form->refresh();
    if (m_document->message().to.value_or(QString()) != m_windowContact)
        updateServiceWindow();
    m_preview->setContent(wa::BubbleContent::fromMessage(m_document->message()));
    m_findings->setFindings(m_document->findings());

    const int familyIndex = m_family->findData(static_cast<int>(m_document->family()));
    if (m_family->currentIndex() != familyIndex) {
        const QSignalBlocker blocker(m_family);
        m_family->setCurrentIndex(familyIndex);
    }
    // The JSON pane follows the form a moment after typing pauses: writing and laying out the
    // whole payload is the dearest part of a keystroke, and the pane is read, not typed in, then.
    if (!m_jsonIsSource)
        m_jsonTimer->start();

    const int errors = m_findings->errorCount();
    const int warnings = m_findings->warningCount();
    // Only when it changes: setting a style sheet re-polishes the label and relayouts the panel.
    const QString summaryStyle = errors ? QStringLiteral("color: #b3261e; font-weight: bold")
                                        : QStringLiteral("color: #1b7f3b; font-weight: bold");
    if (m_summary->styleSheet() != summaryStyle)
        m_summary->setStyleSheet(summaryStyle);
    if (errors == 0 && warnings == 0)
        m_summary->setText(tr("Valid: WhatsApp will accept this message."));
    else if (errors == 0)
        m_summary->setText(tr("Valid, with %1.").arg(countText(warnings, tr("warning"), tr("warnings"))));
    else
        m_summary->setText(
            tr("Invalid: %1%2. Activate a finding to go to its field.")
                .arg(countText(errors, tr("error"), tr("errors")),
                     warnings ? QStringLiteral(", ") + countText(warnings, tr("warning"), tr("warnings")) : QString()));
}

void MainWindow::refreshJsonPane()
{
    m_jsonTimer->stop();
    const QString text = QString::fromUtf8(m_document->toJson());
    if (text != m_json->toPlainText()) {
        m_updatingJson = true;
        m_json->setPlainText(text);
        m_updatingJson = false;
    }
    m_json->clearErrorMark();
    m_jsonError->hide();
}

void MainWindow::jsonEdited()
{
    if (m_updatingJson)
        return;
    const QByteArray text = m_json->toPlainText().toUtf8();
    const wa::DecodeResult decoded = wa::MessageCodec::decode(text);
    if (!decoded.ok()) {
        // The form is left alone until the JSON is valid again.
        m_json->markError(decoded.error.line, decoded.error.column);
        m_jsonError->setText(decoded.error.message);
        m_jsonError->show();
        return;
    }
    m_json->clearErrorMark();
    m_jsonError->hide();
    const wa::Message message = *decoded.message;
    m_jsonIsSource = true;
    if (decoded.message->family != m_document->family())
        m_document->setFamily(decoded.message->family);
    m_jsonIsSource = false;
    m_jsonIsSource = true; // the pane keeps the text as typed
    m_document->edit(QStringLiteral("json"), [&message](wa::Message& m) { m = message; });
    m_jsonIsSource = false;
}

void MainWindow::activateFinding(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    const QString path = index.data(wa::FindingsModel::PathRole).toString();
    if (!m_form->focusPath(path))
        statusBar()->showMessage(tr("No field shows %1; edit it in the JSON pane.").arg(path), 5000);
}

void MainWindow::applyPhoneStyle()
{
    m_preview->setPhoneStyle(static_cast<PhoneStyle::Platform>(m_platform->currentData().toInt()),
                             static_cast<PhoneStyle::Theme>(m_theme->currentData().toInt()));
}
