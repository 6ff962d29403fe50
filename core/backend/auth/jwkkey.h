#pragma once
// One public signing key from a JWKS (RFC 7517): an RSA key (n, e) for RS256 or a P-256 key (x, y)
// for ES256, held as an OpenSSL EVP_PKEY. It verifies only the algorithm its type fits, so a
// token cannot pick a weaker check for a key (alg confusion).
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <memory>
#include <optional>

typedef struct evp_pkey_st EVP_PKEY;

namespace vesper::backend {

class JwkKey {
public:
    /// The key a JWK describes; nullopt with a reason for a key that is not a usable RS256 (RSA,
    /// at least 2048 bits) or ES256 (EC P-256) signing key.
    static std::optional<JwkKey> fromJson(const QJsonObject &jwk, QString *reason);

    QString kid() const { return m_kid; }
    /// "RS256" or "ES256".
    QString algorithm() const { return m_alg; }
    /// Whether signature (RS256: PKCS#1 v1.5; ES256: raw r||s as JWS sends it) signs input with
    /// this key under alg; false for any other alg.
    bool verify(const QString &alg, const QByteArray &input, const QByteArray &signature) const;

private:
    QString m_kid;
    QString m_alg;
    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace vesper::backend
