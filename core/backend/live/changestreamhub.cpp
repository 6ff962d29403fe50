#include "backend/live/changestreamhub.h"
#include "backend/db/database.h"
#include "backend/http/responsestream.h"
#include "backend/http/sseevent.h"
#include "backend/repositories/changefeed.h"
#include "common/jsonwriter.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "domain/domainerror.h"
#include "domain/generationstatus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentMap>
#include <chrono>

namespace vesper::backend {
namespace {
constexpr int kPageLimit = 1000;
constexpr int kPagesPerWake = 10; // a stream far behind catches up over several rounds, sharing the readers
constexpr int kRetryMs = 2000;
constexpr qint64 kMaxPendingBytes = qint64(8) << 20;
constexpr std::chrono::milliseconds kPeerCheck{1000}; // how soon a client that hung up frees its slot
} // namespace

struct ChangeStreamHub::Subscriber {
    quint64 id = 0;
    QString userId;
    std::shared_ptr<ResponseStream> stream;
    qint64 since = 0;     // touched by the hub's reads only (one round at a time)
    bool dirty = true;    // under m_mutex: has something to read
};

ChangeStreamHub::ChangeStreamHub(Database &database, ChangeStreamSettings settings)
    : m_database(database)
    , m_settings(settings)
{
    m_readers.setMaxThreadCount(std::max(1, m_settings.readers));
    m_readers.setExpiryTimeout(10000); // idle readers end, closing their database connections
    m_listener = m_database.changes().subscribe([this](qint64) { onCommitted(); },
                                                [this](const ProgressTick &tick) { onProgress(tick); });
    m_thread = std::thread([this] { run(); });
    auto &metrics = MetricsRegistry::instance();
    metrics.describe(QStringLiteral("vesper_change_stream_reads_total"), QStringLiteral("counter"),
                     QStringLiteral("Feed pages read for change streams (one per user and position per wake-up)."));
    m_openGauge = metrics.addCallbackGauge(QStringLiteral("vesper_change_streams_open"), [this] { return double(openStreams()); });
}

ChangeStreamHub::~ChangeStreamHub()
{
    stop();
}

void ChangeStreamHub::stop()
{
    if (!m_thread.joinable())
        return;
    m_database.changes().unsubscribe(m_listener);
    MetricsRegistry::instance().removeCallbackGauge(m_openGauge);
    QList<SubscriberPtr> all;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        all = m_subscribers.values();
    }
    m_wake.notify_all();
    m_thread.join();
    m_readers.waitForDone();
    for (const SubscriberPtr &s : all)
        s->stream->finish();
}

HttpResponse ChangeStreamHub::open(const QString &userId, qint64 since)
{
    auto subscriber = std::make_shared<Subscriber>();
    subscriber->userId = userId;
    subscriber->since = since;
    subscriber->stream = std::make_shared<ResponseStream>(kMaxPendingBytes);
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            throw DomainError(ErrorCode::Unavailable, QStringLiteral("the server is stopping"), 5);
        if (m_perUser.value(userId) >= m_settings.perUser)
            throw DomainError(ErrorCode::RateLimited,
                              QStringLiteral("too many open change streams for this account (at most %1)").arg(m_settings.perUser), 30);
        if (m_subscribers.size() >= m_settings.maxStreams)
            throw DomainError(ErrorCode::Unavailable, QStringLiteral("the server has no room for another change stream; poll /api/changes"), 30);
        subscriber->id = m_nextId++;
        m_subscribers.insert(subscriber->id, subscriber);
        ++m_perUser[userId];
        m_pending = true;
    }
    const quint64 id = subscriber->id;
    subscriber->stream->setOnClosed([this, id] { remove(id); });
    SseEvent hello;
    hello.retryMs = kRetryMs;
    subscriber->stream->write(hello.encode() + SseEvent::comment("open"));
    m_wake.notify_all();

    HttpResponse response;
    response.contentType = "text/event-stream; charset=utf-8";
    response.setHeader("Cache-Control", "no-cache, no-store");
    response.setHeader("X-Accel-Buffering", "no"); // nginx: pass events through as they come
    response.stream = subscriber->stream;
    return response;
}

int ChangeStreamHub::openStreams() const
{
    std::lock_guard lock(m_mutex);
    return int(m_subscribers.size());
}

void ChangeStreamHub::remove(quint64 id)
{
    std::lock_guard lock(m_mutex);
    const SubscriberPtr subscriber = m_subscribers.take(id);
    if (!subscriber)
        return;
    auto it = m_perUser.find(subscriber->userId);
    if (it != m_perUser.end() && --it.value() <= 0)
        m_perUser.erase(it);
}

void ChangeStreamHub::onCommitted()
{
    {
        std::lock_guard lock(m_mutex);
        m_pending = true;
        m_everyone = true;
    }
    m_wake.notify_all();
}

