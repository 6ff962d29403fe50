#pragma once
// A budget of bytes shared by every connection: request bodies held in memory draw on one, uploads
// spooled to disk on another. A body reserves what it will hold before it holds it; when the budget
// is spent the request is refused with 503 instead of the server growing until it is killed.
#include <QtGlobal>
#include <atomic>

namespace vesper::backend {

class BodyBudget {
public:
    explicit BodyBudget(qint64 capacity) : m_capacity(capacity) {}

    /// Takes `bytes` from the budget; false (and nothing taken) when that would pass the capacity.
    bool reserve(qint64 bytes);
    /// Gives back what a reserve() took.
    void release(qint64 bytes) { m_used.fetch_sub(bytes, std::memory_order_relaxed); }
    qint64 used() const { return m_used.load(std::memory_order_relaxed); }
    qint64 capacity() const { return m_capacity; }

private:
    const qint64 m_capacity;
    std::atomic<qint64> m_used{0};
};

} // namespace vesper::backend
