#include "ui/app/connectionmanager.h"
#include "ui/app/offthread.h"

#include "client/cache/cachestore.h"
#include "client/net/httpclient.h"
#include "client/sync/syncengine.h"
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/clientfolders.h"
#include "client/workspace/knownaccounts.h"
#include "client/workspace/workspace.h"
#include "ui/app/accountcalls.h"
#include "ui/app/uicontext.h"
#include "ui/app/welcomeseeder.h"

#include <QDirIterator>
#include <QFutureWatcher>
#include <QSettings>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {

const QString kLastKey = QStringLiteral("connection/last");
const QString kServersKey = QStringLiteral("connection/servers");
constexpr int kSyncIntervalMs = 30000;
// The cache's full check waits this long after a workspace is installed: past the first paint.
constexpr int kCacheCheckDelayMs = 2000;

QString normalizedUrl(QString url)
{
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

} // namespace

ConnectionManager::ConnectionManager(UiContext *context, std::optional<LocalLibrary> local, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_local(std::move(local))
    , m_cacheRoot(client::folders::cacheRoot())
    , m_configDir(client::folders::configDir())
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(kSyncIntervalMs);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (!m_isLocal && !m_serverUrl.isEmpty())
            goOnline(m_serverUrl);
    });
}

ConnectionManager::~ConnectionManager()
{
    m_context->setWorkspace(nullptr, false);
}

void ConnectionManager::setPaths(const QString &cacheRoot, const QString &configDir)
{
    m_cacheRoot = cacheRoot;
    m_configDir = configDir;
}

void ConnectionManager::adoptOlderAppFolders()
{
    // Before the shared folders the app kept "~/.cache/<organisation>/vesper/<account>/".
    client::folders::adoptOldFolders(QStandardPaths::writableLocation(QStandardPaths::CacheLocation),
                                     QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation), m_cacheRoot, m_configDir);
}

void ConnectionManager::openLast()
{
    const QString last = QSettings().value(kLastKey).toString();
    if (last.isEmpty() || last == QLatin1String("local"))
        openLocal();
    else
        openServer(last);
}

bool ConnectionManager::openLocal()
{
    ++m_generation;
    m_retry.stop();
    client::WorkspaceOptions options;
    options.accountKey = QStringLiteral("local");
    options.cacheRoot = m_cacheRoot;
    options.configDir = m_configDir;
    options.diskThumbnails = false;
    options.deferCacheCheck = !m_checkCacheAtOpen;
    if (m_local && m_local->isValid()) {
        options.serverUrl = m_local->baseUrl;
        options.fixedToken = m_local->accessToken;
        options.fixedUserId = m_local->userId;
    } else if (m_offline) {
        options.offline = true; // the library's cache, read without its backend
    } else {
        m_context->reportError(tr("The local library is not running."),
                               tr("Start vesper without --server to open it, or connect to a server."));
        return false;
    }
    auto workspace = std::make_unique<client::Workspace>(options);
    if (const client::ApiError error = workspace->open(); !error.ok()) {
        m_context->reportError(tr("The local library's cache cannot be opened."), error.message);
        return false;
    }
    if (!m_offline && m_local && !WelcomeSeeder::isDone(m_local->dataDir))
        seedWelcomeAfterFirstSync(workspace.get()); // before install() starts the sync
    install(std::move(workspace), true, options.serverUrl, !m_offline);
    return true;
}

void ConnectionManager::seedWelcomeAfterFirstSync(client::Workspace *workspace)
{
    // A new cache is empty even when the library is not (vesper-cli filled it, or the settings are
    // new): only the first sync says whether the library has projects and needs the welcome.
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = connect(&workspace->sync(), &client::SyncEngine::finished, this,
                    [this, workspace, once, generation = m_generation](const client::SyncReport &report) {
        if (!report.ok())
            return; // the next pass tries again
        disconnect(*once);
        if (generation != m_generation || workspace != m_workspace.get() || !m_local)
            return;
        QString error;
        if (WelcomeSeeder::seedIfFirstRun(*workspace, m_local->dataDir, &error))
            m_context->submitWrites();
        if (!error.isEmpty())
            m_context->reportError(tr("The welcome project could not be made."), error);
    });
}

