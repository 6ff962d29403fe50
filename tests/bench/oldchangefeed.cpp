// The changes feed as it was before the windowed reads (commit bb2f51c), kept as the benchmark's
// baseline: each source sorts all of the caller's rows past `since`.
#include "oldchangefeed.h"

#include "backend/repositories/changefeed.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"
#include "common/jsonwriter.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace vesper::bench {
using namespace vesper::backend;
namespace {
struct Change {
    qint64 rev;
    QByteArray json;
};

// The projects the caller sees and their role in each: two index scans, never an OR.
const char *kVisibleProjects =
    "(SELECT id, 'owner' AS role FROM projects WHERE owner_id = :u "
    "UNION ALL SELECT p.id, m.role FROM project_members m JOIN projects p ON p.id = m.project_id "
    "WHERE m.user_id = :u AND p.is_shared)";

// An upsert change whose data object is written by `fields`.
template <typename Fields>
Change upsert(qint64 rev, const char *kind, const SqlQuery &q, Fields fields)
{
    JsonWriter w(1024);
    w.beginObject().field("rev", rev).field("kind", kind).field("op", "upsert").field("id", q.text(0));
    w.key("data").beginObject();
    fields(w);
    w.endObject().endObject();
    return Change{rev, w.take()};
}
} // namespace

OldChangeFeed::OldChangeFeed(Database &database)
    : m_database(database)
{
}

ChangePage OldChangeFeed::read(const QString &userId, qint64 since, int limit)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    const QString visible = QString::fromLatin1(kVisibleProjects);
    std::vector<Change> changes;
    bool truncated = false;

    // Each source returns its first limit+1 revs past `since`; the first `limit` of their merge are
    // the first `limit` overall.
    auto collect = [&](const QString &sql, const std::function<Change(const SqlQuery &)> &read) {
        SqlQuery q(db, sql);
        q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":since"), since).bind(QStringLiteral(":n"), limit + 1).exec();
        int rows = 0;
        while (q.next()) {
            changes.push_back(read(q));
            ++rows;
        }
        if (rows > limit)
            truncated = true;
    };

    collect(QStringLiteral("SELECT %1, v.role, p.rev FROM %2 v JOIN projects p ON p.id = v.id %3 WHERE p.rev > :since ORDER BY p.rev LIMIT :n")
                .arg(rowcodec::projectColumns(d), visible, rowcodec::projectJoins()),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kProjectColumnCount + 1), "project", q, [&q](JsonWriter &w) {
                    rowcodec::projectFields(w, q, 0, q.text(rowcodec::kProjectColumnCount));
                });
            });
    collect(QStringLiteral("SELECT %1, s.rev FROM %2 v JOIN sessions s ON s.project_id = v.id "
                           "WHERE s.rev > :since AND (v.role = 'owner' OR NOT s.is_private) ORDER BY s.rev LIMIT :n")
                .arg(rowcodec::sessionColumns(d), visible),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kSessionColumnCount), "session", q, [&q](JsonWriter &w) { rowcodec::sessionFields(w, q); });
            });
    collect(QStringLiteral("SELECT %1, g.rev FROM %2 v JOIN generations g ON g.project_id = v.id JOIN sessions s ON s.id = g.session_id "
                           "WHERE g.rev > :since AND (v.role = 'owner' OR NOT s.is_private) ORDER BY g.rev LIMIT :n")
                .arg(rowcodec::generationColumns(d), visible),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kGenerationColumnCount), "generation", q,
                              [&q](JsonWriter &w) { rowcodec::generationFields(w, q, QString()); });
            });
    collect(QStringLiteral("SELECT %1, o2.rev FROM %2 v JOIN outputs o2 ON o2.project_id = v.id JOIN sessions s ON s.id = o2.session_id "
                           "WHERE o2.rev > :since AND (v.role = 'owner' OR NOT s.is_private) ORDER BY o2.rev LIMIT :n")
                .arg(rowcodec::outputColumns(d), visible),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kOutputColumnCount), "output", q, [&q](JsonWriter &w) { rowcodec::outputFields(w, q); });
            });
    collect(QStringLiteral("SELECT rev, kind, id, project_id FROM tombstones WHERE user_id = :u AND rev > :since ORDER BY rev LIMIT :n"),
            [](const SqlQuery &q) {
                const qint64 rev = q.int64(0);
                JsonWriter w(256);
                w.beginObject().field("rev", rev).field("kind", q.text(1)).field("op", "delete").field("id", q.text(2))
                    .field("projectId", q.text(3)).endObject();
                return Change{rev, w.take()};
            });

    std::sort(changes.begin(), changes.end(), [](const Change &a, const Change &b) { return a.rev < b.rev; });
    ChangePage page;
    page.nextSince = since;
    page.hasMore = truncated || changes.size() > size_t(limit);
    JsonWriter w(qsizetype(std::min(changes.size(), size_t(limit))) * 700 + 16);
    w.beginArray();
    for (size_t i = 0; i < changes.size() && i < size_t(limit); ++i) {
        w.raw(changes[i].json);
        page.nextSince = changes[i].rev;
        ++page.count;
    }
    w.endArray();
    page.changes = w.take();
    return page;
}

} // namespace vesper::bench
