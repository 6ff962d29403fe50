// CacheStore's reads: the keyset lists the UI shows, search, the tracker's in-flight list, counts.
#include "client/cache/cachedatabase.h"
#include "client/cache/cacherows.h"
#include "client/cache/cachestore.h"
#include "client/clientlogging.h"
#include "domain/cursor.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace vesper::client {
namespace {
template <class T>
std::optional<T> decode(const QByteArray &json)
{
    QString why;
    std::optional<T> row = T::fromJson(QJsonDocument::fromJson(json).object(), &why);
    if (!row)
        qCWarning(lcClientCache).noquote() << "skipping an unreadable cached row:" << why;
    return row;
}

// One row of a JSON-stored keyset list (projects, sessions): its JSON, whether it is pending, its sort key.
struct RawRow {
    QByteArray data;
    bool pending = false;
    qint64 time = 0;
    QString id;
};

// Runs sql (selecting data, pending, time, id) with binds; fills up to limit rows and
// the cursor after the last when there were more.
// Prepares sql, binds in order and runs it forward-only; false with *error on any failure.
bool runQuery(QSqlQuery &q, const QString &sql, const QVariantList &binds, QString *error)
{
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        *error = QStringLiteral("cache read failed: %1").arg(q.lastError().text());
        return false;
    }
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec()) {
        *error = QStringLiteral("cache read failed: %1").arg(q.lastError().text());
        return false;
    }
    return true;
}

bool fetchRows(QSqlDatabase &db, const QString &sql, const QVariantList &binds, int limit, QList<RawRow> *rows,
               QString *nextCursor, QString *error)
{
    QSqlQuery q(db);
    if (!runQuery(q, sql, binds, error))
        return false;
    while (q.next()) {
        if (rows->size() == limit) {
            *nextCursor = Cursor{rows->last().time, rows->last().id}.encode();
            break;
        }
        rows->append(RawRow{q.value(0).toByteArray(), q.value(1).toInt() != 0, q.value(2).toLongLong(), q.value(3).toString()});
    }
    return true;
}

// The keyset condition after cursor (empty when there is none); false with *error for a bad cursor.
bool keyset(const QString &cursor, const char *op, QString *condition, QVariantList *binds, QString *error)
{
    if (cursor.isEmpty())
        return true;
    const std::optional<Cursor> after = Cursor::decode(cursor);
    if (!after) {
        *error = QStringLiteral("the cursor is not one this cache made");
        return false;
    }
    *condition = QStringLiteral(" AND (created_at, id) %1 (?, ?)").arg(QLatin1String(op));
    *binds << after->timeMicros << after->id;
    return true;
}

template <class T>
CachePage<T> decodePage(const QList<RawRow> &rows, const QString &nextCursor)
{
    CachePage<T> page;
    page.nextCursor = nextCursor;
    for (const RawRow &raw : rows) {
        if (std::optional<T> row = decode<T>(raw.data)) {
            page.rows.append(std::move(*row));
            if (raw.pending)
                page.pending.insert(raw.id);
        }
    }
    return page;
}

// FTS5 query text for user text: every word quoted (so quotes, operators, colons and parentheses
// are searched for, never parsed), all required, the last one also as a prefix.
QString ftsQuery(const QString &text)
{
    static const QRegularExpression wordChar(QStringLiteral("[\\p{L}\\p{N}]"));
    QStringList terms;
    for (const QString &word : text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        if (word.contains(wordChar))
            terms << QLatin1Char('"') + QString(word).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    }
    if (terms.isEmpty())
        return {};
    terms.last() += QLatin1Char('*');
    return terms.join(QLatin1Char(' '));
}
} // namespace

std::optional<Profile> CacheStore::profile()
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    if (!db.isOpen() || !q.exec(QStringLiteral("SELECT data FROM profile LIMIT 1")) || !q.next())
        return std::nullopt;
    return decode<Profile>(q.value(0).toByteArray());
}

QList<ModelInfo> CacheStore::models()
{
    QList<ModelInfo> list;
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    if (!db.isOpen() || !q.exec(QStringLiteral("SELECT data FROM models ORDER BY position")))
        return list;
    while (q.next()) {
        if (auto model = decode<ModelInfo>(q.value(0).toByteArray()))
            list << *model;
    }
    return list;
}

QJsonObject CacheStore::limits()
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    if (!db.isOpen() || !q.exec(QStringLiteral("SELECT value FROM sync_state WHERE key = 'limits'")) || !q.next())
        return {};
    return QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object();
}

