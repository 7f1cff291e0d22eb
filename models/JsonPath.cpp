#include "JsonPath.h"

namespace wa {

QString JsonPath::toString() const
{
    QString out;
    appendTo(out);
    return out;
}

void JsonPath::appendTo(QString& out) const
{
    if (!m_parent)
        return; // the root
    m_parent->appendTo(out);
    if (m_key) {
        if (!out.isEmpty())
            out += QLatin1Char('.');
        out += QLatin1String(m_key);
    } else {
        out += QLatin1Char('[') + QString::number(m_index) + QLatin1Char(']');
    }
}

} // namespace wa
