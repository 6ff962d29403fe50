#include "backend/db/walcheckpointer.h"
#include "common/logging.h"
#include "common/metrics.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sqlite3.h>

namespace vesper::backend {

namespace {
constexpr int kWakePages = 1000;    // SQLite's own auto-checkpoint size: a round after this many new frames
constexpr int kResetPages = 2000;   // past this a round ends with the gated step, so the WAL starts over
constexpr int kGatedFrames = 64;    // free passes go on until at most this many frames are left for the gated step
constexpr int kMaxFreePasses = 16;
constexpr int kRestartWaitMs = 5;   // how long the gated step waits for readers still on the WAL
constexpr int kFailuresToGiveUp = 3;
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
    bool broken = false;        // the checkpointer cannot work: connections checkpoint on their own again
    long long passes = 0;
    long long gatedPasses = 0;
    long long truncations = 0;
    int largestWal = 0;
};

namespace {
// Owned by each hooked connection: sqlite3_wal_hook takes a plain pointer and no destructor.
struct HookTarget {
    std::shared_ptr<WalCheckpointer::State> state;
};

int onCommit(void *target, sqlite3 *connection, const char *, int walPages)
{
    auto &state = *static_cast<HookTarget *>(target)->state;
    bool wake = false;
    bool selfCheckpoint = false;
    {
        std::lock_guard lock(state.mutex);
        if (walPages < state.walPages)
            state.wakeAt = std::min(state.wakeAt, kWakePages); // the WAL started over
        state.walPages = walPages;
        state.largestWal = std::max(state.largestWal, walPages);
        state.committed = true;
        selfCheckpoint = state.broken && walPages >= kWakePages;
        if (!state.broken && walPages >= state.wakeAt && !state.due)
            wake = state.due = true;
    }
    if (selfCheckpoint)
        sqlite3_wal_checkpoint(connection, nullptr); // what SQLite's own auto-checkpoint hook does
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

/// Whether Qt's SQLite driver runs on the SQLite this program links: the hook is installed on the
/// driver's handle with our library's functions, which is only sound when they are one library.
bool sameSqlite(const QSqlDatabase &db)
{
    static const bool same = [&db] {
        QSqlQuery q(db);
        const bool ok = q.exec(QStringLiteral("SELECT sqlite_source_id()")) && q.next()
                        && q.value(0).toString() == QLatin1String(sqlite3_sourceid());
        if (!ok)
            qCWarning(lcDb) << "Qt's SQLite driver is another SQLite build; connections checkpoint on their own";
        return ok;
    }();
    return same;
}
} // namespace

WalCheckpointer::WalCheckpointer(QString path, QRecursiveMutex &writeGate)
    : m_path(std::move(path))
    , m_writeGate(writeGate)
    , m_state(std::make_shared<State>())
{
    MetricsRegistry &metrics = MetricsRegistry::instance();
    metrics.describe(QStringLiteral("vesper_sqlite_checkpoints_total"), QStringLiteral("counter"),
                     QStringLiteral("Background WAL checkpoint passes: free beside the writers, gated under the write gate."));
    metrics.describe(QStringLiteral("vesper_sqlite_wal_frames"), QStringLiteral("gauge"),
                     QStringLiteral("WAL frames as of the latest checkpoint pass."));
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
    if (!handle || !sameSqlite(db))
        return nullptr;
    {
        std::lock_guard lock(m_state->mutex);
        if (m_state->broken)
            return nullptr; // SQLite's own auto-checkpoint stays on
    }
    auto target = std::make_shared<HookTarget>(HookTarget{m_state});
    sqlite3_wal_hook(handle, &onCommit, target.get());
    return target;
}

WalCheckpointer::Counts WalCheckpointer::counts() const
{
    std::lock_guard lock(m_state->mutex);
    return Counts{m_state->passes, m_state->gatedPasses, m_state->truncations, m_state->walPages, m_state->largestWal};
}

void WalCheckpointer::run()
{
    State &state = *m_state;
    int failures = 0;
    bool walHoldsFrames = true; // until a truncation found it empty
    std::unique_lock lock(state.mutex);
    while (!state.stop && !state.broken) {
        state.wake.wait_for(lock, kQuietInterval, [&] { return state.due || state.stop; });
        if (state.stop)
            break;
        if (!state.due && !state.committed) {
            // A whole quiet interval since the latest round: give the WAL file's disk back.
            if (walHoldsFrames && m_db) {
                lock.unlock();
                walHoldsFrames = !truncateWhenQuiet();
                lock.lock();
            }
            continue;
        }
        walHoldsFrames = true;
        state.due = false;
        state.committed = false;
        lock.unlock();
        const bool ok = (m_db || open()) && round();
        failures = ok ? 0 : failures + 1;
        lock.lock();
        if (failures >= kFailuresToGiveUp) {
            // Hooked connections go back to checkpointing themselves (onCommit), new ones are not hooked.
            state.broken = true;
            qCWarning(lcDb) << "background checkpoints keep failing; connections checkpoint on their own again";
        }
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
    // Only the gated RESTART waits (PASSIVE never calls the busy handler), and only briefly.
    sqlite3_busy_timeout(m_db, kRestartWaitMs);
    // A fresh connection knows nothing of the WAL until it reads the file's header; until then a
    // checkpoint reports "not in WAL mode" and does nothing.
    sqlite3_exec(m_db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    return true;
}

int WalCheckpointer::pass(int mode, int *walFrames, int *copied)
{
    const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, mode, walFrames, copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        qCWarning(lcDb) << "checkpoint failed:" << sqlite3_errmsg(m_db);
    return rc;
}

bool WalCheckpointer::round()
{
    int walFrames = 0;
    int copied = 0;
    int passes = 0;
    int rc = SQLITE_OK;
    // Free passes, beside the writers: one when the WAL is small, more while it must catch up.
    do {
        rc = pass(SQLITE_CHECKPOINT_PASSIVE, &walFrames, &copied);
        ++passes;
    } while (rc == SQLITE_OK && walFrames >= kResetPages && walFrames - copied > kGatedFrames && passes < kMaxFreePasses);
    const bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY;
    bool gated = false;
    if (!failed && walFrames >= kResetPages && copied < walFrames && lockWriters(&walFrames, &copied, &passes)) {
        // RESTART copies what is left (a few frames, unless commits outran sixteen passes) and
        // waits briefly for readers to leave the WAL, so the next commit starts it over.
        pass(SQLITE_CHECKPOINT_RESTART, &walFrames, &copied);
        m_writeGate.unlock();
        ++passes;
        gated = true;
    }
    MetricsRegistry &metrics = MetricsRegistry::instance();
    metrics.addCounter(QStringLiteral("vesper_sqlite_checkpoints_total"), QStringLiteral("kind=\"free\""), passes - (gated ? 1 : 0));
    if (gated)
        metrics.addCounter(QStringLiteral("vesper_sqlite_checkpoints_total"), QStringLiteral("kind=\"gated\""));
    metrics.setGauge(QStringLiteral("vesper_sqlite_wal_frames"), QString(), std::max(walFrames, 0));
    std::lock_guard lock(m_state->mutex);
    m_state->passes += passes;
    m_state->gatedPasses += gated ? 1 : 0;
    // The next round after kWakePages more frames; a commit that finds the WAL started over brings
    // that down again (onCommit).
    m_state->wakeAt = std::max(m_state->walPages, 0) + kWakePages;
    return !failed;
}

bool WalCheckpointer::truncateWhenQuiet()
{
    // Only when no writer of this database is at work (its gate is free): a commit that comes
    // meanwhile waits for this one short step. Readers still on the WAL make it busy; the next
    // quiet interval tries again.
    if (!m_writeGate.tryLock())
        return false;
    int walFrames = -1;
    int copied = -1;
    const int rc = pass(SQLITE_CHECKPOINT_TRUNCATE, &walFrames, &copied);
    m_writeGate.unlock();
    if (rc != SQLITE_OK)
        return false;
    MetricsRegistry::instance().addCounter(QStringLiteral("vesper_sqlite_checkpoints_total"), QStringLiteral("kind=\"truncate\""));
    std::lock_guard lock(m_state->mutex);
    ++m_state->truncations;
    return true;
}

bool WalCheckpointer::lockWriters(int *walFrames, int *copied, int *passes)
{
    // Waits out a long write transaction (a bulk seed, say) with free passes meanwhile, and gives
    // up when asked to stop: the thread destroying this checkpointer may itself hold the gate.
    while (!m_writeGate.tryLock(20)) {
        {
            std::lock_guard lock(m_state->mutex);
            if (m_state->stop)
                return false;
        }
        pass(SQLITE_CHECKPOINT_PASSIVE, walFrames, copied);
        ++*passes;
    }
    return true;
}

} // namespace vesper::backend
