#include "backend/generation/outputwriter.h"
#include "backend/db/database.h"
#include "backend/db/transaction.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/repositories/jobqueue.h"
#include "backend/repositories/outputrepository.h"
#include "backend/generation/keptimages.h"
#include "backend/repositories/projectstats.h"
#include "backend/storage/objectstore.h"
#include "backend/storage/thumbnailer.h"
#include "common/clock.h"

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
    QList<NewOutput> stored;
    for (const GeneratedImage &image : images) {
        const int i = image.index;
        NewOutput s{ObjectStore::originalKey(job.userId, job.id, i, image.mime), ObjectStore::thumbnailKey(job.userId, job.id, i),
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
        if (!m_store.put(s.storageKey, image.bytes, &error) || !m_store.put(s.thumbKey, thumb, &error))
            throw std::runtime_error("object store write failed: " + error.toStdString());
        stored.append(s);
    }

    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    const std::optional<LockedGeneration> row = GenerationSettlement::lock(m_database, db, job.id);
    if (!row) {
        tx.commit();
        m_store.removeGeneration(job.userId, job.id); // deleted while it ran
        return;
    }
    if (GenerationSettlement::isFinished(row->status)) {
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
    const qint64 firstRev = tx.allocateRevs(stored.size() + 1);
    const qint64 rev = OutputRepository(m_database).insert(db, OutputOwner{job.id, job.sessionId, job.projectId}, stored, now, firstRev);
    const bool fewer = int(stored.size()) < requested;
    GenerationSettlement::finishWithImages(m_database, db, job.id, status, now, rev, fewer ? note : QString());
    JobQueue::remove(db, job.id);
    // Fewer images than paid for (a custom workflow, say, or a cancel midway) charge only for those made.
    if (fewer)
        GenerationSettlement::refund(m_database, db, job.userId, job.id, row->cost * (requested - stored.size()) / requested);
    ProjectStats::recompute(m_database, db, job.projectId);
    tx.commit();
}

} // namespace vesper::backend
