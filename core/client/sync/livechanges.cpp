#include "client/sync/livechanges.h"
#include "client/clientlogging.h"
#include "client/net/apiclient.h"
#include "common/net/sseparser.h"

#include <QJsonDocument>
#include <QRandomGenerator>

namespace vesper::client {
namespace {
constexpr int kFirstBackoffMs = 500;
constexpr int kMaxBackoffMs = 30000;
} // namespace

LiveChanges::LiveChanges(ApiClient &api, Hooks hooks, int readIdleSeconds)
    : m_api(api)
    , m_hooks(std::move(hooks))
    , m_readIdleSeconds(readIdleSeconds)
{
}

LiveChanges::~LiveChanges()
{
    stop();
}

void LiveChanges::start()
{
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
}

void LiveChanges::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool LiveChanges::pause(int ms)
{
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopping.load(); });
    return !m_stopping;
}

void LiveChanges::setLive(bool live)
{
    if (m_live.exchange(live) != live && m_hooks.liveChanged)
        m_hooks.liveChanged(live);
}

void LiveChanges::run()
{
    int backoffMs = kFirstBackoffMs;
    while (!m_stopping) {
        QString from = m_hooks.position();
        if (from.isEmpty())
            from = QStringLiteral("0");
        SseParser parser;
        bool restart = false;
        const auto onChunk = [&](QByteArrayView chunk) {
            if (!m_live) {
                ++m_connections;
                setLive(true);
                backoffMs = kFirstBackoffMs;
            }
            for (const SseMessage &message : parser.feed(chunk)) {
                if (message.event == QLatin1String("changes")) {
                    const QJsonObject page = QJsonDocument::fromJson(message.data.toUtf8()).object();
                    const QString next = message.lastEventId;
                    if (next.isEmpty() || !m_hooks.applyPage(from, page, next)) {
                        restart = true;
                        return false;
                    }
                    from = next;
                } else if (message.event == QLatin1String("progress") && m_hooks.progress) {
                    const QJsonObject tick = QJsonDocument::fromJson(message.data.toUtf8()).object();
                    m_hooks.progress(tick.value(QStringLiteral("id")).toString(), tick.value(QStringLiteral("progress")).toInt(),
                                     tick.value(QStringLiteral("progressIsEstimate")).toBool());
                }
            }
            return !m_stopping.load();
        };
        const ApiResult<HttpResponse> result = m_api.changeStream(from, onChunk, [this] { return m_stopping.load(); }, m_readIdleSeconds);
        setLive(false);
        if (m_stopping)
            break;
        if (result.value.failure == net::CurlResponse::Failure::None && (result.value.status == 404 || result.value.status == 405)) {
            qCInfo(lcClientSync) << "the server offers no change stream: polling only";
            m_unsupported = true;
            break;
        }
        if (restart) { // the cache moved on (a poll ran): follow from where it is now
            if (!pause(100))
                break;
            continue;
        }
        qCDebug(lcClientSync) << "change stream ended:" << result.error.message << "; reconnecting in about" << backoffMs << "ms";
        const int retryAfter = result.value.headers.contains("retry-after")
            ? net::retryAfterSeconds(result.value.headers.value("retry-after")) * 1000 : 0;
        const int delay = std::max(retryAfter, backoffMs / 2 + int(QRandomGenerator::global()->bounded(backoffMs / 2 + 1)));
        backoffMs = std::min(backoffMs * 2, kMaxBackoffMs);
        if (!pause(delay))
            break;
    }
    setLive(false);
}

} // namespace vesper::client
