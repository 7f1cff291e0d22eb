#pragma once

#include <QByteArray>
#include <QString>

#include "Message.h"
#include "SendOutcome.h"

namespace wa {

// Reads an error answer of the Cloud API (`{"error":{message,type,code,error_subcode,…}}`) or of the
// On-Premises API (`{"errors":[{code,title,details}]}`) and says in plain words what happened and
// what to do. Both shapes are read whatever the family (gateways answer either); the family only
// tailors the advice (a Cloud API access token, an On-Premises login). An unknown code, or a body
// that is not the API's JSON at all (a proxy's HTML 502 page), is explained from the HTTP status.
class ApiErrorExplainer
{
public:
    // Never an empty explanation; rawBody is the body as given.
    static ApiError explain(int httpStatus, const QByteArray& body, ApiFamily family);

    // What an error code means and what to do ("More than 24 hours have passed…"), for the send
    // answers and for the errors[] of a failed status webhook. Empty for a code it does not know.
    static QString explainCode(int code);

    // What an HTTP status says on its own (401 credentials, 404 wrong path, 5xx server side, …).
    static QString explainStatus(int httpStatus, ApiFamily family);
};

} // namespace wa
