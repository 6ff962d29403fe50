#pragma once
// The one visibility rule (DESIGN §3), written once. A project is visible to its owner, and to its
// members while it is shared; a session of a visible project to the owner always and to members
// when it is not private; generations and outputs follow their session. Anything not visible is
// answered exactly like a missing thing: DomainError 404.
#include <QSqlDatabase>
#include <QString>

namespace vesper::backend {

class Database;

enum class Role { None, Viewer, Editor, Owner };

struct ProjectAccess {
    QString projectId;
    QString ownerId;
    bool isShared = false;
    Role role = Role::None;

    bool isOwner() const { return role == Role::Owner; }
    /// Owner or editor: may create sessions and generations.
    bool canContribute() const { return role == Role::Owner || role == Role::Editor; }
    QString roleName() const;
};

struct SessionAccess {
    ProjectAccess project;
    QString sessionId;
    QString creatorId;
    bool isPrivate = false;
};

class AccessControl {
public:
    explicit AccessControl(Database &database);

    /// The caller's access to a visible project; 404 when missing, hidden, or id malformed.
    ProjectAccess project(const QSqlDatabase &db, const QString &userId, const QString &projectId);
    /// The caller's access to a visible session; 404 otherwise.
    SessionAccess session(const QSqlDatabase &db, const QString &userId, const QString &sessionId);
    /// Refuses with 403 unless the caller owns the project.
    static void requireOwner(const ProjectAccess &access);
    /// Refuses with 403 unless the caller may contribute (owner or editor).
    static void requireContributor(const ProjectAccess &access);

    /// SQL condition: the session aliased `s` is visible to a caller whose role expression is
    /// `roleExpression` ('owner' sees private sessions; members do not).
    static QString sessionVisibleSql(const QString &roleExpression);
    /// SQL condition: the session aliased `s`, of the project aliased `p`, is visible to the user
    /// bound as `:u`, with `m` the LEFT JOINed project_members row of (p, :u).
    static QString sessionVisibleToUserSql();

private:
    Database &m_database;
};

} // namespace vesper::backend
