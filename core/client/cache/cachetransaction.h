#pragma once
// A write transaction on a cache connection that rolls back unless committed. BEGIN IMMEDIATE takes
// the write lock up front, so the sync and the tracker writing at once wait (busy_timeout) instead
// of failing to upgrade a read lock.
#include <QSqlDatabase>
#include <QString>

namespace vesper::client {

class CacheTransaction {
public:
    explicit CacheTransaction(QSqlDatabase db);
    ~CacheTransaction();
    CacheTransaction(const CacheTransaction &) = delete;
    CacheTransaction &operator=(const CacheTransaction &) = delete;

    bool begin(QString *error);
    bool commit(QString *error);

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace vesper::client
