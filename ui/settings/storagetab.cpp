#include "ui/settings/storagetab.h"

#include "client/cache/cachestore.h"
#include "client/workspace/workspace.h"
#include "ui/app/connectionmanager.h"

#include <QComboBox>
#include <QDirIterator>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

StorageTab::StorageTab(ConnectionManager *connections, QWidget *parent)
    : QWidget(parent)
    , m_connections(connections)
{
    m_size = new QLabel(this);
    m_size->setWordWrap(true);
    auto *clear = new QPushButton(tr("Clear cache…"), this);
    clear->setToolTip(tr("Forgets what this computer keeps of the account; it fills again from the server"));
    clear->setEnabled(m_connections->workspace() != nullptr);
    connect(clear, &QPushButton::clicked, this, [this] {
        const auto answer = QMessageBox::question(this, tr("Clear the cache?"), clearQuestion(),
            QMessageBox::Cancel | QMessageBox::Discard, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return;
        m_connections->clearCache();
        measure();
    });

    auto *offlineBox = new QGroupBox(tr("Available offline"), this);
    auto *offlineNote = new QLabel(tr("Downloads a project's pictures now, so the gallery and the viewer show them "
                                      "without a connection. Thumbnails are kept for every image; full-size pictures "
                                      "for the newest, as many as half the picture cache holds."), offlineBox);
    offlineNote->setWordWrap(true);
    m_offlineProject = new QComboBox(offlineBox);
    m_offline = new QPushButton(tr("Make Available Offline"), offlineBox);
    connect(m_offline, &QPushButton::clicked, this, [this] {
        const QString projectId = m_offlineProject->currentData().toString();
        if (!projectId.isEmpty())
            m_connections->makeProjectAvailableOffline(projectId);
    });
    auto *offlineRow = new QHBoxLayout;
    offlineRow->addWidget(m_offlineProject, 1);
    offlineRow->addWidget(m_offline);
    auto *offlineLayout = new QVBoxLayout(offlineBox);
    offlineLayout->addWidget(offlineNote);
    offlineLayout->addLayout(offlineRow);
    fillOfflineProjects();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_size);
    layout->addWidget(clear, 0, Qt::AlignLeft);
    layout->addWidget(offlineBox);
    layout->addStretch(1);
    measure();
}

QString StorageTab::clearQuestion() const
{
    client::Workspace *workspace = m_connections->workspace();
    const client::CacheCounts counts = workspace && workspace->isOpen() ? workspace->cache().counts() : client::CacheCounts{};
    const qint64 unsent = counts.outboxQueued + counts.outboxConflicts + counts.outboxFailed;
    QString text = tr("The cached projects and images are removed from this computer. You stay signed in, and the "
                      "cache fills again from the server.");
    if (unsent > 0)
        text += QLatin1Char(' ') + tr("%n change(s) made here have not reached the server and will be lost.", nullptr, int(unsent));
    return text + QLatin1Char(' ') + tr("This cannot be undone.");
}

void StorageTab::fillOfflineProjects()
{
    client::Workspace *workspace = m_connections->workspace();
    const bool remote = workspace && workspace->isOpen() && !m_connections->isLocal();
    if (remote) {
        QString cursor;
        do { // the cache answers at once; a few thousand projects are a few pages
            const client::CachePage<Project> page = workspace->cache().projects(500, cursor);
            if (!page.ok())
                break;
            for (const Project &project : page.rows)
                m_offlineProject->addItem(project.name, project.id);
            cursor = page.nextCursor;
        } while (!cursor.isEmpty());
    }
    m_offlineProject->setEnabled(remote && m_offlineProject->count() > 0);
    m_offline->setEnabled(m_offlineProject->isEnabled());
    m_offline->setToolTip(remote ? QString() : tr("The local library's pictures are on this computer already."));
}

void StorageTab::measure()
{
    client::Workspace *workspace = m_connections->workspace();
    if (!workspace) {
        m_size->setText(tr("Nothing is open."));
        return;
    }
    const QString dir = workspace->cacheDir();
    m_size->setText(tr("Measuring the cache in %1…").arg(dir));
    auto *watcher = new QFutureWatcher<qint64>(this);
    connect(watcher, &QFutureWatcher<qint64>::finished, this, [this, watcher, dir] {
        watcher->deleteLater();
        m_size->setText(tr("The cache takes %1 in %2.").arg(QLocale().formattedDataSize(watcher->result()), dir));
    });
    watcher->setFuture(QtConcurrent::run([dir] {
        qint64 total = 0;
        QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            total += it.fileInfo().size();
        }
        return total;
    }));
}

QString StorageTab::sizeText() const
{
    return m_size->text();
}

} // namespace vesper::ui
