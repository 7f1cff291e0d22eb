#include "Message.h"

namespace wa {

namespace {
struct TypeName
{
    InteractiveType type;
    const char* name;
};

constexpr TypeName kTypeNames[] = {
    {InteractiveType::List, "list"},       {InteractiveType::Button, "button"},
    {InteractiveType::CtaUrl, "cta_url"},  {InteractiveType::LocationRequest, "location_request_message"},
    {InteractiveType::Product, "product"}, {InteractiveType::ProductList, "product_list"},
    {InteractiveType::Flow, "flow"},
};
} // namespace

QString interactiveTypeName(InteractiveType type)
{
    for (const auto& entry : kTypeNames) {
        if (entry.type == type)
            return QLatin1String(entry.name);
    }
    return {};
}

InteractiveType interactiveTypeFromName(QStringView name)
{
    for (const auto& entry : kTypeNames) {
        if (name == QLatin1String(entry.name))
            return entry.type;
    }
    return InteractiveType::Unknown;
}

InteractiveType Interactive::kind() const
{
    return type ? interactiveTypeFromName(*type) : InteractiveType::Unknown;
}

QString digitsOf(QStringView number)
{
    QString digits;
    digits.reserve(number.size());
    for (const QChar c : number) {
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            digits.append(c);
    }
    return digits;
}

} // namespace wa
