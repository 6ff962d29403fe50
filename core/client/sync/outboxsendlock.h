#pragma once
// Claims the outbox of one cache folder for sending one entry, across processes: the desktop app and
// vesper-cli share a cache, and two flushes picking the same queued entry would send it twice (a
// spurious 412 for an If-Match write). An flock on <cacheDir>/outbox.lock is held while an entry is
// picked, sent and marked; the kernel drops it when its process dies, so a crash leaves no claim to
// expire (no lease to guess from timeouts) and the next flush simply sends the entry again.
#include <QString>
#include <functional>

namespace vesper::client {

class OutboxSendLock {
public:
    /// dir: the cache folder (outbox.lock is made there on first acquire).
    explicit OutboxSendLock(QString dir);
    ~OutboxSendLock();
    OutboxSendLock(const OutboxSendLock &) = delete;
    OutboxSendLock &operator=(const OutboxSendLock &) = delete;

    /// Takes the claim, waiting while another flush (any process, or another Workspace on the same
    /// folder) holds it; false with *error when waitMs passed, cancelled() said so or the file fails.
    bool acquire(int waitMs, const std::function<bool()> &cancelled, QString *error);
    /// Gives the claim back (the file stays open for the next acquire).
    void release();

private:
    QString m_path;
    int m_fd = -1;
    bool m_held = false;
};

} // namespace vesper::client
