#include "client/workspace/workspace.h"
#include "client/auth/authsession.h"
#include "client/cache/assistantstore.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/clientlogging.h"
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/apithumbnailfetch.h"
#include "client/workspace/clientfolders.h"
#include "client/workspace/knownaccounts.h"

#include <QDir>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::client {

Workspace::Workspace(WorkspaceOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (m_options.accountKey.isEmpty())
        m_options.accountKey = m_options.serverUrl;
    if (m_options.cacheRoot.isEmpty())
        m_options.cacheRoot = folders::cacheRoot();
    if (m_options.configDir.isEmpty())
        m_options.configDir = folders::configDir();
    m_http = std::make_unique<HttpClient>();
    m_api = std::make_unique<ApiClient>(m_http.get(), m_options.serverUrl);
    m_auth = std::make_unique<AuthSession>(m_http.get(), m_options.serverUrl);
    m_auth->setKeychainService(m_options.keychainService);
    if (!m_options.authUrl.isEmpty())
        useAuthPlace(m_options.authUrl, m_options.authApiKey);
}

void Workspace::useAuthPlace(const QString &authUrl, const QString &apiKey)
{
    m_options.authUrl = authUrl;
    m_options.authApiKey = apiKey;
    m_auth->setAuthBaseUrl(m_options.authUrl.isEmpty() ? m_options.serverUrl : m_options.authUrl);
    m_auth->setApiKey(apiKey.toUtf8());
}

void Workspace::useRememberedAuthPlace(const std::optional<KnownAccount> &last)
{
    if (m_options.authUrl.isEmpty() && last && !last->authUrl.isEmpty())
        useAuthPlace(last->authUrl, last->authApiKey);
}

Workspace::~Workspace()
{
    // Users of the cache go first, the database last.
    m_check.waitForFinished();
    m_thumbnails.reset();
    if (m_tracker)
        m_tracker->stop();
    if (m_sync)
        m_sync->shutdown();
    m_tracker.reset();
    m_sync.reset();
    m_disk.reset();
    m_outbox.reset();
    m_assistant.reset();
    m_store.reset();
    m_database.reset();
}

ApiError Workspace::open()
{
    KnownAccounts accounts(m_options.configDir);
    if (!m_options.fixedToken.isEmpty()) {
        m_auth->useFixedToken(m_options.fixedToken);
        m_api->setFixedToken(m_options.fixedToken);
        m_userId = m_options.fixedUserId;
        accounts.remember(m_options.accountKey, KnownAccount{QString(), m_userId});
        return openCache();
    }
    const std::optional<KnownAccount> last = accounts.lastFor(m_options.accountKey);
    if (m_options.offline) {
        if (!last)
            return ApiError::notSignedIn(QStringLiteral("nothing is cached for %1 yet; sync once while online").arg(m_options.accountKey));
        m_userId = last->userId;
        m_email = last->email;
        return openCache();
    }
    if (!last || last->email.isEmpty())
        return ApiError::notSignedIn(QStringLiteral("not signed in to %1; run `vesper-cli login --email ...`").arg(m_options.serverUrl));
    useRememberedAuthPlace(last);
    const ApiError restored = m_auth->restore(last->email);
    if (!restored.ok())
        return restored;
    m_api->setTokenSource(m_auth.get());
    m_userId = m_auth->userId();
    m_email = m_auth->email();
    m_keychainNote = m_auth->keychainUnavailableReason();
    return openCache();
}

ApiError Workspace::signIn(const QString &email, const QString &password)
{
    useRememberedAuthPlace(KnownAccounts(m_options.configDir).lastFor(m_options.accountKey));
    const ApiError error = m_auth->signIn(email, password);
    if (!error.ok())
        return error;
    m_api->setTokenSource(m_auth.get());
    m_userId = m_auth->userId();
    m_email = m_auth->email();
    m_keychainNote = m_auth->keychainUnavailableReason();
    KnownAccounts(m_options.configDir).remember(m_options.accountKey,
                                                KnownAccount{m_email, m_userId, m_options.authUrl, m_options.authApiKey});
    return openCache();
}

ApiError Workspace::signOut(bool clearCache)
{
    ApiError error;
    const std::optional<KnownAccount> last = KnownAccounts(m_options.configDir).lastFor(m_options.accountKey);
    if (m_options.fixedToken.isEmpty()) {
        if (!m_auth->isSignedIn() && !m_options.offline) {
            useRememberedAuthPlace(last);
            if (last && !last->email.isEmpty())
                m_auth->restore(last->email); // to revoke it on the server; a dead session is fine too
        }
        error = m_auth->signOut(clearCache);
    }
    KnownAccounts(m_options.configDir).forget(m_options.accountKey);
    // `vesper-cli logout` never opened the cache: its folder is the last account's.
    if (m_cacheDir.isEmpty() && last && !last->userId.isEmpty())
        m_cacheDir = KnownAccounts::cacheFolder(m_options.cacheRoot, m_options.accountKey, last->userId);
    if (clearCache && !m_cacheDir.isEmpty()) {
        m_check.waitForFinished();
        m_thumbnails.reset();
        m_tracker.reset();
        m_sync.reset();
        m_disk.reset();
        m_outbox.reset();
        m_assistant.reset();
        m_store.reset();
        m_database.reset();
        QDir(m_cacheDir).removeRecursively();
    }
    return error;
}

