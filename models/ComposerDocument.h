#pragma once

#include <functional>

#include <QList>
#include <QObject>
#include <QString>

#include "Finding.h"
#include "Message.h"

namespace wa {

// The message being composed, shared by every editor, the JSON pane and the preview. All changes
// go through edit(): with an edit handler installed (the window's undo stack) the handler records
// the change and applies it with setMessage(), so every edit, from any editor, can be undone.
class ComposerDocument : public QObject
{
    Q_OBJECT

public:
    using Mutation = std::function<void(Message&)>;
    using EditHandler = std::function<void(const QString& key, const Message& before, const Message& after)>;

    explicit ComposerDocument(QObject* parent = nullptr);

    const Message& message() const { return m_message; }
    const QList<Finding>& findings() const { return m_findings; }

    // The form the payload is written and validated in.
    ApiFamily family() const { return m_family; }
    void setFamily(ApiFamily family);

    // Changes the message. `key` names what is edited ("body", "row:1:0:title", "json", …):
    // consecutive edits of one key merge into one undo step, except keys starting with
    // "structure:" (adding, removing, moving, switching), which are always steps of their own.
    void edit(const QString& key, const Mutation& mutate);
    // Replaces the message (undo, redo, open, JSON pane) without going through the handler.
    void setMessage(const Message& message);
    void setEditHandler(EditHandler handler) { m_editHandler = std::move(handler); }

    // The payload as it will be sent.
    QByteArray toJson() const;

    QString filePath() const { return m_filePath; }
    void setFilePath(const QString& path);
    bool isModified() const { return m_modified; }
    void setModified(bool modified);

    // Reads a payload file; on failure returns false and says why (the document is unchanged).
    bool load(const QString& path, QString* error);
    // Writes the payload (plain JSON, as curl and Postman take it); false and why on failure.
    bool save(const QString& path, QString* error);

signals:
    void changed();
    void familyChanged(ApiFamily family);
    void modifiedChanged(bool modified);
    void filePathChanged(const QString& path);

private:
    void revalidate();

    Message m_message;
    QList<Finding> m_findings;
    ApiFamily m_family = ApiFamily::Cloud;
    EditHandler m_editHandler;
    QString m_filePath;
    bool m_modified = false;
};

} // namespace wa
