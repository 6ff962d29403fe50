#include "backend/repositories/projectstats.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"

#include <algorithm>

namespace vesper::backend {
namespace {
struct StatsRow {
    qint64 sessionsAll = 0;
    qint64 sessionsShared = 0;
    QString latestAll;
    QString latestShared;
    qint64 lastActivity = 0;
};

// The truth for every project (or one), computed with index seeks per project.
QString truthSql(const Database &d, bool oneProject)
{
    return QStringLiteral(
               "SELECT p.id, "
               "(SELECT COUNT(*) FROM sessions s WHERE s.project_id = p.id), "
               "(SELECT COUNT(*) FROM sessions s WHERE s.project_id = p.id AND NOT s.is_private), "
               "(SELECT o2.id FROM outputs o2 WHERE o2.project_id = p.id AND o2.file_type = 'image' "
               " ORDER BY o2.created_at DESC, o2.id DESC LIMIT 1), "
               "(SELECT o2.id FROM outputs o2 JOIN sessions s ON s.id = o2.session_id WHERE o2.project_id = p.id "
               " AND o2.file_type = 'image' AND NOT s.is_private ORDER BY o2.created_at DESC, o2.id DESC LIMIT 1), "
               "%1, (SELECT %2 FROM sessions s WHERE s.project_id = p.id), "
               "(SELECT %3 FROM outputs o2 WHERE o2.project_id = p.id) "
               "FROM projects p %4")
        .arg(d.timeColumn(QStringLiteral("p.updated_at")), d.timeColumn(QStringLiteral("MAX(s.updated_at)")),
             d.timeColumn(QStringLiteral("MAX(o2.created_at)")),
             oneProject ? QStringLiteral("WHERE p.id = :p") : QString());
}

StatsRow readTruth(const SqlQuery &q)
{
    StatsRow row;
    row.sessionsAll = q.int64(1);
    row.sessionsShared = q.int64(2);
    row.latestAll = q.text(3);
    row.latestShared = q.text(4);
    row.lastActivity = std::max({q.int64(5), q.int64(6), q.int64(7)});
    return row;
}

void writeRow(Database &database, const QSqlDatabase &db, const QString &projectId, const StatsRow &row)
{
    SqlQuery upsert(db, QStringLiteral(
        "INSERT INTO project_stats (project_id, sessions_all, sessions_shared, latest_output_all, latest_output_shared, last_activity_at) "
        "VALUES (:p, :sa, :ss, :la, :ls, %1) ON CONFLICT (project_id) DO UPDATE SET sessions_all = excluded.sessions_all, "
        "sessions_shared = excluded.sessions_shared, latest_output_all = excluded.latest_output_all, "
        "latest_output_shared = excluded.latest_output_shared, last_activity_at = excluded.last_activity_at")
        .arg(database.timeParam(QStringLiteral(":t"))));
    const QVariant nullText(QMetaType(QMetaType::QString));
    upsert.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":sa"), row.sessionsAll)
        .bind(QStringLiteral(":ss"), row.sessionsShared)
        .bind(QStringLiteral(":la"), row.latestAll.isEmpty() ? nullText : QVariant(row.latestAll))
        .bind(QStringLiteral(":ls"), row.latestShared.isEmpty() ? nullText : QVariant(row.latestShared))
        .bind(QStringLiteral(":t"), row.lastActivity).exec();
}

// Session counts and the thumbnail are part of the project as clients hold it: when they change,
// the project gets a new rev so the changes feed sends it again; members get it again (shared_rev)
// only when their half changed, not for the owner's work in a private session.
void touchProject(const QSqlDatabase &db, const QString &projectId, bool membersSee)
{
    SqlQuery touch(db, membersSee ? QStringLiteral("UPDATE projects SET rev = :rev, shared_rev = :rev WHERE id = :p")
                                  : QStringLiteral("UPDATE projects SET rev = :rev WHERE id = :p"));
    touch.bind(QStringLiteral(":rev"), Transaction::allocateRevs(db, 1)).bind(QStringLiteral(":p"), projectId).exec();
}

