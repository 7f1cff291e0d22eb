#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "EventStore.h"

using namespace wa;

namespace {

using Kind = WebhookEvent::Kind;

WebhookEvent makeEvent(Kind kind, const QString& id, const QString& contact, const QString& summary,
                       const QJsonObject& fields = {})
{
    WebhookEvent e;
    e.kind = kind;
    e.id = id;
    e.contact = contact;
    e.summary = summary;
    e.fields = fields;
    e.payload = QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("from"), contact}};
    return e;
}

WebhookEvent makeStatus(const QString& id, const QString& contact, const QString& value)
{
    return makeEvent(Kind::Status, id, contact, value, {{QStringLiteral("status"), value}});
}

StoredRequest makeRequest(const QByteArray& body = "{}")
{
    StoredRequest r;
    r.receivedAt = 1750000000000;
    r.method = "POST";
    r.target = "/webhook";
    r.headers = {{"Host", "127.0.0.1"}, {"Content-Type", "application/json"}};
    r.body = body;
    r.signature = WebhookEvent::Signature::Valid;
    r.statusCode = 200;
    r.remoteAddress = QStringLiteral("127.0.0.1");
    return r;
}

// Enqueues and flushes; the events as the callback gave them.
struct Outcome
{
    bool called = false;
    bool ok = false;
    QList<WebhookEvent> events;
};

QList<bool> duplicateFlags(const QList<WebhookEvent>& events)
{
    QList<bool> flags;
    for (const WebhookEvent& e : events)
        flags.append(e.duplicate);
    return flags;
}

QStringList summaries(const QList<StoredEvent>& events)
{
    QStringList out;
    for (const StoredEvent& e : events)
        out.append(e.event.summary);
    return out;
}

// A raw connection of the test's own, for looking at the file behind the store's back.
class RawDb
{
public:
    explicit RawDb(const QString& path)
        : m_name(QStringLiteral("raw-%1").arg(++s_serial))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    QVariant value(const QString& sql) const
    {
        QSqlQuery query(db());
        if (!query.exec(sql) || !query.next())
            return {};
        return query.value(0);
    }
    bool exec(const QString& sql) const
    {
        QSqlQuery query(db());
        return query.exec(sql);
    }
    QStringList names(const QString& type) const
    {
        QSqlQuery query(db());
        query.prepare(QStringLiteral("SELECT name FROM sqlite_master WHERE type = ? ORDER BY name"));
        query.bindValue(0, type);
        query.exec();
        QStringList out;
        while (query.next())
            out.append(query.value(0).toString());
        return out;
    }

private:
    static inline int s_serial = 0;
    QString m_name;
};

} // namespace

class TestEventStore : public QObject
{
    Q_OBJECT

private slots:
    void schemaAndMigration();
    void newerSchemaIsRefused();
    void failedMigrationLeavesNothing();
    void callbackOnlyAfterCommit();
    void duplicatesAcrossBatches();
    void duplicatesWithinBatch();
    void requestBytesRoundTrip();
    void eventRoundTrip();
    void filters_data();
    void filters();
    void paging();
    void filtersFollowNewEvents();
    void clear();
    void readerOfAnotherStoresFile();
    void lockedDatabaseFails();
    void openFailsWithReason();
    void acknowledgedEventsSurviveKill();

private:
    Outcome store(EventStore& store, const StoredRequest& r, const QList<WebhookEvent>& events);
};

Outcome TestEventStore::store(EventStore& s, const StoredRequest& r, const QList<WebhookEvent>& events)
{
    Outcome outcome;
    s.enqueue(r, events, [&outcome](bool ok, QList<WebhookEvent> stored) {
        outcome.called = true;
        outcome.ok = ok;
        outcome.events = std::move(stored);
    });
    s.flush();
    return outcome;
}

void TestEventStore::schemaAndMigration()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        EventStore s;
        QString error;
        QVERIFY2(s.open(path, &error), qPrintable(error));
        QVERIFY(s.hasFullTextIndex()); // Debian's SQLite has FTS5 with the trigram tokenizer
        QVERIFY(store(s, makeRequest(),
                      {makeEvent(Kind::Text, QStringLiteral("wamid.A"), QStringLiteral("1"), QStringLiteral("hello"))})
                    .ok);
    }
    {
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), EventStore::kSchemaVersion);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        const QStringList tables = raw.names(QStringLiteral("table"));
        QVERIFY(tables.contains(QStringLiteral("requests")));
        QVERIFY(tables.contains(QStringLiteral("events")));
        QVERIFY(tables.contains(QStringLiteral("event_json")));
        QVERIFY(tables.contains(QStringLiteral("event_text")));
        QVERIFY(tables.contains(QStringLiteral("event_text_index")));
        const QStringList indexes = raw.names(QStringLiteral("index"));
        for (const char* name : {"events_event_id", "events_kind", "events_contact", "events_received_at"})
            QVERIFY2(indexes.contains(QString::fromLatin1(name)), name);
        QVERIFY(raw.value(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'event_text_index'"))
                    .toString()
                    .contains(QLatin1String("fts5")));
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM events")).toInt(), 1);
    }
    // Opening again applies nothing and keeps the data.
    EventStore again;
    QVERIFY(again.open(path));
    QCOMPARE(again.count({}), 1);
    QCOMPARE(again.fetch({}, 0, 10).value(0).event.id, QStringLiteral("wamid.A"));
}

