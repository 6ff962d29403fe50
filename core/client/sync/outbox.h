#pragma once
// Writes that must survive being offline (DESIGN §6): each is stored in the cache's outbox with its
// idempotency key (or If-Match rev) before anything is sent, shown as a pending row meanwhile, and
// sent in order when the server is reachable — so a retry, a crash or a second flush never does a
// write twice — not even when the app and vesper-cli flush the same cache at once (OutboxSendLock
// claims each entry while it is picked, sent and marked). A 412 (someone changed the row since) or a
// refusal keeps the entry, marked with the reason, instead of dropping the user's intent silently.
//
//     Outbox outbox(api, cache);
//     const OutboxWrite w = outbox.createProject(QStringLiteral("Posters"));
//     outbox.flush();            // now, or whenever the network returns
#include "client/cache/cachestore.h"
#include "client/net/apierror.h"
#include "client/net/apitypes.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <functional>
#include <memory>

namespace vesper::client {

class ApiClient;
class OutboxSendLock;

/// What queuing a write gave: the entry and, for creates, the id the pending row has until the
/// server's row replaces it (a generation's is its clientId).
struct OutboxWrite {
    qint64 entryId = 0;
    QString localId;
    QString error; // empty when queued
    bool ok() const { return error.isEmpty(); }
};

/// What one flush did. stoppedBy is set when it stopped early (offline, server error): the rest waits.
struct FlushReport {
    int sent = 0;
    int conflicts = 0;
    int failed = 0;
    ApiError stoppedBy;
    QHash<QString, QString> createdIds; // local id -> the server's id, for creates sent in this flush
    QHash<QString, QJsonObject> answers; // local id -> the server's answer (a generate's {id, status, cost, credits})
};

class Outbox : public QObject {
    Q_OBJECT
public:
    Outbox(ApiClient &api, CacheStore &cache, QObject *parent = nullptr);
    ~Outbox() override;

    /// withFirstSession false: the server makes no "Session 1" (the caller queues its own session).
    OutboxWrite createProject(const QString &name, const QString &description = {}, bool withFirstSession = true);
    /// projectId may be a local id of a project created offline: the session follows it.
    OutboxWrite createSession(const QString &projectId, const QString &name);
    /// params.clientId is filled when empty; it is the generation's local id.
    OutboxWrite requestGeneration(GenerateParams params);
    /// changes: name, description, isShared. ifMatchRev: the rev the user saw (empty: unconditional).
    OutboxWrite updateProject(const QString &projectId, const QJsonObject &changes, const QString &ifMatchRev);
    /// changes: name, isPrivate.
    OutboxWrite updateSession(const QString &sessionId, const QJsonObject &changes, const QString &ifMatchRev);
    OutboxWrite setStarred(const QString &outputId, bool starred, const QString &ifMatchRev);
    OutboxWrite addMember(const QString &projectId, const QString &email, const QString &role);
    OutboxWrite removeMember(const QString &projectId, const QString &userId);
    /// kind: "project", "session", "generation" or "output".
    OutboxWrite remove(const QString &kind, const QString &id, const QString &ifMatchRev);

    /// Sends queued writes in order until none is left or one cannot be sent now. Blocking; one flush
    /// at a time (a second caller waits). Another process's flush of the same cache takes turns with
    /// this one entry by entry; an entry it sent is not sent here.
    FlushReport flush(const std::function<bool()> &cancelled = {});
    /// Entries not sent yet, with the reason of those refused.
    QList<OutboxEntry> pending();
    /// Deletes an entry the user gave up on (a refused write, or one still queued): it is never sent.
    bool dismiss(qint64 entryId, QString *error = nullptr);

Q_SIGNALS:
    void entrySent(qint64 entryId, const QString &kind);
    /// A write the server refused (state "conflict" or "failed"); it stays listed with the reason.
    void entryRefused(qint64 entryId, const QString &kind, const QString &reason);
    void changed(const vesper::client::CacheChanges &changes);

private:
    OutboxWrite queue(OutboxEntry entry, const QString &pendingKind, const QJsonObject &pendingRow, const QString &localId);
    ApiResult<QJsonObject> sendEntry(const OutboxEntry &entry);
    ApiClient &m_api;
    CacheStore &m_cache;
    QMutex m_flushLock;
    std::unique_ptr<OutboxSendLock> m_sendLock;
};

} // namespace vesper::client
