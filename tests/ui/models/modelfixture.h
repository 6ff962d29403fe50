#pragma once
// A real client cache for model tests: a CacheDatabase in a temporary folder and its CacheStore,
// filled through the sync's own path (feed pages) and storePending, returning what each changed.
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <memory>

namespace vesper::test {

class ModelFixture {
public:
    /// Opens a fresh cache named after the running test function; false (with a warning) on failure.
    bool open();
    void close();
    client::CacheStore &store() { return *m_store; }
    /// Applies changes as one feed page (rev numbers are made up); the changes, empty on failure.
    client::CacheChanges apply(const QJsonArray &changes);
    /// Stores a row made offline (kind "project", "session", "generation"); what it changed.
    client::CacheChanges storePending(const QString &kind, const QJsonObject &data);
    /// The next feed revision for a change.
    qint64 nextRev() { return ++m_rev; }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<client::CacheDatabase> m_db;
    std::unique_ptr<client::CacheStore> m_store;
    qint64 m_rev = 0;
    int m_opened = 0;
};

} // namespace vesper::test
