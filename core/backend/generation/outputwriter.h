#pragma once
// How a job that made images ends. Files first, under keys fixed by the generation (a rerun after
// a crash overwrites, never duplicates); then one transaction inserts the outputs, ends the
// generation, refunds what was paid for and not made, and updates project_stats — or, when the
// generation ended meanwhile (cancelled, deleted), leaves it as it is and cleans up the files.
#include "backend/providers/provider.h"
#include "domain/generationstatus.h"

#include <QList>
#include <QString>

namespace vesper::backend {

class Database;
class ObjectStore;

/// The generation a job works for.
struct JobTarget {
    QString id, userId, sessionId, projectId, modelId;
};

/// Writes a job's images and ends its generation.
class OutputWriter {
public:
    OutputWriter(Database &database, ObjectStore &store);

    /// images carry their output index; `requested` were paid for. status is "completed", or
    /// "cancelled" for a cancel that came after some images were made (they stay, the rest is refunded).
    /// note: why fewer images than requested came back (a provider's safety filter), shown with the
    /// completed generation as its error message; empty when there is nothing to say.
    void finish(const JobTarget &job, const QList<GeneratedImage> &images, int requested, GenerationStatus status,
                const QString &note = {});
    /// Ends a generation whose cancel no running call is left to answer: the images earlier
    /// attempts kept stay as its outputs (the rest is refunded); with none it ends like any cancel.
    void finishCancelled(const JobTarget &job, int requested);

private:
    Database &m_database;
    ObjectStore &m_store;
};

} // namespace vesper::backend
