#include "webappprojectlist.h"

#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"
#include "common/clock.h"
#include "common/jsonwriter.h"

#include <QHash>
#include <QList>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <algorithm>

namespace vesper::bench {
namespace {
struct VisibleProject {
    QString id;
    QString name;
    QString description;
    QString ownerId;
    bool isShared = false;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QString ownerName;
    QVariant username;
    QString role;
    qint64 rev = 0;
    qint64 sessions = 0;
    QString latestId;
    qint64 latestAt = -1;
};

bool truthy(const QVariant &v)
{
    if (v.typeId() == QMetaType::QString)
        return v.toString() == QLatin1String("t") || v.toString() == QLatin1String("true") || v.toString() == QLatin1String("1");
    return v.toBool();
}

// The ids as a quoted SQL list; they are UUIDs read back from the database, nothing to escape.
QString inList(const QStringList &ids)
{
    return QLatin1Char('\'') + ids.join(QLatin1String("','")) + QLatin1Char('\'');
}

QSqlQuery run(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(sql))
        throw backend::DbError(q.lastError().text());
    return q;
}
} // namespace

WebAppProjectList::WebAppProjectList(backend::Database &database)
    : m_database(database)
{
}

QByteArray WebAppProjectList::page(const QString &userId, int limit, const std::optional<Cursor> &after, QString *nextCursor)
{
    const backend::Database &d = m_database;
    const QSqlDatabase db = m_database.connection();
    m_rowsRead = 0;

    // 1. Every project the user can see.
    const QString columns = QStringLiteral("p.id, p.name, p.description, p.owner_id, p.is_shared, %1, %2, o.display_name, o.username, "
                                           "p.rev, p.shared_rev")
                                .arg(d.timeColumn(QStringLiteral("p.created_at")), d.timeColumn(QStringLiteral("p.updated_at")));
    backend::SqlQuery q1(db, QStringLiteral("SELECT %1, 'owner' FROM projects p JOIN profiles o ON o.id = p.owner_id WHERE p.owner_id = :u "
                                            "UNION ALL SELECT %1, m.role FROM project_members m JOIN projects p ON p.id = m.project_id "
                                            "JOIN profiles o ON o.id = p.owner_id WHERE m.user_id = :u AND p.is_shared")
                                 .arg(columns));
    q1.bind(QStringLiteral(":u"), userId).exec();
    QList<VisibleProject> projects;
    QHash<QString, qsizetype> byId;
    QStringList projectIds;
    while (q1.next()) {
        VisibleProject p;
        p.id = q1.text(0);
        p.name = q1.text(1);
        p.description = q1.text(2);
        p.ownerId = q1.text(3);
        p.isShared = q1.boolean(4);
        p.createdAt = q1.int64(5);
        p.updatedAt = q1.int64(6);
        p.ownerName = q1.text(7);
        p.username = q1.value(8);
        p.role = q1.text(11);
        // Members see the rev of what they can see (DESIGN §3), owners the project's own.
        p.rev = q1.int64(p.role == QLatin1String("owner") ? 9 : 10);
        byId.insert(p.id, projects.size());
        projectIds.append(p.id);
        projects.append(std::move(p));
    }
    m_rowsRead += projects.size();

    // 2. All their sessions; members do not see private ones.
    QHash<QString, qsizetype> sessionProject;
    QStringList sessionIds;
    if (!projectIds.isEmpty()) {
        QSqlQuery q2 = run(db, QStringLiteral("SELECT s.id, s.project_id, s.is_private FROM sessions s WHERE s.project_id IN (%1)")
                                   .arg(inList(projectIds)));
        while (q2.next()) {
            ++m_rowsRead;
            const qsizetype index = byId.value(q2.value(1).toString());
            VisibleProject &project = projects[index];
            if (project.role != QLatin1String("owner") && truthy(q2.value(2)))
                continue;
            ++project.sessions;
            const QString sessionId = q2.value(0).toString();
            sessionProject.insert(sessionId, index);
            sessionIds.append(sessionId);
        }
    }

    // 3. All completed generations of those sessions with their image outputs.
    if (!sessionIds.isEmpty()) {
        QSqlQuery q3 = run(db, QStringLiteral("SELECT g.session_id, o.id, %1 FROM generations g JOIN outputs o ON o.generation_id = g.id "
                                              "WHERE g.session_id IN (%2) AND g.status = 'completed' AND o.file_type = 'image'")
                                   .arg(d.timeColumn(QStringLiteral("o.created_at")), inList(sessionIds)));
        while (q3.next()) {
            ++m_rowsRead;
            VisibleProject &project = projects[sessionProject.value(q3.value(0).toString())];
            const qint64 at = q3.value(2).toLongLong();
            const QString outputId = q3.value(1).toString();
            if (at > project.latestAt || (at == project.latestAt && outputId > project.latestId)) {
                project.latestAt = at;
                project.latestId = outputId;
            }
        }
    }

    // 4. Sort, skip to the cursor, cut the page.
    std::sort(projects.begin(), projects.end(), [](const VisibleProject &a, const VisibleProject &b) {
        return a.updatedAt != b.updatedAt ? a.updatedAt > b.updatedAt : a.id > b.id;
    });
    JsonWriter w(limit * 512);
    w.beginArray();
    int count = 0;
    nextCursor->clear();
    for (const VisibleProject &p : std::as_const(projects)) {
        if (after && (p.updatedAt > after->timeMicros || (p.updatedAt == after->timeMicros && p.id >= after->id)))
            continue;
        if (count == limit) {
            const VisibleProject &last = projects[&p - projects.constData() - 1];
            *nextCursor = Cursor{last.updatedAt, last.id}.encode();
            break;
        }
        w.beginObject();
        w.field("id", p.id).field("name", p.name).field("description", p.description).field("ownerId", p.ownerId)
            .field("isShared", p.isShared).field("createdAt", formatTime(p.createdAt)).field("updatedAt", formatTime(p.updatedAt));
        w.key("owner").beginObject().field("id", p.ownerId).field("displayName", p.ownerName);
        if (p.username.isNull())
            w.nullField("username");
        else
            w.field("username", p.username.toString());
        w.endObject();
        w.field("role", p.role).field("sessionCount", p.sessions);
        if (p.latestId.isEmpty())
            w.nullField("thumbnailUrl");
        else
            w.field("thumbnailUrl", backend::rowcodec::thumbnailUrl(p.latestId));
        w.field("rev", p.rev);
        w.endObject();
        ++count;
    }
    w.endArray();
    return w.take();
}

} // namespace vesper::bench
