#pragma once
// GET /api/changes: every row the caller can see whose rev is past `since`, plus the caller's
// tombstones, in rev order. Rows that became visible late were given fresh revs by ChangeLog, so
// a client that applies only this feed holds exactly what the lists show it.
#include <QByteArray>
#include <QString>

namespace vesper::backend {

class Database;

struct ChangePage {
    QByteArray changes; // a JSON array of {rev, kind, op, id, data?}
    int count = 0;
    qint64 nextSince = 0;
    bool hasMore = false;
};

class ChangeFeed {
public:
    explicit ChangeFeed(Database &database);

    ChangePage read(const QString &userId, qint64 since, int limit);

private:
    Database &m_database;
};

} // namespace vesper::backend