void TestEventStore::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 2")));
    }
    EventStore s;
    QString error;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("newer version")));
    QVERIFY(!s.open(path, &error));
    QVERIFY2(error.contains(QLatin1String("newer version (schema version 2; this one knows up to 1)")),
             qPrintable(error));
    QVERIFY(!s.isOpen());
    QCOMPARE(s.lastError(), error);
}

void TestEventStore::failedMigrationLeavesNothing()
{
    // A file at version 0 whose `events` table is in the way: the first statements of the schema
    // succeed, a later one fails, and the transaction takes them all back.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("CREATE TABLE events (x)")));
    }
    EventStore s;
    QString error;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("schema statement failed")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot open")));
    QVERIFY(!s.open(path, &error));
    QVERIFY2(error.contains(QLatin1String("events already exists")), qPrintable(error));
    RawDb raw(path);
    QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), 0);
    QCOMPARE(raw.names(QStringLiteral("table")), QStringList{QStringLiteral("events")});
}

void TestEventStore::callbackOnlyAfterCommit()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    EventStore writer;
    QVERIFY(writer.open(path));
    EventStore reader; // another store on the same file, as another process would be
    QVERIFY(reader.open(path));
    QSignalSpy added(&writer, &EventStore::eventsAdded);
    RawDb locker(path);
    QVERIFY(locker.exec(QStringLiteral("BEGIN IMMEDIATE")));

    bool called = false;
    int seenByReader = -1;
    qint64 seenRaw = -1;
    QString seenId;
    writer.enqueue(makeRequest(),
                   {makeEvent(Kind::Text, QStringLiteral("wamid.C"), QStringLiteral("1"), QStringLiteral("hi"))},
                   [&](bool ok, QList<WebhookEvent> stored) {
                       QVERIFY(ok);
                       QCOMPARE(stored.size(), 1);
                       called = true;
                       seenByReader = reader.count({});
                       seenId = reader.fetch({}, 0, 1).value(0).event.id;
                       RawDb raw(path);
                       seenRaw = raw.value(QStringLiteral("SELECT count(*) FROM events")).toLongLong();
                   });
    QVERIFY(!called); // never from within enqueue()
    QCOMPARE(writer.pendingRequests(), 1);
    // While another connection holds the write lock the event cannot be committed, so it must
    // not be acknowledged either.
    QTest::qWait(300);
    QVERIFY(!called);
    QVERIFY(locker.exec(QStringLiteral("ROLLBACK")));
    QTRY_VERIFY(called);
    QCOMPARE(seenByReader, 1);
    QCOMPARE(seenId, QStringLiteral("wamid.C"));
    QCOMPARE(seenRaw, 1);
    QCOMPARE(writer.pendingRequests(), 0);
    QCOMPARE(added.count(), 1);
    QCOMPARE(added.at(0).at(0).toLongLong(), writer.fetch({}, 0, 1).value(0).rowId);
    QCOMPARE(added.at(0).at(1).toInt(), 1);

    // Many requests at once: each callback once, all rows visible to the other store when it runs.
    constexpr int kRequests = 600; // more than one batch
    int callbacks = 0;
    int invisible = 0;
    for (int i = 0; i < kRequests; ++i) {
        const QString id = QStringLiteral("wamid.M[%1]").arg(i); // no id a substring of another
        writer.enqueue(makeRequest(), {makeEvent(Kind::Text, id, QStringLiteral("1"), id)},
                       [&, id](bool ok, QList<WebhookEvent>) {
                           ++callbacks;
                           EventFilter f;
                           f.text = id;
                           if (!ok || reader.count(f) != 1)
                               ++invisible;
                       });
    }
    QTRY_COMPARE(callbacks, kRequests);
    QCOMPARE(invisible, 0);
    QCOMPARE(reader.count({}), kRequests + 1);
    int addedEvents = 0;
    qint64 nextRow = added.at(0).at(0).toLongLong();
    for (const QList<QVariant>& signal : std::as_const(added)) {
        QCOMPARE(signal.at(0).toLongLong(), nextRow); // consecutive ranges
        nextRow += signal.at(1).toInt();
        addedEvents += signal.at(1).toInt();
    }
    QCOMPARE(addedEvents, kRequests + 1);
    QVERIFY(added.count() >= 3); // at most 256 requests a transaction
}