CachePage<Project> CacheStore::projects(int limit, const QString &cursor)
{
    CachePage<Project> page;
    QSqlDatabase db = m_database.connection(&page.error);
    QString condition;
    QVariantList binds;
    if (!db.isOpen() || !keyset(cursor, "<", &condition, &binds, &page.error))
        return page;
    binds << limit + 1;
    QList<RawRow> rows;
    QString next;
    const QString sql = QStringLiteral("SELECT data, pending, updated_at, id FROM projects WHERE 1 = 1%1 "
                                       "ORDER BY updated_at DESC, id DESC LIMIT ?")
                            .arg(QString(condition).replace(QLatin1String("created_at"), QLatin1String("updated_at")));
    if (!fetchRows(db, sql, binds, limit, &rows, &next, &page.error))
        return page;
    return decodePage<Project>(rows, next);
}

std::optional<Project> CacheStore::project(const QString &id, bool *pending)
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT data, pending FROM projects WHERE id = ?"));
    q.addBindValue(id);
    if (!db.isOpen() || !q.exec() || !q.next())
        return std::nullopt;
    if (pending)
        *pending = q.value(1).toInt() != 0;
    return decode<Project>(q.value(0).toByteArray());
}

std::optional<Session> CacheStore::session(const QString &id)
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT data FROM sessions WHERE id = ?"));
    q.addBindValue(id);
    if (!db.isOpen() || !q.exec() || !q.next())
        return std::nullopt;
    return decode<Session>(q.value(0).toByteArray());
}

CachePage<Session> CacheStore::sessions(const QString &projectId, int limit, const QString &cursor)
{
    CachePage<Session> page;
    QSqlDatabase db = m_database.connection(&page.error);
    QString condition;
    QVariantList binds{projectId};
    if (!db.isOpen() || !keyset(cursor, ">", &condition, &binds, &page.error))
        return page;
    binds << limit + 1;
    QList<RawRow> rows;
    QString next;
    if (!fetchRows(db, QStringLiteral("SELECT data, pending, created_at, id FROM sessions WHERE project_id = ?%1 "
                                      "ORDER BY created_at, id LIMIT ?").arg(condition),
                   binds, limit, &rows, &next, &page.error))
        return page;
    return decodePage<Session>(rows, next);
}

// Generation rows of q (columns as cacherows, then the seq when withSeq), up to limit, with their
// outputs attached (one query for all). *more is set when q had a further row; *lastSeq the last seq.
static bool readGenerations(QSqlDatabase &db, QSqlQuery &q, int limit, QList<Generation> *list, QSet<QString> *pending,
                            bool *more, qint64 *lastSeq, QString *error)
{
    QHash<QString, qsizetype> index;
    while (q.next()) {
        if (list->size() == limit) {
            *more = true;
            break;
        }
        bool isPending = false;
        Generation g = cacherows::generationAt(q, 0, &isPending);
        if (lastSeq)
            *lastSeq = q.value(cacherows::kGenerationColumnCount).toLongLong();
        g.outputs = QList<Output>();
        if (isPending && pending)
            pending->insert(g.id);
        index.insert(g.id, list->size());
        list->append(std::move(g));
    }
    q.finish();
    if (list->isEmpty())
        return true;
    QStringList marks;
    marks.fill(QStringLiteral("?"), list->size());
    QSqlQuery o(db);
    o.setForwardOnly(true);
    o.prepare(QStringLiteral("SELECT %1 FROM outputs o WHERE o.generation_id IN (%2) ORDER BY o.created_at, o.id")
                  .arg(cacherows::outputColumns(), marks.join(QLatin1Char(','))));
    for (const Generation &g : *list)
        o.addBindValue(g.id);
    if (!o.exec()) {
        *error = QStringLiteral("cache read failed: %1").arg(o.lastError().text());
        return false;
    }
    while (o.next()) {
        const auto at = index.constFind(o.value(1).toString());
        if (at != index.constEnd())
            (*list)[*at].outputs->append(cacherows::outputAt(o, 0));
    }
    return true;
}

CachePage<Generation> CacheStore::generations(const QString &sessionId, int limit, const QString &cursor)
{
    CachePage<Generation> page;
    QSqlDatabase db = m_database.connection(&page.error);
    QString condition;
    QVariantList binds{sessionId};
    if (!db.isOpen() || !keyset(cursor, "<", &condition, &binds, &page.error))
        return page;
    binds << limit + 1;
    QSqlQuery q(db);
    bool more = false;
    if (!runQuery(q, QStringLiteral("SELECT %1 FROM generations g WHERE g.session_id = ?%2 ORDER BY g.created_at DESC, g.id DESC LIMIT ?")
                         .arg(cacherows::generationColumns(), condition),
                  binds, &page.error)
        || !readGenerations(db, q, limit, &page.rows, &page.pending, &more, nullptr, &page.error))
        return page;
    if (more)
        page.nextCursor = Cursor{page.rows.last().createdAt, page.rows.last().id}.encode();
    return page;
}

