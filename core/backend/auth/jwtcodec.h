#pragma once
// HS256 JSON Web Tokens (RFC 7519) signed with OpenSSL's HMAC-SHA256. The claims follow Supabase
// Auth (sub, aud, exp, iat, role, email, session_id), so a server given a Supabase project's JWT
// secret accepts that project's access tokens and vice versa.
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper::backend {

class JwtCodec {
public:
    JwtCodec(QByteArray secret, QString audience);

    QByteArray sign(const QJsonObject &claims) const;
    /// The claims of a valid token: HS256 only, signature checked in constant time, `exp` in the
    /// future and `nbf`/`iat` not in the future, each within skewSeconds, `aud` matching, `sub` set.
    std::optional<QJsonObject> verify(const QByteArray &token, qint64 nowSeconds, int skewSeconds, QString *reason) const;

private:
    QByteArray mac(const QByteArray &data) const;
    QByteArray m_secret;
    QString m_audience;
};

} // namespace vesper::backend
