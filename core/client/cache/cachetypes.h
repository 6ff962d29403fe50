#pragma once
// The values CacheStore hands out: what a feed page changed (so models update rows instead of
// resetting and thumbnails of removed outputs are dropped), a page of a keyset list, the counts
// `status` shows, and one queued offline write of the outbox.
#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>

namespace vesper::client {

struct CacheChanges {
    QSet<QString> projects, sessions, generations, outputs; // upserted (added or changed)
    QSet<QString> removedProjects, removedSessions, removedGenerations, removedOutputs;
    QSet<QString> memberProjects; // projects whose member list changed
    bool profile = false;

    bool isEmpty() const;
    /// Adds other's ids (a later page's removal wins over an earlier upsert and the reverse).
    void merge(const CacheChanges &other);
};

/// One page of a list, newest first unless the list says otherwise.
template <class T>
struct CachePage {
    QList<T> rows;
    QString nextCursor;     // pass back for the next page; empty on the last page
    QSet<QString> pending;  // ids among rows made locally and not yet confirmed by the server
    QString error;          // empty unless the query failed
    bool ok() const { return error.isEmpty(); }
    bool hasMore() const { return !nextCursor.isEmpty(); }
};

struct CacheCounts {
    qint64 projects = 0, sessions = 0, generations = 0, outputs = 0;
    qint64 inFlight = 0;        // generations queued or processing
    qint64 pendingRows = 0;     // rows made locally, not yet confirmed
    qint64 outboxQueued = 0, outboxConflicts = 0, outboxFailed = 0;
    QString position;           // the feed position applied last ("0" before the first page)
    qint64 lastSyncAt = 0;      // when a feed page was last applied (microseconds since the epoch; 0: never)
};

enum class OutboxState { Queued, Sent, Conflict, Failed };
/// "queued", "sent", "conflict", "failed" as stored.
QString outboxStateName(OutboxState state);

/// A write made offline, replayed in id order; dependsOn names an earlier entry (0: none).
struct OutboxEntry {
    qint64 id = 0;             // assigned by enqueue
    qint64 createdAt = 0;      // microseconds since the epoch; enqueue fills it when 0
    QString kind;              // what it does, e.g. "project.create", "generation.create", "output.star"
    QByteArray method;         // "POST", "PATCH", "DELETE", ...
    QString path;              // "/api/projects"
    QByteArray body;           // JSON, may be empty
    QString idempotencyKey;    // sent as Idempotency-Key (creates)
    QString ifMatch;           // sent as If-Match (PATCH/DELETE)
    qint64 dependsOn = 0;
    OutboxState state = OutboxState::Queued;
    QString reason;            // why it is a conflict or failed
};

} // namespace vesper::client
