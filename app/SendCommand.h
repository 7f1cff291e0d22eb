#pragma once

#include <QStringList>

class QTextStream;

// `wa-composer send [--profile NAME | --base-url URL --phone-number-id ID …] [--to NUMBER] FILE`:
// validates the payload, sends it through MessageSender and prints the request and the response
// (the token never shown). Exit 0 when the API accepted it, 1 on an API error, 2 on a transport
// or input error.
class SendCommand
{
public:
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};