void TestEventStore::duplicatesAcrossBatches()
{
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    const QString a = QStringLiteral("wamid.A");
    const QString m = QStringLiteral("wamid.OURS");
    const Outcome first = store(s, makeRequest(),
                                {makeEvent(Kind::Text, a, QStringLiteral("1"), QStringLiteral("a")),
                                 makeStatus(m, QStringLiteral("1"), QStringLiteral("sent")),
                                 makeEvent(Kind::Error, {}, {}, QStringLiteral("e"))});
    QVERIFY(first.ok);
    QCOMPARE(duplicateFlags(first.events), (QList<bool>{false, false, false}));

    // Meta retries the message and the "sent" status; "delivered" of the same message is new, and
    // events without an id are never duplicates.
    WebhookEvent retried = makeEvent(Kind::Text, a, QStringLiteral("1"), QStringLiteral("a again"));
    const Outcome second =
        store(s, makeRequest(),
              {retried, makeStatus(m, QStringLiteral("1"), QStringLiteral("sent")),
               makeStatus(m, QStringLiteral("1"), QStringLiteral("delivered")),
               makeEvent(Kind::Error, {}, {}, QStringLiteral("e")),
               makeEvent(Kind::Text, QStringLiteral("wamid.B"), QStringLiteral("1"), QStringLiteral("b"))});
    QVERIFY(second.ok);
    QCOMPARE(duplicateFlags(second.events), (QList<bool>{true, true, false, false, false}));

    // Still stored, and flagged in the store too.
    const QList<StoredEvent> all = s.fetch({}, 0, 100);
    QCOMPARE(all.size(), 8);
    QList<bool> stored;
    for (const StoredEvent& e : all)
        stored.append(e.event.duplicate);
    QCOMPARE(stored, (QList<bool>{false, false, false, true, true, false, false, false}));
}

void TestEventStore::duplicatesWithinBatch()
{
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    QList<QList<bool>> flags;
    const auto collect = [&flags](bool ok, QList<WebhookEvent> stored) {
        QVERIFY(ok);
        flags.append(duplicateFlags(stored));
    };
    const QString a = QStringLiteral("wamid.A");
    // Two requests in one transaction (both queued before the writer runs), and a repeat within
    // one request.
    s.enqueue(makeRequest(),
              {makeEvent(Kind::Text, a, {}, QStringLiteral("1")), makeEvent(Kind::Text, a, {}, QStringLiteral("2"))},
              collect);
    s.enqueue(makeRequest(),
              {makeEvent(Kind::Text, a, {}, QStringLiteral("3")),
               makeStatus(QStringLiteral("wamid.X"), {}, QStringLiteral("read")),
               makeStatus(QStringLiteral("wamid.X"), {}, QStringLiteral("read"))},
              collect);
    QVERIFY(s.flush());
    QCOMPARE(flags, (QList<QList<bool>>{{false, true}, {true, false, true}}));
    QCOMPARE(s.count({}), 5);
}

void TestEventStore::requestBytesRoundTrip()
{
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    QByteArray body;
    for (int i = 0; i < 256; ++i)
        body.append(static_cast<char>(i)); // NUL and every other byte, not UTF-8
    body += QStringLiteral("你好 🎉 «ü»").toUtf8();
    body += QByteArray("\xff\xfe\x00\x00", 4);

    StoredRequest r = makeRequest(body);
    r.receivedAt = 1750030074123;
    r.method = "POST";
    r.target = "/webhook?x=%E4%BD%A0&y=\xe4\xbd\xa0";
    r.headers = {{"Host", "example.test"},
                 {"X-Hub-Signature-256", "sha256=00ff"},
                 {"X-Repeat", "1"},
                 {"x-repeat", "2"},
                 {"X-Latin1", "caf\xe9 \x80\xff"}};
    r.signature = WebhookEvent::Signature::Invalid;
    r.statusCode = 401;
    r.remoteAddress = QStringLiteral("::ffff:10.0.0.7");
    QVERIFY(store(s, r, {makeEvent(Kind::Rejected, {}, {}, QStringLiteral("bad signature"))}).ok);

    StoredRequest empty = makeRequest(QByteArray());
    QVERIFY(store(s, empty, {}).ok);

    const QList<StoredEvent> events = s.fetch({}, 0, 10);
    QCOMPARE(events.size(), 1);
    const std::optional<StoredRequest> back = s.request(events.at(0).requestId);
    QVERIFY(back.has_value());
    QCOMPARE(back->id, events.at(0).requestId);
    QCOMPARE(back->body, body);
    QCOMPARE(back->body.size(), body.size());
    QCOMPARE(back->receivedAt, r.receivedAt);
    QCOMPARE(back->method, r.method);
    QCOMPARE(back->target, r.target);
    QCOMPARE(back->headers, r.headers);
    QCOMPARE(back->signature, r.signature);
    QCOMPARE(back->statusCode, 401);
    QCOMPARE(back->remoteAddress, r.remoteAddress);
    QCOMPARE(events.at(0).receivedAt, r.receivedAt);

    const std::optional<StoredRequest> second = s.request(back->id + 1);
    QVERIFY(second.has_value());
    QVERIFY(second->body.isEmpty());
    QVERIFY(!s.request(back->id + 2).has_value());
}

