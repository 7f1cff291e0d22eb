#pragma once

// Test support, header-only: the shape of a JSON document — its recursive keys and value types —
// to compare what the app writes with the samples in ../shared/samples (values differ, the shape
// must not).

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QStringList>

namespace JsonShape {

inline QString typeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

inline void collect(const QJsonValue& value, const QString& path, QSet<QString>* shape)
{
    shape->insert(path + QLatin1Char(':') + typeName(value));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collect(it.value(), path + QLatin1Char('.') + it.key(), shape);
    } else if (value.isArray()) {
        for (const QJsonValue& element : value.toArray())
            collect(element, path + QStringLiteral("[]"), shape);
    }
}

// The recursive set of keys and JSON value types, one "path:type" per line, sorted.
inline QStringList of(const QJsonObject& root)
{
    QSet<QString> shape;
    collect(root, QStringLiteral("$"), &shape);
    QStringList lines(shape.begin(), shape.end());
    lines.sort();
    return lines;
}

} // namespace JsonShape
