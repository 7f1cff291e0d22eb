#include "EventStore.h"

#include <atomic>
#include <utility>
#include <vector>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>
#include <QVariant>

#include "MessageCodec.h"
#include "SqlScript.h"

namespace wa {

Q_LOGGING_CATEGORY(lcEventStore, "wa.eventstore")

namespace {

const QLatin1String kDriver("QSQLITE");
const QLatin1String kMemory(":memory:");

// Every event column, in the order fetch() reads them.
const QLatin1String kEventColumns(
    "e.id, e.request_id, e.received_at, e.kind, e.event_id, e.contact, e.contact_name, e.phone_number_id, "
    "e.display_phone_number, e.timestamp, e.context_id, e.context_from, e.family, e.signature, e.duplicate, "
    "e.summary, j.fields, j.payload");

std::atomic<quint64> g_connectionSerial{0};

QString describeValue(const QVariant& value)
{
    constexpr qsizetype kMaxShown = 64;
    if (value.isNull())
        return QStringLiteral("NULL");
    if (value.typeId() == QMetaType::QByteArray) {
        const QByteArray bytes = value.toByteArray();
        return QStringLiteral("<%1 bytes: %2%3>")
            .arg(bytes.size())
            .arg(QString::fromLatin1(bytes.left(kMaxShown).toHex()),
                 bytes.size() > kMaxShown ? QStringLiteral("…") : QString());
    }
    const QString text = value.toString();
    return QLatin1Char('\'') + (text.size() > 2 * kMaxShown ? text.left(2 * kMaxShown) + QStringLiteral("…") : text) +
           QLatin1Char('\'');
}

// Logs a failed query with its SQL and bound values, and returns the error for the caller.
QString logFailure(const QSqlQuery& query, const char* what)
{
    QStringList values;
    const QVariantList bound = query.boundValues();
    for (const QVariant& value : bound)
        values.append(describeValue(value));
    const QString error = query.lastError().text();
    qCWarning(lcEventStore).noquote() << what << "failed:" << error << "| SQL:" << query.lastQuery()
                                      << "| bound values: [" << values.join(QStringLiteral(", ")) << "]";
    return QStringLiteral("%1: %2").arg(QLatin1String(what), error);
}

// Null strings would be bound as NULL; the text columns are NOT NULL.
QString text(const QString& value)
{
    return value.isNull() ? QString(QLatin1String("")) : value;
}

QString compactJson(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject parseObject(const QString& json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

// The searchable text of an event: its values one per line, each once (a text message's body is
// in its fields and in its payload; the sender is its contact and the payload's "from").
class SearchText
{
public:
    void add(const QString& value)
    {
        if (value.isEmpty() || m_seen.contains(value))
            return;
        m_seen.insert(value);
        m_text += value;
        m_text += QLatin1Char('\n');
    }
    // The values of a JSON value, not its keys.
    void addValues(const QJsonValue& value)
    {
        switch (value.type()) {
        case QJsonValue::String:
            add(value.toString());
            break;
        case QJsonValue::Double: {
            const double number = value.toDouble();
            constexpr double kExact = 9007199254740992.0; // 2^53
            if (number < kExact && number > -kExact && number == static_cast<double>(static_cast<qint64>(number)))
                add(QString::number(static_cast<qint64>(number)));
            else
                add(QString::number(number, 'g', QLocale::FloatingPointShortest));
            break;
        }
        case QJsonValue::Array: {
            const QJsonArray array = value.toArray();
            for (const QJsonValue& item : array)
                addValues(item);
            break;
        }
        case QJsonValue::Object: {
            const QJsonObject object = value.toObject();
            for (auto it = object.begin(); it != object.end(); ++it)
                addValues(it.value());
            break;
        }
        case QJsonValue::Bool:
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            break;
        }
    }
    QString text() const { return m_text.isNull() ? QString(QLatin1String("")) : m_text; }

private:
    QSet<QString> m_seen;
    QString m_text;
};

QString searchText(const WebhookEvent& event)
{
    SearchText text;
    text.add(event.summary);
    text.add(event.contact);
    text.add(event.contactName);
    text.addValues(event.fields);
    text.addValues(event.payload);
    return text.text().toCaseFolded();
}

QString statusOf(const WebhookEvent& event)
{
    return event.kind == WebhookEvent::Kind::Status ? event.fields.value(QLatin1String("status")).toString()
                                                    : QString();
}

WebhookEvent::Signature signatureFromName(const QString& name)
{
    for (const auto signature : {WebhookEvent::Signature::Valid, WebhookEvent::Signature::Invalid,
                                 WebhookEvent::Signature::Missing, WebhookEvent::Signature::Unsigned}) {
        if (WebhookEvent::signatureName(signature) == name)
            return signature;
    }
    return WebhookEvent::Signature::Unsigned;
}

QString headersJson(const StoredRequest::HeaderList& headers)
{
    QJsonArray array;
    for (const auto& header : headers)
        array.append(QJsonArray{QString::fromLatin1(header.first), QString::fromLatin1(header.second)});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

StoredRequest::HeaderList headersFromJson(const QString& json)
{
    StoredRequest::HeaderList headers;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue& item : array) {
        const QJsonArray pair = item.toArray();
        headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
    }
    return headers;
}

bool runScripts(QSqlDatabase& db, const QStringList& resources, QString* error)
{
    for (const QString& resource : resources) {
        QStringList statements;
        if (!SqlScript::read(resource, &statements, error))
            return false;
        for (const QString& statement : statements) {
            QSqlQuery query(db);
            if (!query.exec(statement)) {
                *error = logFailure(query, "schema statement");
                return false;
            }
        }
    }
    return true;
}

bool execSimple(QSqlDatabase& db, const QString& sql, const char* what, QString* error)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    if (error)
        *error = logFailure(query, what);
    return false;
}

// Per-connection settings. Both connections get them; the writer's are the ones that matter for
// commits.
bool configure(QSqlDatabase& db, EventStore::Durability durability, QString* error)
{
    // Why NORMAL keeps every acknowledged event when the app is killed: in WAL mode a commit is
    // complete once its frames are written (write(2)) to the -wal file; NORMAL only leaves out
    // the fsync. The written bytes are in the kernel's page cache, which a killed or crashed
    // process cannot take with it, and the next open recovers them from the WAL. Only an OS crash
    // or power cut can lose the last commits. PowerLoss (FULL) fsyncs the WAL on every commit;
    // see BENCHMARKS.md for what that costs here.
    const QString synchronous = durability == EventStore::Durability::PowerLoss
                                    ? QStringLiteral("PRAGMA synchronous = FULL")
                                    : QStringLiteral("PRAGMA synchronous = NORMAL");
    if (!execSimple(db, synchronous, "synchronous", error))
        return false;
    QSqlQuery wal(db);
    if (!wal.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !wal.next()) {
        *error = logFailure(wal, "journal_mode");
        return false;
    }
    if (wal.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        *error = QStringLiteral("the database cannot use WAL (journal mode %1)").arg(wal.value(0).toString());
        return false;
    }
    return true;
}

bool sqliteHasFts5Trigram(QSqlDatabase& db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("CREATE VIRTUAL TABLE temp.wa_fts5_probe USING fts5 (x, tokenize = 'trigram')")))
        return false;
    query.exec(QStringLiteral("DROP TABLE temp.wa_fts5_probe"));
    return true;
}

QString escapeLike(QString text)
{
    text.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    text.replace(QLatin1Char('%'), QLatin1String("\\%"));
    text.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + text + QLatin1Char('%');
}

// A statement and its values, in the order of their '?'.
struct SqlStatement
{
    QString sql;
    QVariantList values;
};

// The ids, ascending, of the events with after < id <= upTo that a filter lets through. With
// after > 0 (bringing a list of ids up to date) the id range leads: `+` keeps SQLite from walking
// a kind or contact index through old rows.
SqlStatement idQuery(const EventFilter& filter, bool fullText, qint64 after, qint64 upTo)
{
    // The trigram index serves `text LIKE '%word%'` for words of three characters or more. Shorter
    // words, and words with a LIKE wildcard (an ESCAPE clause is not passed to the index), are
    // matched by reading event_text: `+text` keeps SQLite from handing them to the index (SQLite
    // 3.40's FTS5 answers a LIKE of fewer than three characters with no rows). The text is stored
    // case-folded, and so is each word, so that case never matters, in any script.
    constexpr qsizetype kShortestIndexed = 3;
    SqlStatement out;
    QStringList terms;
    QVariantList termValues;
    bool indexed = false;
    const QStringList words =
        filter.text.toCaseFolded().split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (const QString& word : words) {
        const bool wildcard =
            word.contains(QLatin1Char('%')) || word.contains(QLatin1Char('_')) || word.contains(QLatin1Char('\\'));
        if (fullText && !wildcard && word.toUcs4().size() >= kShortestIndexed) {
            terms.append(QStringLiteral("text LIKE ?"));
            termValues.append(QString(QLatin1Char('%') + word + QLatin1Char('%')));
            indexed = true;
        } else {
            terms.append(QStringLiteral("+text LIKE ? ESCAPE '\\'"));
            termValues.append(escapeLike(word));
        }
    }
    const QString textTerms = terms.join(QStringLiteral(" AND "));

    if (filter.kinds.isEmpty() && filter.contact.isEmpty() && !terms.isEmpty()) {
        // Text alone: event_text (or its index) has the same ids as events.
        out.sql = indexed ? QStringLiteral("SELECT rowid FROM event_text_index WHERE rowid > ? AND rowid <= ? AND ") +
                                textTerms + QStringLiteral(" ORDER BY rowid")
                          : QStringLiteral("SELECT id FROM event_text WHERE id > ? AND id <= ? AND ") + textTerms +
                                QStringLiteral(" ORDER BY id");
        out.values = {after, upTo};
        out.values += termValues;
        return out;
    }

    const bool newRowsOnly = after > 0;
    QStringList clauses{QStringLiteral("e.id > ? AND e.id <= ?")};
    out.values = {after, upTo};
    if (!filter.kinds.isEmpty()) {
        QStringList marks;
        QSet<WebhookEvent::Kind> seen;
        for (const WebhookEvent::Kind kind : filter.kinds) {
            if (seen.contains(kind))
                continue;
            seen.insert(kind);
            marks.append(QStringLiteral("?"));
            out.values.append(WebhookEvent::kindName(kind));
        }
        clauses.append((newRowsOnly ? QStringLiteral("+e.kind IN (") : QStringLiteral("e.kind IN (")) +
                       marks.join(QStringLiteral(", ")) + QLatin1Char(')'));
    }
    if (!filter.contact.isEmpty()) {
        clauses.append(newRowsOnly ? QStringLiteral("+e.contact = ?") : QStringLiteral("e.contact = ?"));
        out.values.append(filter.contact);
    }
    if (indexed) {
        // The index finds the candidates.
        clauses.append(
            QStringLiteral("e.id IN (SELECT rowid FROM event_text_index WHERE rowid > ? AND rowid <= ? AND ") +
            textTerms + QLatin1Char(')'));
        out.values.append(after);
        out.values.append(upTo);
        out.values += termValues;
    } else if (!terms.isEmpty()) {
        // The kind or contact narrows the events first, and each one's text is looked up.
        clauses.append(QStringLiteral("EXISTS (SELECT 1 FROM event_text t WHERE t.id = e.id AND ") + textTerms +
                       QLatin1Char(')'));
        out.values += termValues;
    }
    out.sql = QStringLiteral("SELECT e.id FROM events e WHERE ") + clauses.join(QStringLiteral(" AND ")) +
              QStringLiteral(" ORDER BY e.id");
    return out;
}

void bindAll(QSqlQuery& query, const QVariantList& values)
{
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
}

// A request to store, or (clear = true) the place in the queue where clear() was called.
struct Pending
{
    StoredRequest request;
    QList<WebhookEvent> events;
    EventStore::Committed committed;
    bool clear = false;
};

struct WriteResult
{
    QList<Pending> writes;
    bool clear = false; // the result of a clear(), not of requests
    bool ok = false;
    qint64 firstRowId = 0;
    int eventCount = 0;
    QString error;
};

} // namespace