void TestEventStore::eventRoundTrip()
{
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    WebhookEvent e;
    e.kind = Kind::ButtonReply;
    e.id = QStringLiteral("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=");
    e.contact = QStringLiteral("16505551234");
    e.contactName = QStringLiteral("Sheena 🌸 Nelson");
    e.phoneNumberId = QStringLiteral("106540352242922");
    e.displayPhoneNumber = QStringLiteral("15550783881");
    e.timestamp = QDateTime::fromSecsSinceEpoch(1749416383, Qt::UTC);
    e.contextId = QStringLiteral("wamid.OURS");
    e.contextFrom = QStringLiteral("15550783881");
    e.family = ApiFamily::OnPremises;
    e.signature = WebhookEvent::Signature::Missing;
    e.fields = QJsonObject{
        {QStringLiteral("button_reply"), QJsonObject{{QStringLiteral("id"), QStringLiteral("deliver-home")},
                                                     {QStringLiteral("title"), QStringLiteral("Yes, deliver")}}}};
    e.payload = QJsonObject{{QStringLiteral("type"), QStringLiteral("interactive")},
                            {QStringLiteral("n"), 1.5},
                            {QStringLiteral("list"), QJsonArray{1, true, QJsonValue::Null}}};
    e.summary = QStringLiteral("Tapped “Yes, deliver” (deliver-home)");
    QVERIFY(store(s, makeRequest(), {e}).ok);

    const QList<StoredEvent> events = s.fetch({}, 0, 10);
    QCOMPARE(events.size(), 1);
    const WebhookEvent& b = events.at(0).event;
    QCOMPARE(b.kind, e.kind);
    QCOMPARE(b.id, e.id);
    QCOMPARE(b.contact, e.contact);
    QCOMPARE(b.contactName, e.contactName);
    QCOMPARE(b.phoneNumberId, e.phoneNumberId);
    QCOMPARE(b.displayPhoneNumber, e.displayPhoneNumber);
    QCOMPARE(b.timestamp, e.timestamp);
    QCOMPARE(b.contextId, e.contextId);
    QCOMPARE(b.contextFrom, e.contextFrom);
    QCOMPARE(b.family, e.family);
    QCOMPARE(b.signature, e.signature);
    QCOMPARE(b.duplicate, false);
    QCOMPARE(b.fields, e.fields);
    QCOMPARE(b.payload, e.payload);
    QCOMPARE(b.summary, e.summary);
    QVERIFY(events.at(0).rowId > 0);

    WebhookEvent bare; // no timestamp, no id: NULLs, read back as invalid and empty
    QVERIFY(store(s, makeRequest(), {bare}).ok);
    const StoredEvent back = s.fetch({}, 1, 1).value(0);
    QVERIFY(!back.event.timestamp.isValid());
    QVERIFY(back.event.id.isEmpty());
    QCOMPARE(back.event.kind, Kind::Unknown);
    QCOMPARE(back.event.signature, WebhookEvent::Signature::Unsigned);
}

