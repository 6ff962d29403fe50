#include "backend/repositories/uploadrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "common/clock.h"
#include "common/uuid.h"

#include <QJsonObject>

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

UploadUsage UploadRepository::usage(const QSqlDatabase &db, const QString &userId)
{
    SqlQuery q(db, QStringLiteral("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM uploads WHERE user_id = :u"));
    q.bind(QStringLiteral(":u"), userId).exec();
    UploadUsage usage;
    if (q.next())
        usage = {q.int64(0), q.int64(1)};
    return usage;
}

UploadPage UploadRepository::listOwn(const QString &userId, int limit, const std::optional<Cursor> &after)
{
    const Database &d = m_database;
    QString sql = QStringLiteral("SELECT u.id, u.mime, u.bytes, u.width, u.height, u.sha256, %1, "
                                 "(SELECT COUNT(*) FROM generation_uploads gu WHERE gu.upload_id = u.id) FROM uploads u WHERE u.user_id = :u")
                      .arg(d.timeColumn(QStringLiteral("u.created_at")));
    if (after)
        sql += QStringLiteral(" AND (u.created_at < %1 OR (u.created_at = %1 AND u.id < :cid))").arg(d.timeParam(QStringLiteral(":ct")));
    sql += QStringLiteral(" ORDER BY u.created_at DESC, u.id DESC LIMIT :n");
    SqlQuery q(m_database.connection(), sql);
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":n"), limit + 1);
    if (after)
        q.bind(QStringLiteral(":ct"), after->timeMicros).bind(QStringLiteral(":cid"), after->id);
    q.exec();
    UploadPage page;
    Cursor last;
    while (q.next()) {
        if (page.data.size() == limit) {
            page.nextCursor = last.encode();
            break;
        }
        last = Cursor{q.int64(6), q.text(0)};
        QJsonObject row;
        row.insert(QStringLiteral("id"), q.text(0));
        row.insert(QStringLiteral("mime"), q.text(1));
        row.insert(QStringLiteral("bytes"), q.int64(2));
        row.insert(QStringLiteral("width"), q.value(3).toInt());
        row.insert(QStringLiteral("height"), q.value(4).toInt());
        row.insert(QStringLiteral("sha256"), q.text(5));
        row.insert(QStringLiteral("createdAt"), formatTime(q.int64(6)));
        row.insert(QStringLiteral("generationCount"), q.int64(7));
        page.data.append(row);
    }
    return page;
}

UploadRemoval UploadRepository::removeOwn(const QString &userId, const QString &uploadId, UploadRef *removed)
{
    if (!isUuid(uploadId))
        return UploadRemoval::Missing;
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db, Transaction::WithoutRevs);
    const std::optional<UploadRef> upload = find(db, uploadId);
    if (!upload || upload->userId != userId)
        return UploadRemoval::Missing;
    // A generation that used it shows it as its reference (and a queued one still needs it): the
    // generation goes first, then the upload.
    SqlQuery used(db, QStringLiteral("SELECT 1 FROM generation_uploads WHERE upload_id = :id LIMIT 1"));
    used.bind(QStringLiteral(":id"), upload->id).exec();
    if (used.next())
        return UploadRemoval::Referenced;
    // Conditional in the same statement too: a generation linked since the check keeps it.
    SqlQuery remove(db, QStringLiteral("DELETE FROM uploads WHERE id = :id AND user_id = :u "
                                       "AND NOT EXISTS (SELECT 1 FROM generation_uploads gu WHERE gu.upload_id = uploads.id)"));
    remove.bind(QStringLiteral(":id"), upload->id).bind(QStringLiteral(":u"), userId).exec();
    tx.commit();
    if (remove.numRowsAffected() <= 0)
        return UploadRemoval::Referenced; // linked by a generation between the check and the delete
    *removed = *upload;
    return UploadRemoval::Removed;
}

void UploadRepository::insert(const NewUpload &row, const std::function<void(const UploadUsage &)> &checkQuota)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db, Transaction::WithoutRevs);
    if (!m_database.isSqlite()) { // SQLite's write lock already serializes; Postgres locks the uploader
        SqlQuery lock(db, QStringLiteral("SELECT id FROM profiles WHERE id = :u FOR UPDATE"));
        lock.bind(QStringLiteral(":u"), row.userId).exec();
    }
    if (checkQuota)
        checkQuota(usage(db, row.userId));
    SqlQuery insert(db, QStringLiteral("INSERT INTO uploads (id, user_id, storage_key, mime, bytes, sha256, width, height, created_at) "
                                       "VALUES (:id, :u, :k, :m, :b, :sha, :w, :h, %1)")
                            .arg(m_database.timeParam(QStringLiteral(":now"))));
    insert.bind(QStringLiteral(":id"), row.id).bind(QStringLiteral(":u"), row.userId).bind(QStringLiteral(":k"), row.storageKey)
        .bind(QStringLiteral(":m"), row.mime).bind(QStringLiteral(":b"), row.bytes)
        .bind(QStringLiteral(":sha"), row.sha256).bind(QStringLiteral(":w"), row.width).bind(QStringLiteral(":h"), row.height)
        .bind(QStringLiteral(":now"), row.createdAt).exec();
    tx.commit();
}

qint64 UploadRepository::countOwned(const QSqlDatabase &db, const QString &userId, const QStringList &uploadIds)
{
    if (uploadIds.isEmpty())
        return 0;
    QStringList names;
    for (qsizetype i = 0; i < uploadIds.size(); ++i)
        names << QStringLiteral(":up%1").arg(i);
    SqlQuery q(db, QStringLiteral("SELECT COUNT(*) FROM uploads WHERE user_id = :u AND id IN (%1)").arg(names.join(QLatin1Char(','))));
    q.bind(QStringLiteral(":u"), userId);
    for (qsizetype i = 0; i < uploadIds.size(); ++i)
        q.bind(names.at(i), uploadIds.at(i));
    q.exec();
    return q.next() ? q.int64(0) : 0;
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
