#include "ui/settings/storagetab.h"

#include "client/workspace/workspace.h"
#include "ui/app/connectionmanager.h"

#include <QDirIterator>
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
        const auto answer = QMessageBox::question(this, tr("Clear the cache?"),
            tr("The cached projects, images and changes not yet sent are removed from this computer. "
               "You stay signed in, and the cache fills again from the server. This cannot be undone."),
            QMessageBox::Cancel | QMessageBox::Discard, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return;
        m_connections->clearCache();
        measure();
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_size);
    layout->addWidget(clear, 0, Qt::AlignLeft);
    layout->addStretch(1);
    measure();
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
