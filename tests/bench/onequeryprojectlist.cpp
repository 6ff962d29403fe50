#include "onequeryprojectlist.h"

#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"
#include "common/jsonwriter.h"

namespace vesper::bench {

OneQueryProjectList::OneQueryProjectList(backend::Database &database)
    : m_database(database)
{
}

QString OneQueryProjectList::sql(bool withCursor) const
{
    const backend::Database &d = m_database;
    const QString keyset = withCursor ? QStringLiteral(" AND (p.updated_at, p.id) < (%1, :cid)").arg(d.timeParam(QStringLiteral(":ct")))
                                      : QString();
    // The page first (at most limit+1 projects), so the per-project work runs for those rows only.
    const QString page = QStringLiteral(
        "SELECT * FROM (SELECT p.id, p.updated_at, 'owner' AS role FROM projects p WHERE p.owner_id = :u%1 "
        "ORDER BY p.updated_at DESC, p.id DESC LIMIT :n) AS mine "
        "UNION ALL SELECT * FROM (SELECT p.id, p.updated_at, m.role FROM project_members m JOIN projects p ON p.id = m.project_id "
        "WHERE m.user_id = :u AND p.is_shared%1 ORDER BY p.updated_at DESC, p.id DESC LIMIT :n) AS shared "
        "ORDER BY updated_at DESC, id DESC LIMIT :n").arg(keyset);
    const QString visible = QStringLiteral("(x.role = 'owner' OR NOT s.is_private)");
    const QString count = QStringLiteral("SELECT COUNT(*) FROM sessions s WHERE s.project_id = x.id AND %1").arg(visible);
    const QString latest = QStringLiteral("SELECT o2.id FROM outputs o2 JOIN sessions s ON s.id = o2.session_id "
                                          "WHERE o2.project_id = x.id AND o2.file_type = 'image' AND %1 "
                                          "ORDER BY o2.created_at DESC, o2.id DESC LIMIT 1").arg(visible);
    // Both count and latest go in the "all" and the "shared" slots of the read model's columns (the
    // revs are the project's own), so rowcodec::projectFields writes the same JSON for either role.
    const QString columns = QStringLiteral("p.id, p.name, p.description, p.owner_id, p.is_shared, %1, %2, o.display_name, o.username")
                                .arg(d.timeColumn(QStringLiteral("p.created_at")), d.timeColumn(QStringLiteral("p.updated_at")));
    if (d.isSqlite()) {
        return QStringLiteral("SELECT %1, sc, sc, li, li, p.rev, p.shared_rev, x.role FROM (SELECT x.*, (%2) AS sc, (%3) AS li FROM (%4) AS x) AS x "
                              "JOIN projects p ON p.id = x.id JOIN profiles o ON o.id = p.owner_id "
                              "ORDER BY x.updated_at DESC, x.id DESC")
            .arg(columns, count, latest, page);
    }
    return QStringLiteral("SELECT %1, sc.n, sc.n, li.id, li.id, p.rev, p.shared_rev, x.role FROM (%2) AS x "
                          "JOIN projects p ON p.id = x.id JOIN profiles o ON o.id = p.owner_id "
                          "LEFT JOIN LATERAL (%3) AS sc(n) ON TRUE LEFT JOIN LATERAL (%4) AS li(id) ON TRUE "
                          "ORDER BY x.updated_at DESC, x.id DESC")
        .arg(columns, page, count, latest);
}

QByteArray OneQueryProjectList::page(const QString &userId, int limit, const std::optional<Cursor> &after, QString *nextCursor)
{
    backend::SqlQuery q(m_database.connection(), sql(after.has_value()));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":n"), limit + 1);
    if (after)
        q.bind(QStringLiteral(":ct"), after->timeMicros).bind(QStringLiteral(":cid"), after->id);
    q.exec();
    JsonWriter w(limit * 512);
    w.beginArray();
    int count = 0;
    Cursor last;
    nextCursor->clear();
    while (q.next()) {
        if (count == limit) {
            *nextCursor = last.encode();
            break;
        }
        w.beginObject();
        backend::rowcodec::projectFields(w, q, 0, q.text(backend::rowcodec::kProjectColumnCount));
        w.endObject();
        last = Cursor{q.int64(backend::rowcodec::kProjectUpdatedAtColumn), q.text(0)};
        ++count;
    }
    w.endArray();
    return w.take();
}

} // namespace vesper::bench
