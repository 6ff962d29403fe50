#pragma once
// The signed-in user's session (DESIGN §6): the GoTrue password flow against Vesper's own server or a
// Supabase project's auth URL, a refresh about two minutes before expiry with exactly one refresh in
// flight (other callers wait for it), the new pair saved to the keychain before it is used, and a
// clean sign-out when the server refuses the refresh token. The refresh token is kept only in the OS
// keychain (and memory); the access token only in memory. Tokens are never logged.
#include "client/auth/keychainstore.h"
#include "client/net/apierror.h"
#include "client/net/httpclient.h"
#include "client/net/tokensource.h"

#include <QMutex>
#include <QObject>
#include <QWaitCondition>
#include <atomic>
#include <memory>

namespace vesper::client {

class AuthSession : public QObject, public TokenSource {
    Q_OBJECT
public:
    /// serverUrl is the API server; auth calls go to authBaseUrl (default: serverUrl). http must outlive this.
    AuthSession(HttpClient *http, const QString &serverUrl, QObject *parent = nullptr);
    ~AuthSession() override;

    /// A Supabase project's auth URL ("https://xyz.supabase.co", a trailing /auth/v1 is fine); calls
    /// go to <authBase>/auth/v1/...
    void setAuthBaseUrl(const QString &url);
    /// Sent as `apikey` on auth calls (Supabase's anon key); empty for Vesper's own server.
    void setApiKey(const QByteArray &key);
    /// Keychain service name (default "vesper"); tests use their own.
    void setKeychainService(const QString &service);
    /// Refresh this long before expiry (default 120 s; at most half the token's lifetime is used).
    void setRefreshMarginSeconds(int seconds) { m_marginSeconds = seconds; }

    /// Password grant; the refresh token goes to the keychain (or memory when there is none).
    ApiError signIn(const QString &email, const QString &password);
    /// Signs in again from the refresh token the keychain holds for this server and email.
    ApiError restore(const QString &email);
    /// Revokes the session on the server, removes the keychain entry and forgets the tokens;
    /// signedOut(reason, clearCache) asks the owner of the cache to clear it when requested.
    ApiError signOut(bool clearCache = false);
    /// The embedded backend's per-launch token: no refresh, no keychain.
    void useFixedToken(const QString &token);
    /// Refreshes now (one refresh shared with any caller already refreshing).
    ApiError refreshNow();

    /// TokenSource: the current access token, refreshed first when within the margin of expiry;
    /// empty when signed out. Blocking; safe from any number of threads.
    QString accessToken() override;
    QString refreshAfterRejection(const QString &rejected) override;

    bool isSignedIn() const;
    QString email() const;
    QString userId() const;
    /// Seconds until the access token expires (0 when signed out or fixed).
    qint64 secondsUntilExpiry() const;
    /// Refresh calls made to the server so far (for tests and diagnostics).
    int refreshCount() const { return m_refreshCount.load(); }
    /// Whether the refresh token is in the keychain (false: memory only, until exit).
    bool persisted() const;
    /// Empty when a keychain is available; else one sentence for the user.
    QString keychainUnavailableReason();
    /// Why the last session ended (a refused refresh token), for the UI.
    QString lastSignOutReason() const;

Q_SIGNALS:
    void signedIn(const QString &userId);
    void signedOut(const QString &reason, bool clearCache);

private:
    struct Tokens {
        QString access;
        QString refresh;
        qint64 expiresAtMs = 0;  // local clock, from expires_in
        qint64 lifetimeMs = 0;
        QString userId;
        QString email;
    };
    /// POST <authBase>/auth/v1/token?grant_type=...; fills *tokens from GoTrue's answer.
    ApiError grant(const QByteArray &grantType, const QJsonObject &body, Tokens *tokens);
    /// The shared refresh: the first caller refreshes, the others wait for its outcome.
    ApiError refreshShared(const QString &seenAccess);
    ApiError doRefresh(const QString &refreshToken);
    /// Saves the refresh token before the pair is used; false (memory only) without a keychain.
    bool saveRefreshToken(const QString &email, const QString &refreshToken);
    void endSession(const QString &reason, bool clearCache, bool removeKeychainEntry);
    bool needsRefresh(const Tokens &tokens) const;
    QString keychainKey(const QString &email) const;

    HttpClient *m_http;
    QString m_serverUrl;
    QString m_authBase;
    QByteArray m_apiKey;
    std::unique_ptr<KeychainStore> m_keychain;
    int m_marginSeconds = 120;

    mutable QMutex m_mutex;
    QWaitCondition m_refreshDone;
    Tokens m_tokens;
    bool m_fixed = false;
    bool m_persisted = false;
    bool m_refreshing = false;
    ApiError m_lastRefreshError;
    QString m_signOutReason;
    std::atomic<int> m_refreshCount{0};
};

} // namespace vesper::client
