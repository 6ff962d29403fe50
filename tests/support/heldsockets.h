#pragma once
// Many plain sockets held open at once from chosen loopback addresses (127.0.0.x), the way a slow
// or stalling client holds them: a request head or body sent in part, then nothing (or a trickle).
// For tests of deadlines, per-address caps and body budgets; POSIX only.
#include <QByteArray>
#include <QList>

namespace vesper::test {

class HeldSockets {
public:
    HeldSockets() = default;
    ~HeldSockets() { closeAll(); }
    HeldSockets(const HeldSockets &) = delete;
    HeldSockets &operator=(const HeldSockets &) = delete;

    /// Connects from `source` to 127.0.0.1:port and sends `bytes`; false if it could not connect.
    bool open(const QByteArray &source, quint16 port, const QByteArray &bytes);
    /// Sends `bytes` on every socket still open (a trickle); a failed send marks it closed.
    void sendAll(const QByteArray &bytes);
    /// Sockets the server has not closed (no end of stream or reset seen yet).
    int stillOpen();
    /// What the server sent on socket i so far (read without waiting).
    QByteArray received(int i);
    /// The status code of the first answer on each socket that has one; 0 for none yet.
    QList<int> statuses();
    int count() const { return int(m_fds.size()); }
    void closeAll();

private:
    void drain(int i);

    QList<int> m_fds;
    QList<bool> m_closed;
    QList<QByteArray> m_received;
};

/// Resident memory of a process in bytes (VmRSS), 0 when unknown.
qint64 residentBytes(qint64 pid);

} // namespace vesper::test
