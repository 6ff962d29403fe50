#include "ui/app/statusindicator.h"

#include "client/cache/cachestore.h"
#include "client/net/httpclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QToolButton>

namespace vesper::ui {

StatusIndicator::StatusIndicator(UiContext *context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    m_connection = new QLabel(this);
    m_sync = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(120);
    m_progress->setMaximumHeight(fontMetrics().height());
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_credits = new QLabel(this);
    m_pending = new QLabel(this);
    m_failed = new QToolButton(this);
    m_failed->setAutoRaise(true);
    m_failed->setToolTip(tr("Show the writes the server refused, and why"));
    m_failed->hide();
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(12);
    for (QWidget *w : {static_cast<QWidget *>(m_connection), static_cast<QWidget *>(m_sync), static_cast<QWidget *>(m_progress),
                       static_cast<QWidget *>(m_pending), static_cast<QWidget *>(m_failed), static_cast<QWidget *>(m_credits)})
        row->addWidget(w);

    m_poll.setInterval(1500);
    connect(&m_poll, &QTimer::timeout, this, &StatusIndicator::refresh);
    connect(m_failed, &QToolButton::clicked, this, &StatusIndicator::failedWritesClicked);
    connect(m_context, &UiContext::workspaceChanged, this, &StatusIndicator::rewire);
    connect(m_context, &UiContext::cacheChanged, this, &StatusIndicator::refresh);
    connect(m_context, &UiContext::writesSubmitted, this, &StatusIndicator::refresh);
    rewire();
}

void StatusIndicator::rewire()
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_workspace = m_context->workspace();
    m_syncing = false;
    m_online = true;
    if (m_workspace && m_workspace->isOpen()) {
        m_online = m_workspace->http().isOnline();
        // Emitted from worker threads: queued here by the context object.
        m_connections << connect(&m_workspace->http(), &client::HttpClient::onlineChanged, this, [this](bool online) {
            m_online = online;
            updateConnection();
            refresh();
        }, Qt::QueuedConnection);
        m_connections << connect(&m_workspace->sync(), &client::SyncEngine::started, this, [this] {
            m_syncing = true;
            m_sync->setText(tr("Syncing…"));
            m_progress->setRange(0, 0);
            m_progress->show();
        }, Qt::QueuedConnection);
        m_connections << connect(&m_workspace->sync(), &client::SyncEngine::progress, this, [this](int pages, int changes, bool hasMore) {
            m_sync->setText(hasMore ? tr("Syncing… %n change(s)", nullptr, changes) : tr("Synced %n change(s)", nullptr, changes));
            Q_UNUSED(pages);
        }, Qt::QueuedConnection);
        m_connections << connect(&m_workspace->sync(), &client::SyncEngine::finished, this, [this](const client::SyncReport &report) {
            m_syncing = false;
            m_progress->hide();
            m_sync->setText(report.ok() ? QString() : tr("Sync stopped: %1").arg(report.error.message));
            refresh();
        }, Qt::QueuedConnection);
    }
    m_sync->clear();
    m_progress->hide();
    updateConnection();
    refresh();
}

void StatusIndicator::setConnectionNote(const QString &note)
{
    m_note = note;
    updateConnection();
}

void StatusIndicator::updateConnection()
{
    if (!m_note.isEmpty())
        m_connection->setText(m_note);
    else if (!m_workspace)
        m_connection->setText(tr("Not connected"));
    else if (m_context->isLocalLibrary())
        m_connection->setText(tr("Local library"));
    else if (m_workspace->options().offline || !m_online)
        m_connection->setText(tr("Offline: browsing, search and queuing still work"));
    else
        m_connection->setText(tr("Online: %1").arg(m_workspace->options().serverUrl));
    // A local library whose backend stopped is offline too: say so.
    if (m_context->isLocalLibrary() && !m_online)
        m_connection->setText(tr("Local library (not answering)"));
}

void StatusIndicator::setTaskProgress(const QString &label, int done, int total)
{
    if (total <= 0) {
        m_progress->hide();
        m_sync->setText(m_syncing ? tr("Syncing…") : QString());
        return;
    }
    m_sync->setText(tr("%1: %2 of %3").arg(label).arg(done).arg(total));
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    m_progress->show();
}

void StatusIndicator::refresh()
{
    if (!m_workspace || !m_workspace->isOpen()) {
        m_credits->clear();
        m_pending->clear();
        m_failed->hide();
        m_poll.stop();
        return;
    }
    client::CacheStore &cache = m_workspace->cache();
    if (const auto profile = cache.profile())
        m_credits->setText(tr("%1 credits").arg(QLocale().toString(profile->credits)));
    else
        m_credits->clear();
    const client::CacheCounts counts = cache.activity(); // indexes only: this runs after every sync page
    const qint64 waiting = counts.outboxQueued + counts.pendingRows;
    m_pending->setText(waiting > 0 ? tr("%n change(s) waiting to be sent", nullptr, int(counts.outboxQueued > 0 ? counts.outboxQueued : counts.pendingRows))
                                   : QString());
    const qint64 refused = counts.outboxFailed + counts.outboxConflicts;
    m_failed->setText(tr("%n change(s) refused", nullptr, int(refused)));
    m_failed->setVisible(refused > 0);
    if (waiting > 0 || counts.inFlight > 0) {
        if (!m_poll.isActive())
            m_poll.start();
    } else {
        m_poll.stop();
    }
}

QString StatusIndicator::connectionText() const { return m_connection->text(); }
QString StatusIndicator::syncText() const { return m_sync->text(); }
QString StatusIndicator::creditsText() const { return m_credits->text(); }
QString StatusIndicator::pendingText() const { return m_pending->text(); }
QString StatusIndicator::failedText() const { return !m_failed->isHidden() ? m_failed->text() : QString(); }

} // namespace vesper::ui
