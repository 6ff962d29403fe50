#pragma once
// Settings… (Ctrl+,): Providers (the local library's keys and URLs, in the keychain), Accounts (team
// servers, sign out) and Storage (cache size, Clear cache). Changes apply at once; nothing here needs
// a restart.
#include <QDialog>

namespace vesper::ui {

class AccountsTab;
class ConnectionManager;
class ProvidersTab;
class StorageTab;
class UiContext;

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(ConnectionManager *connections, UiContext *context, QWidget *parent = nullptr,
                   const QString &providerKeychainService = QStringLiteral("vesper-providers"));

    ProvidersTab *providersTab() const { return m_providers; }
    AccountsTab *accountsTab() const { return m_accounts; }
    StorageTab *storageTab() const { return m_storage; }

private:
    ProvidersTab *m_providers;
    AccountsTab *m_accounts;
    StorageTab *m_storage;
};

} // namespace vesper::ui