void TestEventStore::filters_data()
{
    QTest::addColumn<bool>("fullText");
    QTest::addColumn<QList<Kind>>("kinds");
    QTest::addColumn<QString>("contact");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    const QString a = QStringLiteral("16505551234");
    const QString b = QStringLiteral("447700900123");
    const auto list = [](const char* s) { return QString::fromUtf8(s).split(QLatin1Char(','), Qt::SkipEmptyParts); };
    struct Row
    {
        const char* name;
        QList<Kind> kinds;
        QString contact;
        const char* text;
        const char* expected;
    };
    const Row rows[] = {
        {"everything", {}, {}, "", "t1,b2,s3,t4,t5,l6,e7,s8"},
        {"kind", {Kind::Text}, {}, "", "t1,t4,t5"},
        {"two kinds", {Kind::Status, Kind::Error}, {}, "", "s3,e7,s8"},
        {"contact", {}, a, "", "t1,b2,s3"},
        {"kind and contact", {Kind::Status}, b, "", "s8"},
        {"word", {}, {}, "color", "t1"},
        {"any case", {}, {}, "COLOR", "t1"},
        {"substring", {}, {}, "liver", "b2,s3"},
        {"every word", {}, {}, "deliver home", "b2"},
        {"contact and text", {}, a, "deliver", "b2,s3"},
        {"CJK, 2 characters", {}, {}, "你好", "t4"},
        {"CJK, 4 characters", {}, {}, "世界，谢", "t4"},
        {"CJK name, 2 characters", {}, {}, "山田", "t4"},
        {"CJK name", {}, {}, "山田太郎", "t4"},
        {"contact and short word", {}, a, "ye", "b2"},
        {"kind and short word", {Kind::Text}, {}, "你好", "t4"},
        {"word and short word", {}, {}, "deliver ye", "b2"},
        {"non-ASCII", {}, {}, "rápida", "l6"},
        {"non-ASCII, any case", {}, {}, "RÁPIDA", "l6"},
        {"non-ASCII, any case, short", {}, {}, "JOSÉ", "l6"},
        {"percent is literal", {}, {}, "%", "t5"},
        {"underscore is literal", {}, {}, "_", "t5"},
        {"100%", {}, {}, "100%", "t5"},
        {"quote", {}, {}, "\"quoted\"", "t5"},
        {"number value", {}, {}, "130429", "e7"},
        {"payload value", {}, {}, "wamid.t1", "t1"},
        {"keys do not count", {}, {}, "body", ""},
        {"no match", {}, {}, "zzz", ""},
        {"no match, short", {}, {}, "zq", ""},
    };
    for (const bool fullText : {true, false}) {
        for (const Row& row : rows) {
            QTest::addRow("%s, %s", fullText ? "fts5" : "like", row.name)
                << fullText << row.kinds << row.contact << QString::fromUtf8(row.text) << list(row.expected);
        }
    }
}

