#include "backend/http/connectionwatch.h"
#include "common/logging.h"

#include <sys/socket.h>
#include <chrono>

namespace vesper::backend {
namespace {
constexpr auto kTick = std::chrono::milliseconds(250);
}

ConnectionWatch::ConnectionWatch(ConnectionWatchSettings settings)
    : m_settings(std::move(settings))
{
    m_watchdog = std::thread([this] { watch(); });
}

ConnectionWatch::~ConnectionWatch()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_watchdog.join();
    for (Entry *entry : m_entries)
        delete entry;
}

qint64 ConnectionWatch::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool ConnectionWatch::admits(const QString &peer) const
{
    if (m_settings.perAddress <= 0 || isTrustedProxy(peer))
        return true;
    std::lock_guard lock(m_mutex);
    return m_perAddress.value(peer) < m_settings.perAddress;
}

ConnectionWatch::Entry *ConnectionWatch::opened(int fd, const QString &peer)
{
    auto *entry = new Entry;
    entry->fd = fd;
    entry->peer = peer;
    entry->deadlineMs = nowMs() + qint64(m_settings.headSeconds) * 1000;
    std::lock_guard lock(m_mutex);
    m_entries.insert(entry);
    if (m_settings.perAddress > 0 && !isTrustedProxy(peer)) {
        entry->counted = true;
        // Two accepts racing past admits() may both land; the later one is cut at once.
        if (++m_perAddress[peer] > m_settings.perAddress)
            entry->deadlineMs = 1;
    }
    return entry;
}

void ConnectionWatch::closed(Entry *entry)
{
    if (!entry)
        return;
    {
        // Under the lock: the watchdog never shuts a socket whose number libmicrohttpd is about to
        // close and the kernel to hand to a new connection.
        std::lock_guard lock(m_mutex);
        m_entries.erase(entry);
        if (entry->counted) {
            auto it = m_perAddress.find(entry->peer);
            if (it != m_perAddress.end() && --it.value() <= 0)
                m_perAddress.erase(it);
        }
    }
    delete entry;
}

void ConnectionWatch::requestLineSeen(Entry *entry)
{
    if (!entry)
        return;
    const qint64 limit = nowMs() + qint64(m_settings.headSeconds) * 1000;
    const qint64 current = entry->deadlineMs.load();
    if (current == 0 || current > limit)
        entry->deadlineMs = limit;
}

void ConnectionWatch::setDeadlineIn(Entry *entry, qint64 ms)
{
    if (entry)
        entry->deadlineMs = ms > 0 ? nowMs() + ms : 0;
}

void ConnectionWatch::awaitNextRequest(Entry *entry)
{
    setDeadlineIn(entry, qint64(m_settings.idleSeconds + m_settings.headSeconds) * 1000);
}

bool ConnectionWatch::expired(const Entry *entry) const
{
    const qint64 deadline = entry ? entry->deadlineMs.load() : 0;
    return deadline != 0 && nowMs() > deadline;
}

bool ConnectionWatch::enterForwarded(const QString &client)
{
    std::lock_guard lock(m_mutex);
    int &count = m_perForwarded[client];
    if (m_settings.perAddress > 0 && count >= m_settings.perAddress) {
        if (count == 0)
            m_perForwarded.remove(client);
        return false;
    }
    ++count;
    return true;
}

void ConnectionWatch::leaveForwarded(const QString &client)
{
    std::lock_guard lock(m_mutex);
    auto it = m_perForwarded.find(client);
    if (it != m_perForwarded.end() && --it.value() <= 0)
        m_perForwarded.erase(it);
}

int ConnectionWatch::openConnections() const
{
    std::lock_guard lock(m_mutex);
    return int(m_entries.size());
}

void ConnectionWatch::watch()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, kTick);
        const qint64 now = nowMs();
        for (Entry *entry : m_entries) {
            const qint64 deadline = entry->deadlineMs.load();
            if (entry->cut || deadline == 0 || now <= deadline)
                continue;
            // libmicrohttpd sees the end of the stream on its next poll and closes the connection
            // through its ordinary path (completion callbacks included).
            ::shutdown(entry->fd, SHUT_RDWR);
            entry->cut = true;
            ++m_cut;
        }
    }
}

} // namespace vesper::backend