bool sameForOwner(const StatsRow &a, const StatsRow &b)
{
    return a.sessionsAll == b.sessionsAll && a.latestAll == b.latestAll;
}

bool sameForMembers(const StatsRow &a, const StatsRow &b)
{
    return a.sessionsShared == b.sessionsShared && a.latestShared == b.latestShared;
}

bool sameForClients(const StatsRow &a, const StatsRow &b)
{
    return sameForOwner(a, b) && sameForMembers(a, b);
}
} // namespace

void ProjectStats::recompute(Database &database, const QSqlDatabase &db, const QString &projectId)
{
    SqlQuery q(db, truthSql(database, true));
    q.bind(QStringLiteral(":p"), projectId).exec();
    if (!q.next())
        return; // the project is gone; its stats row went with it (ON DELETE CASCADE)
    const StatsRow truth = readTruth(q);
    SqlQuery stored(db, QStringLiteral("SELECT sessions_all, sessions_shared, latest_output_all, latest_output_shared "
                                       "FROM project_stats WHERE project_id = :p"));
    stored.bind(QStringLiteral(":p"), projectId).exec();
    const bool found = stored.next();
    const StatsRow was = found ? StatsRow{stored.int64(0), stored.int64(1), stored.text(2), stored.text(3), 0} : StatsRow{};
    writeRow(database, db, projectId, truth);
    if (!found || !sameForClients(was, truth))
        touchProject(db, projectId, !found || !sameForMembers(was, truth));
}

QList<ProjectStats::Drift> ProjectStats::repairAll(Database &database, bool fix)
{
    QSqlDatabase db = database.connection();
    Transaction tx(database, db);
    QHash<QString, StatsRow> stored;
    SqlQuery current(db, QStringLiteral("SELECT project_id, sessions_all, sessions_shared, latest_output_all, latest_output_shared, %1 "
                                        "FROM project_stats").arg(database.timeColumn(QStringLiteral("last_activity_at"))));
    current.exec();
    while (current.next())
        stored.insert(current.text(0), StatsRow{current.int64(1), current.int64(2), current.text(3), current.text(4), current.int64(5)});

    QList<Drift> drift;
    QList<QPair<QString, StatsRow>> fixes;
    SqlQuery truth(db, truthSql(database, false));
    truth.exec();
    while (truth.next()) {
        const QString id = truth.text(0);
        const StatsRow actual = readTruth(truth);
        const auto it = stored.constFind(id);
        if (it == stored.constEnd()) {
            drift.append({id, QStringLiteral("row"), QStringLiteral("missing"), QStringLiteral("present")});
            fixes.append({id, actual});
            continue;
        }
        const StatsRow &was = *it;
        const qsizetype before = drift.size();
        auto compare = [&](const char *field, const QString &a, const QString &b) {
            if (a != b)
                drift.append({id, QString::fromLatin1(field), a, b});
        };
        compare("sessions_all", QString::number(was.sessionsAll), QString::number(actual.sessionsAll));
        compare("sessions_shared", QString::number(was.sessionsShared), QString::number(actual.sessionsShared));
        compare("latest_output_all", was.latestAll, actual.latestAll);
        compare("latest_output_shared", was.latestShared, actual.latestShared);
        compare("last_activity_at", QString::number(was.lastActivity), QString::number(actual.lastActivity));
        if (drift.size() != before)
            fixes.append({id, actual});
    }
    if (fix) {
        for (const auto &entry : fixes) {
            writeRow(database, db, entry.first, entry.second);
            const auto was = stored.constFind(entry.first);
            if (was == stored.constEnd() || !sameForClients(*was, entry.second))
                touchProject(db, entry.first, was == stored.constEnd() || !sameForMembers(*was, entry.second));
        }
        tx.commit();
    }
    return drift;
}

} // namespace vesper::backend