void TestEventStore::filters()
{
    QFETCH(bool, fullText);
    QFETCH(QList<Kind>, kinds);
    QFETCH(QString, contact);
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    EventStore s;
    s.setFullTextIndexEnabled(fullText);
    QVERIFY(s.open(QStringLiteral(":memory:")));
    QCOMPARE(s.hasFullTextIndex(), fullText);

    const QString a = QStringLiteral("16505551234");
    const QString b = QStringLiteral("447700900123");
    const QString c = QStringLiteral("5511987654321");
    const auto body = [](const QString& s) {
        return QJsonObject{{QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), s}}}};
    };
    WebhookEvent t1 = makeEvent(Kind::Text, QStringLiteral("wamid.t1"), a, QStringLiteral("t1"),
                                body(QStringLiteral("Does it come in another color?")));
    t1.contactName = QStringLiteral("Sheena Nelson");
    const WebhookEvent b2 =
        makeEvent(Kind::ButtonReply, QStringLiteral("wamid.b2"), a, QStringLiteral("b2"),
                  {{QStringLiteral("button_reply"), QJsonObject{{QStringLiteral("id"), QStringLiteral("deliver-home")},
                                                                {QStringLiteral("title"), QStringLiteral("Yes")}}}});
    WebhookEvent s3 = makeStatus(QStringLiteral("wamid.s3"), a, QStringLiteral("delivered"));
    s3.summary = QStringLiteral("s3");
    WebhookEvent t4 = makeEvent(Kind::Text, QStringLiteral("wamid.t4"), b, QStringLiteral("t4"),
                                body(QStringLiteral("你好世界，谢谢")));
    t4.contactName = QStringLiteral("山田太郎");
    const WebhookEvent t5 = makeEvent(Kind::Text, QStringLiteral("wamid.t5"), b, QStringLiteral("t5"),
                                      body(QStringLiteral("100% sure_thing \"quoted\"")));
    WebhookEvent l6 = makeEvent(
        Kind::ListReply, QStringLiteral("wamid.l6"), c, QStringLiteral("l6"),
        {{QStringLiteral("list_reply"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Entrega rápida")}}}});
    l6.contactName = QStringLiteral("José");
    const WebhookEvent e7 =
        makeEvent(Kind::Error, {}, {}, QStringLiteral("e7"),
                  {{QStringLiteral("errors"),
                    QJsonArray{QJsonObject{{QStringLiteral("code"), 130429},
                                           {QStringLiteral("title"), QStringLiteral("Rate limit hit")}}}}});
    WebhookEvent s8 = makeStatus(QStringLiteral("wamid.s8"), b, QStringLiteral("read"));
    s8.summary = QStringLiteral("s8");
    // Over several requests and batches.
    QVERIFY(store(s, makeRequest(), {t1, b2, s3}).ok);
    QVERIFY(store(s, makeRequest(), {t4, t5}).ok);
    QVERIFY(store(s, makeRequest(), {l6, e7, s8}).ok);

    EventFilter filter;
    filter.kinds = kinds;
    filter.contact = contact;
    filter.text = text;
    QCOMPARE(summaries(s.fetch(filter, 0, 100)), expected);
    QCOMPARE(s.count(filter), expected.size());
}

void TestEventStore::paging()
{
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    constexpr int kEvents = 1000;
    int done = 0;
    for (int i = 0; i < kEvents; ++i) {
        const QString n = QString::number(i);
        s.enqueue(makeRequest(),
                  {i % 2 ? makeStatus(QStringLiteral("wamid.") + n, {}, QStringLiteral("read"))
                         : makeEvent(Kind::Text, QStringLiteral("wamid.") + n, {}, n)},
                  [&done](bool ok, QList<WebhookEvent>) { done += ok ? 1 : 0; });
    }
    QVERIFY(s.flush());
    QCOMPARE(done, kEvents);
    QCOMPARE(s.count({}), kEvents);

    const QList<StoredEvent> first = s.fetch({}, 0, 100);
    QCOMPARE(first.size(), 100);
    for (int i = 0; i < first.size(); ++i) {
        QCOMPARE(first.at(i).event.id, QStringLiteral("wamid.%1").arg(i));
        if (i > 0)
            QCOMPARE(first.at(i).rowId, first.at(i - 1).rowId + 1);
    }
    const QList<StoredEvent> last = s.fetch({}, 995, 10);
    QCOMPARE(last.size(), 5);
    QCOMPARE(last.at(0).event.id, QStringLiteral("wamid.995"));
    QCOMPARE(last.at(4).event.id, QStringLiteral("wamid.999")); // newest last
    QVERIFY(s.fetch({}, kEvents, 10).isEmpty());
    QVERIFY(s.fetch({}, 0, 0).isEmpty());

    EventFilter statuses;
    statuses.kinds = {Kind::Status};
    QCOMPARE(s.count(statuses), kEvents / 2);
    const QList<StoredEvent> page = s.fetch(statuses, 490, 20);
    QCOMPARE(page.size(), 10);
    for (int i = 0; i < page.size(); ++i) {
        QCOMPARE(page.at(i).event.kind, Kind::Status);
        QCOMPARE(page.at(i).event.id, QStringLiteral("wamid.%1").arg(2 * (490 + i) + 1));
    }
}

void TestEventStore::filtersFollowNewEvents()
{
    // count() and fetch() keep the last filter's ids and add the rows committed since; each kind of
    // filter must see the new rows, and only the matching ones.
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    EventFilter kind;
    kind.kinds = {Kind::Status};
    EventFilter contact;
    contact.contact = QStringLiteral("42");
    EventFilter word;
    word.text = QStringLiteral("apple");
    EventFilter shortWord;
    shortWord.text = QStringLiteral("pl");
    EventFilter shortWordAndKind = shortWord;
    shortWordAndKind.kinds = {Kind::Text};
    const QList<EventFilter> filters{{}, kind, contact, word, shortWord, shortWordAndKind};

    const QList<int> matchesPerBatch{4, 2, 2, 2, 2, 2};
    int serial = 0;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < filters.size(); ++i) {
            const EventFilter& filter = filters.at(i);
            const int before = s.count(filter);
            QList<WebhookEvent> events;
            for (int j = 0; j < 2; ++j) {
                events.append(makeEvent(Kind::Text, QStringLiteral("wamid.%1").arg(++serial), QStringLiteral("42"),
                                        QStringLiteral("apple pie")));
                events.append(
                    makeStatus(QStringLiteral("wamid.%1").arg(++serial), QStringLiteral("7"), QStringLiteral("read")));
            }
            QVERIFY(store(s, makeRequest(), events).ok);
            QCOMPARE(s.count(filter), before + matchesPerBatch.at(i)); // the same filter again: updated
            const QList<StoredEvent> all = s.fetch(filter, 0, 1000);
            QCOMPARE(all.size(), before + matchesPerBatch.at(i));
            for (int j = 1; j < all.size(); ++j)
                QVERIFY(all.at(j - 1).rowId < all.at(j).rowId);
            QCOMPARE(all.last().event.id,
                     QStringLiteral("wamid.%1").arg(i <= 1 ? serial : serial - 1)); // a status last
        }
    }
    const int apples = s.count(word);
    QCOMPARE(apples, 2 * 2 * filters.size());
    // Cleared, by this store or by another one on the file: nothing of the old list may remain,
    // even when more rows than it had come after.
    const qint64 lastBefore = s.fetch(word, apples - 1, 1).value(0).rowId;
    EventStore other;
    QVERIFY(other.open(s.path()));
    other.clear();
    QVERIFY(other.flush());
    QList<WebhookEvent> many;
    for (int i = 0; i < apples + 5; ++i)
        many.append(makeStatus(QStringLiteral("wamid.new%1").arg(i), {}, QStringLiteral("read")));
    many.append(makeEvent(Kind::Text, QStringLiteral("wamid.new"), {}, QStringLiteral("apple")));
    QVERIFY(store(s, makeRequest(), many).ok);
    QCOMPARE(s.count(word), 1);
    const StoredEvent apple = s.fetch(word, 0, 10).value(0);
    QCOMPARE(apple.event.id, QStringLiteral("wamid.new"));
    QVERIFY(apple.rowId > lastBefore); // ids are never reused
}

void TestEventStore::clear()
{
    EventStore s;
    QVERIFY(s.open(QStringLiteral(":memory:")));
    QSignalSpy cleared(&s, &EventStore::cleared);
    QVERIFY(store(s, makeRequest(),
                  {makeEvent(Kind::Text, QStringLiteral("wamid.A"), QStringLiteral("1"), QStringLiteral("apple"))})
                .ok);
    // Still queued when clear() is called: committed first, then deleted with the rest.
    bool queuedCalled = false;
    s.enqueue(makeRequest(),
              {makeEvent(Kind::Text, QStringLiteral("wamid.B"), QStringLiteral("1"), QStringLiteral("banana"))},
              [&](bool ok, QList<WebhookEvent>) { queuedCalled = ok; });
    const qint64 requestId = s.fetch({}, 0, 1).value(0).requestId;
    s.clear(); // after the queued request, before the next one
    s.enqueue(makeRequest(),
              {makeEvent(Kind::Text, QStringLiteral("wamid.C"), QStringLiteral("1"), QStringLiteral("cherry"))},
              [](bool, QList<WebhookEvent>) {});
    QCOMPARE(cleared.count(), 0); // it returns at once
    QTRY_COMPARE(cleared.count(), 1);
    QVERIFY(queuedCalled);
    QVERIFY(s.flush());
    QCOMPARE(s.count({}), 1);
    QCOMPARE(s.fetch({}, 0, 10).value(0).event.id, QStringLiteral("wamid.C"));
    QVERIFY(!s.request(requestId).has_value());
    EventFilter apple;
    apple.text = QStringLiteral("apple");
    QCOMPARE(s.count(apple), 0);

    // The store goes on working, search included; a cleared event is not remembered.
    const Outcome again =
        store(s, makeRequest(),
              {makeEvent(Kind::Text, QStringLiteral("wamid.A"), QStringLiteral("1"), QStringLiteral("apple"))});
    QVERIFY(again.ok);
    QCOMPARE(duplicateFlags(again.events), QList<bool>{false});
    QCOMPARE(s.count(apple), 1);
    QCOMPARE(s.count({}), 2);
}

// The window's console reads what its listener's store writes in another thread.
void TestEventStore::readerOfAnotherStoresFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shared.sqlite"));
    EventStore writer;
    EventStore reader;
    QString error;
    QVERIFY2(writer.open(path, &error), qPrintable(error));
    QVERIFY2(reader.openForReading(path, &error), qPrintable(error));
    QVERIFY(reader.isReadOnly());
    QVERIFY(!writer.isReadOnly());
    QCOMPARE(reader.hasFullTextIndex(), writer.hasFullTextIndex());
    QSignalSpy added(&reader, &EventStore::eventsAdded);
    QSignalSpy cleared(&reader, &EventStore::cleared);
    connect(&writer, &EventStore::eventsAdded, &reader, &EventStore::noteAdded);
    connect(&writer, &EventStore::cleared, &reader, &EventStore::noteCleared);

    QVERIFY(store(writer, makeRequest(),
                  {makeEvent(Kind::Text, QStringLiteral("wamid.A"), QStringLiteral("1"), QStringLiteral("apple"))})
                .ok);
    QCOMPARE(added.count(), 1); // relayed
    QCOMPARE(reader.count({}), 1);
    EventFilter apple;
    apple.text = QStringLiteral("apple");
    QCOMPARE(reader.count(apple), 1);
    QCOMPARE(reader.fetch({}, 0, 1).value(0).event.id, QStringLiteral("wamid.A"));

    // the reader writes nothing: not an event, not a clear
    bool refusedCalled = false;
    bool refusedOk = true;
    reader.enqueue(makeRequest(),
                   {makeEvent(Kind::Text, QStringLiteral("wamid.B"), QStringLiteral("1"), QStringLiteral("banana"))},
                   [&](bool ok, QList<WebhookEvent>) {
                       refusedCalled = true;
                       refusedOk = ok;
                   });
    QVERIFY(!refusedCalled); // later, never from within enqueue()
    QTRY_VERIFY(refusedCalled);
    QVERIFY(!refusedOk);
    QVERIFY2(reader.lastError().contains(QStringLiteral("reading only")), qPrintable(reader.lastError()));
    QSignalSpy failed(&reader, &EventStore::writeFailed);
    reader.clear();
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("reading only")));
    QCOMPARE(writer.count({}), 1);

    // the writer's clear reaches the reader's views, and its cached ids
    writer.clear();
    QTRY_COMPARE(cleared.count(), 1);
    QCOMPARE(reader.count({}), 0);
    QCOMPARE(reader.count(apple), 0);

    QVERIFY(!reader.openForReading(QStringLiteral(":memory:"), &error));
    QVERIFY2(error.contains(QStringLiteral(":memory:")), qPrintable(error));
}

