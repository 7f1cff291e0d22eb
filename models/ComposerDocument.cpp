#include "ComposerDocument.h"

#include <QFile>
#include <QSaveFile>

#include "MessageCodec.h"
#include "Validator.h"

namespace wa {

ComposerDocument::ComposerDocument(QObject* parent)
    : QObject(parent)
{
    m_message.messagingProduct = QStringLiteral("whatsapp");
    m_message.recipientType = QStringLiteral("individual");
    m_message.to = QString();
    m_message.type = QStringLiteral("interactive");
    revalidate();
}

void ComposerDocument::setFamily(ApiFamily family)
{
    if (family == m_family)
        return;
    m_family = family;
    if (family == ApiFamily::Cloud && !m_message.messagingProduct)
        m_message.messagingProduct = QStringLiteral("whatsapp");
    else if (family == ApiFamily::OnPremises)
        m_message.messagingProduct.reset();
    m_message.family = family;
    revalidate();
    emit familyChanged(family);
    emit changed();
}

void ComposerDocument::edit(const QString& key, const Mutation& mutate)
{
    Message after = m_message;
    mutate(after);
    if (m_editHandler)
        m_editHandler(key, m_message, after);
    else
        setMessage(after);
}

void ComposerDocument::setMessage(const Message& message)
{
    m_message = message;
    m_message.family = m_family;
    revalidate();
    setModified(true);
    emit changed();
}

QByteArray ComposerDocument::toJson() const
{
    return MessageCodec::encode(m_message, m_family, QJsonDocument::Indented);
}

void ComposerDocument::setFilePath(const QString& path)
{
    if (path == m_filePath)
        return;
    m_filePath = path;
    emit filePathChanged(path);
}

void ComposerDocument::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

bool ComposerDocument::load(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    const DecodeResult decoded = MessageCodec::decode(file.readAll());
    if (!decoded.ok()) {
        *error = QStringLiteral("%1: %2").arg(path, decoded.error.message);
        return false;
    }
    m_family = decoded.message->family;
    m_message = *decoded.message;
    revalidate();
    setFilePath(path);
    setModified(false);
    emit familyChanged(m_family);
    emit changed();
    return true;
}

bool ComposerDocument::save(const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(toJson());
    if (!file.commit()) {
        *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    setFilePath(path);
    setModified(false);
    return true;
}

void ComposerDocument::revalidate()
{
    m_findings = Validator::validate(m_message, m_family);
}

} // namespace wa
