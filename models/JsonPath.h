#pragma once

#include <QString>

namespace wa {

// A path into a JSON payload, such as `interactive.action.sections[1].rows[0].title`, built as a
// chain of stack nodes so that walking a message costs nothing; the string is made only when a
// finding needs it.
class JsonPath
{
public:
    JsonPath() = default;

    JsonPath key(const char* name) const { return JsonPath(this, name, -1); }
    JsonPath index(int i) const { return JsonPath(this, nullptr, i); }

    QString toString() const;

private:
    JsonPath(const JsonPath* parent, const char* key, int index)
        : m_parent(parent)
        , m_key(key)
        , m_index(index)
    {
    }

    void appendTo(QString& out) const;

    const JsonPath* m_parent = nullptr;
    const char* m_key = nullptr;
    int m_index = -1;
};

} // namespace wa
