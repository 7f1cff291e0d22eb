#pragma once

#include <QDialog>
#include <QList>

#include "Message.h"

class QListWidget;

// "New from example": one starter message per interactive type, each shown as its phone preview.
class StarterGallery : public QDialog
{
    Q_OBJECT

public:
    struct Starter
    {
        QString type;  // "list", "button", …
        QString label; // for people
        wa::Message message;
    };

    StarterGallery(const QList<Starter>& starters, QWidget* parent = nullptr);

    // The chosen starter's type, or empty.
    QString chosenType() const;
    QListWidget* list() const { return m_list; }

private:
    QListWidget* m_list;
};
