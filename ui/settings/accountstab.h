#pragma once
// Settings ▸ Accounts: the team servers signed in before, which one is open, and Sign out (the
// session is revoked and its keychain entry removed; the account's cache stays for next time).
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace vesper::ui {

class ConnectionManager;

class AccountsTab : public QWidget {
    Q_OBJECT
public:
    explicit AccountsTab(ConnectionManager *connections, QWidget *parent = nullptr);
    void reload();

private:
    ConnectionManager *m_connections;
    QLabel *m_current;
    QListWidget *m_servers;
    QPushButton *m_signOut;
};

} // namespace vesper::ui
