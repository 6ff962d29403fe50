#pragma once
// The few blocking account calls the shell makes before a workspace exists: does this server allow
// sign-up (GoTrue's GET /auth/v1/settings), create an account, and sign in once so the session lands
// in the keychain. Run them off the GUI thread (QtConcurrent); each returns an error as a value.
#include <QString>

namespace vesper::ui {

struct AccountCallResult {
    bool ok = false;
    QString error;   // one readable sentence when !ok
    QString email;   // the account's email as the server spelt it
    QString userId;
    bool persisted = false; // the refresh token reached the OS keychain
};

/// Whether serverUrl offers sign-up; error set (and false) when it cannot be asked.
bool signupAllowed(const QString &serverUrl, QString *error);
/// POST /auth/v1/signup; the server's refusal comes back as error.
AccountCallResult signUpAccount(const QString &serverUrl, const QString &email, const QString &password);
/// Password sign-in through AuthSession; the refresh token goes to the keychain (service "vesper").
AccountCallResult signInAccount(const QString &serverUrl, const QString &email, const QString &password,
                                const QString &keychainService = QStringLiteral("vesper"));
/// Restores the keychain session of email on serverUrl (a quick check the server answers).
AccountCallResult restoreAccount(const QString &serverUrl, const QString &email,
                                 const QString &keychainService = QStringLiteral("vesper"));

} // namespace vesper::ui
