#pragma once
// Moves SQLite's WAL checkpoints off the request path. By default the connection whose commit
// passes 1,000 WAL pages runs the checkpoint itself inside the request: that was the accept
// latency's whole tail (p95 9 ms against a p50 of 0.3 ms on one connection). Here each connection's
// commit only reports the WAL size (sqlite3_wal_hook, which also turns its own auto-checkpoint off)
// and one thread with its own connection checkpoints PASSIVE, beside the writers.
//
// A WAL starts over from its beginning only when a writer finds it wholly checkpointed and no
// reader on it, which never happens while commits keep arriving faster than a pass ends; a WAL
// that only grows makes every page lookup slower. So once it passes 2,000 frames the checkpointer
// repeats passes until few frames are left, then holds the write gate (WriteGate) for one short
// RESTART checkpoint: the next commit starts the WAL over. A quiet database is checkpointed within
// a second, and after a further quiet second its WAL file is truncated to nothing (a TRUNCATE
// checkpoint under the write gate, taken only if free), so the disk a burst took comes back.
// When the checkpointer cannot work (it cannot open the file, checkpoints keep failing,
// or Qt's driver is another SQLite build) connections checkpoint on their own, as by default.
#include <QRecursiveMutex>
#include <QSqlDatabase>
#include <QString>
#include <memory>
#include <thread>

struct sqlite3;

namespace vesper::backend {

/// The background checkpointer of one SQLite database file (see the header comment).
class WalCheckpointer {
public:
    /// Checkpoints the file at path; writeGate is its Database's write gate (must outlive this).
    WalCheckpointer(QString path, QRecursiveMutex &writeGate);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    /// Hands db's checkpoints to this checkpointer. The returned hook must outlive the connection
    /// (drop it after closing db); it keeps the shared state alive, so a connection that outlives
    /// the checkpointer still commits safely (and is then checkpointed by nobody until it closes).
    std::shared_ptr<void> attach(const QSqlDatabase &db);

    /// What it has done so far, for tests and metrics.
    struct Counts {
        long long passes = 0;      // checkpoint passes run
        long long gatedPasses = 0; // of which with the write gate held
        long long truncations = 0; // quiet-time truncations of the WAL file
        int walPages = 0;          // WAL size after the latest commit
        int largestWal = 0;        // the largest WAL size a commit reported
    };
    Counts counts() const;

    struct State;

private:
    void run();
    bool open();
    bool round(); // false when a checkpoint failed (not merely busy)
    int pass(int mode, int *walFrames, int *copied);
    bool lockWriters(int *walFrames, int *copied, int *passes);
    bool truncateWhenQuiet(); // true once the WAL file is empty

    QString m_path;
    QRecursiveMutex &m_writeGate; // the owning Database's (WriteGate)
    std::shared_ptr<State> m_state;
    ::sqlite3 *m_db = nullptr; // the checkpointer thread's own connection
    std::thread m_thread;
};

} // namespace vesper::backend
