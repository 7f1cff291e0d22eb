#pragma once

#include <functional>
#include <optional>

#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>
#include <QUrl>
#include <QMessageBox>

#include "ConnectionProfile.h"
#include "CustomerServiceWindow.h"
#include "Finding.h"
#include "CustomerSimulator.h"
#include "StarterGallery.h"

class ChatPreview;
class ComposerForm;
class CustomerBar;
class EventConsole;
class QTabWidget;
class ExchangeView;
class HistoryView;
class SendController;
class QAction;
class QDockWidget;
class QLineEdit;
class QPushButton;
class QSpinBox;
class FindingsView;
class PayloadEditor;
class PhonePreview;
class QComboBox;
class QLabel;
class QMenu;
class QTimer;
class QUndoStack;
class QProgressDialog;

namespace wa {
class ComposerDocument;
class EventExporter;
class EventStore;
class FindingsModel;
class ChatModel;
class CustomerSimulator;
class DeliveryLogModel;
class SandboxServer;
class SecretStore;
class SendHistory;
class ListenerThread;
struct SendOutcome;
} // namespace wa

// The composer: the form, the phone preview, the live JSON pane and the findings, on one document
// with undo/redo, drafts as plain payload files, recent files and crash recovery.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads a payload file; returns false (and says why) when it cannot be read.
    bool openFile(const QString& fileName);
    bool saveTo(const QString& fileName);
    // Starts a new message from a starter example ("list", "button", …, or "" for a blank list).
    void newFromStarter(const QString& type);
    // The starter examples, one per interactive type.
    static QList<StarterGallery::Starter> starters();
    void showGallery();

    wa::ComposerDocument* document() const { return m_document; }
    ComposerForm* form() const { return m_form; }
    PayloadEditor* editor() const { return m_json; }
    wa::FindingsModel* findingsModel() const { return m_findings; }
    FindingsView* findingsView() const { return m_findingsView; }
    PhonePreview* preview() const { return m_preview; }
    QUndoStack* undoStack() const { return m_undo; }
    QLabel* jsonError() const { return m_jsonError; }
    QComboBox* bindBox() const { return m_bind; }
    // HTTPS for the listener from its next start: PEM certificate and key files (empty: plain HTTP).
    // Remembered (paths only). False and why when they cannot be used.
    bool setListenerTls(const QString& certificateFile, const QString& keyFile, QString* error);
    EventConsole* console() const { return m_console; }
    wa::ListenerThread* listener() const { return m_listener; }
    // Starts the webhook listener on 127.0.0.1 and the port of the console's bar; false and why.
    bool startListening(quint16 port, QString* error);
    void stopListening();
    static QString eventStorePath();
    // Shows the recipient's 24-hour window under "To" (from the stored webhook events).
    void updateServiceWindow();
    // Writes the payload into the JSON pane now (it follows the form a moment after typing).
    void refreshJsonPane();

    // Seams for tests: what to do when unsaved changes would be lost, and where recovery lives.
    std::function<QMessageBox::StandardButton()> askToSave;
    std::function<QString()> askSaveFileName;
    // Where the console's Export writes (a file dialog; tests answer it).
    std::function<QString()> askExportFileName;
    QAction* exportSelectedAction() const { return m_exportSelected; }
    QAction* exportShownAction() const { return m_exportShown; }
    static QString recoveryFilePath();
    // Writes the recovery file now (done every few seconds while there are unsaved changes).
    void writeRecovery();
    // Offers the recovery file of a previous session that ended without saving; true if restored.
    bool restoreRecovery();
    std::function<bool()> askToRestore;

    // The payload as curl, the token as a placeholder.
    QString curlCommand() const;

    // Sending. Send validates in the chosen profile's form first: errors block (the findings panel
    // is shown), warnings ask once (askToSendWithWarnings; the same warnings are not asked again).
    void sendMessage();
    void cancelSend();
    // A warning when WhatsApp (or the strict sandbox) will answer 131047: the recipient has not
    // written in the last 24 hours. None when the window is open or there is no recipient.
    std::optional<wa::Finding> outsideWindowWarning(const wa::ConnectionProfile& profile,
                                                    const wa::Message& message) const;
    // Puts a sent payload of the history back into the composer.
    bool openFromHistory(qint64 id);
    // Sends a payload of the history again, through the profile it went through.
    void resendFromHistory(qint64 id);
    void showProfiles();
    static QString historyPath();
    SendController* sendController() const { return m_send; }
    wa::SandboxServer* sandbox() const { return m_sandbox; }

    // The bot test loop: the sandbox's chat with the simulated customers, played by the tester.
    static inline const QString kSampleAppSecret = QStringLiteral("wa-composer-sample-app-secret");
    wa::CustomerSimulator* simulator() const { return m_simulator; }
    ChatPreview* chat() const { return m_chat; }
    CustomerBar* customerBar() const { return m_customerBar; }
    wa::DeliveryLogModel* deliveries() const { return m_deliveries; }
    QTabWidget* previewTabs() const { return m_previewTabs; }
    // The URL the customer's webhooks and the statuses go to (the app's own listener by default).
    static QUrl defaultBotUrl();
    void setBotUrl(const QUrl& url);
    // The app secret that signs what goes to the bot and checks what the listener receives.
    void setAppSecret(const QString& secret);
    // The token Meta's verification GET must bring; used at once, listening or not.
    void setVerifyToken(const QString& token);
    QLineEdit* verifyTokenEditor() const { return m_verifyToken; }
    QLabel* listenState() const { return m_listenState; }
    wa::SecretStore* secretStore() const { return m_secrets; }
    // The sandbox's status delays, "sent delivered read" in milliseconds; false (and said) when not so.
    bool setStatusDelays(const QString& text);
    QAction* strictWindowAction() const { return m_strictWindow; }
    QAction* failAsStatusAction() const { return m_failAsStatus; }
    QAction* customerReadsAction() const { return m_customerReads; }
    // Seams for tests: the location and flow answers the tester would give in a dialog.
    std::function<bool(wa::LocationPreset* location)> askLocation;
    std::function<bool(const QString& flowCta, QJsonObject* response)> askFlowResponse;
    wa::SendHistory* history() const { return m_history; }
    ExchangeView* exchangeView() const { return m_exchange; }
    HistoryView* historyView() const { return m_historyView; }
    QComboBox* profileBox() const { return m_profileBox; }
    QAction* sendAction() const { return m_sendAction; }
    QAction* cancelAction() const { return m_cancelAction; }
    std::function<bool(const QList<wa::Finding>& warnings)> askToSendWithWarnings;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    QWidget* buildConsole();
    void updateListenState(); // the console's line: where it listens and how, or why it does not
    void documentChanged();
    void jsonEdited();
    void activateFinding(const QModelIndex& index);
    void applyPhoneStyle();
    bool maybeSave();
    bool save();
    bool saveAs();
    void chooseFile();
    void updateTitle();
    void addRecent(const QString& fileName);
    void fillRecentMenu();
    void buildSending();
    void fillProfiles();
    void sendFinished(const wa::SendOutcome& outcome, qint64 historyId);
    QWidget* buildChat();
    void buildDeliveries();
    void buildSandboxMenu();
    void simulated(const QString& what, const wa::SimulationResult& result);

    wa::ComposerDocument* m_document;
    QUndoStack* m_undo;
    ComposerForm* m_form;
    PhonePreview* m_preview;
    PayloadEditor* m_json;
    QLabel* m_jsonError;
    FindingsView* m_findingsView;
    wa::FindingsModel* m_findings;
    QLabel* m_summary;
    QComboBox* m_family;
    QComboBox* m_platform;
    QComboBox* m_theme;
    QMenu* m_recentMenu = nullptr;
    QTimer* m_recoveryTimer;
    QTimer* m_jsonTimer;
    wa::EventStore* m_events;
    wa::ListenerThread* m_listener;
    EventConsole* m_console = nullptr;
    QSpinBox* m_listenPort = nullptr;
    QComboBox* m_bind = nullptr; // 127.0.0.1, or every interface (a choice, with a warning)
    QPushButton* m_tlsButton = nullptr;
    QString m_tlsCertificate;
    QString m_tlsKey;
    QLineEdit* m_verifyToken = nullptr;
    QLineEdit* m_appSecret = nullptr;
    QPushButton* m_listenButton = nullptr;
    QLabel* m_listenState = nullptr;
    QAction* m_exportSelected = nullptr;
    QAction* m_exportShown = nullptr;
    wa::EventExporter* m_exporter = nullptr;
    QPointer<QProgressDialog> m_exportProgress;
    QString m_exportFileName;
    QString m_listenError; // why the last Listen failed, said until the next one
    QTimer* m_windowClock;
    QString m_windowContact; // the recipient the note was computed for
    wa::CustomerServiceWindow m_window;
    wa::SecretStore* m_secrets = nullptr;
    wa::SendHistory* m_history = nullptr;
    wa::SandboxServer* m_sandbox = nullptr;
    wa::CustomerSimulator* m_simulator = nullptr;
    wa::DeliveryLogModel* m_deliveries = nullptr;
    ChatPreview* m_chat = nullptr;
    CustomerBar* m_customerBar = nullptr;
    QTabWidget* m_previewTabs = nullptr;
    QDockWidget* m_deliveriesDock = nullptr;
    QAction* m_strictWindow = nullptr;
    QAction* m_failAsStatus = nullptr;
    QAction* m_customerReads = nullptr;
    bool m_sentFromComposer = false; // the next sandbox message is the composer's: show it
    SendController* m_send = nullptr;
    ExchangeView* m_exchange = nullptr;
    HistoryView* m_historyView = nullptr;
    QDockWidget* m_sendDock = nullptr;
    QDockWidget* m_historyDock = nullptr;
    QComboBox* m_profileBox = nullptr;
    QAction* m_sendAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QLabel* m_secretsState = nullptr;
    QString m_acceptedWarnings; // the warnings the user chose to send with (asked once)
    bool m_updatingJson = false;
    bool m_jsonIsSource = false;
};
