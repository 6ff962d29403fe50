#include "fakejwksissuer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUuid>
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
        if (request.method == "POST" && (request.path == QLatin1String("/auth/v1/token") || request.path == QLatin1String("/auth/v1/logout")))
            return goTrue(request);
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

void FakeJwksIssuer::addUser(const QString &email, const QString &password)
{
    QMutexLocker lock(&m_mutex);
    m_users.insert(email.toLower(), User{QUuid::createUuid().toString(QUuid::WithoutBraces), password});
}

QString FakeJwksIssuer::userId(const QString &email) const
{
    QMutexLocker lock(&m_mutex);
    return m_users.value(email.toLower()).id;
}

void FakeJwksIssuer::setApiKey(const QByteArray &key)
{
    QMutexLocker lock(&m_mutex);
    m_apiKey = key;
}

int FakeJwksIssuer::grants(const QString &kind) const
{
    QMutexLocker lock(&m_mutex);
    return m_grants.value(kind);
}

// Called with m_mutex held.
QJsonObject FakeJwksIssuer::session(const QString &email)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString id = m_users.value(email).id;
    const QJsonObject claims{{QStringLiteral("iss"), authUrl()}, {QStringLiteral("sub"), id},
                             {QStringLiteral("aud"), QStringLiteral("authenticated")}, {QStringLiteral("role"), QStringLiteral("authenticated")},
                             {QStringLiteral("email"), email}, {QStringLiteral("iat"), now - 5}, {QStringLiteral("exp"), now + 3600},
                             {QStringLiteral("session_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)}};
    const QString refresh = QUuid::createUuid().toString(QUuid::Id128);
    m_refreshTokens.insert(refresh, email);
    return QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(signLocked(claims, "ES256"))},
                       {QStringLiteral("token_type"), QStringLiteral("bearer")}, {QStringLiteral("expires_in"), 3600},
                       {QStringLiteral("expires_at"), now + 3600}, {QStringLiteral("refresh_token"), refresh},
                       {QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("email"), email}}}};
}

FakeResponse FakeJwksIssuer::goTrue(const FakeRequest &request)
{
    QMutexLocker lock(&m_mutex);
    if (m_apiKey.isEmpty() || request.headers.value("apikey") != m_apiKey)
        return FakeResponse::json(401, QJsonObject{{QStringLiteral("message"), QStringLiteral("No API key found in request")}});
    if (request.path.endsWith(QLatin1String("/logout"))) {
        ++m_grants[QStringLiteral("logout")];
        return FakeResponse::bytes(204, {}, {});
    }
    const QString grant = request.query.queryItemValue(QStringLiteral("grant_type"));
    ++m_grants[grant];
    const QJsonObject body = request.json();
    const auto refused = [] {
        return FakeResponse::json(400, QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_grant")},
                                                   {QStringLiteral("error_description"), QStringLiteral("Invalid login credentials")}});
    };
    if (grant == QLatin1String("password")) {
        const QString email = body.value(QStringLiteral("email")).toString().toLower();
        if (!m_users.contains(email) || m_users.value(email).password != body.value(QStringLiteral("password")).toString())
            return refused();
        return FakeResponse::json(200, session(email));
    }
    if (grant == QLatin1String("refresh_token")) {
        const QString email = m_refreshTokens.take(body.value(QStringLiteral("refresh_token")).toString());
        if (email.isEmpty())
            return refused();
        return FakeResponse::json(200, session(email));
    }
    return refused();
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
    return signLocked(claims, alg, kid);
}

QByteArray FakeJwksIssuer::signLocked(const QJsonObject &claims, const QByteArray &alg, const QString &kid) const
{
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
