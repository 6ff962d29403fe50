#pragma once
// ALL SQL of the client cache: applying feed pages and the bootstrap (one transaction each), the
// keyset lists the UI shows, full-text search, the generation tracker's reads and writes, rows made
// offline, and the outbox's table. Stateless apart from the database: every call uses the calling
// thread's connection, so one CacheStore may be used from any number of threads.
// Implemented in cachestore.cpp (sync and writes), cachequeries.cpp (lists) and outboxstore.cpp.
#include "client/cache/cachetypes.h"
#include "domain/generation.h"
#include "domain/member.h"
#include "domain/modelinfo.h"
#include "domain/profile.h"
#include "domain/project.h"
#include "domain/session.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <optional>

namespace vesper::client {

class CacheDatabase;

class CacheStore {
public:
    explicit CacheStore(CacheDatabase &database);
    /// The cache folder (for files kept beside the database, like the outbox's lock).
    QString directory() const;

    // ---- sync ------------------------------------------------------------------------------------
    /// The feed position applied last, as the server wrote it; "0" before the first page.
    QString syncPosition(QString *error = nullptr);
    /// Applies one page of GET /api/changes and stores nextSince, in one transaction. Unknown kinds
    /// are skipped; a malformed change, or a nextSince before the stored position (both decimal),
    /// refuses the whole page and leaves the cache untouched.
    bool applyChangesPage(const QJsonArray &changes, const QString &nextSince, CacheChanges *changed, QString *error);
    /// Stores the bootstrap's profile, models and limits in one transaction.
    bool applyBootstrap(const QJsonObject &bootstrap, QString *error);
    /// Forgets every row, the position and the outbox (sign-out with "clear the cache").
    bool clear(QString *error);

    // ---- reads -----------------------------------------------------------------------------------
    std::optional<Profile> profile();
    QList<ModelInfo> models();
    /// The bootstrap's limits object (empty before the first bootstrap).
    QJsonObject limits();
    /// Projects, most recently updated first (as GET /api/projects/with-thumbnails).
    CachePage<Project> projects(int limit, const QString &cursor = {});
    /// One project; *pending (when given) says whether it was made offline and is not yet confirmed.
    std::optional<Project> project(const QString &id, bool *pending = nullptr);
    /// Sessions of a project, oldest first (as GET /api/sessions?projectId=).
    CachePage<Session> sessions(const QString &projectId, int limit, const QString &cursor = {});
    std::optional<Session> session(const QString &id);
    /// Generations of a session with their outputs, newest first (as GET /api/generations).
    CachePage<Generation> generations(const QString &sessionId, int limit, const QString &cursor = {});
    /// One generation with its outputs; *pending as for project().
    std::optional<Generation> generation(const QString &id, bool *pending = nullptr);
    /// The generations among ids the cache holds (with outputs), in no order; only sessionId's unless
    /// it is empty (so ids of other sessions cost an index probe each). *pending: those made offline.
    QList<Generation> generationsIn(const QStringList &ids, const QString &sessionId, QSet<QString> *pending);
    /// The generation of each output the cache holds among outputIds (output id -> generation id).
    QHash<QString, QString> generationsOfOutputs(const QStringList &outputIds);
    /// Image outputs of a project, newest first (as GET /api/projects/{id}/images).
    CachePage<Output> images(const QString &projectId, int limit, const QString &cursor = {});
    /// Members of a project, longest-standing first.
    QList<Member> members(const QString &projectId);
    /// Generations (with outputs) whose prompt or negative prompt holds every word of text (the last
    /// one as a prefix), most recently cached first. Text is taken literally: quotes and FTS
    /// operators in it are searched for as words, never parsed.
    CachePage<Generation> search(const QString &text, int limit, const QString &cursor = {});
    /// Row counts, in-flight generations, pending rows and outbox states, and the position.
    CacheCounts counts(QString *error = nullptr);
    /// What the status bar shows after every sync page and poll, through indexes only (counts()
    /// scans every generation and output): inFlight, pendingRows, the outbox states, position and
    /// lastSyncAt; the row totals are left 0.
    CacheCounts activity(QString *error = nullptr);

    // ---- generation tracker ----------------------------------------------------------------------
    /// Generations queued or processing, oldest first, with their outputs.
    QList<Generation> inFlightGenerations();
    /// Writes polled states (status, progress, error, cost, times and outputs) of generations the
    /// cache holds; ids it does not hold are skipped. One transaction.
    bool updateGenerations(const QList<Generation> &generations, CacheChanges *changed, QString *error);
    /// A progress tick pushed by the server (the change stream): progress never goes down, a
    /// queued generation becomes processing, a finished one is left alone. One transaction.
    bool updateProgress(const QString &generationId, int progress, bool isEstimate, CacheChanges *changed, QString *error);

    // ---- rows made offline -----------------------------------------------------------------------
    /// Stores a row made or edited locally, marked pending until the feed brings the server's
    /// version. kind is "project", "session", "generation" or "output"; data is its API JSON.
    /// A pending generation is replaced by the server's one carrying the same clientId.
    bool storePending(const QString &kind, const QJsonObject &data, CacheChanges *changed, QString *error);
    /// Removes a pending row (and its children) that the server refused; confirmed rows stay.
    bool dropPending(const QString &kind, const QString &id, CacheChanges *changed, QString *error);

    // ---- outbox ----------------------------------------------------------------------------------
    /// Queues a write; its id (> 0), or 0 with *error.
    qint64 enqueueOutbox(const OutboxEntry &entry, QString *error);
    /// The queued entry with the lowest id whose dependency (if any) was sent; nullopt when none
    /// (or on error, with *error set).
    std::optional<OutboxEntry> nextQueuedOutbox(QString *error = nullptr);
    /// Sets an entry's state and reason (reason is kept for conflict and failed).
    bool markOutbox(qint64 id, OutboxState state, const QString &reason, QString *error);
    /// Every entry not yet sent (queued, conflict, failed), in id order.
    QList<OutboxEntry> pendingOutbox(QString *error = nullptr);
    /// Points queued entries that name a row made offline (localId, in their path or body) at the id
    /// the server gave it, once its create was sent.
    bool rewriteOutboxId(const QString &localId, const QString &serverId, QString *error);
    /// Deletes an entry (a conflict the user dismissed, or sent ones to keep the table small).
    bool removeOutbox(qint64 id, QString *error);

private:
    CacheDatabase &m_database;
};

} // namespace vesper::client
