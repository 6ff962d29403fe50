#pragma once
// The seeded "who and where": users, projects (some shared, with members), and sessions (some
// private), written through a SeedWriter and kept in memory for the activity that fills them.
#include "backend/tools/seedoptions.h"
#include "backend/tools/seedwriter.h"

#include <QByteArray>
#include <QList>

namespace vesper::backend {

class SeedRandom;

/// Users, projects, memberships and sessions with realistic, skewed shapes.
class SeedGraph {
public:
    struct User {
        SeedId id;
        qint64 createdAt = 0;
    };
    struct Project {
        SeedId id;
        int owner = 0;
        bool shared = false;
        qint64 createdAt = 0;
        qint64 updatedAt = 0;
        QList<int> editors;
    };
    struct Session {
        SeedId id;
        int project = 0;
        int creator = 0;
        bool isPrivate = false;
        qint64 createdAt = 0;
        qint64 updatedAt = 0; // generations of the session fall between createdAt and this
    };

    SeedGraph(const SeedOptions &options, SeedRandom &random, qint64 endMicros);

    /// Profiles user{first+i}@seed.vesper.local, all with one password hash, each with a credit grant.
    void writeUsers(SeedWriter &writer, int firstIndex, const QByteArray &passwordHash, qint64 credits);
    /// Projects in groups that share created_at/updated_at, owners skewed, and their members.
    void writeProjects(SeedWriter &writer);
    void writeSessions(SeedWriter &writer);

    const QList<User> &users() const { return m_users; }
    const QList<Project> &projects() const { return m_projects; }
    const QList<Session> &sessions() const { return m_sessions; }
    int firstUserIndex() const { return m_firstIndex; }
    qint64 sharedProjects() const { return m_sharedProjects; }
    qint64 privateSessions() const { return m_privateSessions; }
    qint64 tieGroups() const { return m_tieGroups; }
    /// The user owning the most projects, and the one with the most shared memberships.
    int topOwner(int *count) const;
    int topMember(int *count) const;

private:
    void writeMembers(SeedWriter &writer, Project &project, int count);

    const SeedOptions m_options;
    SeedRandom &m_random;
    const qint64 m_end;
    int m_firstIndex = 0;
    QList<User> m_users;
    QList<Project> m_projects;
    QList<Session> m_sessions;
    QList<int> m_owned;
    QList<int> m_memberships;
    qint64 m_sharedProjects = 0;
    qint64 m_privateSessions = 0;
    qint64 m_tieGroups = 0;
};

} // namespace vesper::backend
