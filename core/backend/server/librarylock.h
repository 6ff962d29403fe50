#pragma once
// One backend per local library (data folder). The backend that serves a folder holds
// `<data>/backend.lock` and publishes where it listens in `<data>/backend.endpoint` (port, pid and the
// local profile's id — nothing secret), so a second program on the same folder (the CLI while the app
// runs) talks to it instead of opening the same files twice.
#include <QString>
#include <memory>
#include <optional>

class QLockFile;

namespace vesper::backend {

/// What a running backend published about itself.
struct LibraryEndpoint {
    quint16 port = 0;
    qint64 pid = 0;
    QString localUserId;
};

class LibraryLock {
public:
    explicit LibraryLock(QString dataDir);
    ~LibraryLock();
    LibraryLock(const LibraryLock &) = delete;
    LibraryLock &operator=(const LibraryLock &) = delete;

    /// Takes the folder; false with one readable line when another live process holds it. A lock
    /// left by a process that died is taken over.
    bool acquire(QString *error);
    /// Writes the endpoint file (temporary name, then rename). Only while the lock is held.
    bool publish(const LibraryEndpoint &endpoint, QString *error);
    /// Removes the endpoint file and releases the folder. Safe to call twice.
    void release();

    /// The endpoint of the backend serving dataDir now: the lock is held by a live process and its
    /// endpoint file is readable; nullopt otherwise.
    static std::optional<LibraryEndpoint> running(const QString &dataDir);

private:
    QString m_dataDir;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace vesper::backend
