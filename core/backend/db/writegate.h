#pragma once
// Queues one SQLite database's write transactions on its own mutex (every Transaction takes it).
// SQLite admits one writer; a waiting writer otherwise sleeps in SQLite's busy handler (1, 2, 5 ...
// 100 ms back-off) while others cut in, which made the accept latency's tail ten times its median.
// The mutex belongs to the Database (Database::writeGate), so two backends in one process on
// different files never wait for each other. Recursive, so a gated call inside a gated block cannot
// deadlock. A no-op on PostgreSQL.
#include "backend/db/database.h"

#include <QRecursiveMutex>

namespace vesper::backend {

class WriteGate {
public:
    explicit WriteGate(const Database &database)
        : m_mutex(database.isSqlite() ? &database.writeGate() : nullptr)
    {
        if (m_mutex)
            m_mutex->lock();
    }
    ~WriteGate()
    {
        if (m_mutex)
            m_mutex->unlock();
    }
    WriteGate(const WriteGate &) = delete;
    WriteGate &operator=(const WriteGate &) = delete;

private:
    QRecursiveMutex *m_mutex;
};

} // namespace vesper::backend
