#include "backend/db/walcheckpointer.h"
#include "backend/db/database.h"
#include "common/logging.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace vesper::backend {

WalCheckpointer::WalCheckpointer(Database &database, int intervalMs, qint64 truncateBytes)
    : m_database(database)
    , m_intervalMs(intervalMs)
    , m_truncateBytes(truncateBytes)
    , m_walPath(database.config().sqlitePath + QStringLiteral("-wal"))
{
    m_database.setBackgroundCheckpoints(true);
    m_thread = std::thread([this] { loop(); });
}

WalCheckpointer::~WalCheckpointer()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void WalCheckpointer::loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, std::chrono::milliseconds(m_intervalMs));
        const bool last = m_stopping;
        lock.unlock();
        try {
            const bool large = QFileInfo(m_walPath).size() > m_truncateBytes;
            QSqlQuery q(m_database.connection());
            // PASSIVE never waits for readers or writers; TRUNCATE (rare, or at shutdown) may wait briefly.
            const QString mode = large || last ? QStringLiteral("TRUNCATE") : QStringLiteral("PASSIVE");
            if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(%1)").arg(mode)))
                qCWarning(lcDb) << "WAL checkpoint failed:" << q.lastError().text();
        } catch (const std::exception &e) {
            qCWarning(lcDb) << "WAL checkpoint failed:" << e.what();
        }
        lock.lock();
    }
}

} // namespace vesper::backend
