#include "client/cache/cachetypes.h"

namespace vesper::client {

bool CacheChanges::isEmpty() const
{
    return projects.isEmpty() && sessions.isEmpty() && generations.isEmpty() && outputs.isEmpty() && removedProjects.isEmpty()
        && removedSessions.isEmpty() && removedGenerations.isEmpty() && removedOutputs.isEmpty() && memberProjects.isEmpty() && !profile;
}

void CacheChanges::merge(const CacheChanges &other)
{
    auto upserted = [](QSet<QString> &into, QSet<QString> &removed, const QSet<QString> &ids) {
        for (const QString &id : ids) {
            into.insert(id);
            removed.remove(id);
        }
    };
    auto gone = [](QSet<QString> &into, QSet<QString> &upserts, const QSet<QString> &ids) {
        for (const QString &id : ids) {
            into.insert(id);
            upserts.remove(id);
        }
    };
    upserted(projects, removedProjects, other.projects);
    upserted(sessions, removedSessions, other.sessions);
    upserted(generations, removedGenerations, other.generations);
    upserted(outputs, removedOutputs, other.outputs);
    gone(removedProjects, projects, other.removedProjects);
    gone(removedSessions, sessions, other.removedSessions);
    gone(removedGenerations, generations, other.removedGenerations);
    gone(removedOutputs, outputs, other.removedOutputs);
    memberProjects.unite(other.memberProjects);
    profile = profile || other.profile;
}

QString outboxStateName(OutboxState state)
{
    switch (state) {
    case OutboxState::Queued: return QStringLiteral("queued");
    case OutboxState::Sent: return QStringLiteral("sent");
    case OutboxState::Conflict: return QStringLiteral("conflict");
    case OutboxState::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("queued");
}

} // namespace vesper::client
