#pragma once

#include <QList>
#include <QUrl>
#include <QWidget>

#include "CustomerSimulator.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

// Under the sandbox chat: who the tester is, where the bot listens, and the customer's own input
// (as WhatsApp's compose bar). Only emits; the app wires it to CustomerSimulator and shows the
// simulator's refusals with showError().
class CustomerBar : public QWidget
{
    Q_OBJECT

public:
    explicit CustomerBar(QWidget* parent = nullptr);

    // Lists the customers and selects `currentWaId` (digits compared; the first when not listed).
    // Does not emit customerChosen.
    void setCustomers(const QList<wa::SimulatedCustomer>& customers, const QString& currentWaId);
    QString currentCustomer() const; // wa_id, empty when none is listed
    // Shows `url` as the bot's webhook without emitting botUrlChanged.
    void setBotUrl(const QUrl& url);
    QUrl botUrl() const { return m_botUrl; } // the last one set or accepted
    // Inline and red until the tester's next action; empty hides it.
    void showError(const QString& text);

    // "Sheena Nelson — +1 650 555 1234 (en_US)": a wa_id grouped for reading.
    static QString displayNumber(const QString& waId);
    // Why `text` is not a bot webhook URL (empty when it is one: http or https, with a host).
    static QString urlProblem(const QString& text);

    QComboBox* customerBox() const { return m_customers; } // item data: the wa_id
    QLineEdit* botUrlEdit() const { return m_botUrlEdit; }
    QLineEdit* textEdit() const { return m_text; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* locationButton() const { return m_location; }
    QLabel* errorLabel() const { return m_error; }

signals:
    void customerChosen(const QString& waId);
    // Return or Send with non-blank text (trimmed, as WhatsApp sends it); the field is then cleared.
    void textSent(const QString& text);
    void locationClicked();
    // On editingFinished, when the field holds an http(s) URL with a host that differs from the
    // current one; otherwise showError() names what is wrong and nothing is emitted.
    void botUrlChanged(const QUrl& url);

private:
    void send();
    void botUrlEdited();

    QComboBox* m_customers;
    QLineEdit* m_botUrlEdit;
    QLineEdit* m_text;
    QPushButton* m_send;
    QPushButton* m_location;
    QLabel* m_error;
    QUrl m_botUrl;
};