void ChangeStreamHub::onProgress(const ProgressTick &tick)
{
    QList<std::shared_ptr<ResponseStream>> streams;
    {
        std::lock_guard lock(m_mutex);
        for (const SubscriberPtr &s : std::as_const(m_subscribers)) {
            if (s->userId == tick.userId)
                streams << s->stream;
        }
    }
    if (streams.isEmpty())
        return;
    const QJsonObject data{{QStringLiteral("id"), tick.generationId}, {QStringLiteral("status"), generationStatusName(GenerationStatus::Processing)},
                           {QStringLiteral("progress"), tick.progress}, {QStringLiteral("progressIsEstimate"), tick.estimate}};
    const QByteArray event = SseEvent{{}, "progress", QJsonDocument(data).toJson(QJsonDocument::Compact), -1}.encode();
    for (const auto &stream : streams)
        stream->write(event);
}

void ChangeStreamHub::run()
{
    using Clock = std::chrono::steady_clock;
    const auto beat = std::chrono::seconds(std::max(1, m_settings.heartbeatSeconds));
    auto nextBeat = Clock::now() + beat;
    auto nextPeerCheck = Clock::now() + kPeerCheck;
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_until(lock, std::min(nextBeat, nextPeerCheck), [this] { return m_stopping || m_pending; });
        if (m_stopping)
            break;
        if (m_pending) {
            // Commits that land within the debounce are read together.
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(m_settings.debounceMs));
            lock.lock();
            m_pending = false;
            QList<SubscriberPtr> due;
            for (const SubscriberPtr &s : std::as_const(m_subscribers)) {
                if (m_everyone || s->dirty) {
                    s->dirty = false;
                    due << s;
                }
            }
            m_everyone = false;
            lock.unlock();
            catchUp(due);
            lock.lock();
        }
        if (Clock::now() >= nextPeerCheck) {
            lock.unlock();
            checkPeers();
            lock.lock();
            nextPeerCheck = Clock::now() + kPeerCheck;
        }
        if (Clock::now() >= nextBeat) {
            lock.unlock();
            heartbeat();
            lock.lock();
            nextBeat = Clock::now() + beat;
        }
    }
}

void ChangeStreamHub::catchUp(const QList<SubscriberPtr> &subscribers)
{
    // One read per (user, position): a user's streams at the same place share it.
    QHash<QPair<QString, qint64>, QList<SubscriberPtr>> groups;
    for (const SubscriberPtr &s : subscribers) {
        if (s->stream->isOpen())
            groups[{s->userId, s->since}] << s;
    }
    QList<QList<SubscriberPtr>> work = groups.values();
    std::atomic<bool> anyBehind{false};
    QtConcurrent::blockingMap(&m_readers, work, [this, &anyBehind](QList<SubscriberPtr> &group) {
        const QString userId = group.first()->userId;
        qint64 since = group.first()->since;
        bool behind = false;
        try {
            for (int pages = 0; pages < kPagesPerWake; ++pages) {
                const ChangePage page = ChangeFeed(m_database).read(userId, since, kPageLimit);
                MetricsRegistry::instance().addCounter(QStringLiteral("vesper_change_stream_reads_total"), QString());
                if (page.count > 0) {
                    const QByteArray event = SseEvent{QByteArray::number(page.nextSince), "changes", pageJson(page), -1}.encode();
                    for (const SubscriberPtr &s : group)
                        s->stream->write(event);
                }
                since = page.nextSince;
                if (!page.hasMore)
                    break;
                if (pages + 1 == kPagesPerWake)
                    behind = true;
            }
        } catch (const std::exception &e) {
            qCWarning(lcApi) << "change stream read failed:" << e.what();
            behind = true; // tried again on the next round
        }
        for (const SubscriberPtr &s : group)
            s->since = since;
        if (behind) {
            anyBehind = true;
            std::lock_guard lock(m_mutex);
            for (const SubscriberPtr &s : group)
                s->dirty = true;
        }
    });
    if (anyBehind) {
        std::lock_guard lock(m_mutex);
        m_pending = true;
    }
}

QList<std::shared_ptr<ResponseStream>> ChangeStreamHub::streams() const
{
    QList<std::shared_ptr<ResponseStream>> streams;
    std::lock_guard lock(m_mutex);
    streams.reserve(m_subscribers.size());
    for (const SubscriberPtr &s : std::as_const(m_subscribers))
        streams << s->stream;
    return streams;
}

void ChangeStreamHub::checkPeers()
{
    for (const auto &stream : streams())
        stream->checkPeer(); // one that left closes now and is removed, its slot free again
}

void ChangeStreamHub::heartbeat()
{
    const QByteArray comment = SseEvent::comment();
    for (const auto &stream : streams())
        stream->write(comment); // a client that left shows here: its stream closes and is removed
}

QByteArray ChangeStreamHub::pageJson(const ChangePage &page)
{
    JsonWriter w(page.changes.size() + 64);
    // nextSince is an opaque string to clients (today a decimal rev; a client sends it back as is).
    w.beginObject().key("changes").raw(page.changes).field("nextSince", QString::number(page.nextSince))
        .field("hasMore", page.hasMore).endObject();
    return w.take();
}

} // namespace vesper::backend