void ConnectionManager::openServer(const QString &serverUrl)
{
    const QString url = normalizedUrl(serverUrl);
    ++m_generation;
    m_retry.stop();
    const auto account = client::KnownAccounts(m_configDir).lastFor(url);
    if (!account || account->email.isEmpty()) {
        Q_EMIT signInRequired(url, {});
        return;
    }
    // The cache first (no socket), so the window has content while the session is restored.
    auto cached = makeServerWorkspace(url, true);
    if (cached->open().ok())
        install(std::move(cached), false, url, false);
    if (m_offline) {
        Q_EMIT connectionNote(tr("Offline: showing the cache"));
        return;
    }
    goOnline(url);
}

void ConnectionManager::goOnline(const QString &url)
{
    const auto account = client::KnownAccounts(m_configDir).lastFor(url);
    if (!account)
        return;
    Q_EMIT connectionNote(tr("Connecting to %1…").arg(url));
    const int generation = m_generation;
    const QString email = account->email;
    const QString service = m_keychainService;
    runOffThread<AccountCallResult>(this, [url, email, service] { return restoreAccount(url, email, service); },
                                    [this, generation, url, email](const AccountCallResult &result) {
        if (generation != m_generation)
            return;
        if (!result.ok) {
            const bool signedOut = result.error.contains(QLatin1String("sign"), Qt::CaseInsensitive)
                                   || result.error.contains(QLatin1String("refresh"), Qt::CaseInsensitive)
                                   || result.error.contains(QLatin1String("session"), Qt::CaseInsensitive);
            if (signedOut) {
                Q_EMIT connectionNote({});
                Q_EMIT signInRequired(url, email);
                return;
            }
            Q_EMIT connectionNote(tr("Offline: showing the cache"));
            m_retry.start();
            scheduleCacheCheck(); // the cached workspace stays
            return;
        }
        auto live = makeServerWorkspace(url, false);
        if (const client::ApiError error = live->open(); !error.ok()) {
            Q_EMIT connectionNote(tr("Offline: showing the cache"));
            m_retry.start();
            scheduleCacheCheck();
            return;
        }
        install(std::move(live), false, url, true);
        Q_EMIT connectionNote({});
        Q_EMIT onlineSessionReady();
    });
}

void ConnectionManager::signIn(const QString &serverUrl, const QString &email, const QString &password)
{
    const QString url = normalizedUrl(serverUrl);
    const int generation = ++m_generation;
    const QString service = m_keychainService;
    runOffThread<AccountCallResult>(this, [url, email, password, service] { return signInAccount(url, email, password, service); },
                                    [this, generation, url, email, password](const AccountCallResult &result) {
        if (generation != m_generation)
            return;
        if (!result.ok) {
            Q_EMIT signInFinished(result.error);
            return;
        }
        client::KnownAccounts(m_configDir).remember(url, client::KnownAccount{result.email, result.userId});
        auto live = makeServerWorkspace(url, false);
        // Without a keychain the session lives in memory only: sign in again in this workspace.
        const client::ApiError error = result.persisted ? live->open() : live->signIn(email, password);
        if (!error.ok()) {
            Q_EMIT signInFinished(error.message.isEmpty() ? client::describe(error) : error.message);
            return;
        }
        rememberServer(url);
        install(std::move(live), false, url, true);
        if (!m_workspace->keychainNote().isEmpty())
            m_context->report(UiContext::Severity::Warning, tr("You will have to sign in again next time."),
                              m_workspace->keychainNote());
        Q_EMIT signInFinished({});
        Q_EMIT onlineSessionReady();
    });
}

void ConnectionManager::signUp(const QString &serverUrl, const QString &email, const QString &password)
{
    const QString url = normalizedUrl(serverUrl);
    const int generation = ++m_generation;
    runOffThread<AccountCallResult>(this, [url, email, password] { return signUpAccount(url, email, password); },
                                    [this, generation, url, email, password](const AccountCallResult &result) {
        if (generation != m_generation)
            return;
        if (!result.ok)
            Q_EMIT signInFinished(result.error);
        else
            signIn(url, email, password);
    });
}

