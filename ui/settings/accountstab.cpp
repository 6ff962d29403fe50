#include "ui/settings/accountstab.h"

#include "client/workspace/workspace.h"
#include "ui/app/connectionmanager.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace vesper::ui {

AccountsTab::AccountsTab(ConnectionManager *connections, QWidget *parent)
    : QWidget(parent)
    , m_connections(connections)
{
    m_current = new QLabel(this);
    m_current->setWordWrap(true);
    m_servers = new QListWidget(this);
    m_signOut = new QPushButton(tr("Sign out"), this);
    m_signOut->setToolTip(tr("Ends the session on this server; its cache stays on this computer"));
    m_signOut->setEnabled(false);
    connect(m_servers, &QListWidget::currentRowChanged, this, [this](int row) { m_signOut->setEnabled(row >= 0); });
    connect(m_signOut, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_servers->currentItem())
            m_connections->forgetServer(item->text());
        reload();
    });
    connect(m_connections, &ConnectionManager::connected, this, &AccountsTab::reload);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_current);
    layout->addWidget(new QLabel(tr("Servers signed in before:"), this));
    layout->addWidget(m_servers, 1);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_signOut);
    layout->addLayout(row);
    reload();
}

void AccountsTab::reload()
{
    client::Workspace *workspace = m_connections->workspace();
    if (!workspace)
        m_current->setText(tr("Nothing is open."));
    else if (m_connections->isLocal())
        m_current->setText(tr("Open: the local library (no account needed)."));
    else
        m_current->setText(tr("Open: %1 as %2.").arg(m_connections->serverUrl(), workspace->email()));
    m_servers->clear();
    m_servers->addItems(m_connections->knownServers());
}

} // namespace vesper::ui
