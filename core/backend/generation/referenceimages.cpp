#include "backend/generation/referenceimages.h"
#include "backend/db/database.h"
#include "backend/repositories/jobqueue.h"
#include "backend/storage/objectstore.h"

#include <QHash>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <optional>

namespace vesper::backend {

ReferenceImages loadReferenceImages(Database &database, ObjectStore &store, const QString &userId, const QStringList &ids,
                                    int parallelLimit)
{
    ReferenceImages result;
    if (ids.isEmpty())
        return result;
    const QHash<QString, QString> keys = JobQueue(database).uploadKeys(userId, ids);
    QStringList ordered;
    for (const QString &id : ids) {
        if (!keys.contains(id)) {
            result.ok = false;
            result.error = QStringLiteral("a reference image was deleted before the generation ran");
            return result;
        }
        ordered << keys.value(id);
    }
    // A pool of our own caps the reads of this job without borrowing the server's threads.
    QThreadPool pool;
    pool.setMaxThreadCount(qMax(1, parallelLimit));
    const QList<std::optional<QByteArray>> files = QtConcurrent::blockingMapped<QList<std::optional<QByteArray>>>(
        &pool, ordered, [&store](const QString &key) { return store.get(key); });
    for (const std::optional<QByteArray> &file : files) {
        if (!file) {
            result.ok = false;
            result.error = QStringLiteral("a reference image could not be read from storage");
            result.images.clear();
            return result;
        }
        result.images.append(*file);
    }
    return result;
}

} // namespace vesper::backend
