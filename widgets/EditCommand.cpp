#include "EditCommand.h"

#include "ComposerDocument.h"

EditCommand::EditCommand(wa::ComposerDocument* document, const QString& key, const wa::Message& before,
                         const wa::Message& after)
    : m_document(document)
    , m_key(key)
    , m_before(before)
    , m_after(after)
{
    setText(QObject::tr("Edit %1").arg(key.section(QLatin1Char(':'), 0, 0)));
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
    // Typing in a field merges; adding, removing, moving, duplicating and switching do not.
    static const char* const structural[] = {"add",  "remove", "move",   "duplicate", "generate",
                                             "drop", "type",   "source", "insert"};
    for (const char* word : structural) {
        if (key.contains(QLatin1String(word)))
            return false;
    }
    return true;
}

bool EditCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const EditCommand*>(other);
    if (next->m_key != m_key)
        return false;
    m_after = next->m_after;
    return true;
}
