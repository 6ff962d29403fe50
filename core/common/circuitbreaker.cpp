#include "common/circuitbreaker.h"

namespace vesper {

CircuitBreakers::CircuitBreakers(int threshold, qint64 cooldownMicros)
    : m_threshold(threshold)
    , m_cooldown(cooldownMicros)
{
}

CircuitBreakers::State CircuitBreakers::state(const QString &key, qint64 nowMicros) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_breakers.constFind(key);
    if (it == m_breakers.constEnd() || !it->open)
        return State::Closed;
    return nowMicros - it->openedAt >= m_cooldown ? State::HalfOpen : State::Open;
}

qint64 CircuitBreakers::waitMicros(const QString &key, qint64 nowMicros) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_breakers.constFind(key);
    if (it == m_breakers.constEnd() || !it->open)
        return 0;
    return qMax<qint64>(0, it->openedAt + m_cooldown - nowMicros);
}

bool CircuitBreakers::available(const QString &key, qint64 nowMicros) const
{
    return state(key, nowMicros) == State::Closed;
}

bool CircuitBreakers::allow(const QString &key, qint64 nowMicros, bool *probe)
{
    QMutexLocker lock(&m_mutex);
    if (probe)
        *probe = false;
    auto it = m_breakers.find(key);
    if (it == m_breakers.end() || !it->open)
        return true;
    if (nowMicros - it->openedAt < m_cooldown || it->probing)
        return false;
    it->probing = true; // the one probe of the half-open state
    if (probe)
        *probe = true;
    return true;
}

void CircuitBreakers::recordSuccess(const QString &key)
{
    QMutexLocker lock(&m_mutex);
    m_breakers.remove(key);
}

void CircuitBreakers::recordFailure(const QString &key, qint64 nowMicros)
{
    QMutexLocker lock(&m_mutex);
    Breaker &breaker = m_breakers[key];
    ++breaker.failures;
    if (breaker.open || breaker.failures >= m_threshold) {
        // A failed probe, or the threshold reached: (re)open for another cooldown.
        breaker.open = true;
        breaker.openedAt = nowMicros;
    }
    breaker.probing = false;
}

void CircuitBreakers::abandon(const QString &key)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_breakers.find(key);
    if (it != m_breakers.end())
        it->probing = false;
}

} // namespace vesper
