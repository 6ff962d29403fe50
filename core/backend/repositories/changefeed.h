#pragma once
// GET /api/changes: the rows the caller can see whose rev is past `since`, plus the caller's
// tombstones, in rev order. Rows that became visible late were given fresh revs by ChangeLog, so a
// client that applies only this feed holds exactly what the lists show it. A page reads the rev
// counter's windows after `since` one at a time (ChangeWindow), each sized to what the page still
// needs, so its cost follows what it returns, not how much history lies past `since`.
#include <QByteArray>
#include <QString>

namespace vesper::backend {

class Database;

struct ChangePage {
    QByteArray changes; // a JSON array of {rev, kind, op, id, data?}
    int count = 0;
    qint64 nextSince = 0; // the position to resume from: every change up to it has been returned
    bool hasMore = false;
};

class ChangeFeed {
public:
    explicit ChangeFeed(Database &database);

    /// Up to `limit` changes with rev > since. nextSince may pass the last returned rev (windows with
    /// nothing for this caller are skipped); hasMore says whether the counter runs further.
    ChangePage read(const QString &userId, qint64 since, int limit);

    /// The rev counter now: every rev up to it belongs to a committed write.
    qint64 head();

private:
    Database &m_database;
};

} // namespace vesper::backend
