#pragma once

#include <QList>

#include "Finding.h"
#include "Message.h"

namespace wa {

// Checks a message against every rule of the LimitsTable and returns all findings at once, in
// the order of the payload. Linear in the size of the message; counts characters in place.
class Validator
{
public:
    // Validates in the form the message was read in (message.family).
    static QList<Finding> validate(const Message& message);
    static QList<Finding> validate(const Message& message, ApiFamily family);
};

} // namespace wa
