#include "backend/auth/jwtcodec.h"

#include <QJsonArray>
#include <QList>
#include <QJsonDocument>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace vesper::backend {
namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

std::optional<QJsonObject> decodePart(const QByteArray &part)
{
    const auto decoded = QByteArray::fromBase64Encoding(part, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(decoded.decoded, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}
} // namespace

std::optional<JwtParts> JwtParts::split(const QByteArray &token, QString *reason)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || token.size() > 8192) {
        *reason = QStringLiteral("malformed token");
        return std::nullopt;
    }
    const auto header = decodePart(parts[0]);
    const auto claims = decodePart(parts[1]);
    const auto signature = QByteArray::fromBase64Encoding(parts[2], QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!header || !claims || !signature || signature.decoded.isEmpty()) {
        *reason = QStringLiteral("malformed token");
        return std::nullopt;
    }
    return JwtParts{*header, *claims, parts[0] + '.' + parts[1], signature.decoded};
}

JwtCodec::JwtCodec(QByteArray secret, QString audience)
    : m_secret(std::move(secret))
    , m_audience(std::move(audience))
{
}

QByteArray JwtCodec::mac(const QByteArray &data) const
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), m_secret.constData(), int(m_secret.size()),
         reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()), digest, &length);
    return QByteArray(reinterpret_cast<const char *>(digest), int(length));
}

QByteArray JwtCodec::sign(const QJsonObject &claims) const
{
    static const QByteArray header = QByteArray(R"({"alg":"HS256","typ":"JWT"})").toBase64(kB64);
    const QByteArray signingInput = header + '.' + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(kB64);
    return signingInput + '.' + mac(signingInput).toBase64(kB64);
}

bool JwtCodec::signatureMatches(const QByteArray &signingInput, const QByteArray &signature) const
{
    const QByteArray expected = mac(signingInput);
    return signature.size() == expected.size() && CRYPTO_memcmp(signature.constData(), expected.constData(), size_t(expected.size())) == 0;
}

std::optional<QJsonObject> JwtCodec::verify(const QByteArray &token, qint64 nowSeconds, int skewSeconds, QString *reason) const
{
    const auto parts = JwtParts::split(token, reason);
    if (!parts)
        return std::nullopt;
    if (parts->header.value(QStringLiteral("alg")).toString() != QLatin1String("HS256")) {
        *reason = QStringLiteral("unsupported token algorithm");
        return std::nullopt;
    }
    if (!signatureMatches(parts->signingInput, parts->signature)) {
        *reason = QStringLiteral("bad token signature");
        return std::nullopt;
    }
    if (!checkClaims(parts->claims, nowSeconds, skewSeconds, reason))
        return std::nullopt;
    return parts->claims;
}

bool JwtCodec::checkClaims(const QJsonObject &claims, qint64 nowSeconds, int skewSeconds, QString *reason) const
{
    const QJsonValue exp = claims.value(QStringLiteral("exp"));
    if (!exp.isDouble() || qint64(exp.toDouble()) + skewSeconds < nowSeconds) {
        *reason = QStringLiteral("token expired");
        return false;
    }
    for (const char *key : {"nbf", "iat"}) {
        const QJsonValue value = claims.value(QLatin1String(key));
        if (value.isDouble() && qint64(value.toDouble()) - skewSeconds > nowSeconds) {
            *reason = QStringLiteral("token not valid yet");
            return false;
        }
    }
    const QJsonValue aud = claims.value(QStringLiteral("aud"));
    const bool audienceOk = aud.isString() ? aud.toString() == m_audience
                                           : aud.isArray() && aud.toArray().contains(QJsonValue(m_audience));
    if (!audienceOk) {
        *reason = QStringLiteral("token audience mismatch");
        return false;
    }
    if (claims.value(QStringLiteral("sub")).toString().isEmpty()) {
        *reason = QStringLiteral("token has no subject");
        return false;
    }
    // Supabase signs anon and service_role keys with the same secret: only a signed-in user's token
    // may act as a user.
    if (claims.value(QStringLiteral("role")).toString() != QLatin1String("authenticated")) {
        *reason = QStringLiteral("token role is not authenticated");
        return false;
    }
    return true;
}

} // namespace vesper::backend