std::optional<Generation> CacheStore::generation(const QString &id, bool *pending)
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    QList<Generation> list;
    QSet<QString> pendingIds;
    QString error;
    bool more = false;
    if (!db.isOpen()
        || !runQuery(q, QStringLiteral("SELECT %1 FROM generations g WHERE g.id = ?").arg(cacherows::generationColumns()), {id}, &error)
        || !readGenerations(db, q, 1, &list, &pendingIds, &more, nullptr, &error) || list.isEmpty())
        return std::nullopt;
    if (pending)
        *pending = pendingIds.contains(id);
    return list.first();
}

QList<Generation> CacheStore::generationsIn(const QStringList &ids, const QString &sessionId, QSet<QString> *pending)
{
    QList<Generation> all;
    QSqlDatabase db = m_database.connection();
    if (!db.isOpen())
        return all;
    constexpr qsizetype kChunk = 500; // well below SQLite's bound-parameter limit
    for (qsizetype first = 0; first < ids.size(); first += kChunk) {
        const QStringList chunk = ids.mid(first, kChunk);
        QStringList marks;
        marks.fill(QStringLiteral("?"), chunk.size());
        QVariantList binds(chunk.begin(), chunk.end());
        if (!sessionId.isEmpty())
            binds << sessionId;
        QSqlQuery q(db);
        QList<Generation> rows;
        QString error;
        bool more = false;
        if (!runQuery(q, QStringLiteral("SELECT %1 FROM generations g WHERE g.id IN (%2)%3")
                             .arg(cacherows::generationColumns(), marks.join(QLatin1Char(',')),
                                  sessionId.isEmpty() ? QString() : QStringLiteral(" AND g.session_id = ?")),
                      binds, &error)
            || !readGenerations(db, q, int(chunk.size()), &rows, pending, &more, nullptr, &error)) {
            qCWarning(lcClientCache).noquote() << error;
            return all;
        }
        all << rows;
    }
    return all;
}

QHash<QString, QString> CacheStore::generationsOfOutputs(const QStringList &outputIds)
{
    QHash<QString, QString> owners;
    QSqlDatabase db = m_database.connection();
    if (!db.isOpen())
        return owners;
    constexpr qsizetype kChunk = 500; // well below SQLite's bound-parameter limit
    for (qsizetype first = 0; first < outputIds.size(); first += kChunk) {
        const QStringList chunk = outputIds.mid(first, kChunk);
        QStringList marks;
        marks.fill(QStringLiteral("?"), chunk.size());
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT id, generation_id FROM outputs WHERE id IN (%1)").arg(marks.join(QLatin1Char(','))));
        for (const QString &id : chunk)
            q.addBindValue(id);
        if (!q.exec())
            return owners;
        while (q.next())
            owners.insert(q.value(0).toString(), q.value(1).toString());
    }
    return owners;
}

CachePage<Output> CacheStore::images(const QString &projectId, int limit, const QString &cursor)
{
    CachePage<Output> page;
    QSqlDatabase db = m_database.connection(&page.error);
    QString condition;
    QVariantList binds{projectId};
    if (!db.isOpen() || !keyset(cursor, "<", &condition, &binds, &page.error))
        return page;
    binds << limit + 1;
    QSqlQuery q(db);
    if (!runQuery(q, QStringLiteral("SELECT %1 FROM outputs o WHERE o.project_id = ? AND o.file_type = 'image'%2 "
                                    "ORDER BY o.created_at DESC, o.id DESC LIMIT ?").arg(cacherows::outputColumns(), condition),
                  binds, &page.error))
        return page;
    while (q.next()) {
        if (page.rows.size() == limit) {
            page.nextCursor = Cursor{page.rows.last().createdAt, page.rows.last().id}.encode();
            break;
        }
        bool pending = false;
        page.rows.append(cacherows::outputAt(q, 0, &pending));
        if (pending)
            page.pending.insert(page.rows.last().id);
    }
    return page;
}

QList<Member> CacheStore::members(const QString &projectId)
{
    QList<Member> list;
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT data FROM members WHERE project_id = ? ORDER BY joined_at, user_id"));
    q.addBindValue(projectId);
    if (!db.isOpen() || !q.exec())
        return list;
    while (q.next()) {
        if (auto m = decode<Member>(q.value(0).toByteArray()))
            list << *m;
    }
    return list;
}

