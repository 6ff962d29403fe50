#include "backend/repositories/changewindow.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/rowcodec.h"
#include "common/clock.h"
#include "common/jsonwriter.h"

#include <functional>

namespace vesper::backend {
namespace {
// The projects the caller sees and their role in each: two index scans, never an OR.
const char *kVisibleProjects =
    "(SELECT id, 'owner' AS role FROM projects WHERE owner_id = :u "
    "UNION ALL SELECT p.id, m.role FROM project_members m JOIN projects p ON p.id = m.project_id "
    "WHERE m.user_id = :u AND p.is_shared)";

// An upsert change whose data object is written by `fields`.
template <typename Fields>
FeedChange upsert(qint64 rev, const char *kind, const QString &id, Fields fields)
{
    JsonWriter w(1024);
    w.beginObject().field("rev", rev).field("kind", kind).field("op", "upsert").field("id", id);
    w.key("data").beginObject();
    fields(w);
    w.endObject().endObject();
    return FeedChange{rev, w.take()};
}
} // namespace

ChangeWindow::ChangeWindow(Database &database, const QString &userId)
    : m_database(database)
    , m_db(database.connection())
    , m_userId(userId)
{
}

bool ChangeWindow::read(qint64 lo, qint64 hi, int perSource, std::vector<FeedChange> *out)
{
    const Database &d = m_database;
    const QString visible = QString::fromLatin1(kVisibleProjects);
    const QString &userId = m_userId;
    bool complete = true;

    // Every source reads an index range bounded on both sides by the window: (project_id, rev) per
    // visible project, (user_id, rev) for tombstones. Its sort is at most the window's rows.
    auto collect = [&](const QString &sql, const std::function<FeedChange(const SqlQuery &)> &read) {
        SqlQuery q(m_db, sql);
        q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":lo"), lo).bind(QStringLiteral(":hi"), hi)
            .bind(QStringLiteral(":n"), perSource + 1).exec();
        int rows = 0;
        while (q.next()) {
            if (rows++ == perSource) {
                complete = false;
                break;
            }
            out->push_back(read(q));
        }
    };

    // A member follows the project's shared_rev: the owner's work in a private session moves only rev.
    const QString projectRev = QStringLiteral("(CASE WHEN v.role = 'owner' THEN p.rev ELSE p.shared_rev END)");
    collect(QStringLiteral("SELECT %1, v.role, %4 FROM %2 v JOIN projects p ON p.id = v.id %3 "
                           "WHERE %4 > :lo AND %4 <= :hi ORDER BY %4 LIMIT :n")
                .arg(rowcodec::projectColumns(d), visible, rowcodec::projectJoins(), projectRev),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kProjectColumnCount + 1), "project", q.text(0), [&q](JsonWriter &w) {
                    rowcodec::projectFields(w, q, 0, q.text(rowcodec::kProjectColumnCount));
                });
            });
    collect(QStringLiteral("SELECT %1, s.rev FROM %2 v JOIN sessions s ON s.project_id = v.id "
                           "WHERE s.rev > :lo AND s.rev <= :hi AND (v.role = 'owner' OR NOT s.is_private) ORDER BY s.rev LIMIT :n")
                .arg(rowcodec::sessionColumns(d), visible),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kSessionColumnCount), "session", q.text(0),
                              [&q](JsonWriter &w) { rowcodec::sessionFields(w, q); });
            });
    collect(QStringLiteral("SELECT %1, g.rev FROM %2 v JOIN generations g ON g.project_id = v.id JOIN sessions s ON s.id = g.session_id "
                           "WHERE g.rev > :lo AND g.rev <= :hi AND (v.role = 'owner' OR NOT s.is_private) ORDER BY g.rev LIMIT :n")
                .arg(rowcodec::generationColumns(d), visible),
            [&userId](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kGenerationColumnCount), "generation", q.text(0),
                              [&q, &userId](JsonWriter &w) { rowcodec::generationFields(w, q, userId); });
            });
    collect(QStringLiteral("SELECT %1, o2.rev FROM %2 v JOIN outputs o2 ON o2.project_id = v.id JOIN sessions s ON s.id = o2.session_id "
                           "WHERE o2.rev > :lo AND o2.rev <= :hi AND (v.role = 'owner' OR NOT s.is_private) ORDER BY o2.rev LIMIT :n")
                .arg(rowcodec::outputColumns(d), visible),
            [](const SqlQuery &q) {
                return upsert(q.int64(rowcodec::kOutputColumnCount), "output", q.text(0),
                              [&q](JsonWriter &w) { rowcodec::outputFields(w, q); });
            });
    // Memberships: everyone who sees a project sees its member list (GET /api/projects/{id}/members).
    collect(QStringLiteral("SELECT m2.project_id, m2.user_id, pr.email, pr.display_name, m2.role, %1, m2.rev "
                           "FROM %2 v JOIN project_members m2 ON m2.project_id = v.id JOIN profiles pr ON pr.id = m2.user_id "
                           "WHERE m2.rev > :lo AND m2.rev <= :hi ORDER BY m2.rev LIMIT :n")
                .arg(d.timeColumn(QStringLiteral("m2.joined_at")), visible),
            [](const SqlQuery &q) {
                return upsert(q.int64(6), "member", ChangeLog::memberChangeId(q.text(0), q.text(1)), [&q](JsonWriter &w) {
                    w.field("projectId", q.text(0)).field("userId", q.text(1)).field("email", q.text(2))
                        .field("displayName", q.text(3)).field("role", q.text(4)).field("joinedAt", formatTime(q.int64(5)));
                });
            });
    // Invitations waiting for the caller, addressed to their id or their email (kind "invitation");
    // answered or withdrawn ones leave a tombstone. Two index probes on (target, rev).
    collect(QStringLiteral("SELECT i.id, i.project_id, p.name, i.role, ip.display_name, %1, i.rev FROM invitations i "
                           "JOIN projects p ON p.id = i.project_id JOIN profiles ip ON ip.id = i.inviter_id "
                           "WHERE i.target IN ('user:' || :u, (SELECT 'email:' || me.email FROM profiles me WHERE me.id = :u)) "
                           "AND i.rev > :lo AND i.rev <= :hi ORDER BY i.rev LIMIT :n")
                .arg(d.timeColumn(QStringLiteral("i.created_at"))),
            [](const SqlQuery &q) {
                return upsert(q.int64(6), "invitation", q.text(0), [&q](JsonWriter &w) {
                    w.field("projectId", q.text(1)).field("projectName", q.text(2)).field("role", q.text(3));
                    w.key("invitedBy").beginObject().field("displayName", q.text(4)).endObject();
                    w.field("createdAt", formatTime(q.int64(5)));
                });
            });
    // The caller's own profile: credits and name, as GET /api/bootstrap shows them.
    collect(QStringLiteral("SELECT id, email, display_name, username, credits, rev FROM profiles "
                           "WHERE id = :u AND rev > :lo AND rev <= :hi LIMIT :n"),
            [](const SqlQuery &q) {
                return upsert(q.int64(5), "profile", q.text(0), [&q](JsonWriter &w) {
                    w.field("id", q.text(0)).field("email", q.text(1)).field("displayName", q.text(2));
                    if (q.value(3).isNull())
                        w.nullField("username");
                    else
                        w.field("username", q.text(3));
                    w.field("credits", q.int64(4));
                });
            });
    collect(QStringLiteral("SELECT rev, kind, id, project_id FROM tombstones WHERE user_id = :u AND rev > :lo AND rev <= :hi "
                           "ORDER BY rev LIMIT :n"),
            [](const SqlQuery &q) {
                const qint64 rev = q.int64(0);
                JsonWriter w(256);
                w.beginObject().field("rev", rev).field("kind", q.text(1)).field("op", "delete").field("id", q.text(2))
                    .field("projectId", q.text(3)).endObject();
                return FeedChange{rev, w.take()};
            });
    return complete;
}

} // namespace vesper::backend
