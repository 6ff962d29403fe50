#pragma once
// An external token issuer for tests (the Supabase Auth case): publishes its public keys as a JWKS
// at <authUrl>/.well-known/jwks.json on a FakeHttpServer and signs ES256 and RS256 access tokens
// with them. rotate() replaces both keys (new kids), as an issuer rotating its signing key does.
// With users added, it also speaks GoTrue's password and refresh grants and logout at
// <authUrl>/token and /logout, asking for an `apikey` header as a Supabase project does.
#include "fakehttpserver.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace vesper::test {

class FakeJwksIssuer {
public:
    FakeJwksIssuer();
    ~FakeJwksIssuer();

    bool start(QString *error);
    /// The issuer's auth URL: the server's VESPER_EXTERNAL_AUTH_URL and the tokens' `iss`.
    QString authUrl() const;
    /// Replaces the ES256 and RS256 keys with new ones under new kids; the JWKS lists only those.
    void rotate();
    /// A compact JWS of claims signed with the current key for alg ("ES256" or "RS256"); kid
    /// overrides the header's kid when set.
    QByteArray sign(const QJsonObject &claims, const QByteArray &alg, const QString &kid = QString()) const;
    /// The current public key of alg as PEM (what an attacker would use as an HMAC secret).
    QByteArray publicKeyPem(const QByteArray &alg) const;
    /// The published JWKS document.
    QJsonObject jwks() const;
    /// How many times the JWKS was fetched.
    int fetches() const;
    /// A user the password grant accepts (its id is made here; userId() tells it).
    void addUser(const QString &email, const QString &password);
    QString userId(const QString &email) const;
    /// The `apikey` every GoTrue call must carry (401 without it, as Supabase answers).
    void setApiKey(const QByteArray &key);
    /// GoTrue calls answered so far by grant ("password", "refresh_token") or "logout".
    int grants(const QString &kind) const;

private:
    struct Key {
        std::shared_ptr<EVP_PKEY> key;
        QString kid;
    };
    const Key &keyFor(const QByteArray &alg) const;

    struct User {
        QString id;
        QString password;
    };
    FakeResponse goTrue(const FakeRequest &request);
    QByteArray signLocked(const QJsonObject &claims, const QByteArray &alg, const QString &kid = QString()) const;
    QJsonObject session(const QString &email);

    std::unique_ptr<FakeHttpServer> m_http;
    mutable QMutex m_mutex;
    QHash<QString, User> m_users;               // by email
    QHash<QString, QString> m_refreshTokens;     // refresh token -> email
    QHash<QString, int> m_grants;
    QByteArray m_apiKey;
    Key m_ec;
    Key m_rsa;
    int m_generation = 0;
};

} // namespace vesper::test
