#include "SendHistory.h"

#include <atomic>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include "SqlScript.h"

namespace wa {

Q_LOGGING_CATEGORY(lcSendHistory, "wa.sendhistory")

namespace {

const QLatin1String kDriver("QSQLITE");
// How long a write waits for another connection's lock (a second window on the same file).
constexpr int kBusyTimeoutMs = 5000;

std::atomic<quint64> g_connectionSerial{0};

// The furthest status wins; anything else a webhook calls a status ("deleted", "warning", …) does
// not tell where a message is, and is not kept.
struct StatusRank
{
    QLatin1String name;
    int rank;
};
const StatusRank kStatusRanks[] = {
    {QLatin1String("sent"), 1},
    {QLatin1String("delivered"), 2},
    {QLatin1String("read"), 3},
    {QLatin1String("failed"), 4},
};

int rankOf(const QString& status)
{
    for (const StatusRank& known : kStatusRanks) {
        if (status == known.name)
            return known.rank;
    }
    return 0;
}

// Every column a SentRecord is read from, in order; the delivery columns come from the joined
// furthest status (NULL before any arrived).
const QLatin1String kSelectRecords(
    "SELECT s.id, s.sent_at_ms, s.profile_name, s.profile_kind, s.recipient, s.payload, s.result, s.http_status, "
    "s.response_body, s.message_id, s.summary, s.exchanges_json, st.status, st.timestamp_ms, st.error_text "
    "FROM sends s LEFT JOIN statuses st ON st.message_id = s.message_id "
    "AND st.rank = (SELECT max(rank) FROM statuses WHERE message_id = s.message_id) ");

QString describeValue(const QVariant& value)
{
    constexpr qsizetype kMaxShown = 64;
    if (value.isNull())
        return QStringLiteral("NULL");
    const QString text =
        value.typeId() == QMetaType::QByteArray ? QString::fromUtf8(value.toByteArray()) : value.toString();
    return QLatin1Char('\'') + (text.size() > kMaxShown ? text.left(kMaxShown) + QStringLiteral("…") : text) +
           QLatin1Char('\'');
}

// Logs a failed query with what it was for, its SQL and its bound values (shortened; nothing in
// the history is secret), and returns the error for lastError().
QString logFailure(const QSqlQuery& query, const char* what)
{
    QStringList values;
    const QVariantList bound = query.boundValues();
    for (const QVariant& value : bound)
        values.append(describeValue(value));
    const QString error = query.lastError().text();
    qCWarning(lcSendHistory).noquote() << "send history:" << what << "failed:" << error << "| SQL:" << query.lastQuery()
                                       << "| bound values: [" << values.join(QStringLiteral(", ")) << "]";
    return QStringLiteral("%1: %2").arg(QLatin1String(what), error);
}

// Null strings and byte arrays would be bound as NULL; the columns are NOT NULL.
QString text(const QString& value)
{
    return value.isNull() ? QString(QLatin1String("")) : value;
}

QByteArray bytes(const QByteArray& value)
{
    return value.isNull() ? QByteArray("") : value;
}

// "131047: Re-engagement message — Message failed to send because …", one per error, from a
// status's errors[] (Cloud API: code, title, message, error_data.details; On-Premises: code,
// title, details).
QString errorsText(const QJsonArray& errors)
{
    QStringList all;
    for (const QJsonValue& value : errors) {
        const QJsonObject error = value.toObject();
        const QJsonValue codeValue = error.value(QLatin1String("code"));
        const QString code = codeValue.isDouble() ? QString::number(codeValue.toInteger()) : codeValue.toString();
        QString what = error.value(QLatin1String("title")).toString();
        if (what.isEmpty())
            what = error.value(QLatin1String("message")).toString();
        QString details =
            error.value(QLatin1String("error_data")).toObject().value(QLatin1String("details")).toString();
        if (details.isEmpty())
            details = error.value(QLatin1String("details")).toString();
        QString one = code;
        if (!what.isEmpty())
            one += (one.isEmpty() ? QString() : QStringLiteral(": ")) + what;
        if (!details.isEmpty() && details != what)
            one += (one.isEmpty() ? QString() : QStringLiteral(" \u2014 ")) + details;
        if (!one.isEmpty())
            all.append(one);
    }
    return all.join(QStringLiteral("; "));
}

// The message request's answer: the last "message" exchange; without one (a login that failed,
// nothing sent), the API error that stopped the send, if any.
void messageAnswer(const SendOutcome& outcome, int* status, QByteArray* body)
{
    for (auto it = outcome.exchanges.crbegin(); it != outcome.exchanges.crend(); ++it) {
        if (it->step == QLatin1String("message")) {
            *status = it->status;
            *body = it->responseBody;
            return;
        }
    }
    if (outcome.result == SendOutcome::Result::ApiError) {
        *status = outcome.apiError.httpStatus;
        *body = outcome.apiError.rawBody;
    }
}

SentRecord readRecord(const QSqlQuery& query)
{
    SentRecord record;
    record.id = query.value(0).toLongLong();
    record.sentAt = QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong(), Qt::UTC);
    record.profileName = query.value(2).toString();
    const QString kind = query.value(3).toString();
    if (!profileKindFromName(kind, &record.profileKind))
        qCWarning(lcSendHistory).noquote() << "send history: row" << record.id << "has an unknown profile kind" << kind;
    record.recipient = query.value(4).toString();
    record.payload = query.value(5).toByteArray();
    const QString result = query.value(6).toString();
    if (!sendResultFromName(result, &record.result))
        qCWarning(lcSendHistory).noquote() << "send history: row" << record.id << "has an unknown result" << result;
    record.httpStatus = query.value(7).toInt();
    record.responseBody = query.value(8).toByteArray();
    record.messageId = query.value(9).toString();
    record.summary = query.value(10).toString();
    record.exchangesJson = query.value(11).toString().toUtf8();
    record.deliveryStatus = query.value(12).toString();
    if (const QVariant at = query.value(13); !at.isNull())
        record.deliveryAt = QDateTime::fromMSecsSinceEpoch(at.toLongLong(), Qt::UTC);
    record.deliveryError = query.value(14).toString();
    return record;
}

// Opens the connection and brings its schema to kSchemaVersion; empty, or why not. The caller
// removes the connection on failure, once no handle to it is left.
QString openDatabase(const QString& connectionName, const QString& path)
{
    if (path.isEmpty())
        return QStringLiteral("no file name given");
    if (!QSqlDatabase::isDriverAvailable(kDriver))
        return QStringLiteral("the Qt SQLite driver (QSQLITE) is not available");
    // SQLite only says "unable to open database file" for these.
    if (path != QLatin1String(":memory:")) {
        const QFileInfo file(path);
        if (file.isDir())
            return QStringLiteral("it is a folder, not a file");
        if (!file.exists() && !file.dir().exists())
            return QStringLiteral("the folder %1 does not exist").arg(QDir::toNativeSeparators(file.absolutePath()));
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(kDriver, connectionName);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.open())
        return db.lastError().text();

    // SQLite opens lazily: the first read is where a directory, a file that is no database or an
    // unreadable one shows.
    QSqlQuery version(db);
    if (!version.exec(QStringLiteral("PRAGMA user_version")) || !version.next())
        return logFailure(version, "reading the schema version");
    const int found = version.value(0).toInt();
    version.finish();
    if (found > SendHistory::kSchemaVersion)
        return QStringLiteral("it was written by a newer version of wa-composer (schema %1; this one knows up to %2)")
            .arg(found)
            .arg(SendHistory::kSchemaVersion);

    if (found < SendHistory::kSchemaVersion) {
        // Every step from the version found, in one transaction: a failure leaves the file as it
        // was. IMMEDIATE takes the write lock now, so a read-only file fails here, before any change.
        QSqlQuery control(db);
        if (!control.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return logFailure(control, "starting the schema transaction");
        const auto rollBack = [&db](const QString& why) {
            QSqlQuery rollback(db);
            rollback.exec(QStringLiteral("ROLLBACK"));
            return why;
        };
        for (int step = found + 1; step <= SendHistory::kSchemaVersion; ++step) {
            QStringList statements;
            QString why;
            if (!SqlScript::read(QStringLiteral(":/sql/history-%1.sql").arg(step), &statements, &why))
                return rollBack(why);
            for (const QString& statement : std::as_const(statements)) {
                QSqlQuery query(db);
                if (!query.exec(statement))
                    return rollBack(logFailure(query, "schema statement"));
            }
        }
        if (!control.exec(QStringLiteral("COMMIT")))
            return rollBack(logFailure(control, "committing the schema"));
    }

    // A database of another program can have a user_version too: make sure this one is ours.
    QSqlQuery tables(db);
    if (!tables.exec(QStringLiteral(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('sends', 'statuses')")) ||
        !tables.next())
        return logFailure(tables, "checking the tables");
    if (tables.value(0).toInt() != 2)
        return QStringLiteral("it is not a send history (it has no sends and statuses tables)");
    return {};
}

} // namespace

SendHistory::SendHistory(QObject* parent)
    : QObject(parent)
    , m_connectionName(QStringLiteral("wa.sendhistory.%1").arg(++g_connectionSerial))
{
}

SendHistory::~SendHistory()
{
    close();
}

bool SendHistory::open(const QString& path, QString* error)
{
    close();
    const QString why = openDatabase(m_connectionName, path);
    if (why.isEmpty()) {
        m_lastError.clear();
        return true;
    }
    close();
    m_lastError = QStringLiteral("Cannot open the send history %1: %2").arg(path, why);
    qCWarning(lcSendHistory).noquote() << m_lastError;
    if (error)
        *error = m_lastError;
    return false;
}

bool SendHistory::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen();
}

void SendHistory::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

qint64 SendHistory::record(const ConnectionProfile& profile, const QString& recipient, const QByteArray& payload,
                           const SendOutcome& outcome, const QDateTime& sentAt)
{
    if (!isOpen()) {
        m_lastError = QStringLiteral("The send history is not open");
        return 0;
    }
    int httpStatus = 0;
    QByteArray responseBody;
    messageAnswer(outcome, &httpStatus, &responseBody);
    const QDateTime at = sentAt.isValid() ? sentAt : QDateTime::currentDateTimeUtc();

    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.prepare(QStringLiteral("INSERT INTO sends (sent_at_ms, profile_name, profile_kind, recipient, payload, "
                                      "result, http_status, response_body, message_id, summary, exchanges_json) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))) {
        m_lastError = logFailure(query, "preparing to record a send");
        return 0;
    }
    query.bindValue(0, at.toMSecsSinceEpoch());
    query.bindValue(1, text(profile.name));
    query.bindValue(2, profileKindName(profile.kind));
    query.bindValue(3, text(recipient));
    query.bindValue(4, bytes(payload));
    query.bindValue(5, sendResultName(outcome.result));
    query.bindValue(6, httpStatus);
    query.bindValue(7, bytes(responseBody));
    query.bindValue(8, text(outcome.messageId));
    query.bindValue(9, text(outcome.summary()));
    query.bindValue(
        10, QString::fromUtf8(QJsonDocument(exchangesToJson(outcome.exchanges)).toJson(QJsonDocument::Compact)));
    if (!query.exec()) {
        m_lastError = logFailure(query, "recording a send");
        return 0;
    }
    const qint64 id = query.lastInsertId().toLongLong();
    emit changed();
    return id;
}

int SendHistory::applyStatuses(const QList<WebhookEvent>& events)
{
    struct Row
    {
        QString messageId;
        QString status;
        int rank;
        QVariant timestampMs;
        QString errorText;
    };
    QList<Row> rows;
    for (const WebhookEvent& event : events) {
        if (event.kind != WebhookEvent::Kind::Status || event.id.isEmpty())
            continue;
        const QString status = event.fields.value(QLatin1String("status")).toString();
        const int rank = rankOf(status);
        if (rank == 0)
            continue;
        rows.append({event.id, status, rank,
                     event.timestamp.isValid() ? QVariant(event.timestamp.toMSecsSinceEpoch()) : QVariant(),
                     text(errorsText(event.fields.value(QLatin1String("errors")).toArray()))});
    }
    if (rows.isEmpty())
        return 0;
    if (!isOpen()) {
        m_lastError = QStringLiteral("The send history is not open");
        return 0;
    }

    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery control(db);
    if (!control.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        m_lastError = logFailure(control, "starting to store statuses");
        return 0;
    }
    int added = 0;
    {
        // A status already kept for the message (a retried webhook) is ignored by the key.
        QSqlQuery insert(db);
        bool ok = insert.prepare(QStringLiteral("INSERT OR IGNORE INTO statuses (message_id, status, rank, "
                                                "timestamp_ms, error_text) VALUES (?, ?, ?, ?, ?)"));
        for (qsizetype i = 0; ok && i < rows.size(); ++i) {
            const Row& row = rows.at(i);
            insert.bindValue(0, row.messageId);
            insert.bindValue(1, row.status);
            insert.bindValue(2, row.rank);
            insert.bindValue(3, row.timestampMs);
            insert.bindValue(4, row.errorText);
            ok = insert.exec();
            if (ok && insert.numRowsAffected() > 0)
                ++added;
        }
        if (!ok) {
            m_lastError = logFailure(insert, "storing a status");
            QSqlQuery rollback(db);
            rollback.exec(QStringLiteral("ROLLBACK"));
            return 0;
        }
    }
    if (!control.exec(QStringLiteral("COMMIT"))) {
        m_lastError = logFailure(control, "committing statuses");
        QSqlQuery rollback(db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        return 0;
    }
    if (added > 0)
        emit changed();
    return added;
}

QList<SentRecord> SendHistory::records(int limit, int offset) const
{
    QList<SentRecord> out;
    if (!isOpen() || limit <= 0 || offset < 0)
        return out;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (!query.prepare(QString(kSelectRecords) +
                       QStringLiteral("ORDER BY s.sent_at_ms DESC, s.id DESC LIMIT ? OFFSET ?"))) {
        m_lastError = logFailure(query, "preparing to read sends");
        return out;
    }
    query.bindValue(0, limit);
    query.bindValue(1, offset);
    if (!query.exec()) {
        m_lastError = logFailure(query, "reading sends");
        return out;
    }
    while (query.next())
        out.append(readRecord(query));
    return out;
}

std::optional<SentRecord> SendHistory::find(qint64 id) const
{
    if (!isOpen())
        return std::nullopt;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (!query.prepare(QString(kSelectRecords) + QStringLiteral("WHERE s.id = ?"))) {
        m_lastError = logFailure(query, "preparing to find a send");
        return std::nullopt;
    }
    query.bindValue(0, id);
    if (!query.exec()) {
        m_lastError = logFailure(query, "finding a send");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return readRecord(query);
}

std::optional<SentRecord> SendHistory::findByMessageId(const QString& messageId) const
{
    if (!isOpen() || messageId.isEmpty())
        return std::nullopt;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (!query.prepare(QString(kSelectRecords) + QStringLiteral("WHERE s.message_id = ? ORDER BY s.id DESC LIMIT 1"))) {
        m_lastError = logFailure(query, "preparing to find a send by message id");
        return std::nullopt;
    }
    query.bindValue(0, messageId);
    if (!query.exec()) {
        m_lastError = logFailure(query, "finding a send by message id");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return readRecord(query);
}

int SendHistory::count() const
{
    if (!isOpen())
        return 0;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sends")) || !query.next()) {
        m_lastError = logFailure(query, "counting sends");
        return 0;
    }
    return query.value(0).toInt();
}

} // namespace wa
