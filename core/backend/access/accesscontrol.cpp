#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "domain/domainerror.h"
#include "common/uuid.h"

namespace vesper::backend {
namespace {
Role resolveRole(const QString &userId, const QString &ownerId, bool isShared, const QVariant &memberRole)
{
    if (userId == ownerId)
        return Role::Owner;
    if (!isShared || memberRole.isNull())
        return Role::None;
    return memberRole.toString() == QLatin1String("editor") ? Role::Editor : Role::Viewer;
}
} // namespace

QString ProjectAccess::roleName() const
{
    switch (role) {
    case Role::Owner: return QStringLiteral("owner");
    case Role::Editor: return QStringLiteral("editor");
    case Role::Viewer: return QStringLiteral("viewer");
    case Role::None: break;
    }
    return QString();
}

AccessControl::AccessControl(Database &database)
    : m_database(database)
{
}

ProjectAccess AccessControl::project(const QSqlDatabase &db, const QString &userId, const QString &projectId)
{
    if (!isUuid(projectId))
        throw DomainError::notFound(QStringLiteral("project"));
    SqlQuery q(db, QStringLiteral("SELECT p.owner_id, p.is_shared, m.role FROM projects p "
                                  "LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = :u WHERE p.id = :p"));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":p"), projectId.toLower()).exec();
    if (!q.next())
        throw DomainError::notFound(QStringLiteral("project"));
    ProjectAccess access{projectId.toLower(), q.text(0), q.boolean(1), Role::None};
    access.role = resolveRole(userId, access.ownerId, access.isShared, q.value(2));
    if (access.role == Role::None)
        throw DomainError::notFound(QStringLiteral("project"));
    return access;
}

SessionAccess AccessControl::session(const QSqlDatabase &db, const QString &userId, const QString &sessionId)
{
    if (!isUuid(sessionId))
        throw DomainError::notFound(QStringLiteral("session"));
    SqlQuery q(db, QStringLiteral("SELECT s.project_id, s.creator_id, s.is_private, p.owner_id, p.is_shared, m.role "
                                  "FROM sessions s JOIN projects p ON p.id = s.project_id "
                                  "LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = :u WHERE s.id = :s"));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":s"), sessionId.toLower()).exec();
    if (!q.next())
        throw DomainError::notFound(QStringLiteral("session"));
    SessionAccess access;
    access.sessionId = sessionId.toLower();
    access.creatorId = q.text(1);
    access.isPrivate = q.boolean(2);
    access.project = ProjectAccess{q.text(0), q.text(3), q.boolean(4), Role::None};
    access.project.role = resolveRole(userId, access.project.ownerId, access.project.isShared, q.value(5));
    if (access.project.role == Role::None || (access.isPrivate && !access.project.isOwner()))
        throw DomainError::notFound(QStringLiteral("session"));
    return access;
}

void AccessControl::requireOwner(const ProjectAccess &access)
{
    if (!access.isOwner())
        throw DomainError::forbidden(QStringLiteral("only the project owner may do this"));
}

void AccessControl::requireContributor(const ProjectAccess &access)
{
    if (!access.canContribute())
        throw DomainError::forbidden(QStringLiteral("viewers cannot change this project"));
}

QString AccessControl::sessionVisibleToUserSql()
{
    return QStringLiteral("(p.owner_id = :u OR (p.is_shared AND m.role IS NOT NULL AND NOT s.is_private))");
}

QString AccessControl::sessionVisibleSql(const QString &roleExpression)
{
    return QStringLiteral("(%1 = 'owner' OR NOT s.is_private)").arg(roleExpression);
}

} // namespace vesper::backend
