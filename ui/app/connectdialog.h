#pragma once
// File ▸ Connect to server…: server URL, email and password, Sign in, and Create account only when
// the server says it takes sign-ups (GET /auth/v1/settings). Every call runs off the GUI thread
// through the ConnectionManager; what went wrong shows inside the dialog, in one line.
#include <QDialog>
#include <QTimer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace vesper::ui {

class ConnectionManager;

class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(ConnectionManager *connections, QWidget *parent = nullptr);
    /// Prefills the fields (a server that asked for sign-in again).
    void setServer(const QString &serverUrl, const QString &email = {});
    /// Whether the server under the URL field offers sign-up (as last asked).
    bool signupOffered() const;

private:
    void checkSignup();
    void submit(bool createAccount);
    void setBusy(bool busy);
    ConnectionManager *m_connections;
    QComboBox *m_server;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QLabel *m_message;
    QPushButton *m_signIn;
    QPushButton *m_create;
    QTimer m_checkTimer;
    int m_checkSerial = 0;
};

} // namespace vesper::ui
