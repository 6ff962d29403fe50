#pragma once
// The lifecycle of uploads nobody used: an upload that no generation references is deleted (row and
// files) once it is older than the configured age, in batches, by the backend's periodic sweep.
// Referenced uploads stay as long as a generation that shows them does.
#include <QString>

namespace vesper::backend {

class Database;

class UploadSweep {
public:
    UploadSweep(Database &database, const QString &storagePath);

    /// Deletes unreferenced uploads created before `olderThanMicros`; returns how many went.
    int run(qint64 olderThanMicros);

private:
    Database &m_database;
    QString m_storagePath;
};

} // namespace vesper::backend
