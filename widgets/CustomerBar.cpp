#include "CustomerBar.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "SandboxServer.h"

namespace {
const char* kErrorStyle = "QLabel { color: #b3261e; }";

// Country calling codes of two digits (ITU E.164); "1" and "7" are the one-digit ones and every
// other code has three. Enough to split a wa_id for reading, not to validate it.
bool isTwoDigitCode(QStringView code)
{
    static const char* const codes[] = {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41",
                                        "43", "44", "45", "46", "47", "48", "49", "51", "52", "53", "54",
                                        "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
                                        "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"};
    for (const char* c : codes) {
        if (code == QLatin1String(c))
            return true;
    }
    return false;
}
} // namespace

CustomerBar::CustomerBar(QWidget* parent)
    : QWidget(parent)
    , m_customers(new QComboBox(this))
    , m_botUrlEdit(new QLineEdit(this))
    , m_text(new QLineEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_location(new QPushButton(tr("📍 Location…"), this))
    , m_error(new QLabel(this))
{
    m_customers->setToolTip(tr("The customer you play: the bot sees their name and number"));
    m_customers->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_botUrlEdit->setPlaceholderText(tr("bot webhook URL, e.g. http://127.0.0.1:3000/webhook"));
    m_botUrlEdit->setToolTip(tr("Where the customer's messages and the statuses are delivered, signed"));
    m_text->setPlaceholderText(tr("Type a message as the customer"));
    m_text->setClearButtonEnabled(true);
    m_send->setEnabled(false);
    m_location->setToolTip(tr("Share a location as the customer"));
    m_error->setStyleSheet(QString::fromLatin1(kErrorStyle));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    // Two rows above the compose bar: who the tester plays, and where the bot listens (a URL needs
    // the width of the chat to be readable).
    auto* who = new QGridLayout;
    who->addWidget(new QLabel(tr("Customer"), this), 0, 0);
    who->addWidget(m_customers, 0, 1);
    who->addWidget(new QLabel(tr("Bot webhook"), this), 1, 0);
    who->addWidget(m_botUrlEdit, 1, 1);
    who->setColumnStretch(1, 1);
    m_customers->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    auto* compose = new QHBoxLayout;
    compose->addWidget(m_location);
    compose->addWidget(m_text, 1);
    compose->addWidget(m_send);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(who);
    layout->addLayout(compose);
    layout->addWidget(m_error);

    connect(m_customers, &QComboBox::currentIndexChanged, this, [this](int index) {
        showError(QString());
        if (index >= 0)
            emit customerChosen(m_customers->itemData(index).toString());
    });
    connect(m_text, &QLineEdit::textChanged, this,
            [this](const QString& text) { m_send->setEnabled(!text.trimmed().isEmpty()); });
    connect(m_text, &QLineEdit::returnPressed, this, &CustomerBar::send);
    connect(m_send, &QPushButton::clicked, this, &CustomerBar::send);
    connect(m_location, &QPushButton::clicked, this, [this] {
        showError(QString());
        emit locationClicked();
    });
    connect(m_botUrlEdit, &QLineEdit::editingFinished, this, &CustomerBar::botUrlEdited);
}

void CustomerBar::setCustomers(const QList<wa::SimulatedCustomer>& customers, const QString& currentWaId)
{
    const QSignalBlocker blocker(m_customers);
    m_customers->clear();
    const QString current = wa::digitsOf(currentWaId);
    int selected = 0;
    for (const wa::SimulatedCustomer& customer : customers) {
        const QString waId = wa::digitsOf(customer.waId);
        QString label =
            customer.name.isEmpty() ? displayNumber(waId) : tr("%1 — %2").arg(customer.name, displayNumber(waId));
        if (!customer.language.isEmpty())
            label += tr(" (%1)").arg(customer.language);
        if (waId == current)
            selected = m_customers->count();
        m_customers->addItem(label, waId);
    }
    m_customers->setCurrentIndex(m_customers->count() ? selected : -1);
}

QString CustomerBar::currentCustomer() const
{
    return m_customers->currentData().toString();
}

void CustomerBar::setBotUrl(const QUrl& url)
{
    m_botUrl = url;
    m_botUrlEdit->setText(url.toString());
}

void CustomerBar::showError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

QString CustomerBar::displayNumber(const QString& waId)
{
    const QString digits = wa::digitsOf(waId);
    if (digits.size() < 8)
        return digits.isEmpty() ? QString() : QLatin1Char('+') + digits;
    const qsizetype codeLength = (digits.startsWith(QLatin1Char('1')) || digits.startsWith(QLatin1Char('7'))) ? 1
                                 : isTwoDigitCode(QStringView(digits).left(2))                                ? 2
                                                                                                              : 3;
    QString out = QLatin1Char('+') + digits.left(codeLength);
    const QString national = digits.mid(codeLength);
    // Groups of three from the left; a last group of one joins the one before ("650 555 1234").
    qsizetype at = 0;
    while (at < national.size()) {
        const qsizetype left = national.size() - at;
        const qsizetype take = left == 4 ? 4 : qMin<qsizetype>(3, left);
        out += QLatin1Char(' ') + national.mid(at, take);
        at += take;
    }
    return out;
}

QString CustomerBar::urlProblem(const QString& text)
{
    const QString trimmed = text.trimmed();
    const QString example = QStringLiteral("http://127.0.0.1:3000/webhook");
    if (trimmed.isEmpty())
        return tr("Type the bot's webhook URL, e.g. %1").arg(example);
    const QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        if (url.isValid() && !scheme.isEmpty() && trimmed.contains(QLatin1String("://")))
            return tr("The bot webhook URL must be http:// or https://, not %1:// (e.g. %2)").arg(scheme, example);
        return tr("“%1” is not a bot webhook URL: it must start with http:// or https:// (e.g. %2)")
            .arg(trimmed, example);
    }
    if (!url.isValid())
        return tr("“%1” is not a valid URL: %2").arg(trimmed, url.errorString());
    if (url.host().isEmpty())
        return tr("The bot webhook URL has no host (e.g. %1)").arg(example);
    return QString();
}

void CustomerBar::send()
{
    const QString text = m_text->text().trimmed();
    if (text.isEmpty())
        return;
    // Kept in the field when refused, so the tester can shorten it.
    const qsizetype chars = text.toUcs4().size();
    if (chars > wa::CustomerSimulator::kMaxTextChars) {
        showError(tr("The text has %1 characters; WhatsApp sends at most %2.")
                      .arg(chars)
                      .arg(wa::CustomerSimulator::kMaxTextChars));
        return;
    }
    showError(QString());
    m_text->clear();
    emit textSent(text);
}

void CustomerBar::botUrlEdited()
{
    const QString problem = urlProblem(m_botUrlEdit->text());
    showError(problem);
    if (!problem.isEmpty())
        return;
    const QUrl url(m_botUrlEdit->text().trimmed(), QUrl::StrictMode);
    if (url == m_botUrl)
        return;
    m_botUrl = url;
    emit botUrlChanged(url);
}
