#include "ui/app/uicontext.h"

#include "client/cache/cachestore.h"
#include "client/net/httpclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/workspace.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

UiContext::UiContext(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<vesper::client::CacheChanges>("vesper::client::CacheChanges");
}

UiContext::~UiContext()
{
    if (m_flush)
        m_flush->waitForFinished();
}

client::ThumbnailCache *UiContext::thumbnails() const
{
    return m_workspace && m_workspace->isOpen() ? &m_workspace->thumbnails() : nullptr;
}

void UiContext::setWorkspace(client::Workspace *workspace, bool localLibrary, bool sameCache)
{
    // A flush under way uses the workspace that may go after this: it ends first (bounded by the
    // HTTP client's timeouts; an account switch, not a frame).
    if (m_flush)
        m_flush->waitForFinished();
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_workspace = workspace;
    m_localLibrary = localLibrary;
    m_sameCache = sameCache && workspace && workspace->isOpen();
    if (m_workspace && m_workspace->isOpen()) {
        // Sync and tracker signals come from pool threads: queued to the GUI thread by Qt.
        m_connections << connect(&m_workspace->sync(), &client::SyncEngine::changed, this, &UiContext::cacheChanged)
                      << connect(&m_workspace->outbox(), &client::Outbox::changed, this, &UiContext::cacheChanged)
                      << connect(&m_workspace->tracker(), &client::GenerationTracker::changed, this, &UiContext::cacheChanged)
                      << connect(&m_workspace->outbox(), &client::Outbox::entryRefused, this,
                                 [this](qint64, const QString &kind, const QString &reason) {
                                     report(Severity::Warning, tr("The server refused a change (%1).").arg(kind), reason);
                                 })
                      // Writes queued while the server was away go out as soon as it answers again.
                      << connect(&m_workspace->http(), &client::HttpClient::onlineChanged, this, [this](bool online) {
                             if (online && m_workspace && m_workspace->isOpen() && m_workspace->cache().counts().outboxQueued > 0)
                                 submitWrites();
                         });
    }
    Q_EMIT workspaceChanged();
}

void UiContext::submitWrites()
{
    if (!m_workspace || !m_workspace->isOpen())
        return;
    if (m_flushing) {
        m_flushAgain = true;
        return;
    }
    m_flushing = true;
    auto *watcher = new QFutureWatcher<client::FlushReport>(this);
    QPointer<client::Workspace> workspace = m_workspace;
    connect(watcher, &QFutureWatcher<client::FlushReport>::finished, this, [this, watcher, workspace] {
        watcher->deleteLater();
        m_flushing = false;
        if (workspace == m_workspace)
            flushDone(watcher->result());
        if (m_flushAgain) {
            m_flushAgain = false;
            submitWrites();
        }
    });
    client::Outbox *outbox = &m_workspace->outbox();
    m_flush = watcher;
    watcher->setFuture(QtConcurrent::run([outbox] { return outbox->flush(); }));
}

void UiContext::flushDone(const client::FlushReport &report)
{
    QStringList generations;
    for (auto it = report.answers.cbegin(); it != report.answers.cend(); ++it) {
        // A generate's answer carries its clientId: the only create the tracker follows.
        if (it.value().contains(QStringLiteral("clientId")))
            generations << it.value().value(QStringLiteral("id")).toString();
    }
    if (!generations.isEmpty())
        m_workspace->tracker().track(generations);
    if (!report.createdIds.isEmpty())
        Q_EMIT createdRowsConfirmed(report.createdIds);
    if (report.sent > 0)
        m_workspace->sync().requestSync();
    const QString stopped = report.stoppedBy.ok() ? QString() : report.stoppedBy.message;
    Q_EMIT writesSubmitted(report.sent, report.conflicts + report.failed, stopped);
}

void UiContext::report(Severity severity, const QString &text, const QString &detail)
{
    Q_EMIT message(severity, text, detail);
}

} // namespace vesper::ui

namespace vesper::ui {

void UiContext::reportWithAction(Severity severity, const QString &text, const QString &actionText, std::function<void()> action)
{
    Q_EMIT actionMessage(severity, text, actionText, action);
}

} // namespace vesper::ui
