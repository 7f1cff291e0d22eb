#pragma once

#include "Message.h"

// Reaching into a message for an edit, creating the objects on the way when they are missing.
namespace MessageAccess {

wa::Interactive& interactive(wa::Message& m);
wa::Action& action(wa::Message& m);
wa::ActionParameters& parameters(wa::Message& m);
wa::Header& header(wa::Message& m);
// An optional text: empty means absent.
std::optional<QString> optionalText(const QString& text);

} // namespace MessageAccess