void TestEventStore::lockedDatabaseFails()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    EventStore s;
    s.setBusyTimeout(100);
    QVERIFY(s.open(path));
    QSignalSpy failures(&s, &EventStore::writeFailed);
    QSignalSpy added(&s, &EventStore::eventsAdded);
    {
        RawDb locker(path); // another program holding the write lock
        QVERIFY(locker.exec(QStringLiteral("BEGIN IMMEDIATE")));

        const WebhookEvent e =
            makeEvent(Kind::Text, QStringLiteral("wamid.L"), QStringLiteral("1"), QStringLiteral("l"));
        Outcome outcome;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("BEGIN failed: database is locked")));
        s.enqueue(makeRequest(), {e, e}, [&outcome](bool ok, QList<WebhookEvent> events) {
            outcome.called = true;
            outcome.ok = ok;
            outcome.events = std::move(events);
        });
        QTRY_VERIFY(outcome.called);
        QVERIFY(!outcome.ok);
        QCOMPARE(duplicateFlags(outcome.events), (QList<bool>{false, false})); // unchanged
        QCOMPARE(failures.count(), 1);
        QVERIFY2(s.lastError().contains(QLatin1String("database is locked")), qPrintable(s.lastError()));
        QCOMPARE(added.count(), 0);
        QVERIFY(locker.exec(QStringLiteral("ROLLBACK")));
    }
    // Once the lock is gone the store works again; the failed request was not stored.
    const Outcome later = store(
        s, makeRequest(), {makeEvent(Kind::Text, QStringLiteral("wamid.L"), QStringLiteral("1"), QStringLiteral("l"))});
    QVERIFY(later.ok);
    QCOMPARE(duplicateFlags(later.events), QList<bool>{false});
    QCOMPARE(s.count({}), 1);
}

