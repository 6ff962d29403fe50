#pragma once
// Tells this instance's change streams that something committed (a new rev) or that a generation
// made progress, whichever instance did it. SQLite (one process): writers call it in-process. On
// PostgreSQL writers NOTIFY (channels vesper_changes, vesper_progress) inside their transaction and
// one dedicated LISTEN connection per instance fans the notifications out to the local subscribers.
// The same connection hears vesper_auth: sessions and accounts ended on any instance, so every
// instance's token caches drop them at once rather than after their time to live.
#include "backend/db/dbconfig.h"

#include <QHash>
#include <QString>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

namespace vesper::backend {

/// A progress tick of a running generation, for its owner's streams.
struct ProgressTick {
    QString userId;
    QString generationId;
    int progress = 0;
    bool estimate = false;
};

/// A session or a whole user ended (logout, refresh-token reuse, account deletion) on some instance.
struct AuthEnded {
    enum class Kind { Session, User, Unknown }; // Unknown: notices may have been missed (reconnected)
    Kind kind = Kind::Unknown;
    QString id; // the session id or the user id
};

class ChangeNotifier {
public:
    using ChangesListener = std::function<void(qint64 rev)>;
    using ProgressListener = std::function<void(const ProgressTick &tick)>;
    using AuthListener = std::function<void(const AuthEnded &ended)>;

    explicit ChangeNotifier(DbConfig config);
    ~ChangeNotifier();
    ChangeNotifier(const ChangeNotifier &) = delete;
    ChangeNotifier &operator=(const ChangeNotifier &) = delete;

    /// PostgreSQL: opens the LISTEN connection on its own thread (reconnecting when it drops; each
    /// reconnect announces rev 0, so subscribers re-read whatever they missed). SQLite: nothing.
    void startListening();
    void stopListening();
    /// Whether writers must NOTIFY through the database (PostgreSQL) rather than call below.
    bool viaDatabase() const { return m_config.dialect == Dialect::Postgres; }

    /// A transaction that wrote revs up to `rev` committed (in-process path).
    void committed(qint64 rev);
    /// A generation's progress was written (in-process path).
    void progressed(const ProgressTick &tick);

    /// Listeners run on the notifying thread and must be quick (no database work). Returns an id.
    int subscribe(ChangesListener onChanges, ProgressListener onProgress);
    void unsubscribe(int id);
    /// Hears ended sessions and users from every instance (PostgreSQL only; on SQLite the one
    /// process knows already). Runs on the listening thread; must be quick. Returns an id.
    int subscribeAuth(AuthListener onEnded);
    void unsubscribeAuth(int id);

    /// The NOTIFY payload of a progress tick, and back (PostgreSQL path).
    static QByteArray encodeProgress(const ProgressTick &tick);
    static bool decodeProgress(const QByteArray &payload, ProgressTick *tick);
    /// The NOTIFY payload of an ended session or user ("session <id>", "user <id>"), and back.
    static QByteArray encodeAuth(const AuthEnded &ended);
    static bool decodeAuth(const QByteArray &payload, AuthEnded *ended);
    static constexpr const char *kChangesChannel = "vesper_changes";
    static constexpr const char *kProgressChannel = "vesper_progress";
    static constexpr const char *kAuthChannel = "vesper_auth";

private:
    void listenLoop();
    void authEnded(const AuthEnded &ended);

    DbConfig m_config;
    std::mutex m_mutex;
    QHash<int, std::pair<ChangesListener, ProgressListener>> m_listeners;
    QHash<int, AuthListener> m_authListeners;
    int m_nextId = 1;
    std::atomic<bool> m_stopping{false};
    int m_wakePipe[2] = {-1, -1};
    std::thread m_listener;
};

} // namespace vesper::backend
