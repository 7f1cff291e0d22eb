#pragma once

#include <optional>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include "Message.h"

namespace wa {

// Why a payload could not be read at all: not JSON, or JSON that is not an object.
struct JsonError
{
    QString message; // names what is wrong, with the line and column when known
    int line = 0;    // 1-based; 0 when not applicable
    int column = 0;  // 1-based, in characters
};

struct DecodeResult
{
    std::optional<Message> message;
    JsonError error;

    bool ok() const { return message.has_value(); }
};

// Reads payloads in the Cloud API or On-Premises form into the message model and writes them
// back, keeping every key the model does not know.
class MessageCodec
{
public:
    // Parses raw bytes; the family is detected from `messaging_product`.
    static DecodeResult decode(const QByteArray& json);
    static Message fromJson(const QJsonObject& object);

    static QJsonObject toJson(const Message& message, ApiFamily family);
    static QJsonObject toJson(const Message& message) { return toJson(message, message.family); }
    static QByteArray encode(const Message& message, ApiFamily family,
                             QJsonDocument::JsonFormat format = QJsonDocument::Indented);

    static ApiFamily detectFamily(const QJsonObject& object);
    // The message as it is sent in `family` (written in that form and read back): what a profile of
    // that family sends, and so what is validated before a send.
    static Message convert(const Message& message, ApiFamily family);

    // Line and column (1-based, column in characters) of a byte offset into UTF-8 text.
    static void lineAndColumn(const QByteArray& text, qsizetype offset, int* line, int* column);
};

// "a string", "an object", "null", … as a message says what a value is ("nothing" when it is missing).
QString jsonTypeName(QJsonValue::Type type);
QString familyName(ApiFamily family);
std::optional<ApiFamily> familyFromName(QStringView name);

} // namespace wa
