#include "backend/db/walcheckpointer.h"
#include "backend/db/writegate.h"
#include "common/logging.h"

#include <QSqlDriver>
#include <QVariant>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sqlite3.h>

namespace vesper::backend {

namespace {
constexpr int kWakePages = 1000;   // SQLite's own auto-checkpoint size: a round after this many new frames
constexpr int kResetPages = 2000; // past this the round ends with a gated pass, so the WAL starts over
constexpr int kGatedFrames = 64;   // frames left for the gated pass, which writers wait out
constexpr int kMaxFreePasses = 16;
constexpr auto kQuietInterval = std::chrono::seconds(1);
} // namespace

struct WalCheckpointer::State {
    mutable std::mutex mutex;
    std::condition_variable wake;
    int walPages = 0;           // as of the latest commit
    int wakeAt = kWakePages;    // the WAL size that wakes the checkpointer
    bool committed = false;     // a commit since the latest round
    bool due = false;
    bool stop = false;
    long long passes = 0;
    long long gatedPasses = 0;
    int largestWal = 0;
};

namespace {
// Owned by each hooked connection: sqlite3_wal_hook takes a plain pointer and no destructor.
struct HookTarget {
    std::shared_ptr<WalCheckpointer::State> state;
};

int onCommit(void *target, sqlite3 *, const char *, int walPages)
{
    auto &state = *static_cast<HookTarget *>(target)->state;
    bool wake = false;
    {
        std::lock_guard lock(state.mutex);
        if (walPages < state.walPages)
            state.wakeAt = std::min(state.wakeAt, kWakePages); // the WAL started over
        state.walPages = walPages;
        state.largestWal = std::max(state.largestWal, walPages);
        state.committed = true;
        if (walPages >= state.wakeAt && !state.due)
            wake = state.due = true;
    }
    if (wake)
        state.wake.notify_one();
    return SQLITE_OK;
}

sqlite3 *handleOf(const QSqlDatabase &db)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}
} // namespace

WalCheckpointer::WalCheckpointer(QString path)
    : m_path(std::move(path))
    , m_state(std::make_shared<State>())
{
    m_thread = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->wake.notify_one();
    m_thread.join();
}

std::shared_ptr<void> WalCheckpointer::attach(const QSqlDatabase &db)
{
    sqlite3 *handle = handleOf(db);
    if (!handle) {
        qCWarning(lcDb) << "no SQLite handle: this connection checkpoints on its own";
        return nullptr;
    }
    auto target = std::make_shared<HookTarget>(HookTarget{m_state});
    sqlite3_wal_hook(handle, &onCommit, target.get());
    return target;
}

WalCheckpointer::Counts WalCheckpointer::counts() const
{
    std::lock_guard lock(m_state->mutex);
    return Counts{m_state->passes, m_state->gatedPasses, m_state->walPages, m_state->largestWal};
}

void WalCheckpointer::run()
{
    State &state = *m_state;
    std::unique_lock lock(state.mutex);
    while (!state.stop) {
        state.wake.wait_for(lock, kQuietInterval, [&] { return state.due || state.stop; });
        if (state.stop)
            break;
        if (!state.due && !state.committed)
            continue; // nothing new since the latest round
        state.due = false;
        state.committed = false;
        lock.unlock();
        if (m_db || open())
            round();
        lock.lock();
    }
    lock.unlock();
    sqlite3_close(m_db);
}

bool WalCheckpointer::open()
{
    // Opened on first need: the file exists once a connection has committed to it.
    if (sqlite3_open_v2(m_path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        qCWarning(lcDb) << "checkpointer cannot open the database:" << sqlite3_errmsg(m_db);
        sqlite3_close(m_db);
        m_db = nullptr;
        return false;
    }
    // A fresh connection knows nothing of the WAL until it reads the file's header; until then a
    // checkpoint reports "not in WAL mode" and does nothing.
    sqlite3_exec(m_db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    return true;
}

bool WalCheckpointer::lockWriters()
{
    // Waits out a long write transaction (a bulk seed, say), but gives up when asked to stop: the
    // thread destroying this checkpointer may itself hold the gate.
    while (!WriteGate::mutex().tryLock(50)) {
        std::lock_guard lock(m_state->mutex);
        if (m_state->stop)
            return false;
    }
    return true;
}

void WalCheckpointer::round()
{
    int walFrames = 0;
    int copied = 0;
    const auto pass = [&] {
        const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &walFrames, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            qCWarning(lcDb) << "checkpoint failed:" << sqlite3_errmsg(m_db);
        return rc == SQLITE_OK;
    };
    int passes = 0;
    bool ok = true;
    do {
        ok = pass();
        ++passes;
    } while (ok && walFrames - copied > kGatedFrames && walFrames >= kResetPages && passes < kMaxFreePasses);
    bool gated = false;
    if (ok && walFrames >= kResetPages && copied < walFrames && lockWriters()) {
        ok = pass();
        WriteGate::mutex().unlock();
        ++passes;
        gated = true;
    }
    std::lock_guard lock(m_state->mutex);
    m_state->passes += passes;
    m_state->gatedPasses += gated ? 1 : 0;
    // Wholly checkpointed: the next commit starts the WAL over. Otherwise (a reader still on an old
    // snapshot, which even the gated pass must not pass) the next round comes after kWakePages more frames.
    const bool startsOver = ok && copied == walFrames;
    m_state->wakeAt = startsOver ? kWakePages : std::max(walFrames, 0) + kWakePages;
}

} // namespace vesper::backend
