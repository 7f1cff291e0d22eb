#pragma once

#include <QElapsedTimer>
#include <QUndoCommand>

#include "Message.h"

namespace wa {
class ComposerDocument;
}

// One undoable change of the document: the message before and after. Consecutive typing in one
// field (the same key) merges into one step; structural changes never merge.
class EditCommand : public QUndoCommand
{
public:
    EditCommand(wa::ComposerDocument* document, const QString& key, const wa::Message& before,
                const wa::Message& after);

    void undo() override;
    void redo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

    static bool isMergeable(const QString& key);

private:
    wa::ComposerDocument* m_document;
    QString m_key;
    wa::Message m_before;
    wa::Message m_after;
};
