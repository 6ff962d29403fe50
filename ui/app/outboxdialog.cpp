#include "ui/app/outboxdialog.h"

#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace vesper::ui {

OutboxDialog::OutboxDialog(UiContext *context, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
{
    setWindowTitle(tr("Changes not sent"));
    resize(640, 320);
    m_list = new QTreeWidget(this);
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("Change"), tr("State"), tr("Reason"), QString()});
    m_list->setRootIsDecorated(false);
    m_list->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    // Queued: a Dismiss button's own click changes the cache, and reload() deletes the buttons.
    connect(m_context, &UiContext::cacheChanged, this, &OutboxDialog::reload, Qt::QueuedConnection);
    reload();
}

void OutboxDialog::reload()
{
    m_list->clear();
    client::Workspace *workspace = m_context->workspace();
    if (!workspace || !workspace->isOpen())
        return;
    const QList<client::OutboxEntry> entries = workspace->outbox().pending();
    for (const client::OutboxEntry &entry : entries) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, entry.kind);
        item->setToolTip(0, QStringLiteral("%1 %2\n%3").arg(QString::fromLatin1(entry.method), entry.path,
                         QDateTime::fromMSecsSinceEpoch(entry.createdAt / 1000).toString()));
        item->setText(1, client::outboxStateName(entry.state));
        item->setText(2, entry.reason.isEmpty() ? tr("Waiting for the server") : entry.reason);
        item->setToolTip(2, entry.reason);
        auto *dismiss = new QPushButton(tr("Dismiss"), m_list);
        dismiss->setToolTip(tr("Give this change up: it will not be sent"));
        const qint64 id = entry.id;
        connect(dismiss, &QPushButton::clicked, this, [this, id] {
            client::Workspace *ws = m_context->workspace();
            QString error;
            if (ws && !ws->outbox().dismiss(id, &error))
                m_context->reportError(tr("The change could not be dismissed."), error);
            QMetaObject::invokeMethod(this, &OutboxDialog::reload, Qt::QueuedConnection);
        });
        m_list->setItemWidget(item, 3, dismiss);
    }
    m_list->resizeColumnToContents(0);
    m_list->resizeColumnToContents(1);
}

int OutboxDialog::entryCount() const
{
    return m_list->topLevelItemCount();
}

} // namespace vesper::ui