CachePage<Generation> CacheStore::search(const QString &text, int limit, const QString &cursor)
{
    CachePage<Generation> page;
    QSqlDatabase db = m_database.connection(&page.error);
    const QString match = ftsQuery(text);
    if (!db.isOpen() || match.isEmpty() || limit <= 0)
        return page;
    // Paged by the index's row number, newest cached first: FTS5 walks its doclists backwards and
    // stops after limit rows, so a common word costs no more than a rare one.
    QVariantList binds{match};
    QString after;
    if (!cursor.isEmpty()) {
        bool ok = false;
        const qint64 seq = cursor.toLongLong(&ok);
        if (!ok) {
            page.error = QStringLiteral("the cursor is not one this cache made");
            return page;
        }
        after = QStringLiteral(" AND rowid < ?");
        binds << seq;
    }
    binds << limit + 1;
    QSqlQuery q(db);
    bool more = false;
    qint64 lastSeq = 0;
    if (!runQuery(q, QStringLiteral("SELECT %1, g.seq FROM generations g WHERE g.seq IN "
                                    "(SELECT rowid FROM generations_fts WHERE generations_fts MATCH ?%2 ORDER BY rowid DESC LIMIT ?) "
                                    "ORDER BY g.seq DESC").arg(cacherows::generationColumns(), after),
                  binds, &page.error)
        || !readGenerations(db, q, limit, &page.rows, &page.pending, &more, &lastSeq, &page.error)) {
        page.error = QStringLiteral("search failed: %1").arg(page.error);
        return page;
    }
    if (more)
        page.nextCursor = QString::number(lastSeq);
    return page;
}

QList<Generation> CacheStore::inFlightGenerations()
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    QList<Generation> list;
    QString error;
    bool more = false;
    if (!db.isOpen()
        || !runQuery(q, QStringLiteral("SELECT %1 FROM generations g WHERE g.status IN ('queued', 'processing') ORDER BY g.created_at, g.id")
                            .arg(cacherows::generationColumns()), {}, &error)
        || !readGenerations(db, q, 100000, &list, nullptr, &more, nullptr, &error))
        qCWarning(lcClientCache).noquote() << error;
    return list;
}

CacheCounts CacheStore::counts(QString *error)
{
    // What is under way comes from activity(); the row totals are counted here (not on a hot path).
    QString local;
    QString *message = error ? error : &local;
    message->clear();
    CacheCounts counts = activity(message);
    if (!message->isEmpty())
        return counts;
    QSqlDatabase db = m_database.connection(message);
    if (!db.isOpen())
        return counts;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM sessions), "
                               "(SELECT count(*) FROM generations), (SELECT count(*) FROM outputs)"))
        || !q.next()) {
        *message = QStringLiteral("cache read failed: %1").arg(q.lastError().text());
        return counts;
    }
    counts.projects = q.value(0).toLongLong();
    counts.sessions = q.value(1).toLongLong();
    counts.generations = q.value(2).toLongLong();
    counts.outputs = q.value(3).toLongLong();
    return counts;
}

CacheCounts CacheStore::activity(QString *error)
{
    CacheCounts counts;
    QString local;
    QString *message = error ? error : &local;
    QSqlDatabase db = m_database.connection(message);
    if (!db.isOpen())
        return counts;
    QSqlQuery q(db);
    // "pending = 1", not "pending": only that form uses the partial indexes.
    if (!q.exec(QStringLiteral(
            "SELECT (SELECT count(*) FROM generations WHERE status IN ('queued', 'processing')), "
            "(SELECT count(*) FROM projects WHERE pending = 1) + (SELECT count(*) FROM sessions WHERE pending = 1) "
            "  + (SELECT count(*) FROM generations WHERE pending = 1) + (SELECT count(*) FROM outputs WHERE pending = 1), "
            "(SELECT count(*) FROM outbox WHERE state = 'queued'), (SELECT count(*) FROM outbox WHERE state = 'conflict'), "
            "(SELECT count(*) FROM outbox WHERE state = 'failed'), (SELECT value FROM sync_state WHERE key = 'position'), "
            "(SELECT value FROM sync_state WHERE key = 'lastSyncAt')"))
        || !q.next()) {
        *message = QStringLiteral("cache read failed: %1").arg(q.lastError().text());
        return counts;
    }
    counts.inFlight = q.value(0).toLongLong();
    counts.pendingRows = q.value(1).toLongLong();
    counts.outboxQueued = q.value(2).toLongLong();
    counts.outboxConflicts = q.value(3).toLongLong();
    counts.outboxFailed = q.value(4).toLongLong();
    counts.position = q.value(5).isNull() ? QStringLiteral("0") : q.value(5).toString();
    counts.lastSyncAt = q.value(6).toLongLong();
    return counts;
}

} // namespace vesper::client