ApiError Workspace::openCache()
{
    if (m_store)
        return {};
    m_cacheDir = KnownAccounts::cacheFolder(m_options.cacheRoot, m_options.accountKey, m_userId);
    QDir().mkpath(m_cacheDir);
    m_database = std::make_unique<CacheDatabase>(m_cacheDir);
    QString error;
    if (!m_database->open(&error, m_options.deferCacheCheck ? CacheDatabase::Check::Later : CacheDatabase::Check::Now)) {
        m_database.reset();
        ApiError failure;
        failure.kind = ApiError::Kind::BadResponse;
        failure.message = QStringLiteral("the local cache in %1 cannot be opened: %2").arg(m_cacheDir, error);
        return failure;
    }
    m_store = std::make_unique<CacheStore>(*m_database);
    m_assistant = std::make_unique<AssistantStore>(*m_database);
    m_sync = std::make_unique<SyncEngine>(*m_api, *m_store);
    m_outbox = std::make_unique<Outbox>(*m_api, *m_store);
    m_tracker = std::make_unique<GenerationTracker>(*m_api, *m_store);
    // On the change stream the tracker polls nothing: the sync brings status and progress.
    connect(m_sync.get(), &SyncEngine::liveChanged, m_tracker.get(), &GenerationTracker::setStreamed);
    connect(m_sync.get(), &SyncEngine::changed, m_tracker.get(), &GenerationTracker::noteChanges);
    connect(m_sync.get(), &SyncEngine::generationProgress, m_tracker.get(), &GenerationTracker::noteProgress);
    // Tombstones take their pictures off the disk on the sync's thread, as each page lands, whether
    // or not anything showed a thumbnail in this run (the store is thread-safe; the memory tier is
    // thumbnails()'s own connection).
    connect(m_sync.get(), &SyncEngine::changed, this, [this](const CacheChanges &changes) {
        if (changes.removedOutputs.isEmpty())
            return;
        if (const std::shared_ptr<DiskThumbnailStore> disk = diskThumbnails(false))
            disk->removeOutputs(changes.removedOutputs);
    }, Qt::DirectConnection);
    if (m_options.backgroundSync) {
        // The sync runs after each write that reached the server and when the network comes back.
        connect(m_outbox.get(), &Outbox::entrySent, m_sync.get(), &SyncEngine::requestSync);
        connect(m_http.get(), &HttpClient::onlineChanged, m_sync.get(), [sync = m_sync.get()](bool online) {
            if (online)
                sync->requestSync();
        });
    }
    return {};
}

void Workspace::checkCacheInBackground()
{
    if (!m_database || m_checkStarted || !m_options.deferCacheCheck)
        return;
    m_checkStarted = true;
    // The destructor waits for this run, so the database and this object outlive it.
    m_check = QtConcurrent::run([this, database = m_database.get()] {
        QString reason;
        if (database->checkUnmapped(&reason))
            return;
        QMetaObject::invokeMethod(this, [this, reason] { Q_EMIT cacheDamaged(reason); }, Qt::QueuedConnection);
    });
}

ThumbnailCache &Workspace::thumbnails()
{
    if (!m_thumbnails) {
        ThumbnailCacheOptions options;
        options.diskStore = diskThumbnails(true);
        m_thumbnails = std::make_unique<ThumbnailCache>(apiThumbnailFetch(*m_api), options);
        // Tombstones take their pictures with them (the disk's go in openCache's connection).
        if (m_sync) {
            connect(m_sync.get(), &SyncEngine::changed, m_thumbnails.get(), [this](const CacheChanges &changes) {
                if (!changes.removedOutputs.isEmpty())
                    m_thumbnails->remove(changes.removedOutputs);
            });
        }
    }
    return *m_thumbnails;
}

std::shared_ptr<DiskThumbnailStore> Workspace::diskThumbnails(bool create)
{
    QMutexLocker locker(&m_diskLock);
    if (m_disk || !m_options.diskThumbnails || m_cacheDir.isEmpty())
        return m_disk;
    const QString dir = m_cacheDir + QStringLiteral("/thumbnails");
    if (!create && !QFileInfo::exists(dir))
        return nullptr; // nothing was ever stored: nothing to remove
    auto disk = std::make_shared<DiskThumbnailStore>(dir, ThumbnailCacheOptions().diskBudgetBytes);
    QString error;
    if (!disk->open(&error)) {
        qCWarning(lcClientThumbs).noquote() << error << "Thumbnails are kept in memory only.";
        return nullptr;
    }
    m_disk = std::move(disk);
    return m_disk;
}

} // namespace vesper::client
