-- The send history, schema version 1 (PRAGMA user_version = 1). SendHistory runs this file in a
-- single transaction when the database is new; the last statement sets user_version, so a later
-- history-2.sql can migrate from it.
-- The runner splits on ';' at the end of a line and skips whole-line '--' comments: keep each
-- statement ending that way.
-- Nothing here is secret: exchanges are redacted before they are recorded (SendOutcome).

-- One row per send, whatever its result. Ids are AUTOINCREMENT so that they are never reused: a
-- row id the history view holds never comes to mean another send.
CREATE TABLE sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sent_at_ms INTEGER NOT NULL,        -- ms since the epoch (UTC)
    profile_name TEXT NOT NULL,
    profile_kind TEXT NOT NULL,         -- sandbox, cloud, onprem
    recipient TEXT NOT NULL,            -- the `to` as composed
    payload BLOB NOT NULL,              -- the message JSON as sent, byte for byte
    result TEXT NOT NULL,               -- accepted, api_error, transport_error, input_error
    http_status INTEGER NOT NULL,       -- of the message request; 0 when none answered
    response_body BLOB NOT NULL,
    message_id TEXT NOT NULL,           -- '' unless accepted
    summary TEXT NOT NULL,              -- SendOutcome::summary()
    exchanges_json TEXT NOT NULL        -- JSON array of the (redacted) HTTP exchanges
);

-- Delivery statuses from the webhooks, by message id. Kept apart from the sends and joined when
-- read, so a status that arrives before its send is recorded still counts. A status comes once per
-- message (Meta retries are duplicates), hence the key.
CREATE TABLE statuses (
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,               -- sent, delivered, read, failed
    rank INTEGER NOT NULL,              -- 1 sent, 2 delivered, 3 read, 4 failed: the highest wins
    timestamp_ms INTEGER,               -- from the webhook; NULL when it had none
    error_text TEXT NOT NULL DEFAULT '', -- failed: "131047: Re-engagement message - details"
    UNIQUE (message_id, status)
);

-- Newest first, and a send's furthest status.
CREATE INDEX sends_sent_at ON sends (sent_at_ms);
CREATE INDEX sends_message_id ON sends (message_id);
CREATE INDEX statuses_rank ON statuses (message_id, rank);

-- The step's number, committed with it.
PRAGMA user_version = 1;
