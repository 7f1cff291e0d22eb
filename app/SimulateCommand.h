#pragma once

#include <QStringList>

class QTextStream;

// `wa-composer simulate KIND --to URL [--app-secret S] [--context WAMID] [--from NUMBER] …` plays the
// customer (or Meta's delivery side, for `status`) once: builds the webhook Meta would POST with
// WebhookPayloadBuilder, signs it with X-Hub-Signature-256, POSTs it to the bot and prints the bot's
// answer. Kinds: text, button-reply, list-reply, location, nfm-reply, status.
// Exit 0 on a 2xx answer, 1 on another answer, 2 on bad input or a transport error (no answer).
class SimulateCommand
{
public:
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};
