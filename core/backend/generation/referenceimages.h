#pragma once
// The reference images of a generation: the owner's uploads named in its parameters, read from the
// object store in parallel (at most VESPER_REFERENCE_FETCH_LIMIT at once) just before the provider runs.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace vesper::backend {

class Database;
class ObjectStore;

struct ReferenceImages {
    bool ok = true;
    QList<QByteArray> images; // in the order of the ids
    QString error;            // readable, when !ok
};

/// Reads the uploads `ids` of `userId`; an upload deleted since the request is an error, not a gap.
ReferenceImages loadReferenceImages(Database &database, ObjectStore &store, const QString &userId, const QStringList &ids,
                                    int parallelLimit);

} // namespace vesper::backend
