#include "fakejwksissuer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace vesper::test {
namespace {
QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray bigNumParam(EVP_PKEY *key, const char *name, int padTo = 0)
{
    BIGNUM *bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return {};
    QByteArray out(padTo > 0 ? padTo : BN_num_bytes(bn), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), int(out.size()));
    BN_free(bn);
    return out;
}

/// DER ECDSA signature to JWS's raw r||s.
QByteArray rawEcdsa(const QByteArray &der)
{
    const unsigned char *in = reinterpret_cast<const unsigned char *>(der.constData());
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &in, long(der.size()));
    QByteArray out(64, '\0');
    if (sig) {
        BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char *>(out.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char *>(out.data()) + 32, 32);
        ECDSA_SIG_free(sig);
    }
    return out;
}
} // namespace

FakeJwksIssuer::FakeJwksIssuer()
{
    rotate();
    m_http = std::make_unique<FakeHttpServer>([this](const FakeRequest &request) {
        if (request.method == "GET" && request.path == QLatin1String("/auth/v1/.well-known/jwks.json"))
            return FakeResponse::json(200, jwks());
        return FakeResponse::json(404, QJsonObject{{QStringLiteral("error"), QStringLiteral("not found")}});
    });
}

FakeJwksIssuer::~FakeJwksIssuer() = default;

bool FakeJwksIssuer::start(QString *error)
{
    return m_http->start(error);
}

QString FakeJwksIssuer::authUrl() const
{
    return m_http->baseUrl() + QStringLiteral("/auth/v1");
}

int FakeJwksIssuer::fetches() const
{
    return m_http->count("GET", QStringLiteral("/auth/v1/.well-known/jwks.json"));
}

void FakeJwksIssuer::rotate()
{
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    EVP_PKEY *rsa = EVP_RSA_gen(2048);
    QMutexLocker lock(&m_mutex);
    ++m_generation;
    m_ec = Key{std::shared_ptr<EVP_PKEY>(ec, &EVP_PKEY_free), QStringLiteral("ec-key-%1").arg(m_generation)};
    m_rsa = Key{std::shared_ptr<EVP_PKEY>(rsa, &EVP_PKEY_free), QStringLiteral("rsa-key-%1").arg(m_generation)};
}

const FakeJwksIssuer::Key &FakeJwksIssuer::keyFor(const QByteArray &alg) const
{
    return alg == "ES256" ? m_ec : m_rsa;
}

QJsonObject FakeJwksIssuer::jwks() const
{
    QMutexLocker lock(&m_mutex);
    const QJsonObject ec{{QStringLiteral("kty"), QStringLiteral("EC")}, {QStringLiteral("crv"), QStringLiteral("P-256")},
                         {QStringLiteral("alg"), QStringLiteral("ES256")}, {QStringLiteral("use"), QStringLiteral("sig")},
                         {QStringLiteral("kid"), m_ec.kid},
                         {QStringLiteral("x"), QString::fromLatin1(b64(bigNumParam(m_ec.key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)))},
                         {QStringLiteral("y"), QString::fromLatin1(b64(bigNumParam(m_ec.key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)))}};
    const QJsonObject rsa{{QStringLiteral("kty"), QStringLiteral("RSA")}, {QStringLiteral("alg"), QStringLiteral("RS256")},
                          {QStringLiteral("use"), QStringLiteral("sig")}, {QStringLiteral("kid"), m_rsa.kid},
                          {QStringLiteral("n"), QString::fromLatin1(b64(bigNumParam(m_rsa.key.get(), OSSL_PKEY_PARAM_RSA_N)))},
                          {QStringLiteral("e"), QString::fromLatin1(b64(bigNumParam(m_rsa.key.get(), OSSL_PKEY_PARAM_RSA_E)))}};
    // An HMAC key in the set, as some issuers publish: it must never be used.
    const QJsonObject oct{{QStringLiteral("kty"), QStringLiteral("oct")}, {QStringLiteral("kid"), QStringLiteral("legacy")},
                          {QStringLiteral("k"), QStringLiteral("c2VjcmV0")}};
    return QJsonObject{{QStringLiteral("keys"), QJsonArray{ec, rsa, oct}}};
}

QByteArray FakeJwksIssuer::sign(const QJsonObject &claims, const QByteArray &alg, const QString &kid) const
{
    QMutexLocker lock(&m_mutex);
    const Key &key = keyFor(alg);
    const QJsonObject header{{QStringLiteral("alg"), QString::fromLatin1(alg)}, {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("kid"), kid.isEmpty() ? key.kid : kid}};
    const QByteArray input = b64(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                             + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t length = 0;
    QByteArray signature;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.key.get()) == 1
        && EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size())) == 1) {
        signature.resize(qsizetype(length));
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &length,
                           reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size())) == 1)
            signature.resize(qsizetype(length));
        else
            signature.clear();
    }
    EVP_MD_CTX_free(ctx);
    if (alg == "ES256")
        signature = rawEcdsa(signature);
    return input + '.' + b64(signature);
}

QByteArray FakeJwksIssuer::publicKeyPem(const QByteArray &alg) const
{
    QMutexLocker lock(&m_mutex);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, keyFor(alg).key.get());
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    const QByteArray pem(data, int(length));
    BIO_free(bio);
    return pem;
}

} // namespace vesper::test
