#pragma once
// Deadlines that no trickle extends, and connections per client address. libmicrohttpd's own
// timeout is an idle timer that every received byte resets, so a client sending a header line every
// few seconds could hold a slot forever; here each connection gets a fixed deadline for its request
// head (and then its body), and a watchdog thread shuts down the socket of any connection past it.
// The per-address cap counts the socket's address, or behind a trusted proxy the forwarded client.
#include "backend/http/addressset.h"

#include <QHash>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace vesper::backend {

struct ConnectionWatchSettings {
    int headSeconds = 10;     // from the connection (or the end of the last request) to a whole head
    int idleSeconds = 30;     // a kept-alive connection may wait this long for its next request
    int perAddress = 64;      // open connections (or, through a proxy, requests) per client; 0: no cap
    AddressSet trustedProxies;
};

class ConnectionWatch {
public:
    /// One open connection; libmicrohttpd keeps the pointer as the socket's context.
    struct Entry {
        int fd = -1;
        QString peer;
        bool counted = false;              // holds one of its address's slots
        std::atomic<qint64> deadlineMs{0}; // steady-clock ms; 0: none (a handler is working)
        bool cut = false;                  // the watchdog shut its socket
    };

    explicit ConnectionWatch(ConnectionWatchSettings settings);
    ~ConnectionWatch();
    ConnectionWatch(const ConnectionWatch &) = delete;
    ConnectionWatch &operator=(const ConnectionWatch &) = delete;

    /// Whether one more connection from `peer` fits its address's cap (trusted proxies are not capped).
    bool admits(const QString &peer) const;
    /// A connection was accepted: counted, with the head deadline running.
    Entry *opened(int fd, const QString &peer);
    /// The connection is gone (before libmicrohttpd closes its socket): the entry is freed.
    void closed(Entry *entry);

    /// A request line arrived on a kept-alive connection: its head has headSeconds from now at most.
    void requestLineSeen(Entry *entry);
    /// The deadline for the rest of this request (its body), `ms` from now; 0 clears it.
    void setDeadlineIn(Entry *entry, qint64 ms);
    /// A request was answered: the next one may come within idleSeconds + headSeconds.
    void awaitNextRequest(Entry *entry);
    /// Whether the entry's deadline has passed.
    bool expired(const Entry *entry) const;

    bool isTrustedProxy(const QString &peer) const { return m_settings.trustedProxies.contains(peer); }
    const AddressSet &trustedProxies() const { return m_settings.trustedProxies; }
    /// A request from a forwarded client began; false when that client is at its cap.
    bool enterForwarded(const QString &client);
    void leaveForwarded(const QString &client);

    /// Connections open now, and how many the watchdog has cut since start.
    int openConnections() const;
    qint64 cutConnections() const { return m_cut.load(); }

    static qint64 nowMs();

private:
    void watch();

    const ConnectionWatchSettings m_settings;
    mutable std::mutex m_mutex;
    std::unordered_set<Entry *> m_entries;
    QHash<QString, int> m_perAddress;
    QHash<QString, int> m_perForwarded;
    std::atomic<qint64> m_cut{0};
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_watchdog;
};

} // namespace vesper::backend
