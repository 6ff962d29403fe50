#include "backend/auth/jwkkey.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace vesper::backend {
namespace {
std::optional<QByteArray> base64Url(const QJsonObject &jwk, const char *name)
{
    const auto decoded = QByteArray::fromBase64Encoding(jwk.value(QLatin1String(name)).toString().toLatin1(),
                                                        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return std::nullopt;
    return decoded.decoded;
}

using BigNum = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
BigNum bigNum(const QByteArray &bytes)
{
    return BigNum(BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes.constData()), int(bytes.size()), nullptr), &BN_free);
}

/// An EVP_PKEY of keyType ("RSA" or "EC") from the parameters a builder collected.
EVP_PKEY *keyFromParams(const char *keyType, OSSL_PARAM_BLD *builder)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr);
    EVP_PKEY *key = nullptr;
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = nullptr;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return key;
}

EVP_PKEY *rsaKey(const QByteArray &n, const QByteArray &e)
{
    const BigNum modulus = bigNum(n), exponent = bigNum(e);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    EVP_PKEY *key = nullptr;
    if (builder && modulus && exponent && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus.get())
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent.get()))
        key = keyFromParams("RSA", builder);
    OSSL_PARAM_BLD_free(builder);
    return key;
}

EVP_PKEY *p256Key(const QByteArray &x, const QByteArray &y)
{
    const QByteArray point = QByteArray(1, '\x04') + x + y; // uncompressed SEC1 point
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    EVP_PKEY *key = nullptr;
    if (builder && OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
        && OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.constData(), size_t(point.size())))
        key = keyFromParams("EC", builder);
    OSSL_PARAM_BLD_free(builder);
    return key;
}

/// JWS sends an ES256 signature as r||s (32 bytes each); OpenSSL verifies DER.
QByteArray ecdsaDer(const QByteArray &raw)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()), 32, nullptr);
    BIGNUM *s = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()) + 32, 32, nullptr);
    QByteArray der;
    if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = nullptr; // owned by sig now
        unsigned char *out = nullptr;
        const int length = i2d_ECDSA_SIG(sig, &out);
        if (length > 0)
            der = QByteArray(reinterpret_cast<const char *>(out), length);
        OPENSSL_free(out);
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return der;
}
} // namespace

std::optional<JwkKey> JwkKey::fromJson(const QJsonObject &jwk, QString *reason)
{
    const QString kty = jwk.value(QStringLiteral("kty")).toString();
    const QString use = jwk.value(QStringLiteral("use")).toString();
    const QString declaredAlg = jwk.value(QStringLiteral("alg")).toString();
    if (!use.isEmpty() && use != QLatin1String("sig")) {
        *reason = QStringLiteral("not a signing key");
        return std::nullopt;
    }
    JwkKey result;
    result.m_kid = jwk.value(QStringLiteral("kid")).toString();
    EVP_PKEY *key = nullptr;
    if (kty == QLatin1String("RSA")) {
        result.m_alg = QStringLiteral("RS256");
        const auto n = base64Url(jwk, "n"), e = base64Url(jwk, "e");
        if (n && e)
            key = rsaKey(*n, *e);
        if (key && EVP_PKEY_get_bits(key) < 2048) {
            EVP_PKEY_free(key);
            *reason = QStringLiteral("RSA key shorter than 2048 bits");
            return std::nullopt;
        }
    } else if (kty == QLatin1String("EC") && jwk.value(QStringLiteral("crv")).toString() == QLatin1String("P-256")) {
        result.m_alg = QStringLiteral("ES256");
        const auto x = base64Url(jwk, "x"), y = base64Url(jwk, "y");
        if (x && y && x->size() == 32 && y->size() == 32)
            key = p256Key(*x, *y);
    } else {
        *reason = QStringLiteral("unsupported key type");
        return std::nullopt;
    }
    if (!declaredAlg.isEmpty() && declaredAlg != result.m_alg) {
        EVP_PKEY_free(key);
        *reason = QStringLiteral("key algorithm does not fit its type");
        return std::nullopt;
    }
    if (!key) {
        *reason = QStringLiteral("malformed key");
        return std::nullopt;
    }
    result.m_key = std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
    return result;
}

bool JwkKey::verify(const QString &alg, const QByteArray &input, const QByteArray &signature) const
{
    if (alg != m_alg || !m_key)
        return false;
    QByteArray checked = signature;
    if (m_alg == QLatin1String("ES256")) {
        if (signature.size() != 64)
            return false;
        checked = ecdsaDer(signature);
        if (checked.isEmpty())
            return false;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, m_key.get()) == 1
                    && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(checked.constData()), size_t(checked.size()),
                                        reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size())) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

} // namespace vesper::backend
