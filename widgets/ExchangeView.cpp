#include "ExchangeView.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {

QString prettyBody(const QByteArray& body)
{
    if (body.isEmpty())
        return {};
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !document.isNull())
        return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
    return QString::fromUtf8(body);
}

QString headerLines(const wa::HttpExchange::HeaderList& headers)
{
    QString text;
    for (const auto& [name, value] : headers)
        text += QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromUtf8(value) + QLatin1Char('\n');
    return text;
}

QPlainTextEdit* monospaceView(QWidget* parent)
{
    auto view = new QPlainTextEdit(parent);
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

} // namespace

ExchangeView::ExchangeView(QWidget* parent)
    : QWidget(parent)
    , m_banner(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_request(monospaceView(this))
    , m_response(monospaceView(this))
{
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setMargin(6);
    m_tabs->addTab(m_request, tr("Request"));
    m_tabs->addTab(m_response, tr("Response"));
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    clear();
}

void ExchangeView::clear()
{
    m_banner->setText(tr("Nothing sent yet. Send (Ctrl+Return) validates the message and sends it through the "
                         "profile chosen in the toolbar."));
    m_banner->setStyleSheet(QString());
    m_request->clear();
    m_response->clear();
}

void ExchangeView::showPending(const QString& text)
{
    m_banner->setText(text);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: palette(alternate-base); }"));
}

void ExchangeView::showOutcome(const wa::SendOutcome& outcome)
{
    using Result = wa::SendOutcome::Result;
    QString banner;
    QString colour;
    switch (outcome.result) {
    case Result::Accepted:
        banner =
            tr("<b>Accepted</b> in %1 ms — message id <code>%2</code>%3<br>Accepted is not delivered: the "
               "delivery (sent, delivered, read) arrives as status webhooks and shows in the history.")
                .arg(outcome.elapsedMs)
                .arg(outcome.messageId.toHtmlEscaped(),
                     outcome.waId.isEmpty() ? QString() : tr(", to WhatsApp ID %1").arg(outcome.waId.toHtmlEscaped()));
        if (!outcome.contactStatus.isEmpty())
            banner += tr("<br>Contact check (/v1/contacts): %1").arg(outcome.contactStatus.toHtmlEscaped());
        colour = QStringLiteral("#d8f5d0");
        break;
    case Result::ApiError:
        banner = QStringLiteral("<b>%1</b><br>%2")
                     .arg(outcome.summary().toHtmlEscaped(), outcome.apiError.explanation.toHtmlEscaped());
        if (!outcome.apiError.details.isEmpty() && !outcome.apiError.explanation.contains(outcome.apiError.details))
            banner += QStringLiteral("<br><i>%1</i>").arg(outcome.apiError.details.toHtmlEscaped());
        colour = QStringLiteral("#fbd9d3");
        break;
    case Result::TransportError:
        banner = tr("<b>Not sent — %1</b><br>%2<br>Nothing is retried automatically (a send is not idempotent): "
                    "Resend when the cause is fixed.")
                     .arg(wa::transportFailureName(outcome.transport).toHtmlEscaped(),
                          outcome.transportMessage.toHtmlEscaped());
        colour = QStringLiteral("#fbe7c6");
        break;
    case Result::InputError:
        banner = tr("<b>Not sent</b><br>%1").arg(outcome.inputMessage.toHtmlEscaped());
        colour = QStringLiteral("#fbe7c6");
        break;
    }
    setBanner(banner, colour);
    setExchanges(outcome.exchanges, outcome.result,
                 outcome.result == Result::TransportError ? outcome.transportMessage : QString());
}

void ExchangeView::showStored(wa::SendOutcome::Result result, const QString& summary,
                              const QList<wa::HttpExchange>& exchanges, const QString& delivery)
{
    using Result = wa::SendOutcome::Result;
    QString banner = QStringLiteral("<b>%1</b>").arg(summary.toHtmlEscaped());
    if (!delivery.isEmpty())
        banner += QStringLiteral("<br>") + tr("Delivery: %1").arg(delivery.toHtmlEscaped());
    setBanner(banner, result == Result::Accepted   ? QStringLiteral("#d8f5d0")
                      : result == Result::ApiError ? QStringLiteral("#fbd9d3")
                                                   : QStringLiteral("#fbe7c6"));
    setExchanges(exchanges, result, {});
}

void ExchangeView::setBanner(const QString& html, const QString& colour)
{
    m_banner->setText(html);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: #111; }").arg(colour));
}

void ExchangeView::setExchanges(const QList<wa::HttpExchange>& exchanges, wa::SendOutcome::Result result,
                                const QString& noAnswer)
{
    using Result = wa::SendOutcome::Result;
    QString request;
    QString response;
    for (const wa::HttpExchange& exchange : exchanges) {
        const QString title = QStringLiteral("── %1 ──\n").arg(exchange.step);
        request += title + QString::fromLatin1(exchange.method) + QLatin1Char(' ') + exchange.url.toString() +
                   QLatin1Char('\n') + headerLines(exchange.requestHeaders) + QLatin1Char('\n') +
                   prettyBody(exchange.requestBody) + QStringLiteral("\n\n");
        response += title;
        if (exchange.status == 0) {
            response += tr("(no answer after %1 ms)\n\n").arg(exchange.elapsedMs);
            continue;
        }
        response += QStringLiteral("HTTP %1 — %2 ms\n").arg(exchange.status).arg(exchange.elapsedMs) +
                    headerLines(exchange.responseHeaders) + QLatin1Char('\n') + prettyBody(exchange.responseBody) +
                    QStringLiteral("\n\n");
    }
    if (response.isEmpty())
        response = noAnswer;
    m_request->setPlainText(request.trimmed());
    m_response->setPlainText(response.trimmed());
    m_tabs->setCurrentWidget(result == Result::Accepted || result == Result::ApiError ? m_response : m_request);
}

QString ExchangeView::requestText() const
{
    return m_request->toPlainText();
}

QString ExchangeView::responseText() const
{
    return m_response->toPlainText();
}
