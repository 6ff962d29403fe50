#pragma once
// Deletes the refresh tokens of ended sessions (DESIGN §2 refresh_tokens) and Idempotency-Key
// answers past their retention, and uploads no generation used past their age: once when the server
// starts and then every VESPER_SWEEP_INTERVAL_SECONDS (an hour by default), on its thread. With
// several instances on one PostgreSQL, one sweeps at a time (an advisory lock) and the shared
// rate-limit buckets that filled up go in the same round.
#include <QTimer>

namespace vesper::backend {

class Database;
struct BackendSettings;

/// The hourly sweep of refresh tokens older than the session idle limit.
class SessionSweeper {
public:
    SessionSweeper(Database &database, const BackendSettings &config);

    /// Sweeps now and starts the hourly timer (needs an event loop on this thread to repeat).
    void start();
    /// One sweep; returns how many tokens were deleted (0 when another instance holds the sweep
    /// lock), or -1 when the database failed (logged).
    int sweepOnce();

private:
    void sweepUploads(qint64 now);

    Database &m_database;
    const BackendSettings &m_config;
    QTimer m_timer;
};

} // namespace vesper::backend