void TestEventStore::openFailsWithReason()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("no/such/folder/events.sqlite"));
    EventStore s;
    QString error;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot open .*no/such/folder")));
    QVERIFY(!s.open(path, &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot open ") + path), qPrintable(error));
    QVERIFY(!s.isOpen());
    QCOMPARE(s.count({}), 0);
    QVERIFY(s.fetch({}, 0, 10).isEmpty());

    // Enqueued into a store that is not open: answered "not stored", later, never lost silently.
    Outcome outcome;
    s.enqueue(makeRequest(), {makeEvent(Kind::Text, QStringLiteral("wamid.Z"), {}, {})},
              [&outcome](bool ok, QList<WebhookEvent> events) {
                  outcome.called = true;
                  outcome.ok = ok;
                  outcome.events = std::move(events);
              });
    QVERIFY(!outcome.called);
    QTRY_VERIFY(outcome.called);
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.events.size(), 1);
}

void TestEventStore::acknowledgedEventsSurviveKill()
{
    // The writer process enqueues 1 KB requests as fast as the store takes them and prints
    // "ack <id>" from each callback. It is killed (SIGKILL) in the middle of that; every id it
    // printed must be in the file.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    for (int round = 0; round < 3; ++round) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QStringLiteral(WA_EVENTSTORE_WRITER), {path, QString::number(round)});
        QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
        QByteArray output;
        const int wanted = 2000 + round * 1500; // kill at a different point each round
        const auto acks = [&output] { return output.count("ack "); };
        QTRY_VERIFY_WITH_TIMEOUT((output += child.readAllStandardOutput(), acks() >= wanted), 60000);
        child.kill();
        QVERIFY(child.waitForFinished());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        output += child.readAllStandardOutput();

        QSet<QString> acknowledged;
        int enqueued = 0;
        const QList<QByteArray> lines = output.split('\n');
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) { // the last piece has no newline yet
            if (lines.at(i).startsWith("ack "))
                acknowledged.insert(QString::fromLatin1(lines.at(i).mid(4)));
            else if (lines.at(i).startsWith("enqueued "))
                enqueued = lines.at(i).mid(9).toInt();
        }
        QVERIFY(acknowledged.size() >= wanted);
        QVERIFY(enqueued > acknowledged.size()); // killed with requests still waiting for their commit

        EventStore s;
        QVERIFY(s.open(path));
        QSet<QString> stored;
        const int total = s.count({});
        const QList<StoredEvent> all = s.fetch({}, 0, total);
        for (const StoredEvent& e : all)
            stored.insert(e.event.id);
        int missing = 0;
        for (const QString& id : std::as_const(acknowledged))
            missing += stored.contains(id) ? 0 : 1;
        QCOMPARE(missing, 0);
        qInfo("round %d: %d enqueued, %lld acknowledged, %d in the file", round, enqueued,
              static_cast<long long>(acknowledged.size()), total);
    }
}

QTEST_GUILESS_MAIN(TestEventStore)
#include "tst_eventstore.moc"
