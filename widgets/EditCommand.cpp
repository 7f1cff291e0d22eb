#include "EditCommand.h"

#include "ComposerDocument.h"

EditCommand::EditCommand(wa::ComposerDocument* document, const QString& key, const wa::Message& before,
                         const wa::Message& after)
    : m_document(document)
    , m_key(key)
    , m_before(before)
    , m_after(after)
{
    const int part = key.startsWith(QLatin1String("structure:")) ? 1 : 0; // "structure:add-row:3" → "add-row"
    setText(QObject::tr("Edit %1").arg(key.section(QLatin1Char(':'), part, part)));
}

void EditCommand::undo()
{
    m_document->setMessage(m_before);
}

void EditCommand::redo()
{
    m_document->setMessage(m_after);
}

int EditCommand::id() const
{
    return isMergeable(m_key) ? 1 : -1;
}

bool EditCommand::isMergeable(const QString& key)
{
    // Typing in a field merges; structural edits (adding, removing, moving, switching) never do.
    return !key.startsWith(QLatin1String("structure:"));
}

bool EditCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const EditCommand*>(other);
    if (next->m_key != m_key)
        return false;
    m_after = next->m_after;
    return true;
}
