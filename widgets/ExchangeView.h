#pragma once

#include <QWidget>

#include "SendOutcome.h"

class QLabel;
class QPlainTextEdit;
class QTabWidget;

// What one send did, as Postman shows it: a banner with the result (message id, or the error
// explained for people, or the transport failure), then the request (method, URL, headers with the
// token redacted, body) and the response (status, elapsed time, headers, pretty body) of each HTTP
// exchange — login, contacts, message — and the raw error body.
class ExchangeView : public QWidget
{
    Q_OBJECT

public:
    explicit ExchangeView(QWidget* parent = nullptr);

    // Shows a finished send.
    void showOutcome(const wa::SendOutcome& outcome);
    // Shows a stored send of the history (its explanation is in the stored summary).
    void showStored(wa::SendOutcome::Result result, const QString& summary, const QList<wa::HttpExchange>& exchanges,
                    const QString& delivery);
    // Shows a send in flight ("Sending to …: login"), with the request so far.
    void showPending(const QString& text);
    void clear();

    QLabel* banner() const { return m_banner; }
    QString requestText() const;
    QString responseText() const;

private:
    void setBanner(const QString& html, const QString& colour);
    void setExchanges(const QList<wa::HttpExchange>& exchanges, wa::SendOutcome::Result result,
                      const QString& noAnswer);

    QLabel* m_banner;
    QTabWidget* m_tabs;
    QPlainTextEdit* m_request;
    QPlainTextEdit* m_response;
};
