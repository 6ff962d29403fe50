#pragma once
// Sessions of a project: list, create, rename, privacy and delete, each write in one transaction
// with the project_stats row and the feed's tombstones or regrants.
#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace vesper::backend {

struct GenerationFolder;

class Database;

class SessionRepository {
public:
    explicit SessionRepository(Database &database);

    /// Sessions of the project the caller may see (members: not private), oldest first.
    /// A JSON array of session objects.
    QByteArray list(const QString &projectId, bool callerIsOwner);
    /// One session object as JSON; nullopt when it is gone.
    std::optional<QByteArray> fetch(const QString &sessionId);
    QString create(const QString &projectId, const QString &creatorId, const QString &name, const QString &type, bool isPrivate);
    /// Renames and/or changes privacy; privacy changes hide from or show to the project's members.
    /// A value equal to the current one is no change: when nothing changes, nothing is written (no
    /// new rev, nothing in anyone's feed) and it returns false.
    bool update(const QString &sessionId, const QString &projectId, bool projectShared,
                const std::optional<QString> &name, const std::optional<bool> &isPrivate);
    /// Deletes the session with its generations (unfinished ones refunded); returns their folders,
    /// which the caller removes from the object store. With onlyGenerationsOf set (a caller who is not
    /// the project owner), refuses with 403 and deletes nothing when the session holds a generation of
    /// anyone else, checked in the deleting transaction with the session row locked.
    QList<GenerationFolder> remove(const QString &sessionId, const QString &projectId, const QString &ownerId, bool projectShared,
                                   bool wasPrivate, const QString &onlyGenerationsOf = QString());

private:
    Database &m_database;
};

} // namespace vesper::backend