void ConnectionManager::signOut()
{
    if (m_isLocal || !m_workspace) {
        m_context->reportInfo(tr("The local library has no account to sign out of."));
        return;
    }
    const QString url = m_serverUrl;
    m_context->setWorkspace(nullptr, false);
    std::shared_ptr<client::Workspace> leaving(m_workspace.release());
    runOffThread<bool>(this, [leaving] { return leaving->signOut(false).ok(); }, [this, leaving, url](bool) {
        m_context->reportInfo(tr("Signed out of %1.").arg(url));
    });
    QSettings().setValue(kLastKey, QStringLiteral("local"));
    if (!openLocal())
        Q_EMIT connected(false, QString()); // nothing open: the window shows its empty state
}

void ConnectionManager::forgetServer(const QString &serverUrl)
{
    const QString url = normalizedUrl(serverUrl);
    if (!m_isLocal && url == m_serverUrl) {
        signOut();
    } else {
        client::KnownAccounts(m_configDir).forget(url);
    }
    QStringList servers = knownServers();
    servers.removeAll(url);
    QSettings().setValue(kServersKey, servers);
}

QStringList ConnectionManager::knownServers() const
{
    return QSettings().value(kServersKey).toStringList();
}

void ConnectionManager::rememberServer(const QString &serverUrl)
{
    QStringList servers = knownServers();
    servers.removeAll(serverUrl);
    servers.prepend(serverUrl);
    QSettings().setValue(kServersKey, servers);
}

std::unique_ptr<client::Workspace> ConnectionManager::makeServerWorkspace(const QString &serverUrl, bool offline) const
{
    client::WorkspaceOptions options;
    options.serverUrl = serverUrl;
    options.accountKey = serverUrl;
    options.cacheRoot = m_cacheRoot;
    options.configDir = m_configDir;
    options.keychainService = m_keychainService;
    options.offline = offline;
    options.deferCacheCheck = !m_checkCacheAtOpen;
    return std::make_unique<client::Workspace>(options);
}

void ConnectionManager::install(std::unique_ptr<client::Workspace> workspace, bool local, const QString &serverUrl, bool live)
{
    if (m_prefetch)
        m_prefetch->cancel();
    // The previous workspace lives until the views have let go of it. One over the same cache file
    // (the cached workspace, or the live one before a reconnect) has the same rows: views rebind.
    std::unique_ptr<client::Workspace> previous = std::move(m_workspace);
    const bool sameCache = previous && previous->isOpen() && !previous->cacheDir().isEmpty()
                           && previous->cacheDir() == workspace->cacheDir();
    m_workspace = std::move(workspace);
    m_isLocal = local;
    m_serverUrl = serverUrl;
    QSettings().setValue(kLastKey, local ? QStringLiteral("local") : serverUrl);
    m_context->setWorkspace(m_workspace.get(), local, sameCache);
    previous.reset();
    // Started after the views listen, so no sync page goes by unseen.
    if (live) {
        m_workspace->http().setProbeUrl(serverUrl + QStringLiteral("/healthz"));
        // After the first good pass (the bootstrap), changes are pushed: the server's change stream
        // where it offers one; the timer's polls go on whenever the stream is down.
        client::SyncEngine *sync = &m_workspace->sync();
        auto started = std::make_shared<bool>(false);
        connect(sync, &client::SyncEngine::finished, m_workspace.get(), [sync, started](const client::SyncReport &report) {
            if (report.ok() && !*started) {
                *started = true;
                sync->setLive(true);
            }
        });
        m_workspace->sync().requestSync();
        m_workspace->sync().setInterval(kSyncIntervalMs);
        m_workspace->tracker().resume();
    }
    connect(m_workspace.get(), &client::Workspace::cacheDamaged, this, &ConnectionManager::reopenDamaged);
    // A cached workspace about to be replaced by the live one is not checked: the live one is (a
    // check under way would hold up the replacement until it ends).
    if (live || m_offline || local)
        scheduleCacheCheck();
    Q_EMIT connected(local, serverUrl);
}

