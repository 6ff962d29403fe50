#include "backend/repositories/uploadsweep.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/uploadrepository.h"
#include "backend/storage/objectstore.h"

namespace vesper::backend {
namespace {
constexpr int kBatch = 500; // per statement, so one sweep never holds the write lock long
constexpr int kMaxBatches = 100;
} // namespace

UploadSweep::UploadSweep(Database &database, const QString &storagePath)
    : m_database(database)
    , m_storagePath(storagePath)
{
}

int UploadSweep::run(qint64 olderThanMicros)
{
    ObjectStore store(m_storagePath);
    int total = 0;
    for (int batch = 0; batch < kMaxBatches; ++batch) {
        QList<UploadRef> gone;
        {
            QSqlDatabase db = m_database.connection();
            Transaction tx(m_database, db, Transaction::WithoutRevs);
            SqlQuery pick(db, QStringLiteral("SELECT id, user_id, storage_key, sha256 FROM uploads u WHERE u.created_at < %1 "
                                             "AND NOT EXISTS (SELECT 1 FROM generation_uploads gu WHERE gu.upload_id = u.id) LIMIT :n")
                                  .arg(m_database.timeParam(QStringLiteral(":cut"))));
            pick.bind(QStringLiteral(":cut"), olderThanMicros).bind(QStringLiteral(":n"), kBatch).exec();
            while (pick.next())
                gone.append(UploadRef{pick.text(0), pick.text(1), pick.text(2), pick.text(3)});
            // The same condition again in the delete: a generation linked since the pick keeps it.
            SqlQuery remove(db, QStringLiteral("DELETE FROM uploads WHERE id = :id "
                                               "AND NOT EXISTS (SELECT 1 FROM generation_uploads gu WHERE gu.upload_id = uploads.id)"));
            for (qsizetype i = 0; i < gone.size();) {
                remove.bind(QStringLiteral(":id"), gone[i].id).exec();
                if (remove.numRowsAffected() > 0)
                    ++i;
                else
                    gone.removeAt(i);
            }
            tx.commit();
        }
        // Files after the rows: a crash in between leaves a stray file, never a row without its file.
        for (const UploadRef &upload : gone) {
            store.remove(upload.storageKey);
            store.remove(UploadRepository::thumbnailKey(upload));
        }
        total += int(gone.size());
        if (gone.size() < kBatch)
            break;
    }
    return total;
}

} // namespace vesper::backend
