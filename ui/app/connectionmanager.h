#pragma once
// Which library or team server the window shows, and the one client::Workspace for it: the local
// library (the embedded backend's fixed token) or a server account (session restored from the
// keychain, a cache per server and account). It opens the cache first so the window shows what it
// holds at once, reaches the network off the GUI thread, starts sync and the generation tracker,
// and remembers the connection for the next start.
#include "ui/app/locallibrary.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>
#include <optional>

namespace vesper::client {
class Workspace;
class ThumbnailPrefetchJob;
} // namespace vesper::client

namespace vesper::ui {

class UiContext;

class ConnectionManager : public QObject {
    Q_OBJECT
public:
    /// local: the embedded backend main started or attached to; nullopt with --server or --offline.
    ConnectionManager(UiContext *context, std::optional<LocalLibrary> local, QObject *parent = nullptr);
    ~ConnectionManager() override;

    /// Never open a socket (--offline): the last connection's cache is read, nothing syncs.
    void setOffline(bool offline) { m_offline = offline; }
    bool isOffline() const { return m_offline; }
    /// Where caches and the known-accounts file go (defaults: client::folders::cacheRoot() and
    /// configDir(), the folders vesper-cli uses, so both open one cache per account).
    void setPaths(const QString &cacheRoot, const QString &configDir);
    /// Moves the caches and known accounts that app versions before the shared folders kept under
    /// the organisation's name (QStandardPaths::CacheLocation, AppConfigLocation) into the current
    /// paths; their outboxes may hold unsent writes. Call once at start, before opening anything.
    void adoptOlderAppFolders();
    /// The keychain service of server sessions ("vesper"; tests use their own).
    void setKeychainService(const QString &service) { m_keychainService = service; }

    /// Reopens the connection used last (QSettings "connection/last"), else the local library.
    void openLast();
    /// Switches to the local library; false (and a banner) when it is not running.
    bool openLocal();
    /// Switches to a team server: its cache at once, then the keychain session off the GUI thread.
    /// signInRequired follows when there is no session to restore.
    void openServer(const QString &serverUrl);
    /// Password sign-in (off the GUI thread), then the server's workspace; signInFinished follows.
    void signIn(const QString &serverUrl, const QString &email, const QString &password);
    /// Creates an account, then signs in; signInFinished follows with the server's refusal if any.
    void signUp(const QString &serverUrl, const QString &email, const QString &password);
    /// Signs out of the server (off the GUI thread) and goes back to the local library.
    void signOut();

    /// Forgets the open account's cache (nothing is signed out) and syncs it again.
    void clearCache();
    /// Bytes the open account's cache folder holds on disk.
    qint64 cacheSizeBytes() const;
    /// Downloads the thumbnail of every image of a project to the disk tier, and the full-size
    /// pictures too, newest first, as far as half the tier's budget allows (so they cannot push
    /// the thumbnails out); prefetch* signals follow.
    void makeProjectAvailableOffline(const QString &projectId);

    client::Workspace *workspace() const { return m_workspace.get(); }
    bool isLocal() const { return m_isLocal; }
    /// The server URL of the open connection (the embedded backend's for the local library).
    QString serverUrl() const { return m_serverUrl; }
    const std::optional<LocalLibrary> &localLibrary() const { return m_local; }
    QString configDir() const { return m_configDir; }
    /// The servers signed in before (QSettings "connection/servers").
    QStringList knownServers() const;
    /// Forgets a server's account (its keychain session is revoked when it is the open one).
    void forgetServer(const QString &serverUrl);

Q_SIGNALS:
    /// A workspace was installed into the UiContext (cached content is readable now).
    void connected(bool local, const QString &serverUrl);
    /// The server answered and the session is live (after connected for a server).
    void onlineSessionReady();
    /// No session to restore for serverUrl: the shell shows the sign-in dialog.
    void signInRequired(const QString &serverUrl, const QString &email);
    /// empty error: signed in and switched.
    void signInFinished(const QString &error);
    /// A short state for the status bar ("Connecting…", "Offline: showing the cache", empty).
    void connectionNote(const QString &note);
    void prefetchProgress(int done, int total);
    /// images: pictures whose thumbnail is on disk; fullSize: of those, kept at full size too.
    void prefetchFinished(int images, int fullSize, int failed, const QString &error);

private:
    void install(std::unique_ptr<client::Workspace> workspace, bool local, const QString &serverUrl, bool live);
    std::unique_ptr<client::Workspace> makeServerWorkspace(const QString &serverUrl, bool offline) const;
    void goOnline(const QString &serverUrl);
    /// The open workspace's full cache check, soon after the first paint, off the GUI thread.
    void scheduleCacheCheck();
    /// The deferred check found damage: reopen the same place with the check at open (a rebuild).
    void reopenDamaged(const QString &reason);
    void rememberServer(const QString &serverUrl);
    /// The local library's welcome project, once the first sync shows the library has none.
    void seedWelcomeAfterFirstSync(client::Workspace *workspace);
    UiContext *m_context;
    std::optional<LocalLibrary> m_local;
    std::unique_ptr<client::Workspace> m_workspace;
    bool m_isLocal = false;
    bool m_offline = false;
    QString m_serverUrl;
    QString m_cacheRoot;
    QString m_configDir;
    QString m_keychainService = QStringLiteral("vesper");
    QTimer m_retry; // while a server does not answer: try its session again
    QPointer<client::ThumbnailPrefetchJob> m_prefetch;
    /// After the deferred check found the cache damaged: the next open checks at once (and rebuilds).
    bool m_checkCacheAtOpen = false;
    int m_generation = 0; // bumps on every switch: late answers for an old connection are dropped
};

} // namespace vesper::ui
