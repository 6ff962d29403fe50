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

std::optional<QJsonObject> JwtCodec::verify(const QByteArray &token, qint64 nowSeconds, int skewSeconds, QString *reason) const
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || token.size() > 8192) {
        *reason = QStringLiteral("malformed token");
        return std::nullopt;
    }
    const auto header = decodePart(parts[0]);
    if (!header || header->value(QStringLiteral("alg")).toString() != QLatin1String("HS256")) {
        *reason = QStringLiteral("unsupported token algorithm");
        return std::nullopt;
    }
    const auto signature = QByteArray::fromBase64Encoding(parts[2], QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray expected = mac(parts[0] + '.' + parts[1]);
    if (!signature || signature.decoded.size() != expected.size()
        || CRYPTO_memcmp(signature.decoded.constData(), expected.constData(), size_t(expected.size())) != 0) {
        *reason = QStringLiteral("bad token signature");
        return std::nullopt;
    }
    const auto claims = decodePart(parts[1]);
    if (!claims) {
        *reason = QStringLiteral("malformed token claims");
        return std::nullopt;
    }
    const QJsonValue exp = claims->value(QStringLiteral("exp"));
    if (!exp.isDouble() || qint64(exp.toDouble()) + skewSeconds < nowSeconds) {
        *reason = QStringLiteral("token expired");
        return std::nullopt;
    }
    for (const char *key : {"nbf", "iat"}) {
        const QJsonValue value = claims->value(QLatin1String(key));
        if (value.isDouble() && qint64(value.toDouble()) - skewSeconds > nowSeconds) {
            *reason = QStringLiteral("token not valid yet");
            return std::nullopt;
        }
    }
    const QJsonValue aud = claims->value(QStringLiteral("aud"));
    const bool audienceOk = aud.isString() ? aud.toString() == m_audience
                                           : aud.isArray() && aud.toArray().contains(QJsonValue(m_audience));
    if (!audienceOk) {
        *reason = QStringLiteral("token audience mismatch");
        return std::nullopt;
    }
    if (claims->value(QStringLiteral("sub")).toString().isEmpty()) {
        *reason = QStringLiteral("token has no subject");
        return std::nullopt;
    }
    return claims;
}

} // namespace vesper::backend