struct EventStore::Private
{
    EventStore* q = nullptr;

    // Settings, and what open() found; not changed while open.
    Durability durability = Durability::ProcessCrash;
    int busyTimeoutMs = kDefaultBusyTimeoutMs;
    bool fullTextWanted = true;
    bool isOpen = false;
    bool readOnly = false;
    bool fullText = false;
    QString path;
    QString readerName;
    QString writerName;
    std::unique_ptr<QTemporaryDir> temporaryDir;
    std::unique_ptr<QThread> thread;
    QObject* writerContext = nullptr; // lives in `thread`
    QString lastError;
    int undelivered = 0; // requests enqueued whose callback has not run yet

    // Shared by the two threads, under `mutex`.
    QMutex mutex;
    QList<Pending> queue;       // waiting for the writer
    QList<WriteResult> results; // written or failed, waiting for their callbacks
    bool wakePosted = false;    // a wake() is on its way to the writer
    bool deliverPosted = false; // a deliver() is on its way to the store

    // The writer thread's alone.
    std::unique_ptr<QSqlQuery> insertRequest;
    std::unique_ptr<QSqlQuery> insertEvent;
    std::unique_ptr<QSqlQuery> insertJson;
    std::unique_ptr<QSqlQuery> insertText;
    std::unique_ptr<QSqlQuery> insertIndex; // with FTS5 only
    std::unique_ptr<QSqlQuery> findDuplicate;

