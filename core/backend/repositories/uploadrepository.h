#pragma once
// Uploads read back, and which generations used them as references (generation_uploads, migration
// 0006). Who may read one is decided in access/uploadaccess.h.
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper::backend {

class Database;

struct UploadRef {
    QString id;
    QString userId;
    QString storageKey;
    QString sha256;
};

class UploadRepository {
public:
    explicit UploadRepository(Database &database);

    /// The upload; nullopt when it is missing (also for a malformed id).
    std::optional<UploadRef> find(const QSqlDatabase &db, const QString &uploadId);
    /// Inside the transaction that inserts a generation: records the uploads it references.
    static void linkToGeneration(const QSqlDatabase &db, const QString &generationId, const QStringList &uploadIds);
    /// The key of an upload's thumbnail, made next to the original on first request.
    static QString thumbnailKey(const UploadRef &upload);

private:
    Database &m_database;
};

} // namespace vesper::backend
