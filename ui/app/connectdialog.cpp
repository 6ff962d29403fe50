#include "ui/app/connectdialog.h"

#include "ui/app/accountcalls.h"
#include "ui/app/connectionmanager.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

ConnectDialog::ConnectDialog(ConnectionManager *connections, QWidget *parent)
    : QDialog(parent)
    , m_connections(connections)
{
    setWindowTitle(tr("Connect to server"));
    m_server = new QComboBox(this);
    m_server->setEditable(true);
    m_server->addItems(connections->knownServers());
    m_server->lineEdit()->setPlaceholderText(QStringLiteral("https://studio.example.com"));
    m_email = new QLineEdit(this);
    m_email->setPlaceholderText(tr("you@example.com"));
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_server);
    form->addRow(tr("&Email:"), m_email);
    form->addRow(tr("&Password:"), m_password);

    auto *buttons = new QDialogButtonBox(this);
    m_signIn = buttons->addButton(tr("Sign in"), QDialogButtonBox::AcceptRole);
    m_signIn->setDefault(true);
    m_create = buttons->addButton(tr("Create account"), QDialogButtonBox::ActionRole);
    m_create->setToolTip(tr("This server takes new accounts"));
    m_create->hide();
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_signIn, &QPushButton::clicked, this, [this] { submit(false); });
    connect(m_create, &QPushButton::clicked, this, [this] { submit(true); });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(500);
    connect(&m_checkTimer, &QTimer::timeout, this, &ConnectDialog::checkSignup);
    connect(m_server, &QComboBox::currentTextChanged, this, [this] {
        m_create->hide();
        m_checkTimer.start();
    });
    connect(m_connections, &ConnectionManager::signInFinished, this, [this](const QString &error) {
        setBusy(false);
        if (error.isEmpty()) {
            m_password->clear();
            accept();
            return;
        }
        m_message->setText(error);
        m_message->show();
    });
    if (!m_server->currentText().isEmpty())
        m_checkTimer.start();
}

void ConnectDialog::setServer(const QString &serverUrl, const QString &email)
{
    m_server->setCurrentText(serverUrl);
    m_email->setText(email);
    (email.isEmpty() ? static_cast<QWidget *>(m_email) : m_password)->setFocus();
}

bool ConnectDialog::signupOffered() const
{
    return !m_create->isHidden();
}

void ConnectDialog::checkSignup()
{
    const QString url = m_server->currentText().trimmed();
    if (!url.startsWith(QLatin1String("http")))
        return;
    const int serial = ++m_checkSerial;
    auto *watcher = new QFutureWatcher<bool>(this);
    connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        if (serial == m_checkSerial)
            m_create->setVisible(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([url] { return signupAllowed(url, nullptr); }));
}

void ConnectDialog::submit(bool createAccount)
{
    const QString url = m_server->currentText().trimmed();
    if (url.isEmpty() || m_email->text().trimmed().isEmpty() || m_password->text().isEmpty()) {
        m_message->setText(tr("Fill in the server, your email and your password."));
        m_message->show();
        return;
    }
    m_message->hide();
    setBusy(true);
    if (createAccount)
        m_connections->signUp(url, m_email->text().trimmed(), m_password->text());
    else
        m_connections->signIn(url, m_email->text().trimmed(), m_password->text());
}

void ConnectDialog::setBusy(bool busy)
{
    m_signIn->setEnabled(!busy);
    m_create->setEnabled(!busy);
    m_signIn->setText(busy ? tr("Signing in…") : tr("Sign in"));
}

} // namespace vesper::ui
