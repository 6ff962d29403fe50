#include "backend/generation/outputwriter.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/repositories/jobqueue.h"
#include "backend/generation/keptimages.h"
#include "backend/repositories/projectstats.h"
#include "backend/storage/objectstore.h"
#include "backend/storage/thumbnailer.h"
#include "common/clock.h"
#include "common/uuid.h"

#include <QCryptographicHash>
#include <stdexcept>

namespace vesper::backend {

OutputWriter::OutputWriter(Database &database, ObjectStore &store)
    : m_database(database), m_store(store)
{
}

void OutputWriter::finishCancelled(const JobTarget &job, int requested)
{
    const QList<GeneratedImage> made = KeptImages(m_store, job.userId, job.id).load(qMax(1, requested)).values();
    if (!made.isEmpty())
        finish(job, made, requested, GenerationStatus::Cancelled);
    else
        GenerationSettlement::finishUnsuccessful(m_database, m_store, job.id, GenerationStatus::Cancelled, QString(), QString());
}

void OutputWriter::finish(const JobTarget &job, const QList<GeneratedImage> &images, int requested, GenerationStatus status,
                          const QString &note)
{
    struct Stored {
        QString key, thumbKey, sha256;
        qint64 bytes = 0;
        int width = 0, height = 0;
    };
    QList<Stored> stored;
    for (const GeneratedImage &image : images) {
        const int i = image.index;
        Stored s{ObjectStore::originalKey(job.userId, job.id, i, image.mime), ObjectStore::thumbnailKey(job.userId, job.id, i),
                 QString::fromLatin1(QCryptographicHash::hash(image.bytes, QCryptographicHash::Sha256).toHex()),
                 image.bytes.size(), image.width, image.height};
        QString error;
        const QByteArray thumb = image.image.isNull() ? makeThumbnail(image.bytes, ThumbnailSide, &error)
                                                      : makeThumbnail(image.image, ThumbnailSide, &error);
        if (thumb.isEmpty()) {
            ProviderResult bad;
            bad.errorCode = failureCodeName(FailureCode::BadResponse);
            bad.errorMessage = QStringLiteral("the provider returned an image that does not decode");
            GenerationSettlement::finishUnsuccessful(m_database, m_store, job.id, GenerationStatus::Failed, bad.errorCode, bad.errorMessage);
            return;
        }
        if (!m_store.put(s.key, image.bytes, &error) || !m_store.put(s.thumbKey, thumb, &error))
            throw std::runtime_error("object store write failed: " + error.toStdString());
        stored.append(s);
    }

    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    SqlQuery row(db, QStringLiteral("SELECT status, cost FROM generations WHERE id = :g%1")
                         .arg(m_database.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE")));
    row.bind(QStringLiteral(":g"), job.id).exec();
    if (!row.next()) {
        tx.commit();
        m_store.removeGeneration(job.userId, job.id); // deleted while it ran
        return;
    }
    const QString current = row.text(0);
    const qint64 cost = row.int64(1);
    if (GenerationSettlement::isFinished(current)) {
        // Ended meanwhile (cancelled while queued, or by another worker after a lost lease): the
        // files go, unless that ending kept outputs of its own.
        const bool keep = GenerationSettlement::hasOutputs(db, job.id);
        JobQueue::remove(db, job.id);
        tx.commit();
        if (!keep)
            m_store.removeGeneration(job.userId, job.id);
        return;
    }
    const qint64 now = nowMicros();
    qint64 rev = tx.allocateRevs(stored.size() + 1);
    SqlQuery insert(db, QStringLiteral("INSERT INTO outputs (id, generation_id, session_id, project_id, file_type, storage_key, thumb_key, "
                                       "width, height, bytes, sha256, is_starred, created_at, rev) VALUES (:id, :g, :s, :p, 'image', :k, "
                                       ":tk, :w, :h, :b, :sha, :star, %1, :rev)").arg(m_database.timeParam(QStringLiteral(":now"))));
    for (const Stored &s : stored) {
        insert.bind(QStringLiteral(":id"), newUuidV7()).bind(QStringLiteral(":g"), job.id).bind(QStringLiteral(":s"), job.sessionId)
            .bind(QStringLiteral(":p"), job.projectId).bind(QStringLiteral(":k"), s.key).bind(QStringLiteral(":tk"), s.thumbKey)
            .bind(QStringLiteral(":w"), s.width).bind(QStringLiteral(":h"), s.height).bind(QStringLiteral(":b"), s.bytes)
            .bind(QStringLiteral(":sha"), s.sha256).bind(QStringLiteral(":star"), false).bind(QStringLiteral(":now"), now)
            .bind(QStringLiteral(":rev"), rev++).exec();
    }
    // A cancelled generation keeps the progress it had when it stopped.
    const bool completed = status == GenerationStatus::Completed;
    SqlQuery done(db, QStringLiteral("UPDATE generations SET status = :status%1, finished_at = %2, rev = :rev WHERE id = :g")
                          .arg(completed ? QStringLiteral(", progress = 100") : QString(), m_database.timeParam(QStringLiteral(":now"))));
    done.bind(QStringLiteral(":status"), generationStatusName(status)).bind(QStringLiteral(":now"), now).bind(QStringLiteral(":rev"), rev).bind(QStringLiteral(":g"), job.id).exec();
    if (!note.isEmpty() && int(stored.size()) < requested) {
        SqlQuery why(db, QStringLiteral("UPDATE generations SET error_code = 'PROVIDER_ERROR', error_message = :m WHERE id = :g"));
        why.bind(QStringLiteral(":m"), note.left(500)).bind(QStringLiteral(":g"), job.id).exec();
    }
    JobQueue::remove(db, job.id);
    // Fewer images than paid for (a custom workflow, say, or a cancel midway) charge only for those made.
    if (stored.size() < requested)
        GenerationSettlement::refund(m_database, db, job.userId, job.id, cost * (requested - stored.size()) / requested);
    ProjectStats::recompute(m_database, db, job.projectId);
    tx.commit();
}

} // namespace vesper::backend
