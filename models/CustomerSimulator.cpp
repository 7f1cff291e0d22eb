#include "CustomerSimulator.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include "SandboxServer.h"
#include "StatusScheduler.h"
#include "TextMetrics.h"
#include "WebhookDeliverer.h"

namespace wa {

namespace {

const QString kText = QStringLiteral("text");
const QString kButtonReply = QStringLiteral("button_reply");
const QString kListReply = QStringLiteral("list_reply");
const QString kLocation = QStringLiteral("location");
const QString kNfmReply = QStringLiteral("nfm_reply");
const QString kCtaUrl = QStringLiteral("cta_url");

// The messages[] object of a customer webhook the builder wrote, in either shape.
QJsonObject inboundMessageOf(const QByteArray& body, ApiFamily family)
{
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    QJsonObject value = root;
    if (family == ApiFamily::Cloud) {
        const QJsonObject entry = root.value(QLatin1String("entry")).toArray().first().toObject();
        value =
            entry.value(QLatin1String("changes")).toArray().first().toObject().value(QLatin1String("value")).toObject();
    }
    return value.value(QLatin1String("messages")).toArray().first().toObject();
}

QString quoted(const QString& text)
{
    return QChar(0x201C) + text + QChar(0x201D);
}

QString typeDescription(const ChatEntry& entry)
{
    const QString type = entry.messageType();
    if (type.isEmpty())
        return QStringLiteral("a message without a type");
    return (type.front() == QLatin1Char('a') || type.front() == QLatin1Char('i') ? QStringLiteral("an ")
                                                                                 : QStringLiteral("a ")) +
           type + QStringLiteral(" message");
}

QString expectedDescription(InteractiveType type)
{
    switch (type) {
    case InteractiveType::Button:
        return QStringLiteral("a reply-button message");
    case InteractiveType::List:
        return QStringLiteral("a list message");
    case InteractiveType::CtaUrl:
        return QStringLiteral("a CTA URL message");
    case InteractiveType::Flow:
        return QStringLiteral("a Flow message");
    default:
        break;
    }
    return QStringLiteral("an interactive message");
}

} // namespace

CustomerSimulator::CustomerSimulator(SandboxServer* sandbox, WebhookDeliverer* deliverer, StatusScheduler* scheduler,
                                     ChatModel* chat, QObject* parent)
    : QObject(parent)
    , m_sandbox(sandbox)
    , m_deliverer(deliverer ? deliverer : new WebhookDeliverer(this))
    , m_scheduler(scheduler ? scheduler : new StatusScheduler(sandbox, m_deliverer, this))
    , m_chat(chat ? chat : new ChatModel(this))
    , m_customers(defaultCustomers())
{
    Q_ASSERT(sandbox);
    m_chat->setCustomer(m_customers.first().waId);
    if (sandbox) {
        connect(sandbox, &SandboxServer::messageAccepted, this,
                [this](const SandboxMessage& message) { m_chat->appendBusinessMessage(message); });
    }
    connect(m_scheduler, &StatusScheduler::statusChanged, this,
            [this](const QString& id, const QString& status, const QString& error) {
                m_chat->setStatus(id, status, error);
            });
    connect(m_scheduler, &StatusScheduler::statusQueued, this,
            [this](const QString&, const QString& status, quint64 deliveryId, const QByteArray& body) {
                if (deliveryId)
                    emit webhookQueued(deliveryId, QStringLiteral("status: ") + status, body, m_scheduler->target());
            });
    connect(m_deliverer, &WebhookDeliverer::attemptFinished, this,
            [this](const WebhookDeliveryAttempt& attempt) { m_chat->noteAttempt(attempt); });
    connect(m_deliverer, &WebhookDeliverer::deliveryFinished, this,
            [this](const WebhookDeliveryResult& result) { m_chat->noteFinished(result); });
}

QList<SimulatedCustomer> CustomerSimulator::defaultCustomers()
{
    return {
        {QStringLiteral("Alex Morgan"), QStringLiteral("16505551234"), QStringLiteral("en_US")},
        {QStringLiteral("林雅婷"), QStringLiteral("886912345678"), QStringLiteral("zh_TW")},
        {QStringLiteral("ليلى حسن"), QStringLiteral("971501234567"), QStringLiteral("ar")},
    };
}

bool CustomerSimulator::setCustomers(const QList<SimulatedCustomer>& customers)
{
    QList<SimulatedCustomer> cleaned;
    for (SimulatedCustomer c : customers) {
        c.waId = digitsOf(c.waId);
        if (c.waId.isEmpty())
            return false;
        cleaned.append(c);
    }
    if (cleaned.isEmpty())
        return false;
    const QString current = currentCustomer().waId;
    m_customers = cleaned;
    m_current = 0;
    for (int i = 0; i < m_customers.size(); ++i) {
        if (m_customers.at(i).waId == current)
            m_current = i;
    }
    if (m_customers.at(m_current).waId != current) {
        m_chat->setCustomer(m_customers.at(m_current).waId);
        emit currentCustomerChanged(m_customers.at(m_current).waId);
    }
    return true;
}

bool CustomerSimulator::setCurrentCustomer(const QString& waId)
{
    const QString digits = digitsOf(waId);
    for (int i = 0; i < m_customers.size(); ++i) {
        if (m_customers.at(i).waId != digits)
            continue;
        const bool change = i != m_current;
        m_current = i;
        m_chat->setCustomer(digits);
        if (change)
            emit currentCustomerChanged(digits);
        return true;
    }
    return false;
}

SimulatedCustomer CustomerSimulator::currentCustomer() const
{
    return m_customers.value(m_current);
}

void CustomerSimulator::setBusiness(const WebhookBusiness& business)
{
    m_business = business;
    m_scheduler->setBusiness(business);
}

WebhookBusiness CustomerSimulator::business() const
{
    WebhookBusiness business = m_business;
    if (business.wabaId.isEmpty())
        business.wabaId = StatusScheduler::kDefaultWabaId;
    if (business.phoneNumberId.isEmpty())
        business.phoneNumberId = m_sandbox ? m_sandbox->phoneNumberId() : SandboxServer::kDefaultPhoneNumberId;
    if (business.displayPhoneNumber.isEmpty())
        business.displayPhoneNumber =
            m_sandbox ? m_sandbox->displayPhoneNumber() : SandboxServer::kDefaultDisplayPhoneNumber;
    return business;
}

void CustomerSimulator::setBotWebhook(const QUrl& url, const QByteArray& appSecret)
{
    m_botUrl = url;
    m_appSecret = appSecret;
    m_scheduler->setTarget(url, appSecret);
}

SimulationResult CustomerSimulator::sendText(const QString& body, const QString& contextId)
{
    QString error;
    if (!checkTarget(&error))
        return refuse(kText, error);
    if (body.trimmed().isEmpty())
        return refuse(kText, tr("The text is empty: WhatsApp sends nothing."));
    const qsizetype chars = TextMetrics::codePoints(body);
    if (chars > kMaxTextChars)
        return refuse(kText, tr("The text is %1 characters; WhatsApp takes at most %2.").arg(chars).arg(kMaxTextChars));
    QString waId = currentCustomer().waId;
    if (!contextId.isEmpty()) {
        const std::optional<ChatEntry> quotedEntry = m_chat->entry(contextId);
        if (!quotedEntry)
            return refuse(kText, tr("No message with id %1 in the chat to quote.").arg(contextId));
        waId = quotedEntry->waId;
    }
    WebhookOptions options;
    options.timestamp = QDateTime::currentDateTimeUtc();
    const BuiltWebhook built =
        WebhookPayloadBuilder::text(business(), customerFor(waId), contextFor(contextId), body, m_family, options);
    return deliver(kText, waId, built, options.timestamp);
}

SimulationResult CustomerSimulator::tapButton(const QString& messageId, const QString& buttonId)
{
    QString error;
    if (!checkTarget(&error))
        return refuse(kButtonReply, error);
    const std::optional<ChatEntry> entry = businessMessage(messageId, InteractiveType::Button, &error);
    if (!entry)
        return refuse(kButtonReply, error);
    if (entry->answered) {
        const std::optional<ChatEntry> answer = m_chat->entry(entry->answeredBy);
        return refuse(kButtonReply,
                      tr("Message %1 was already answered%2: WhatsApp disables its reply buttons after "
                         "the first tap.")
                          .arg(messageId, answer ? QStringLiteral(" (") + answer->text + QLatin1Char(')') : QString()));
    }
    QString title;
    QStringList ids;
    bool found = false;
    for (const ReplyButton& button :
         entry->message->interactive->action->buttons.value_or(std::vector<ReplyButton>{})) {
        const QString id = button.id.value_or(QString());
        ids << id;
        if (id == buttonId && !found) {
            found = true;
            title = button.title.value_or(QString());
        }
    }
    if (!found)
        return refuse(kButtonReply, tr("Message %1 has no button with id %2; its buttons are: %3.")
                                        .arg(messageId, quoted(buttonId), ids.join(QStringLiteral(", "))));
    WebhookOptions options;
    options.timestamp = QDateTime::currentDateTimeUtc();
    const BuiltWebhook built = WebhookPayloadBuilder::buttonReply(
        business(), customerFor(entry->waId), contextFor(messageId), buttonId, title, m_family, options);
    return deliver(kButtonReply, entry->waId, built, options.timestamp);
}

SimulationResult CustomerSimulator::pickRow(const QString& messageId, const QString& rowId)
{
    QString error;
    if (!checkTarget(&error))
        return refuse(kListReply, error);
    const std::optional<ChatEntry> entry = businessMessage(messageId, InteractiveType::List, &error);
    if (!entry)
        return refuse(kListReply, error);
    const ListRow* picked = nullptr;
    QStringList ids;
    const Action& action = *entry->message->interactive->action;
    if (action.sections) {
        for (const Section& section : *action.sections) {
            if (!section.rows)
                continue;
            for (const ListRow& row : *section.rows) {
                ids << row.id.value_or(QString());
                if (!picked && row.id.value_or(QString()) == rowId)
                    picked = &row;
            }
        }
    }
    if (!picked)
        return refuse(kListReply, tr("Message %1 has no row with id %2; its rows are: %3.")
                                      .arg(messageId, quoted(rowId), ids.join(QStringLiteral(", "))));
    WebhookOptions options;
    options.timestamp = QDateTime::currentDateTimeUtc();
    const BuiltWebhook built = WebhookPayloadBuilder::listReply(
        business(), customerFor(entry->waId), contextFor(messageId), rowId, picked->title.value_or(QString()),
        picked->description.value_or(QString()), m_family, options);
    return deliver(kListReply, entry->waId, built, options.timestamp);
}

SimulationResult CustomerSimulator::shareLocation(const QString& contextId, double latitude, double longitude,
                                                  const std::optional<QString>& name,
                                                  const std::optional<QString>& address)
{
    QString error;
    if (!checkTarget(&error))
        return refuse(kLocation, error);
    if (!std::isfinite(latitude) || latitude < -90 || latitude > 90)
        return refuse(kLocation, tr("Latitude %1 is out of range: it must be between -90 and 90.").arg(latitude));
    if (!std::isfinite(longitude) || longitude < -180 || longitude > 180)
        return refuse(kLocation, tr("Longitude %1 is out of range: it must be between -180 and 180.").arg(longitude));
    QString waId = currentCustomer().waId;
    if (!contextId.isEmpty()) {
        const std::optional<ChatEntry> answered = m_chat->entry(contextId);
        if (!answered)
            return refuse(kLocation, tr("No message with id %1 in the chat to answer.").arg(contextId));
        waId = answered->waId;
    }
    WebhookOptions options;
    options.timestamp = QDateTime::currentDateTimeUtc();
    const BuiltWebhook built = WebhookPayloadBuilder::location(business(), customerFor(waId), contextFor(contextId),
                                                               latitude, longitude, name, address, m_family, options);
    return deliver(kLocation, waId, built, options.timestamp);
}

SimulationResult CustomerSimulator::shareLocation(const QString& contextId, const LocationPreset& preset)
{
    return shareLocation(contextId, preset.latitude, preset.longitude, preset.name, preset.address);
}

QList<LocationPreset> CustomerSimulator::locationPresets()
{
    return {
        {QStringLiteral("Ferry Building Marketplace"), QStringLiteral("1 Ferry Building, San Francisco, CA 94111"),
         37.7955, -122.3937},
        {QStringLiteral("台北101"), QStringLiteral("110台北市信義區信義路五段7號"), 25.0340, 121.5645},
        {QStringLiteral("The Dubai Mall"), QStringLiteral("Financial Center Road, Downtown Dubai, Dubai"), 25.1972,
         55.2796},
        // A dropped pin: coordinates only, as when the customer shares where they are.
        {QString(), QString(), -33.8568, 151.2153},
    };
}

SimulationResult CustomerSimulator::openCta(const QString& messageId)
{
    QString error;
    const std::optional<ChatEntry> entry = businessMessage(messageId, InteractiveType::CtaUrl, &error);
    if (!entry)
        return refuse(kCtaUrl, error);
    const Action& action = *entry->message->interactive->action;
    const QString text = action.parameters ? action.parameters->url.value_or(QString()) : QString();
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return refuse(
            kCtaUrl,
            tr("Message %1's URL %2 is not an http or https URL WhatsApp could open.").arg(messageId, quoted(text)));
    SimulationResult result;
    result.kind = kCtaUrl;
    result.url = url;
    emit ctaOpened(url);
    return result;
}

SimulationResult CustomerSimulator::sendFlowResponse(const QString& messageId, const QJsonObject& response)
{
    QString error;
    if (!checkTarget(&error))
        return refuse(kNfmReply, error);
    const std::optional<ChatEntry> entry = businessMessage(messageId, InteractiveType::Flow, &error);
    if (!entry)
        return refuse(kNfmReply, error);
    QJsonObject answer = response;
    if (!answer.contains(QLatin1String("flow_token"))) {
        // WhatsApp sends the token the business gave the Flow back with the answer.
        const Action& action = *entry->message->interactive->action;
        const QString token = action.parameters ? action.parameters->flowToken.value_or(QString()) : QString();
        answer.insert(QStringLiteral("flow_token"), token.isEmpty() ? QStringLiteral("unused") : token);
    }
    WebhookOptions options;
    options.timestamp = QDateTime::currentDateTimeUtc();
    const BuiltWebhook built = WebhookPayloadBuilder::nfmReply(business(), customerFor(entry->waId),
                                                               contextFor(messageId), answer, m_family, options);
    return deliver(kNfmReply, entry->waId, built, options.timestamp);
}

SimulationResult CustomerSimulator::refuse(const QString& kind, const QString& error)
{
    SimulationResult result;
    result.kind = kind;
    result.error = error;
    emit actionRefused(error);
    return result;
}

std::optional<ChatEntry> CustomerSimulator::businessMessage(const QString& messageId, InteractiveType type,
                                                            QString* error) const
{
    const std::optional<ChatEntry> entry = m_chat->entry(messageId);
    if (!entry || entry->direction != ChatEntry::Direction::FromBusiness) {
        *error = messageId.isEmpty() ? tr("No message id given.")
                                     : tr("No message of the business with id %1 in the chat.").arg(messageId);
        return std::nullopt;
    }
    const InteractiveType kind =
        entry->message && entry->message->interactive ? entry->message->interactive->kind() : InteractiveType::Unknown;
    if (kind != type || !entry->message->interactive->action) {
        *error = tr("Message %1 is %2, not %3.").arg(messageId, typeDescription(*entry), expectedDescription(type));
        return std::nullopt;
    }
    return entry;
}

WebhookCustomer CustomerSimulator::customerFor(const QString& waId) const
{
    for (const SimulatedCustomer& c : m_customers) {
        if (c.waId == waId)
            return WebhookCustomer{waId, c.name};
    }
    // A number the bot wrote to that is not one of ours: the profile name is all Meta would add.
    return WebhookCustomer{waId, waId};
}

WebhookContext CustomerSimulator::contextFor(const QString& messageId) const
{
    // context.from: the business's display number (the builder's default).
    return WebhookContext{messageId, {}};
}

SimulationResult CustomerSimulator::deliver(const QString& kind, const QString& waId, const BuiltWebhook& built,
                                            const QDateTime& at)
{
    SimulationResult result;
    result.kind = kind;
    result.webhook = built;
    QString error;
    result.deliveryId = m_deliverer->deliver(m_botUrl, built.body, m_appSecret, &error);
    if (result.deliveryId == 0)
        return refuse(kind, error);
    // Writing opens (or refreshes) the customer's 24-hour window, as on WhatsApp.
    if (m_sandbox)
        m_sandbox->noteCustomerMessage(waId, at);
    m_chat->appendCustomerMessage(waId, inboundMessageOf(built.body, m_family), m_family, result.deliveryId);
    emit webhookQueued(result.deliveryId, kind, built.body, m_botUrl);
    emit customerMessageSent(result);
    return result;
}

bool CustomerSimulator::checkTarget(QString* error) const
{
    const QString scheme = m_botUrl.scheme().toLower();
    if (m_botUrl.isEmpty()) {
        *error = tr("No bot webhook URL is set: the customer's messages have nowhere to go.");
        return false;
    }
    if (!m_botUrl.isValid() || m_botUrl.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = tr("The bot webhook URL must be http or https with a host, not \"%1\".").arg(m_botUrl.toString());
        return false;
    }
    return true;
}

} // namespace wa
