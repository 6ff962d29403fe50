#pragma once
// Which account was last signed in on each server (email and user id — nothing secret), kept in the
// config folder, so an offline run knows whose cache to open and `login` can offer the last email.
// Tokens are never here: the refresh token lives in the OS keychain only.
#include <QString>
#include <optional>

namespace vesper::client {

struct KnownAccount {
    QString email;
    QString userId;
    // Where sign-in and refresh go when not the server itself (a Supabase project's URL) and the
    // `apikey` sent there: the project's anon key, public by design (shipped in every web client).
    QString authUrl;
    QString authApiKey;
};

class KnownAccounts {
public:
    /// configDir: e.g. $XDG_CONFIG_HOME/vesper.
    explicit KnownAccounts(QString configDir);

    std::optional<KnownAccount> lastFor(const QString &serverUrl) const;
    void remember(const QString &serverUrl, const KnownAccount &account);
    void forget(const QString &serverUrl);
    /// Copies the servers other knows and this file does not (an older app's file); how many.
    int adoptMissing(const KnownAccounts &other);

    /// The cache folder of one server and account: <cacheRoot>/<host-port>-<userId>, readable and safe
    /// as a file name whatever the URL holds. The one place that names it (app, CLI and tests);
    /// cacheRoot is folders::cacheRoot() unless a caller chose another.
    static QString cacheFolder(const QString &cacheRoot, const QString &serverUrl, const QString &userId);

private:
    QString m_file;
};

} // namespace vesper::client
