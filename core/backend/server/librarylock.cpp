#include "backend/server/librarylock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>

namespace vesper::backend {

namespace {
QString lockPath(const QString &dataDir) { return dataDir + QStringLiteral("/backend.lock"); }
QString endpointPath(const QString &dataDir) { return dataDir + QStringLiteral("/backend.endpoint"); }
} // namespace

LibraryLock::LibraryLock(QString dataDir)
    : m_dataDir(std::move(dataDir))
{
}

LibraryLock::~LibraryLock()
{
    release();
}

bool LibraryLock::acquire(QString *error)
{
    if (m_lock)
        return true;
    QDir().mkpath(m_dataDir);
    auto lock = std::make_unique<QLockFile>(lockPath(m_dataDir));
    lock->setStaleLockTime(0); // never stale by age: only a dead owner frees it (QLockFile checks the pid)
    if (!lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock->getLockInfo(&pid, &host, &app);
        if (error) {
            *error = lock->error() == QLockFile::LockFailedError
                ? QStringLiteral("another program (%1, pid %2) is serving the library in %3").arg(app).arg(pid).arg(m_dataDir)
                : QStringLiteral("cannot lock the library in %1 (is the folder writable?)").arg(m_dataDir);
        }
        return false;
    }
    m_lock = std::move(lock);
    return true;
}

bool LibraryLock::publish(const LibraryEndpoint &endpoint, QString *error)
{
    if (!m_lock) {
        if (error)
            *error = QStringLiteral("the library is not locked by this program");
        return false;
    }
    QSaveFile file(endpointPath(m_dataDir));
    const QJsonObject json{{QStringLiteral("port"), int(endpoint.port)},
                           {QStringLiteral("pid"), endpoint.pid},
                           {QStringLiteral("localUserId"), endpoint.localUserId}};
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson(QJsonDocument::Compact)) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

void LibraryLock::release()
{
    if (!m_lock)
        return;
    QFile::remove(endpointPath(m_dataDir));
    m_lock->unlock();
    m_lock.reset();
}

std::optional<LibraryEndpoint> LibraryLock::running(const QString &dataDir)
{
    // The lock is free (or stale) when we can take it: then nobody serves the folder.
    QLockFile probe(lockPath(dataDir));
    probe.setStaleLockTime(0);
    if (probe.tryLock(0)) {
        probe.unlock();
        return std::nullopt;
    }
    QFile file(endpointPath(dataDir));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt; // starting up: locked but not listening yet
    const QJsonObject json = QJsonDocument::fromJson(file.read(4096)).object();
    LibraryEndpoint endpoint;
    endpoint.port = quint16(json.value(QStringLiteral("port")).toInt());
    endpoint.pid = qint64(json.value(QStringLiteral("pid")).toDouble());
    endpoint.localUserId = json.value(QStringLiteral("localUserId")).toString();
    if (endpoint.port == 0 || endpoint.localUserId.isEmpty())
        return std::nullopt;
    return endpoint;
}

} // namespace vesper::backend
