#pragma once
// GET /api/changes/stream's engine: every open stream of this instance, told of commits and progress
// by the ChangeNotifier (from any instance). A wake-up is coalesced (a short debounce), then each
// stream's next feed page is read once — one read per user and position, shared by that user's
// streams — on a small pool whose threads (and their database connections) go away when idle; an
// idle stream holds no thread and no connection. Heartbeat comments keep streams alive (proxies);
// a look at each sleeping stream's socket every second finds clients that left. Streams are capped per user and in all.
#include "backend/db/changenotifier.h"
#include "backend/http/httpmessage.h"

#include <QHash>
#include <QThreadPool>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace vesper::backend {

class Database;
class ResponseStream;
struct ChangePage;

struct ChangeStreamSettings {
    int perUser = 4;            // open streams one user may hold
    int maxStreams = 512;       // open streams in all
    int heartbeatSeconds = 15;  // a comment this often on every stream
    int debounceMs = 25;        // a wake-up waits this long for more commits
    int readers = 2;            // threads reading feed pages after a wake-up
};

class ChangeStreamHub {
public:
    ChangeStreamHub(Database &database, ChangeStreamSettings settings);
    ~ChangeStreamHub();
    ChangeStreamHub(const ChangeStreamHub &) = delete;
    ChangeStreamHub &operator=(const ChangeStreamHub &) = delete;

    /// The event-stream response for `userId` from feed position `since` (the feed's nextSince, or
    /// 0); throws DomainError RATE_LIMITED (the user's cap) or UNAVAILABLE (the server's).
    HttpResponse open(const QString &userId, qint64 since);
    /// Streams open now.
    int openStreams() const;
    /// Ends every stream (the server is stopping) and the hub's thread.
    void stop();

    /// The JSON of one feed page, as GET /api/changes answers it.
    static QByteArray pageJson(const ChangePage &page);

private:
    struct Subscriber;
    using SubscriberPtr = std::shared_ptr<Subscriber>;

    void run();
    void onCommitted();
    void onProgress(const ProgressTick &tick);
    void remove(quint64 id);
    /// Reads and sends what each of these streams has not seen yet (pool threads, one read per group).
    void catchUp(const QList<SubscriberPtr> &subscribers);
    void heartbeat();
    /// The open streams now (copied out under the lock, so writing to them never holds it).
    QList<std::shared_ptr<ResponseStream>> streams() const;
    /// Ends the streams whose clients have hung up (every kPeerCheck), so their slots free at once.
    void checkPeers();

    Database &m_database;
    const ChangeStreamSettings m_settings;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    QHash<quint64, SubscriberPtr> m_subscribers;
    QHash<QString, int> m_perUser;
    quint64 m_nextId = 1;
    bool m_pending = false;   // something to read: a commit, or a new stream
    bool m_everyone = false;  // a commit: every stream reads
    bool m_stopping = false;
    int m_listener = 0;
    quint64 m_openGauge = 0; // this hub's vesper_change_streams_open source in the metrics registry
    QThreadPool m_readers;
    std::thread m_thread;
};

} // namespace vesper::backend