void ConnectionManager::scheduleCacheCheck()
{
    if (!m_workspace)
        return;
    QTimer::singleShot(kCacheCheckDelayMs, m_workspace.get(), [w = m_workspace.get()] { w->checkCacheInBackground(); });
}

void ConnectionManager::reopenDamaged(const QString &reason)
{
    m_context->report(UiContext::Severity::Warning, tr("The local cache was damaged; it is rebuilt from the server."), reason);
    // Later: the signal's sender is the workspace that goes.
    QTimer::singleShot(0, this, [this] {
        const bool local = m_isLocal;
        const QString url = m_serverUrl;
        m_context->setWorkspace(nullptr, false);
        m_workspace.reset();
        m_checkCacheAtOpen = true;
        if (local)
            openLocal();
        else
            openServer(url);
        m_checkCacheAtOpen = false;
    });
}

void ConnectionManager::clearCache()
{
    if (!m_workspace || !m_workspace->isOpen())
        return;
    QString error;
    if (!m_workspace->cache().clear(&error)) {
        m_context->reportError(tr("The cache could not be cleared."), error);
        return;
    }
    m_context->setWorkspace(m_workspace.get(), m_isLocal); // views rebuild from the empty cache
    if (!m_offline)
        m_workspace->sync().requestSync();
    m_context->reportInfo(tr("The cache was cleared; it fills again from the server."));
}

qint64 ConnectionManager::cacheSizeBytes() const
{
    if (!m_workspace || m_workspace->cacheDir().isEmpty())
        return 0;
    qint64 total = 0;
    QDirIterator it(m_workspace->cacheDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

void ConnectionManager::makeProjectAvailableOffline(const QString &projectId)
{
    if (!m_workspace || !m_workspace->isOpen())
        return;
    if (m_isLocal) {
        m_context->reportInfo(tr("The local library's pictures are on this computer already."));
        return;
    }
    // Thumbnails for every image; full-size pictures newest first while their estimated size
    // (PNG at about 1.5 bytes a pixel) stays within half the disk tier's budget.
    client::ThumbnailCache &thumbnails = m_workspace->thumbnails();
    const qint64 fullBudget = thumbnails.diskStore() ? thumbnails.diskStore()->budgetBytes() / 2 : 0;
    QList<client::ThumbnailKey> thumbKeys, fullKeys;
    qint64 fullEstimate = 0;
    QString cursor;
    do {
        const client::CachePage<Output> page = m_workspace->cache().images(projectId, 500, cursor);
        if (!page.ok())
            break;
        for (const Output &output : page.rows) {
            thumbKeys.append({output.id, client::ThumbnailCache::Thumb});
            const qint64 estimate = qint64(output.width.value_or(1024)) * output.height.value_or(1024) * 3 / 2;
            if (fullEstimate + estimate <= fullBudget) {
                fullEstimate += estimate;
                fullKeys.append({output.id, QStringLiteral("full")});
            }
        }
        cursor = page.nextCursor;
    } while (!cursor.isEmpty());
    if (m_prefetch)
        m_prefetch->cancel();
    const int images = int(thumbKeys.size());
    const int fullSize = int(fullKeys.size());
    client::ThumbnailPrefetchJob *job = thumbnails.prefetch(thumbKeys + fullKeys);
    m_prefetch = job;
    connect(job, &client::ThumbnailPrefetchJob::progress, this, [this](int done, int total, qint64) {
        Q_EMIT prefetchProgress(done, total);
    });
    connect(job, &client::ThumbnailPrefetchJob::finished, this, [this, job, images, fullSize](client::ThumbnailPrefetchJob::Error) {
        Q_EMIT prefetchFinished(images, fullSize, job->failedCount(), job->errorText());
        job->deleteLater();
    });
    job->start();
}

} // namespace vesper::ui
