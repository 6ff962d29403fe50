#include "backend/http/bodybudget.h"

namespace vesper::backend {

bool BodyBudget::reserve(qint64 bytes)
{
    qint64 used = m_used.load(std::memory_order_relaxed);
    do {
        if (bytes > m_capacity - used)
            return false;
    } while (!m_used.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
}

} // namespace vesper::backend
