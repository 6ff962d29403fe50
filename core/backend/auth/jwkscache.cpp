#include "backend/auth/jwkscache.h"
#include "common/logging.h"
#include "common/net/curlsession.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <chrono>

namespace vesper::backend {
namespace {
constexpr int kWaitForFetchMs = 5000;   // a request waits this long at most for a kid fetch
constexpr qint64 kRetryAfterFailureMs = 30000;

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

JwksCache::JwksCache(QString jwksUrl, int cacheSeconds, int refetchSeconds)
    : m_url(std::move(jwksUrl))
    , m_cacheMs(qint64(cacheSeconds) * 1000)
    , m_refetchMs(qint64(refetchSeconds) * 1000)
{
}

JwksCache::~JwksCache()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void JwksCache::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { run(); });
}

std::optional<JwkKey> JwksCache::key(const QString &kid)
{
    std::unique_lock lock(m_mutex);
    const auto found = m_keys.constFind(kid);
    if (found != m_keys.constEnd())
        return *found;
    const qint64 now = steadyMs();
    if (!m_fetchWanted) {
        if (m_lastKidFetchMs >= 0 && now - m_lastKidFetchMs < m_refetchMs)
            return std::nullopt; // fetched for an unknown kid moments ago: not again yet
        m_lastKidFetchMs = now;
        m_fetchWanted = true;
        m_changed.notify_all();
    }
    // A fetch is wanted or running (ours, the first one, or another request's): wait for it.
    const quint64 generation = m_generation;
    m_changed.wait_for(lock, std::chrono::milliseconds(kWaitForFetchMs),
                       [&] { return m_generation != generation || m_stopping; });
    const auto fetched = m_keys.constFind(kid);
    return fetched != m_keys.constEnd() ? std::optional<JwkKey>(*fetched) : std::nullopt;
}

void JwksCache::run()
{
    net::CurlSession http([this] { return m_stopping.load(); }, 5, "vesper-server/jwks");
    http.setConnectTimeoutMs(2000);
    http.setMaxResponseBytes(256 * 1024);
    std::unique_lock lock(m_mutex);
    qint64 nextFetchMs = steadyMs();
    while (!m_stopping) {
        m_changed.wait_for(lock, std::chrono::milliseconds(qMax<qint64>(0, nextFetchMs - steadyMs())),
                           [&] { return m_stopping || m_fetchWanted; });
        if (m_stopping)
            break;
        lock.unlock();
        const net::CurlResponse reply = http.get(m_url);
        std::optional<QHash<QString, JwkKey>> keys;
        if (reply.ok()) {
            const QJsonArray list = QJsonDocument::fromJson(reply.body).object().value(QStringLiteral("keys")).toArray();
            QHash<QString, JwkKey> read;
            for (const QJsonValue &entry : list) {
                QString reason;
                const auto parsed = JwkKey::fromJson(entry.toObject(), &reason);
                if (parsed)
                    read.insert(parsed->kid(), *parsed);
                else
                    qCDebug(lcAuth).noquote() << "JWKS key skipped:" << reason;
            }
            keys = read;
        } else {
            qCWarning(lcAuth).noquote() << "JWKS fetch from" << m_url << "failed:"
                                        << (reply.error.isEmpty() ? QStringLiteral("HTTP %1").arg(reply.status) : reply.error);
        }
        lock.lock();
        if (keys)
            m_keys = *keys;
        m_fetchWanted = false;
        ++m_generation;
        ++m_fetches;
        nextFetchMs = steadyMs() + (keys ? m_cacheMs : qMin(m_cacheMs, kRetryAfterFailureMs));
        m_changed.notify_all();
    }
}

} // namespace vesper::backend
