#pragma once
// Uploads read back, listed and deleted by their owner, counted against the owner's quota, and which
// generations used them as references (generation_uploads, migration 0006). Who may read one is
// decided in access/uploadaccess.h.
#include "domain/cursor.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace vesper::backend {

class Database;

struct UploadRef {
    QString id;
    QString userId;
    QString storageKey;
    QString sha256;
};

/// What a user's uploads take now.
struct UploadUsage {
    qint64 count = 0;
    qint64 bytes = 0;
};

struct UploadPage {
    QJsonArray data;
    QString nextCursor; // empty on the last page
};

enum class UploadRemoval { Removed, Missing, Referenced };

/// An upload's row as it is stored (its file already written under storageKey).
struct NewUpload {
    QString id;
    QString userId;
    QString storageKey;
    QString mime;
    qint64 bytes = 0;
    QString sha256;
    int width = 0;
    int height = 0;
    qint64 createdAt = 0;
};

class UploadRepository {
public:
    explicit UploadRepository(Database &database);

    /// The upload; nullopt when it is missing (also for a malformed id).
    std::optional<UploadRef> find(const QSqlDatabase &db, const QString &uploadId);
    /// The user's uploads, counted inside `db`'s transaction (the quota check before an insert).
    static UploadUsage usage(const QSqlDatabase &db, const QString &userId);
    /// The user's own uploads, newest first, keyset paged on (created_at, id).
    UploadPage listOwn(const QString &userId, int limit, const std::optional<Cursor> &after);
    /// Deletes the user's own upload and hands back its row for the file removal; Missing for
    /// someone else's (indistinguishable from none), Referenced while a generation uses it.
    UploadRemoval removeOwn(const QString &userId, const QString &uploadId, UploadRef *removed);
    /// Inserts the row in its own transaction (no rev: uploads are not synced), the uploader locked
    /// on PostgreSQL so two uploads of one user are counted one after the other; `checkQuota` sees
    /// the user's usage inside it and refuses by throwing.
    void insert(const NewUpload &row, const std::function<void(const UploadUsage &)> &checkQuota);
    /// How many of uploadIds are the user's own (a generation's references are checked with it).
    static qint64 countOwned(const QSqlDatabase &db, const QString &userId, const QStringList &uploadIds);
    /// Inside the transaction that inserts a generation: records the uploads it references.
    static void linkToGeneration(const QSqlDatabase &db, const QString &generationId, const QStringList &uploadIds);
    /// The key of an upload's thumbnail, made next to the original on first request.
    static QString thumbnailKey(const UploadRef &upload);

private:
    Database &m_database;
};

} // namespace vesper::backend
