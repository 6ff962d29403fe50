#pragma once
// Queues this process's SQLite write transactions on one mutex (every Transaction takes it). SQLite
// admits one writer; a waiting writer otherwise sleeps in SQLite's busy handler (1, 2, 5 ... 100 ms
// back-off) while others cut in, which made the accept latency's tail ten times its median.
// Recursive, so a gated call inside a gated block cannot deadlock. A no-op on PostgreSQL.
#include "backend/db/database.h"

#include <QRecursiveMutex>

namespace vesper::backend {

class WriteGate {
public:
    explicit WriteGate(const Database &database)
        : m_locked(database.isSqlite())
    {
        if (m_locked)
            mutex().lock();
    }
    ~WriteGate()
    {
        if (m_locked)
            mutex().unlock();
    }
    WriteGate(const WriteGate &) = delete;
    WriteGate &operator=(const WriteGate &) = delete;

    /// The gate itself, for the WAL checkpointer's short catch-up that must see no new commits.
    static QRecursiveMutex &mutex()
    {
        static QRecursiveMutex instance;
        return instance;
    }

private:
    bool m_locked;
};

} // namespace vesper::backend
