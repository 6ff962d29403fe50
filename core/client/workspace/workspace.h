#pragma once
// One server and account, ready to use: the HTTP client, the signed-in session, the typed API, the
// account's cache, and the sync engine, outbox and generation tracker on top — built in one place so
// the CLI and the desktop app put the client core together the same way. Offline, nothing here opens
// a socket: the cache of the account last signed in on that server is opened and read.
//
//     Workspace ws(options);
//     if (const ApiError e = ws.open(); !e.ok()) return exitCodeOf(e);
//     ws.outbox().flush();
//     ws.sync().syncNow();
#include "client/net/apierror.h"
#include "client/workspace/knownaccounts.h"

#include <QFuture>
#include <QMutex>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

namespace vesper::client {

class ApiClient;
class AssistantStore;
class AuthSession;
class CacheDatabase;
class CacheStore;
class DiskThumbnailStore;
class GenerationTracker;
class HttpClient;
class Outbox;
class SyncEngine;
class ThumbnailCache;

struct WorkspaceOptions {
    QString serverUrl;        // where the API is ("http://127.0.0.1:8787")
    QString accountKey;       // what names this server's accounts and cache: serverUrl, or "local" for the library
    QString fixedToken;       // the local library's token (no sign-in, no keychain); empty: AuthSession
    QString fixedUserId;      // with fixedToken
    bool offline = false;     // never open a socket; read the cache of the last account
    QString cacheRoot;        // empty: folders::cacheRoot() ($XDG_CACHE_HOME/vesper), as the app and CLI share
    QString configDir;        // empty: folders::configDir() ($XDG_CONFIG_HOME/vesper)
    QString keychainService = QStringLiteral("vesper");
    /// A server whose accounts live in a Supabase project: sign-in and refresh go to this URL
    /// ("https://xyz.supabase.co"; a trailing /auth/v1 is fine) with authApiKey (the anon key) as
    /// `apikey`. Empty: the server itself, or the place the last sign-in to this server used.
    QString authUrl;
    QString authApiKey;
    /// Sync in the background after each write that reached the server and when the network comes
    /// back (the app); off where the caller syncs itself, in order (the CLI).
    bool backgroundSync = true;
    /// The disk tier of thumbnails; off for the local library, whose files are on this disk already.
    bool diskThumbnails = true;
    /// The cache's full check (quick_check reads the whole file: ~1 s at 100k generations) is left
    /// out of open() for checkCacheInBackground() (the app, after its first paint); off: at open.
    bool deferCacheCheck = false;
};

class Workspace : public QObject {
    Q_OBJECT
public:
    explicit Workspace(WorkspaceOptions options, QObject *parent = nullptr);
    ~Workspace() override;

    /// Restores the session (keychain) or takes the fixed token, then opens the account's cache.
    /// NotSignedIn when there is no session to restore; offline, the last account's cache.
    ApiError open();
    /// Password sign-in, then the account's cache is opened.
    ApiError signIn(const QString &email, const QString &password);
    /// Revokes the session, clears the keychain entry and (on request) deletes the account's cache.
    ApiError signOut(bool clearCache);

    const WorkspaceOptions &options() const { return m_options; }
    QString userId() const { return m_userId; }
    QString email() const { return m_email; }
    QString cacheDir() const { return m_cacheDir; }
    bool isOpen() const { return m_store != nullptr; }
    /// Why the session could not be kept in the OS keychain (empty when it is).
    QString keychainNote() const { return m_keychainNote; }

    HttpClient &http() { return *m_http; }
    AuthSession &auth() { return *m_auth; }
    ApiClient &api() { return *m_api; }
    CacheStore &cache() { return *m_store; }
    /// The assistant's conversations and skills in the same cache (open with the cache).
    AssistantStore &assistant() { return *m_assistant; }
    SyncEngine &sync() { return *m_sync; }
    Outbox &outbox() { return *m_outbox; }
    GenerationTracker &tracker() { return *m_tracker; }
    /// Made on first use, on the calling thread (the GUI's): its signals arrive there.
    ThumbnailCache &thumbnails();
    /// The disk tier of thumbnails (<cacheDir>/thumbnails), opened on first need: by thumbnails(), or
    /// by a tombstone when the folder exists (so the CLI, or an app that showed no picture yet, still
    /// takes a revoked project's pictures off the disk). Null without a disk tier. Any thread.
    std::shared_ptr<DiskThumbnailStore> diskThumbnails(bool create);
    /// Runs the cache's full check on a pool thread (with deferCacheCheck); cacheDamaged follows on
    /// this thread when it fails. Runs once per workspace; later calls do nothing.
    void checkCacheInBackground();

Q_SIGNALS:
    /// The deferred check found the cache damaged: open a workspace without deferCacheCheck to
    /// rebuild it (after this one is gone: a cache open here is never rebuilt).
    void cacheDamaged(const QString &reason);

private:
    ApiError openCache();
    void useAuthPlace(const QString &authUrl, const QString &apiKey);
    /// The auth place the last sign-in to this server used, unless the options name one.
    void useRememberedAuthPlace(const std::optional<KnownAccount> &last);
    WorkspaceOptions m_options;
    QString m_userId;
    QString m_email;
    QString m_cacheDir;
    QString m_keychainNote;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<AuthSession> m_auth;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<CacheDatabase> m_database;
    std::unique_ptr<CacheStore> m_store;
    std::unique_ptr<AssistantStore> m_assistant;
    std::unique_ptr<SyncEngine> m_sync;
    std::unique_ptr<Outbox> m_outbox;
    std::unique_ptr<GenerationTracker> m_tracker;
    std::unique_ptr<ThumbnailCache> m_thumbnails;
    QMutex m_diskLock; // guards m_disk: tombstones arrive on the sync's thread
    std::shared_ptr<DiskThumbnailStore> m_disk;
    QFuture<void> m_check; // the deferred cache check; waited for before the database goes
    bool m_checkStarted = false;
};

} // namespace vesper::client
