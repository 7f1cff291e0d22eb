-- The event store, schema version 1 (PRAGMA user_version = 1). EventStore runs this file, and
-- search-fts5-1.sql when SQLite has FTS5, in a single transaction; the last statement here sets
-- user_version. The REFERENCES clauses document the links; the store is their only writer and
-- does not turn foreign key enforcement on (it would cost a look-up per row and make clearing
-- slow).
-- Ids are AUTOINCREMENT so that they are never reused, even after the store is cleared: an id the
-- console holds never comes to mean a newer row.
-- The runner splits on ';' at the end of a line and skips whole-line '--' comments: keep each
-- statement ending that way, and put no trigger bodies here.

-- One row per HTTP request received.
CREATE TABLE requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,       -- ms since the epoch (UTC)
    method TEXT NOT NULL,
    target TEXT NOT NULL,
    headers TEXT NOT NULL,              -- JSON [[name, value], ...] in the order sent, Latin-1
    body BLOB NOT NULL,                 -- the raw bytes exactly as received
    signature TEXT NOT NULL,            -- valid, invalid, missing, unsigned
    status_code INTEGER NOT NULL,       -- what was answered once the request was stored
    remote_address TEXT NOT NULL
);

-- One row per event a request gave (a message, a status, an error, ...). Narrow on purpose: the
-- console's filters and ORDER BY walk these rows, and without the JSON they are about a quarter
-- of the size (see event_json).
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    received_at INTEGER NOT NULL,       -- the request's, copied for sorting and filtering
    kind TEXT NOT NULL,                 -- WebhookEvent::kindName()
    event_id TEXT,                      -- the message's or status's id (wamid...); NULL when none
    status TEXT NOT NULL DEFAULT '',    -- a status event's "sent", "delivered", "read", "failed"
    contact TEXT NOT NULL DEFAULT '',   -- the customer's wa_id
    contact_name TEXT NOT NULL DEFAULT '',
    phone_number_id TEXT NOT NULL DEFAULT '',
    display_phone_number TEXT NOT NULL DEFAULT '',
    timestamp INTEGER,                  -- ms since the epoch from the payload; NULL when it has none
    context_id TEXT NOT NULL DEFAULT '',
    context_from TEXT NOT NULL DEFAULT '',
    family TEXT NOT NULL,               -- cloud, onprem
    signature TEXT NOT NULL,            -- valid, invalid, missing, unsigned
    duplicate INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT ''
);

-- The event's JSON, one row per event with the same id: read only for the page shown.
CREATE TABLE event_json (
    id INTEGER PRIMARY KEY REFERENCES events (id),
    fields TEXT NOT NULL,               -- JSON object: the parsed fields of the kind
    payload TEXT NOT NULL               -- JSON object: the message, status or error as it came
);

-- What text search looks in, one row per event with the same id: the event's values one per line,
-- each once (summary; contact and name; the values, not the keys, of fields and payload), case-
-- folded. Without FTS5 it is scanned with LIKE; with it, search-fts5-1.sql indexes it.
CREATE TABLE event_text (
    id INTEGER PRIMARY KEY REFERENCES events (id),
    text TEXT NOT NULL
);

-- Duplicate detection: a retried message has the same id; the statuses of one message share its
-- id and differ by status, so the pair is the key.
CREATE INDEX events_event_id ON events (event_id, status);
CREATE INDEX events_kind ON events (kind);
CREATE INDEX events_contact ON events (contact, kind);
CREATE INDEX events_received_at ON events (received_at);
CREATE INDEX events_request_id ON events (request_id);

-- The step's number, committed with it.
PRAGMA user_version = 1;
