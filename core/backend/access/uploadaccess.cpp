#include "backend/access/uploadaccess.h"
#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "domain/domainerror.h"

namespace vesper::backend {

UploadAccess::UploadAccess(Database &database)
    : m_database(database)
{
}

UploadRef UploadAccess::readable(const QString &userId, const QString &uploadId)
{
    QSqlDatabase db = m_database.connection();
    const auto upload = UploadRepository(m_database).find(db, uploadId);
    if (!upload)
        throw DomainError::notFound(QStringLiteral("upload"));
    if (upload->userId == userId)
        return *upload;
    // A generation that used it, in a session the caller sees (the rule of AccessControl, in SQL).
    SqlQuery seen(db, QStringLiteral("SELECT 1 FROM generation_uploads gu JOIN generations g ON g.id = gu.generation_id "
                                     "JOIN sessions s ON s.id = g.session_id JOIN projects p ON p.id = g.project_id "
                                     "LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = :u "
                                     "WHERE gu.upload_id = :id AND %1 LIMIT 1")
                          .arg(AccessControl::sessionVisibleToUserSql()));
    seen.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":id"), upload->id).exec();
    if (!seen.next())
        throw DomainError::notFound(QStringLiteral("upload"));
    return *upload;
}

} // namespace vesper::backend
