#include "backend/providers/a1111task.h"
#include "backend/providers/provider.h"
#include "common/logging.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <functional>
#include <memory>
#include <atomic>
#include <list>
#include <mutex>
#include <thread>

namespace vesper::backend {
namespace {
constexpr int kSliceMs = 50;

/// Watchers of abandoned tasks. They end on their own at their deadline; at exit they are told to
/// stop (their calls end at once through the sink) and joined, so none outlives the process's statics.
/// One set per process on purpose, not per backend: a watcher holds no backend state (only the web
/// UI's address and our task id), and it must outlive the backend that abandoned the task, since
/// the task may still start on the web UI after that backend stopped (a stopped backend's watchers
/// dying with it would let the task run unasked on a web UI that other people and programs share).
class Watchers {
public:
    static Watchers &instance()
    {
        static Watchers watchers;
        return watchers;
    }
    ~Watchers()
    {
        m_sink.stop = true;
        std::lock_guard lock(m_mutex);
        for (Entry &entry : m_entries)
            entry.thread.join();
    }
    void start(std::function<void(ProgressSink &)> fn)
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_entries.begin(); it != m_entries.end();) { // the finished ones
            if (it->done->load()) {
                it->thread.join();
                it = m_entries.erase(it);
            } else {
                ++it;
            }
        }
        auto done = std::make_shared<std::atomic<bool>>(false);
        m_entries.push_back({std::thread([this, done, fn = std::move(fn)] {
                                 fn(m_sink);
                                 done->store(true);
                             }),
                             done});
    }

private:
    struct StopSink final : ProgressSink {
        void progress(int, bool) override {}
        bool cancelled() const override { return stop.load(); }
        std::atomic<bool> stop{false};
    };
    struct Entry {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    StopSink m_sink;
    std::mutex m_mutex;
    std::list<Entry> m_entries;
};

QString withSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url + QLatin1Char('/');
}

void interrupt(const QString &base, const QString &task)
{
    const ProviderResponse answer = ProviderHttp(nullptr, 10).post(base + QStringLiteral("interrupt"), QByteArray());
    if (answer.ok())
        qCInfo(lcProvider) << "a1111: interrupted our task" << task;
    else
        qCWarning(lcProvider) << "a1111: interrupt failed:" << answer.status << answer.error;
}
} // namespace

A1111Task::A1111Task(const QString &rootUrl, int pollMs, int timeoutSeconds)
    : m_root(withSlash(rootUrl))
    , m_base(m_root + QStringLiteral("sdapi/v1/"))
    , m_id(QStringLiteral("vesper-%1").arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0')))
    , m_pollMs(qMax(kSliceMs, pollMs))
    , m_timeoutSeconds(timeoutSeconds)
{
}

a1111::ProgressState A1111Task::readWebUi(ProviderHttp &http) const
{
    const ProviderResponse answer = http.get(m_base + QStringLiteral("progress?skip_current_image=true"));
    return answer.ok() ? a1111::progressState(answer.body) : a1111::ProgressState{};
}

a1111::ProgressState A1111Task::read(ProviderHttp &http) const
{
    if (!m_perTask)
        return readWebUi(http);
    const ProviderResponse answer = http.post(m_root + QStringLiteral("internal/progress"), a1111::taskProgressBody(m_id));
    const a1111::TaskProgress task = answer.ok() ? a1111::taskProgress(answer.body) : a1111::TaskProgress{};
    if (!task.valid)
        return {};
    // Read after our task was seen active: a job that began before this reading cannot be another's
    // that ended just before ours, so interrupted/skipped here are ours (or the next job's, reset).
    a1111::ProgressState state = task.active ? readWebUi(http) : a1111::ProgressState{};
    if (task.active && !state.valid)
        return {};
    state.valid = true;
    state.task = task;
    return state;
}

void A1111Task::noteBefore(ProviderHttp &http)
{
    const ProviderResponse answer = http.post(m_root + QStringLiteral("internal/progress"), a1111::taskProgressBody(m_id));
    m_perTask = answer.ok() && a1111::taskProgress(answer.body).valid;
    if (!m_perTask)
        qCInfo(lcProvider) << "a1111: no per-task progress (HTTP" << answer.status << "); telling jobs apart by name and start";
    const a1111::ProgressState state = readWebUi(http);
    if (state.valid)
        m_timestampBefore = state.jobTimestamp;
}

bool A1111Task::ours(const a1111::ProgressState &state) const
{
    if (!state.valid)
        return false;
    if (state.task.valid)
        return state.task.active;
    if (state.jobCount == 0)
        return false;
    if (!state.currentTask.isEmpty()) // a web UI that does fill it in
        return state.currentTask == m_id;
    // No per-task answers (--nowebui): the API's job name and a job that began after our call was
    // sent. Another API client's job that was waiting for the lock before ours looks just the same.
    return state.job == QLatin1String("scripts_txt2img") && state.jobTimestamp != m_timestampBefore;
}

void A1111Task::stop(ProviderHttp &http) const
{
    const a1111::ProgressState now = read(http);
    if (ours(now)) {
        interrupt(m_base, m_id);
        return;
    }
    if (!m_perTask) {
        qCWarning(lcProvider) << "a1111: task" << m_id << "is not running and this web UI does not answer per task; it may still run";
        return;
    }
    if (now.task.completed)
        return;
    // Not started yet (waiting behind someone's job, or not yet arrived): watch for it to start.
    qCInfo(lcProvider) << "a1111: task" << m_id << "waits for the web UI; it is interrupted when it starts";
    Watchers::instance().start([task = *this](ProgressSink &stopping) {
        ProviderHttp http(&stopping, 5);
        const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + qint64(task.m_timeoutSeconds) * 1000;
        while (!stopping.cancelled() && QDateTime::currentMSecsSinceEpoch() < deadline) {
            for (int waited = 0; waited < task.m_pollMs && !stopping.cancelled(); waited += kSliceMs)
                std::this_thread::sleep_for(std::chrono::milliseconds(kSliceMs));
            const a1111::ProgressState state = task.read(http);
            if (task.ours(state)) {
                interrupt(task.m_base, task.m_id);
                return;
            }
            if (state.task.completed)
                return;
        }
    });
}

} // namespace vesper::backend
