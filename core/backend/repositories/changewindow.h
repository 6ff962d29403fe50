#pragma once
// The changes the caller can see whose rev lies in one window (lo, hi] of the global rev counter:
// what GET /api/changes returns, read a window at a time so a page reads and sorts only the rows of
// its window, never the caller's whole history past `since` (see ChangeFeed).
#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <vector>

namespace vesper::backend {

class Database;

/// One change of the feed, already written as its JSON object.
struct FeedChange {
    qint64 rev;
    QByteArray json;
};

class ChangeWindow {
public:
    ChangeWindow(Database &database, const QString &userId);

    /// Appends to `out` the caller's changes with lo < rev <= hi, at most `perSource` from each source
    /// (kind), each source in rev order; the caller merges them by rev. Returns false when a source had
    /// more than perSource rows (the window holds more than was read).
    bool read(qint64 lo, qint64 hi, int perSource, std::vector<FeedChange> *out);

private:
    Database &m_database;
    QSqlDatabase m_db;
    QString m_userId;
};

} // namespace vesper::backend
