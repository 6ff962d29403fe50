#include "backend/auth/tokenauthenticator.h"
#include "backend/auth/jwkscache.h"
#include "backend/auth/jwtcodec.h"
#include "backend/config/backendsettings.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "common/clock.h"
#include "common/logging.h"

namespace vesper::backend {

TokenAuthenticator::TokenAuthenticator(const BackendSettings &settings, const JwtCodec &jwt, Database &database)
    : m_settings(settings)
    , m_jwt(jwt)
    , m_database(database)
    , m_sessions(database, settings.sessionCheckSeconds)
    , m_profiles(settings.sessionCheckSeconds)
{
    if (!settings.externalAuthUrl.isEmpty())
        m_jwks = std::make_unique<JwksCache>(settings.externalAuthUrl + QStringLiteral("/.well-known/jwks.json"),
                                             settings.jwksCacheSeconds, settings.jwksRefetchSeconds);
    // Our own notices come back too: forgetting twice is harmless.
    m_authListener = database.changes().subscribeAuth([this](const AuthEnded &ended) { forget(ended); });
}

TokenAuthenticator::~TokenAuthenticator()
{
    m_database.changes().unsubscribeAuth(m_authListener);
}

QString TokenAuthenticator::localIssuer()
{
    return QStringLiteral("vesper");
}

void TokenAuthenticator::start()
{
    if (m_jwks)
        m_jwks->start();
}

int TokenAuthenticator::jwksFetches() const
{
    return m_jwks ? m_jwks->fetches() : 0;
}

std::optional<VerifiedToken> TokenAuthenticator::verify(const QByteArray &token, QString *reason)
{
    const auto parts = JwtParts::split(token, reason);
    if (!parts)
        return std::nullopt;
    // The algorithm picks the key store, never the key itself: HS256 only with the secret, ES256
    // and RS256 only with the issuer's published keys, whose type fixes the algorithm they verify.
    const QString alg = parts->header.value(QStringLiteral("alg")).toString();
    const bool asymmetric = alg == QLatin1String("ES256") || alg == QLatin1String("RS256");
    if (alg == QLatin1String("HS256")) {
        if (!m_jwt.signatureMatches(parts->signingInput, parts->signature)) {
            *reason = QStringLiteral("bad token signature");
            return std::nullopt;
        }
    } else if (asymmetric && m_jwks) {
        const QString kid = parts->header.value(QStringLiteral("kid")).toString();
        const auto key = kid.isEmpty() || kid.size() > 200 ? std::nullopt : m_jwks->key(kid);
        if (!key) {
            *reason = QStringLiteral("unknown token signing key");
            return std::nullopt;
        }
        if (!key->verify(alg, parts->signingInput, parts->signature)) {
            *reason = QStringLiteral("bad token signature");
            return std::nullopt;
        }
    } else {
        *reason = QStringLiteral("unsupported token algorithm");
        return std::nullopt;
    }
    if (!m_jwt.checkClaims(parts->claims, nowMicros() / 1000000, m_settings.clockSkewSeconds, reason))
        return std::nullopt;
    const QJsonValue issValue = parts->claims.value(QStringLiteral("iss"));
    const QString iss = issValue.toString();
    const bool external = !m_settings.externalAuthUrl.isEmpty() && iss == m_settings.externalAuthUrl;
    // Our tokens carry our issuer (older ones none); anything else signed with the secret must
    // name the external issuer, and the asymmetric keys sign for nobody else.
    const bool local = !asymmetric && (issValue.isUndefined() || iss == localIssuer());
    if (!external && !local) {
        *reason = QStringLiteral("token issuer mismatch");
        return std::nullopt;
    }
    VerifiedToken verified;
    verified.claims = parts->claims;
    verified.userId = parts->claims.value(QStringLiteral("sub")).toString().toLower();
    verified.sessionId = parts->claims.value(QStringLiteral("session_id")).toString();
    verified.external = external;
    return verified;
}

QString TokenAuthenticator::authenticate(const QByteArray &token, QString *reason)
{
    const auto verified = verify(token, reason);
    if (!verified)
        return {};
    // Our sessions end with logout, reuse detection and account deletion; the external issuer's
    // sessions are its own business (its tokens are short-lived).
    if (!verified->external && !verified->sessionId.isEmpty() && !m_sessions.isLive(verified->sessionId)) {
        *reason = QStringLiteral("session ended");
        return {};
    }
    if (!m_profiles.ensure(m_database, verified->userId, verified->claims, m_settings.defaultCredits, verified->external)) {
        *reason = QStringLiteral("no profile for this token's user");
        return {};
    }
    return verified->userId;
}

void TokenAuthenticator::sessionEnded(const QString &sessionId)
{
    if (sessionId.isEmpty())
        return;
    const AuthEnded ended{AuthEnded::Kind::Session, sessionId};
    forget(ended);
    announce(ended);
}

void TokenAuthenticator::userEnded(const QString &userId)
{
    const AuthEnded ended{AuthEnded::Kind::User, userId};
    forget(ended);
    announce(ended);
}

void TokenAuthenticator::forget(const AuthEnded &ended)
{
    switch (ended.kind) {
    case AuthEnded::Kind::Session:
        m_sessions.ended(ended.id);
        break;
    case AuthEnded::Kind::User:
        m_sessions.forgetUser(ended.id);
        m_profiles.forget(ended.id);
        break;
    case AuthEnded::Kind::Unknown:
        m_sessions.forgetLive();
        m_profiles.forgetAll();
        break;
    }
}

void TokenAuthenticator::announce(const AuthEnded &ended)
{
    if (!m_database.changes().viaDatabase())
        return;
    // Sent after the revocation committed (autocommit here), so a listener that checks again
    // finds it. Should it fail, the other instances notice within the session check interval.
    try {
        SqlQuery notify(m_database.connection(),
                        QStringLiteral("SELECT pg_notify('%1', :payload)").arg(QLatin1String(ChangeNotifier::kAuthChannel)));
        notify.bind(QStringLiteral(":payload"), QString::fromUtf8(ChangeNotifier::encodeAuth(ended))).exec();
    } catch (const DbError &error) {
        qCWarning(lcAuth).noquote() << "could not tell the other instances that a session ended:" << error.message();
    }
}

} // namespace vesper::backend
