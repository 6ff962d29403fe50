#include "ui/settings/settingsdialog.h"

#include "ui/app/connectionmanager.h"
#include "ui/settings/accountstab.h"
#include "ui/settings/providerstab.h"
#include "ui/settings/storagetab.h"

#include <QDialogButtonBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace vesper::ui {

SettingsDialog::SettingsDialog(ConnectionManager *connections, UiContext *, QWidget *parent,
                               const QString &providerKeychainService)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    resize(560, 420);
    const LocalLibrary *library = connections->localLibrary() && connections->localLibrary()->isValid() ? &*connections->localLibrary() : nullptr;
    auto *tabs = new QTabWidget(this);
    m_providers = new ProvidersTab(library, providerKeychainService, tabs);
    m_accounts = new AccountsTab(connections, tabs);
    m_storage = new StorageTab(connections, tabs);
    tabs->addTab(m_providers, tr("&Providers"));
    tabs->addTab(m_accounts, tr("&Accounts"));
    tabs->addTab(m_storage, tr("&Storage"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
}

} // namespace vesper::ui
