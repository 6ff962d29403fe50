#pragma once
// Who a bearer token speaks for: the one place that checks an access token. HS256 tokens are
// checked with the JWT secret (ours, and a Supabase project's legacy ones); ES256 and RS256 tokens
// only against the external issuer's JWKS, with `iss` equal to that issuer. Our own tokens must
// belong to a live session and an existing profile; the external issuer's create their profile.
// Sessions and users ended here are announced to the other instances (PostgreSQL NOTIFY), whose
// caches drop them when they hear it.
#include "backend/auth/knownprofiles.h"
#include "backend/auth/livesessions.h"
#include "backend/db/changenotifier.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <memory>
#include <optional>

namespace vesper::backend {

class Database;
class JwksCache;
class JwtCodec;
struct BackendSettings;

/// A token whose signature and claims passed.
struct VerifiedToken {
    QJsonObject claims;
    QString userId;    // `sub`, lowercased
    QString sessionId; // `session_id`; may be empty
    bool external = false; // signed for the external issuer the settings name
};

class TokenAuthenticator {
public:
    TokenAuthenticator(const BackendSettings &settings, const JwtCodec &jwt, Database &database);
    ~TokenAuthenticator();

    /// The `iss` of the tokens this server signs.
    static QString localIssuer();
    /// Starts fetching the external issuer's JWKS in the background (nothing when none is set).
    void start();
    /// Signature, algorithm, issuer and claims checked; nullopt with a reason otherwise.
    std::optional<VerifiedToken> verify(const QByteArray &token, QString *reason);
    /// The user a bearer token acts for: verify(), then a live session (our tokens) and a profile
    /// (created only for the external issuer); empty with a reason when refused.
    QString authenticate(const QByteArray &token, QString *reason);
    /// A session's refresh tokens were revoked here (committed): its access tokens end now, on
    /// every instance.
    void sessionEnded(const QString &sessionId);
    /// A user's sessions were all revoked or their profile deleted (committed), on every instance.
    void userEnded(const QString &userId);
    /// Completed JWKS fetches (0 without an external issuer).
    int jwksFetches() const;

private:
    /// Drops what an ended session or user left in this instance's caches.
    void forget(const AuthEnded &ended);
    /// Tells the other instances (NOTIFY on PostgreSQL; nothing to tell on SQLite).
    void announce(const AuthEnded &ended);

    const BackendSettings &m_settings;
    const JwtCodec &m_jwt;
    Database &m_database;
    std::unique_ptr<JwksCache> m_jwks;
    LiveSessions m_sessions;
    KnownProfiles m_profiles;
    int m_authListener = 0;
};

} // namespace vesper::backend
