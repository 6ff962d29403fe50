#pragma once
// What the changes feed needs from every write that changes who sees what: tombstones for the
// users who lose sight of a row, and fresh revs for rows that become visible to someone although
// they are older than that user's sync position (DESIGN §4, GET /api/changes).
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace vesper::backend {

class Database;
class Transaction;

class ChangeLog {
public:
    ChangeLog(Database &database, const QSqlDatabase &db, Transaction &tx);

    /// One tombstone per user, each with its own rev.
    void tombstone(const QString &kind, const QString &id, const QString &projectId, const QStringList &userIds);
    /// Members of a project (not the owner).
    QStringList memberIds(const QString &projectId);
    /// Everyone who sees the project now: the owner, and the members if it is shared.
    QStringList projectAudience(const QString &projectId, const QString &ownerId, bool isShared);
    /// Gives the project and everything in it (memberships too) new revs, so users who just gained sight of it
    /// receive all of it from their current position in the feed.
    void regrantProject(const QString &projectId);
    /// The same for one session and its generations and outputs.
    void regrantSession(const QString &sessionId);
    /// A new rev for one row of a synced table (projects, sessions, generations, outputs); for a
    /// project, the members' rev (shared_rev) too.
    void touch(const QString &table, const QString &id);
    /// A new rev for one membership (a role change).
    void touchMember(const QString &projectId, const QString &userId);
    /// The feed id of a membership (kind "member"): "<projectId>:<userId>".
    static QString memberChangeId(const QString &projectId, const QString &userId);

private:
    void rerevMembers(const QString &projectId);
    void rerev(const QString &table, const QString &condition, const QString &value);

    Database &m_database;
    QSqlDatabase m_db;
    Transaction &m_tx;
};

} // namespace vesper::backend