    // The ids the last filter asked for let through, ascending, of the rows idsFrom … idsThrough.
    EventFilter idsFilter;
    QList<qint64> ids;
    qint64 idsFrom = 0;
    qint64 idsThrough = 0;
    bool refreshIds(const EventFilter& filter);
    void forgetIds();

    QString connectOptions() const { return QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs); }
    QSqlDatabase reader() const { return QSqlDatabase::database(readerName, false); }

    bool openReader(QString* message);
    // Writer thread.
    bool openWriter(QString* error);
    void closeWriter();
    void append(Pending pending); // store thread
    QList<Pending> takeBatch();
    void wake();
    void drainAll();
    void writeBatch(QList<Pending> batch);
    WriteResult write(QList<Pending> batch);
    bool clearAll(QString* error);
};

bool EventStore::Private::openWriter(QString* error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(kDriver, writerName);
    db.setDatabaseName(path);
    db.setConnectOptions(connectOptions());
    if (!db.open()) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, db.lastError().text());
        return false;
    }
    if (!configure(db, durability, error))
        return false;
    // Checkpoints every 16 MB of WAL instead of 4 MB: index pages written many times over are
    // copied to the database once (10% more events/s; see BENCHMARKS.md).
    if (!execSimple(db, QStringLiteral("PRAGMA wal_autocheckpoint = 4000"), "wal_autocheckpoint", error))
        return false;
    const auto prepared = [&](const QString& sql, std::unique_ptr<QSqlQuery>* query) {
        *query = std::make_unique<QSqlQuery>(db);
        if ((*query)->prepare(sql))
            return true;
        *error = logFailure(**query, "prepare");
        return false;
    };
    if (fullText && !prepared(QStringLiteral("INSERT INTO event_text_index (rowid, text) VALUES (?, ?)"), &insertIndex))
        return false;
    return prepared(QStringLiteral("INSERT INTO requests (received_at, method, target, headers, body, signature, "
                                   "status_code, remote_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    &insertRequest) &&
           prepared(QStringLiteral("INSERT INTO events (request_id, received_at, kind, event_id, status, contact, "
                                   "contact_name, phone_number_id, display_phone_number, timestamp, context_id, "
                                   "context_from, family, signature, duplicate, summary) VALUES "
                                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    &insertEvent) &&
           prepared(QStringLiteral("INSERT INTO event_json (id, fields, payload) VALUES (?, ?, ?)"), &insertJson) &&
           prepared(QStringLiteral("INSERT INTO event_text (id, text) VALUES (?, ?)"), &insertText) &&
           prepared(QStringLiteral("SELECT 1 FROM events WHERE event_id = ? AND status = ? LIMIT 1"), &findDuplicate);
}

void EventStore::Private::closeWriter()
{
    insertRequest.reset();
    insertEvent.reset();
    insertJson.reset();
    insertText.reset();
    insertIndex.reset();
    findDuplicate.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(writerName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(writerName);
}

// The next transaction's worth: up to kMaxBatchRequests requests, stopping at a clear() (which
// goes alone).
QList<Pending> EventStore::Private::takeBatch()
{
    QMutexLocker lock(&mutex);
    qsizetype n = 0;
    if (!queue.isEmpty() && queue.first().clear) {
        n = 1;
    } else {
        while (n < queue.size() && n < kMaxBatchRequests && !queue.at(n).clear)
            ++n;
    }
    QList<Pending> batch = queue.mid(0, n);
    queue.remove(0, n);
    return batch;
}

// One batch per turn of the writer's event loop, so that flush() and close() get their turn
// under a steady load.
void EventStore::Private::wake()
{
    QList<Pending> batch = takeBatch();
    bool more = false;
    {
        QMutexLocker lock(&mutex);
        more = !queue.isEmpty();
        wakePosted = more;
    }
    if (!batch.isEmpty())
        writeBatch(std::move(batch));
    if (more)
        QMetaObject::invokeMethod(
            writerContext, [this] { wake(); }, Qt::QueuedConnection);
}

void EventStore::Private::drainAll()
{
    for (;;) {
        QList<Pending> batch = takeBatch();
        if (batch.isEmpty())
            return;
        writeBatch(std::move(batch));
    }
}

void EventStore::Private::writeBatch(QList<Pending> batch)
{
    WriteResult result;
    if (batch.first().clear) {
        result.clear = true;
        result.ok = clearAll(&result.error);
    } else {
        result = write(std::move(batch));
    }
    bool post = false;
    {
        QMutexLocker lock(&mutex);
        results.append(std::move(result));
        post = !deliverPosted;
        deliverPosted = true;
    }
    if (post)
        QMetaObject::invokeMethod(
            q, [store = q] { store->deliver(); }, Qt::QueuedConnection);
}

WriteResult EventStore::Private::write(QList<Pending> batch)
{
    WriteResult result;
    result.writes = std::move(batch);
    QSqlDatabase db = QSqlDatabase::database(writerName, false);
    QSqlQuery control(db);
    const auto fail = [&](const QSqlQuery& query, const char* what) {
        result.error = logFailure(query, what);
        if (db.isOpen()) {
            QSqlQuery rollback(db);
            rollback.exec(QStringLiteral("ROLLBACK"));
        }
        result.ok = false;
        result.firstRowId = 0;
        result.eventCount = 0;
        return std::move(result);
    };
    // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so that nothing
    // after it can fail for a lock.
    if (!control.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return fail(control, "BEGIN");

    QSet<QString> seen; // id and status of the events of this batch
    std::vector<bool> duplicates;
    for (const Pending& pending : std::as_const(result.writes)) {
        const StoredRequest& request = pending.request;
        insertRequest->bindValue(0, request.receivedAt);
        insertRequest->bindValue(1, text(QString::fromLatin1(request.method)));
        insertRequest->bindValue(2, text(QString::fromLatin1(request.target)));
        insertRequest->bindValue(3, headersJson(request.headers));
        insertRequest->bindValue(4, request.body.isNull() ? QByteArray("") : request.body);
        insertRequest->bindValue(5, WebhookEvent::signatureName(request.signature));
        insertRequest->bindValue(6, request.statusCode);
        insertRequest->bindValue(7, text(request.remoteAddress));
        if (!insertRequest->exec())
            return fail(*insertRequest, "insert request");
        const qint64 requestId = insertRequest->lastInsertId().toLongLong();

        for (const WebhookEvent& event : pending.events) {
            const QString status = statusOf(event);
            bool duplicate = false;
            if (!event.id.isEmpty()) {
                const QString key = event.id + QChar(0x1f) + status;
                if (seen.contains(key)) {
                    duplicate = true;
                } else {
                    seen.insert(key);
                    findDuplicate->bindValue(0, event.id);
                    findDuplicate->bindValue(1, text(status));
                    if (!findDuplicate->exec())
                        return fail(*findDuplicate, "find duplicate");
                    duplicate = findDuplicate->next();
                    findDuplicate->finish();
                }
            }
            duplicates.push_back(duplicate);

            insertEvent->bindValue(0, requestId);
            insertEvent->bindValue(1, request.receivedAt);
            insertEvent->bindValue(2, WebhookEvent::kindName(event.kind));
            insertEvent->bindValue(3, event.id.isEmpty() ? QVariant() : QVariant(event.id));
            insertEvent->bindValue(4, text(status));
            insertEvent->bindValue(5, text(event.contact));
            insertEvent->bindValue(6, text(event.contactName));
            insertEvent->bindValue(7, text(event.phoneNumberId));
            insertEvent->bindValue(8, text(event.displayPhoneNumber));
            insertEvent->bindValue(9, event.timestamp.isValid() ? QVariant(event.timestamp.toMSecsSinceEpoch())
                                                                : QVariant());
            insertEvent->bindValue(10, text(event.contextId));
            insertEvent->bindValue(11, text(event.contextFrom));
            insertEvent->bindValue(12, familyName(event.family));
            insertEvent->bindValue(13, WebhookEvent::signatureName(event.signature));
            insertEvent->bindValue(14, duplicate ? 1 : 0);
            insertEvent->bindValue(15, text(event.summary));
            if (!insertEvent->exec())
                return fail(*insertEvent, "insert event");
            const qint64 rowId = insertEvent->lastInsertId().toLongLong();
            if (result.eventCount == 0)
                result.firstRowId = rowId;
            ++result.eventCount;

            insertJson->bindValue(0, rowId);
            insertJson->bindValue(1, compactJson(event.fields));
            insertJson->bindValue(2, compactJson(event.payload));
            if (!insertJson->exec())
                return fail(*insertJson, "insert event JSON");

            const QString searchable = searchText(event);
            insertText->bindValue(0, rowId);
            insertText->bindValue(1, searchable);
            if (!insertText->exec())
                return fail(*insertText, "insert search text");
            if (insertIndex) {
                insertIndex->bindValue(0, rowId);
                insertIndex->bindValue(1, searchable);
                if (!insertIndex->exec())
                    return fail(*insertIndex, "index search text");
            }
        }
    }
    if (!control.exec(QStringLiteral("COMMIT")))
        return fail(control, "COMMIT");

    // Committed: only now do the events say what the store found.
    std::size_t i = 0;
    for (Pending& pending : result.writes) {
        for (WebhookEvent& event : pending.events)
            event.duplicate = duplicates.at(i++);
    }
    result.ok = true;
    return result;
}

bool EventStore::Private::clearAll(QString* error)
{
    QSqlDatabase db = QSqlDatabase::database(writerName, false);
    QSqlQuery control(db);
    if (!control.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = logFailure(control, "BEGIN");
        return false;
    }
    // DELETE without WHERE on an ordinary table only frees its pages; the text index is emptied
    // as a whole, not row by row.
    if ((fullText &&
         !execSimple(db, QStringLiteral("INSERT INTO event_text_index (event_text_index) VALUES ('delete-all')"),
                     "clear", error)) ||
        !execSimple(db, QStringLiteral("DELETE FROM event_text"), "clear", error) ||
        !execSimple(db, QStringLiteral("DELETE FROM event_json"), "clear", error) ||
        !execSimple(db, QStringLiteral("DELETE FROM events"), "clear", error) ||
        !execSimple(db, QStringLiteral("DELETE FROM requests"), "clear", error) ||
        !execSimple(db, QStringLiteral("COMMIT"), "COMMIT", error)) {
        execSimple(db, QStringLiteral("ROLLBACK"), "ROLLBACK", nullptr);
        return false;
    }
    return true;
}

// The store's own connection: settings, then the schema or the migrations up to kSchemaVersion.
bool EventStore::Private::openReader(QString* message)
{
    const auto fail = [&](const QString& why) {
        *message = QStringLiteral("cannot open %1: %2").arg(path, why);
        return false;
    };
    QSqlDatabase db = QSqlDatabase::addDatabase(kDriver, readerName);
    db.setDatabaseName(path);
    db.setConnectOptions(connectOptions());
    if (!db.open())
        return fail(db.lastError().text());
    if (!configure(db, durability, message))
        return fail(*message);

    // The schema, or the migrations up to kSchemaVersion, in one transaction; the version is
    // read again inside it in case another store has just done the same.
    const bool fts5 = sqliteHasFts5Trigram(db);
    if (!execSimple(db, QStringLiteral("BEGIN IMMEDIATE"), "BEGIN", message))
        return fail(*message);
    const auto rollback = [&](const QString& why) {
        execSimple(db, QStringLiteral("ROLLBACK"), "ROLLBACK", nullptr);
        return fail(why);
    };
    QSqlQuery version(db);
    if (!version.exec(QStringLiteral("PRAGMA user_version")) || !version.next())
        return rollback(logFailure(version, "user_version"));
    const int found = version.value(0).toInt();
    version.finish();
    if (found > kSchemaVersion) {
        return rollback(QStringLiteral("it was written by a newer version (schema version %1; this one knows up "
                                       "to %2)")
                            .arg(found)
                            .arg(kSchemaVersion));
    }
    if (found < 1) {
        // Version 1: the tables, and search with FTS5 when SQLite has it. The script sets
        // user_version itself, so the step and its number commit together.
        const bool withIndex = fts5 && fullTextWanted;
        QStringList scripts{QStringLiteral(":/sql/schema-1.sql")};
        if (withIndex)
            scripts.append(QStringLiteral(":/sql/search-fts5-1.sql"));
        if (!runScripts(db, scripts, message))
            return rollback(*message);
    }
    if (!execSimple(db, QStringLiteral("COMMIT"), "COMMIT", message))
        return rollback(*message);

    // Whether the file has the text index decides how text is searched, whatever this SQLite offers.
    QSqlQuery search(db);
    search.prepare(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = ?"));
    search.bindValue(0, QStringLiteral("event_text_index"));
    if (!search.exec() || !search.next())
        return fail(logFailure(search, "text index"));
    fullText = search.value(0).toInt() > 0;
    if (fullText && !fts5)
        return fail(QStringLiteral("its text index needs SQLite's FTS5, which this SQLite lacks"));
    if (!fullText && !fts5)
        qCWarning(lcEventStore) << "this SQLite has no FTS5: text search scans every event with LIKE";
    return true;
}

EventStore::EventStore(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
}

EventStore::~EventStore()
{
    close();
}

void EventStore::setDurability(Durability durability)
{
    d->durability = durability;
}

EventStore::Durability EventStore::durability() const
{
    return d->durability;
}

void EventStore::setBusyTimeout(int milliseconds)
{
    d->busyTimeoutMs = milliseconds;
}

void EventStore::setFullTextIndexEnabled(bool enabled)
{
    d->fullTextWanted = enabled;
}

bool EventStore::failed(const QString& message, QString* error)
{
    d->lastError = message;
    qCWarning(lcEventStore).noquote() << message;
    if (error)
        *error = message;
    close();
    return false;
}

bool EventStore::open(const QString& path, QString* error)
{
    return open(path, false, error);
}

bool EventStore::openForReading(const QString& path, QString* error)
{
    return open(path, true, error);
}

bool EventStore::isReadOnly() const
{
    return d->readOnly;
}

bool EventStore::open(const QString& path, bool readOnly, QString* error)
{
    close();
    d->lastError.clear();
    d->readOnly = readOnly;
    if (readOnly && path == kMemory)
        return failed(QStringLiteral("a private database (%1) has no other store writing it").arg(kMemory), error);
    QString file = path;
    if (path == kMemory) {
        d->temporaryDir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("wa-events-XXXXXX")));
        if (!d->temporaryDir->isValid())
            return failed(QStringLiteral("cannot make a temporary folder: %1").arg(d->temporaryDir->errorString()),
                          error);
        file = d->temporaryDir->filePath(QStringLiteral("events.sqlite"));
    }
    d->path = file;
    const quint64 serial = ++g_connectionSerial;
    d->readerName = QStringLiteral("wa.eventstore.%1.reader").arg(serial);
    d->writerName = QStringLiteral("wa.eventstore.%1.writer").arg(serial);

    QString message;
    if (!d->openReader(&message))
        return failed(message, error);
    if (readOnly) {
        d->isOpen = true;
        return true;
    }

    d->thread = std::make_unique<QThread>();
    d->thread->setObjectName(QStringLiteral("wa-eventstore-writer"));
    d->writerContext = new QObject;
    d->writerContext->moveToThread(d->thread.get());
    d->thread->start();
    bool writerOpen = false;
    QMetaObject::invokeMethod(
        d->writerContext, [&] { writerOpen = d->openWriter(&message); }, Qt::BlockingQueuedConnection);
    if (!writerOpen)
        return failed(message, error);
    d->isOpen = true;
    return true;
}

void EventStore::close()
{
    if (d->isOpen)
        flush();
    d->isOpen = false;
    if (d->thread) {
        if (d->thread->isRunning()) {
            QMetaObject::invokeMethod(
                d->writerContext, [this] { d->closeWriter(); }, Qt::BlockingQueuedConnection);
            d->thread->quit();
            d->thread->wait();
        }
        delete d->writerContext;
        d->writerContext = nullptr;
        d->thread.reset();
    }
    // Anything left (the writer never opened) is answered as not stored.
    {
        QMutexLocker lock(&d->mutex);
        for (Pending& pending : d->queue) {
            if (pending.clear)
                continue;
            WriteResult result;
            result.writes.append(std::move(pending));
            result.error = QStringLiteral("the event store was closed");
            d->results.append(std::move(result));
        }
        d->queue.clear();
    }
    deliver();
    if (!d->readerName.isEmpty()) {
        {
            QSqlDatabase db = d->reader();
            db.close();
        }
        QSqlDatabase::removeDatabase(d->readerName);
        d->readerName.clear();
    }
    d->temporaryDir.reset();
    d->forgetIds();
}

bool EventStore::isOpen() const
{
    return d->isOpen;
}

QString EventStore::path() const
{
    return d->path;
}

bool EventStore::hasFullTextIndex() const
{
    return d->fullText;
}

QString EventStore::lastError() const
{
    return d->lastError;
}

void EventStore::enqueue(StoredRequest request, QList<WebhookEvent> events, Committed committed)
{
    if (!d->isOpen || d->readOnly) {
        if (d->isOpen)
            d->lastError = QStringLiteral("the event store was opened for reading only");
        QMetaObject::invokeMethod(
            this,
            [committed = std::move(committed), events = std::move(events)]() mutable {
                if (committed)
                    committed(false, std::move(events));
            },
            Qt::QueuedConnection);
        return;
    }
    ++d->undelivered;
    d->append(Pending{std::move(request), std::move(events), std::move(committed), false});
}

void EventStore::Private::append(Pending pending)
{
    bool post = false;
    {
        QMutexLocker lock(&mutex);
        queue.append(std::move(pending));
        post = !wakePosted;
        wakePosted = true;
    }
    if (post)
        QMetaObject::invokeMethod(
            writerContext, [this] { wake(); }, Qt::QueuedConnection);
}

bool EventStore::flush()
{
    if (d->isOpen && !d->readOnly)
        QMetaObject::invokeMethod(
            d->writerContext, [this] { d->drainAll(); }, Qt::BlockingQueuedConnection);
    return deliver();
}

bool EventStore::deliver()
{
    QList<WriteResult> results;
    {
        QMutexLocker lock(&d->mutex);
        results.swap(d->results);
        d->deliverPosted = false;
    }
    bool allStored = true;
    for (WriteResult& result : results) {
        if (!result.ok) {
            allStored = false;
            d->lastError = result.error;
        }
        if (result.clear) {
            if (result.ok) {
                d->forgetIds();
                emit cleared();
            } else {
                emit writeFailed(result.error);
            }
            continue;
        }
        for (Pending& pending : result.writes) {
            d->undelivered = qMax(0, d->undelivered - 1);
            if (pending.committed)
                pending.committed(result.ok, std::move(pending.events));
        }
        if (result.ok && result.eventCount > 0)
            emit eventsAdded(result.firstRowId, result.eventCount);
        if (!result.ok)
            emit writeFailed(result.error);
    }
    return allStored;
}

void EventStore::noteAdded(qint64 firstRowId, int count)
{
    emit eventsAdded(firstRowId, count);
}

void EventStore::noteCleared()
{
    d->forgetIds();
    emit cleared();
}

int EventStore::pendingRequests() const
{
    return d->undelivered;
}

// Brings the ids of the last filter asked up to date: all of them when the filter is new, else
// only the rows added since. Rows are only ever added, or all deleted by clear(); ids are never
// reused (AUTOINCREMENT), so a first id other than the one the list started from means the rows
// it came from are gone, whoever cleared them. Both statements read one snapshot.
bool EventStore::Private::refreshIds(const EventFilter& filter)
{
    if (!(idsFilter == filter))
        forgetIds();
    idsFilter = filter;
    QSqlDatabase db = reader();
    QSqlQuery snapshot(db);
    if (!snapshot.exec(QStringLiteral("BEGIN"))) {
        lastError = logFailure(snapshot, "BEGIN");
        return false;
    }
    const auto end = [&](bool ok) {
        QSqlQuery done(db);
        done.exec(QStringLiteral("COMMIT"));
        return ok;
    };
    qint64 first = 0;
    qint64 last = 0;
    {
        QSqlQuery range(db);
        range.setForwardOnly(true);
        // Two subqueries: SQLite answers min() or max() alone from the b-tree's ends, both in one
        // SELECT with a scan.
        if (!range.exec(QStringLiteral(
                "SELECT coalesce((SELECT min(id) FROM events), 0), coalesce((SELECT max(id) FROM events), 0)")) ||
            !range.next()) {
            lastError = logFailure(range, "event ids");
            return end(false);
        }
        first = range.value(0).toLongLong();
        last = range.value(1).toLongLong();
    }
    if (first != idsFrom || last < idsThrough) {
        ids.clear();
        idsThrough = 0;
        idsFrom = first;
    }
    if (last == idsThrough)
        return end(true);
    const SqlStatement select = idQuery(filter, fullText, idsThrough, last);
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(select.sql)) {
        lastError = logFailure(query, "filter");
        return end(false);
    }
    bindAll(query, select.values);
    if (!query.exec()) {
        lastError = logFailure(query, "filter");
        return end(false);
    }
    while (query.next())
        ids.append(query.value(0).toLongLong());
    idsThrough = last;
    return end(true);
}

void EventStore::Private::forgetIds()
{
    idsFilter = EventFilter();
    ids.clear();
    idsFrom = 0;
    idsThrough = 0;
}

int EventStore::count(const EventFilter& filter)
{
    if (!d->isOpen || !d->refreshIds(filter))
        return 0;
    return static_cast<int>(d->ids.size());
}

QList<StoredEvent> EventStore::fetch(const EventFilter& filter, int offset, int limit)
{
    QList<StoredEvent> out;
    if (!d->isOpen || limit <= 0 || offset < 0 || !d->refreshIds(filter) || offset >= d->ids.size())
        return out;
    const QList<qint64> page = d->ids.mid(offset, limit);
    out.reserve(page.size());
    // The rows of the page by id, a few hundred ids a statement.
    constexpr qsizetype kIdsPerStatement = 500;
    for (qsizetype from = 0; from < page.size(); from += kIdsPerStatement) {
        const qsizetype n = qMin(kIdsPerStatement, page.size() - from);
        QStringList marks;
        for (qsizetype i = 0; i < n; ++i)
            marks.append(QStringLiteral("?"));
        QSqlQuery query(d->reader());
        query.setForwardOnly(true);
        if (!query.prepare(QStringLiteral("SELECT ") + kEventColumns +
                           QStringLiteral(" FROM events e JOIN event_json j ON j.id = e.id WHERE e.id IN (") +
                           marks.join(QStringLiteral(", ")) + QStringLiteral(") ORDER BY e.id"))) {
            d->lastError = logFailure(query, "fetch");
            return out;
        }
        for (qsizetype i = 0; i < n; ++i)
            query.bindValue(static_cast<int>(i), page.at(from + i));
        if (!query.exec()) {
            d->lastError = logFailure(query, "fetch");
            return out;
        }
        while (query.next()) {
            StoredEvent stored;
            stored.rowId = query.value(0).toLongLong();
            stored.requestId = query.value(1).toLongLong();
            stored.receivedAt = query.value(2).toLongLong();
            WebhookEvent& event = stored.event;
            event.kind = WebhookEvent::kindFromName(query.value(3).toString());
            event.id = query.value(4).toString();
            event.contact = query.value(5).toString();
            event.contactName = query.value(6).toString();
            event.phoneNumberId = query.value(7).toString();
            event.displayPhoneNumber = query.value(8).toString();
            const QVariant timestamp = query.value(9);
            if (!timestamp.isNull())
                event.timestamp = QDateTime::fromMSecsSinceEpoch(timestamp.toLongLong(), Qt::UTC);
            event.contextId = query.value(10).toString();
            event.contextFrom = query.value(11).toString();
            event.family = familyFromName(query.value(12).toString()).value_or(ApiFamily::Cloud);
            event.signature = signatureFromName(query.value(13).toString());
            event.duplicate = query.value(14).toInt() != 0;
            event.summary = query.value(15).toString();
            event.fields = parseObject(query.value(16).toString());
            event.payload = parseObject(query.value(17).toString());
            out.append(std::move(stored));
        }
    }
    return out;
}

std::optional<StoredRequest> EventStore::request(qint64 requestId)
{
    if (!d->isOpen)
        return std::nullopt;
    QSqlQuery query(d->reader());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id, received_at, method, target, headers, body, signature, status_code, "
                                 "remote_address FROM requests WHERE id = ?"));
    query.bindValue(0, requestId);
    if (!query.exec()) {
        d->lastError = logFailure(query, "request");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    StoredRequest request;
    request.id = query.value(0).toLongLong();
    request.receivedAt = query.value(1).toLongLong();
    request.method = query.value(2).toString().toLatin1();
    request.target = query.value(3).toString().toLatin1();
    request.headers = headersFromJson(query.value(4).toString());
    request.body = query.value(5).toByteArray();
    request.signature = signatureFromName(query.value(6).toString());
    request.statusCode = query.value(7).toInt();
    request.remoteAddress = query.value(8).toString();
    return request;
}

void EventStore::clear()
{
    if (d->isOpen && d->readOnly) {
        d->lastError = QStringLiteral("the event store was opened for reading only: clear it where it is written");
        QMetaObject::invokeMethod(
            this, [this, error = d->lastError] { emit writeFailed(error); }, Qt::QueuedConnection);
        return;
    }
    if (d->isOpen)
        d->append(Pending{{}, {}, {}, true});
}

} // namespace wa
