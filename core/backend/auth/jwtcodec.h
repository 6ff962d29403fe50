#pragma once
// HS256 JSON Web Tokens (RFC 7519) signed with OpenSSL's HMAC-SHA256, and the claim checks every
// accepted token passes whatever signed it. The claims follow Supabase Auth (sub, aud, exp, iat,
// role, email, session_id), so a server given a Supabase project's legacy JWT secret accepts that
// project's access tokens and vice versa.
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper::backend {

/// A token split into its parts, before any check: header and claims parsed, signature decoded.
struct JwtParts {
    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; // "<header>.<payload>" as sent
    QByteArray signature;    // decoded bytes

    /// The parts of a well-formed compact JWS; nullopt with a reason otherwise.
    static std::optional<JwtParts> split(const QByteArray &token, QString *reason);
};

class JwtCodec {
public:
    JwtCodec(QByteArray secret, QString audience);

    QByteArray sign(const QJsonObject &claims) const;
    /// The claims of a valid HS256 token: signature checked in constant time, then checkClaims().
    std::optional<QJsonObject> verify(const QByteArray &token, qint64 nowSeconds, int skewSeconds, QString *reason) const;
    /// Whether signature is the HMAC of signingInput under this codec's secret (constant time).
    bool signatureMatches(const QByteArray &signingInput, const QByteArray &signature) const;
    /// The checks on claims every accepted token passes: `exp` in the future and `nbf`/`iat` not in
    /// the future (each within skewSeconds), `aud` matching, `sub` set, `role` "authenticated".
    bool checkClaims(const QJsonObject &claims, qint64 nowSeconds, int skewSeconds, QString *reason) const;

private:
    QByteArray mac(const QByteArray &data) const;
    QByteArray m_secret;
    QString m_audience;
};

} // namespace vesper::backend
