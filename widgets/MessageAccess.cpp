#include "MessageAccess.h"

namespace MessageAccess {

wa::Interactive& interactive(wa::Message& m)
{
    if (!m.interactive)
        m.interactive.emplace();
    return *m.interactive;
}

wa::Action& action(wa::Message& m)
{
    wa::Interactive& in = interactive(m);
    if (!in.action)
        in.action.emplace();
    return *in.action;
}

wa::ActionParameters& parameters(wa::Message& m)
{
    wa::Action& a = action(m);
    if (!a.parameters)
        a.parameters.emplace();
    return *a.parameters;
}

wa::Header& header(wa::Message& m)
{
    wa::Interactive& in = interactive(m);
    if (!in.header)
        in.header.emplace();
    return *in.header;
}

std::optional<QString> optionalText(const QString& text)
{
    if (text.isEmpty())
        return std::nullopt;
    return text;
}

} // namespace MessageAccess
