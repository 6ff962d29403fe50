#include "backend/repositories/outputrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"
#include "common/jsonwriter.h"
#include "common/uuid.h"

namespace vesper::backend {

OutputRepository::OutputRepository(Database &database)
    : m_database(database)
{
}

std::optional<OutputRow> OutputRepository::find(const QString &outputId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT o.id, o.generation_id, g.user_id, o.storage_key, o.thumb_key, o.sha256, o.session_id "
                                                       "FROM outputs o JOIN generations g ON g.id = o.generation_id WHERE o.id = :o"));
    q.bind(QStringLiteral(":o"), outputId).exec();
    if (!q.next())
        return std::nullopt;
    return OutputRow{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6)};
}

std::optional<QByteArray> OutputRepository::json(const QString &outputId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT %1 FROM outputs o2 WHERE o2.id = :o").arg(rowcodec::outputColumns(m_database)));
    q.bind(QStringLiteral(":o"), outputId).exec();
    if (!q.next())
        return std::nullopt;
    JsonWriter w(512);
    w.beginObject();
    rowcodec::outputFields(w, q);
    return w.endObject().take();
}

std::optional<bool> OutputRepository::isStarred(const QSqlDatabase &db, const QString &outputId)
{
    SqlQuery q(db, QStringLiteral("SELECT is_starred FROM outputs WHERE id = :o"));
    q.bind(QStringLiteral(":o"), outputId).exec();
    if (!q.next())
        return std::nullopt;
    return q.boolean(0);
}

void OutputRepository::setStarred(const QSqlDatabase &db, const QString &outputId, bool starred, qint64 rev)
{
    SqlQuery q(db, QStringLiteral("UPDATE outputs SET is_starred = :s, rev = :rev WHERE id = :o"));
    q.bind(QStringLiteral(":s"), starred).bind(QStringLiteral(":rev"), rev).bind(QStringLiteral(":o"), outputId).exec();
}

bool OutputRepository::remove(const QSqlDatabase &db, const QString &outputId)
{
    SqlQuery del(db, QStringLiteral("DELETE FROM outputs WHERE id = :o"));
    del.bind(QStringLiteral(":o"), outputId).exec();
    return del.numRowsAffected() > 0;
}

QStringList OutputRepository::idsOf(const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("SELECT id FROM outputs WHERE generation_id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    QStringList ids;
    while (q.next())
        ids << q.text(0);
    return ids;
}

qint64 OutputRepository::insert(const QSqlDatabase &db, const OutputOwner &owner, const QList<NewOutput> &outputs, qint64 createdAt,
                                qint64 firstRev)
{
    qint64 rev = firstRev;
    if (outputs.isEmpty())
        return rev;
    SqlQuery insert(db, QStringLiteral("INSERT INTO outputs (id, generation_id, session_id, project_id, file_type, storage_key, thumb_key, "
                                       "width, height, bytes, sha256, is_starred, created_at, rev) VALUES (:id, :g, :s, :p, 'image', :k, "
                                       ":tk, :w, :h, :b, :sha, :star, %1, :rev)").arg(m_database.timeParam(QStringLiteral(":now"))));
    for (const NewOutput &o : outputs) {
        insert.bind(QStringLiteral(":id"), newUuidV7()).bind(QStringLiteral(":g"), owner.generationId)
            .bind(QStringLiteral(":s"), owner.sessionId).bind(QStringLiteral(":p"), owner.projectId)
            .bind(QStringLiteral(":k"), o.storageKey).bind(QStringLiteral(":tk"), o.thumbKey)
            .bind(QStringLiteral(":w"), o.width).bind(QStringLiteral(":h"), o.height).bind(QStringLiteral(":b"), o.bytes)
            .bind(QStringLiteral(":sha"), o.sha256).bind(QStringLiteral(":star"), false).bind(QStringLiteral(":now"), createdAt)
            .bind(QStringLiteral(":rev"), rev++).exec();
    }
    return rev;
}

} // namespace vesper::backend
