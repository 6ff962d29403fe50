#include "backend/repositories/uploadrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "common/uuid.h"

namespace vesper::backend {

UploadRepository::UploadRepository(Database &database)
    : m_database(database)
{
}

std::optional<UploadRef> UploadRepository::find(const QSqlDatabase &db, const QString &uploadId)
{
    if (!isUuid(uploadId))
        return std::nullopt;
    SqlQuery q(db, QStringLiteral("SELECT id, user_id, storage_key, sha256 FROM uploads WHERE id = :id"));
    q.bind(QStringLiteral(":id"), uploadId.toLower()).exec();
    if (!q.next())
        return std::nullopt;
    return UploadRef{q.text(0), q.text(1), q.text(2), q.text(3)};
}

void UploadRepository::linkToGeneration(const QSqlDatabase &db, const QString &generationId, const QStringList &uploadIds)
{
    SqlQuery insert(db, QStringLiteral("INSERT INTO generation_uploads (upload_id, generation_id) VALUES (:up, :g)"));
    for (const QString &uploadId : uploadIds)
        insert.bind(QStringLiteral(":up"), uploadId).bind(QStringLiteral(":g"), generationId).exec();
}

QString UploadRepository::thumbnailKey(const UploadRef &upload)
{
    return upload.userId + QStringLiteral("/uploads/") + upload.id + QStringLiteral(".thumb.webp");
}

} // namespace vesper::backend
