#pragma once
// What every view of the app shares: the open workspace (server, account, cache, sync, outbox,
// tracker), the one stream of "what changed in the cache" (sync pages, writes and polls merged, so a
// view subscribes once), the one place errors and notices go (the banner and status bar — never a
// cascade of dialogs), and sending queued writes off the GUI thread (again when the server is back).
// The shell owns it and swaps the workspace on connect or account switch; views rebuild their models
// on workspaceChanged, or only rebind them when the new workspace reads the same cache
// (isSameCache: the live workspace replacing the cached one, a reconnect) so nothing jumps.
//
//     connect(ctx, &UiContext::cacheChanged, model, &GenerationListModel::applyChanges);
//     ctx->workspace()->outbox().setStarred(id, true, rev);
//     ctx->submitWrites();                 // flush on a worker thread, then sync; errors reach the banner
#include "client/cache/cachetypes.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>

class QFutureWatcherBase;

namespace vesper::client {
class ThumbnailCache;
class Workspace;
struct FlushReport;
} // namespace vesper::client

namespace vesper::ui {

class UiContext : public QObject {
    Q_OBJECT
public:
    enum class Severity { Info, Warning, Error };
    Q_ENUM(Severity)

    explicit UiContext(QObject *parent = nullptr);
    ~UiContext() override;

    /// The open workspace; null before the first one opens.
    client::Workspace *workspace() const { return m_workspace; }
    /// The workspace's thumbnail cache (made on first use); null without a workspace.
    client::ThumbnailCache *thumbnails() const;
    /// True when the workspace is the local library served by the embedded backend.
    bool isLocalLibrary() const { return m_localLibrary; }

    /// Installs a workspace (not owned; the shell keeps it alive until the next one is set, and the
    /// previous one until this returns) and forwards its sync, outbox and tracker changes to
    /// cacheChanged. sameCache: it reads the same cache file with the same content as the previous
    /// one, so views keep their rows, selection and scroll place.
    void setWorkspace(client::Workspace *workspace, bool localLibrary, bool sameCache = false);
    /// True during (and after) the workspaceChanged of a setWorkspace(…, sameCache = true).
    bool isSameCache() const { return m_sameCache; }

    /// Sends queued writes on a worker thread, then asks for a sync. Generations the flush created
    /// are handed to the tracker. Coalesces: a call while a flush runs makes it go round once more.
    void submitWrites();

    /// Reports to the banner/status bar. detail: what was kept and what to do, optional.
    void report(Severity severity, const QString &text, const QString &detail = {});
    void reportError(const QString &text, const QString &detail = {}) { report(Severity::Error, text, detail); }
    void reportInfo(const QString &text) { report(Severity::Info, text); }
    /// A notice with one action button (e.g. "Undo"); action runs on the GUI thread when clicked.
    void reportWithAction(Severity severity, const QString &text, const QString &actionText, std::function<void()> action);

Q_SIGNALS:
    void workspaceChanged();
    /// Rows the cache changed (sync page, write, poll). Views update single rows from it.
    void cacheChanged(const vesper::client::CacheChanges &changes);
    void message(vesper::ui::UiContext::Severity severity, const QString &text, const QString &detail);
    /// A message with an action button (reportWithAction); shown by the banner.
    void actionMessage(vesper::ui::UiContext::Severity severity, const QString &text, const QString &actionText,
                       const std::function<void()> &action);
    /// A flush ended: entries sent, refused, and the error that stopped it (empty when none).
    void writesSubmitted(int sent, int refused, const QString &stoppedBy);
    /// Rows made locally that the server created: local id -> the server's id. The placeholder row
    /// goes at once and the server's row arrives with the next sync; a view that had the
    /// placeholder current follows it to the new id (emitted before writesSubmitted).
    void createdRowsConfirmed(const QHash<QString, QString> &localToServerIds);

private:
    void flushDone(const client::FlushReport &report);
    client::Workspace *m_workspace = nullptr;
    QPointer<QFutureWatcherBase> m_flush; // the flush under way (waited for before a workspace goes)
    bool m_sameCache = false;
    bool m_localLibrary = false;
    bool m_flushing = false;
    bool m_flushAgain = false;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace vesper::ui
