// Access tokens from an external issuer that signs with asymmetric keys (Supabase's current
// projects): ES256 and RS256 checked against the issuer's JWKS from a test server, the `iss`
// checked, a rotated key picked up through its unknown kid, fetches for made-up kids rate-limited,
// and the algorithm confusions (none, HS256 keyed with the public key) refused.
#include "fakejwksissuer.h"
#include "testclient.h"
#include "testserver.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QUuid>
#include <QtTest>

using namespace vesper::test;

namespace {
QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

/// A token with any header, signed by HMAC-SHA256 under key (or unsigned for alg "none").
QString hmacToken(const QJsonObject &header, const QJsonObject &claims, const QByteArray &key)
{
    const QByteArray input = b64(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    if (header.value(QStringLiteral("alg")).toString() == QLatin1String("none"))
        return QString::fromLatin1(input + '.');
    return QString::fromLatin1(input + '.' + b64(QMessageAuthenticationCode::hash(input, key, QCryptographicHash::Sha256)));
}

QString flipLastSignatureChar(const QByteArray &token)
{
    QString tampered = QString::fromLatin1(token);
    const qsizetype at = tampered.lastIndexOf(QLatin1Char('.')) + 3;
    tampered[at] = tampered.at(at) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    return tampered;
}
} // namespace

class TestApiTokensJwks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void es256AndRs256Accepted();
    // Before any other case presents an unknown kid: these two depend on the refetch interval.
    void rotatedKeyPickedUpByKid();
    void unknownKidFloodFetchesAtMostOnce();
    void wrongIssuerRefused();
    void tamperedSignatureRefused();
    void algorithmConfusionRefused();
    void asymmetricRefusedWithoutIssuer();

private:
    QJsonObject claims(const QString &userId, const QString &email) const;
    FakeJwksIssuer m_issuer;
    TestServer m_server;
    std::unique_ptr<TestClient> m_client;
};

QJsonObject TestApiTokensJwks::claims(const QString &userId, const QString &email) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return QJsonObject{{QStringLiteral("iss"), m_issuer.authUrl()}, {QStringLiteral("sub"), userId},
                       {QStringLiteral("aud"), QStringLiteral("authenticated")}, {QStringLiteral("role"), QStringLiteral("authenticated")},
                       {QStringLiteral("email"), email}, {QStringLiteral("iat"), now - 10}, {QStringLiteral("exp"), now + 600},
                       {QStringLiteral("session_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)}};
}

void TestApiTokensJwks::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_issuer.start(&reason), qPrintable(reason));
    m_server.setEnv(QStringLiteral("VESPER_EXTERNAL_AUTH_URL"), m_issuer.authUrl());
    m_server.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0"));
    QVERIFY2(m_server.start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server.baseUrl());
}

void TestApiTokensJwks::es256AndRs256Accepted()
{
    for (const QByteArray &alg : {QByteArray("ES256"), QByteArray("RS256")}) {
        const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString email = QStringLiteral("jwks-%1@example.com").arg(userId.left(8));
        const QString token = QString::fromLatin1(m_issuer.sign(claims(userId, email), alg));
        const Reply first = m_client->get(QStringLiteral("/api/bootstrap"), token);
        QVERIFY2(first.status == 200, first.body.constData());
        // The external issuer's user gets a profile from the claims on first use.
        QCOMPARE(first.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("id")).toString(), userId);
        QCOMPARE(first.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("email")).toString(), email);
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), token).status, 200);
    }
}

void TestApiTokensJwks::wrongIssuerRefused()
{
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QJsonObject c = claims(userId, QStringLiteral("iss-%1@example.com").arg(userId.left(8)));
    c.insert(QStringLiteral("iss"), QStringLiteral("https://evil.example.com/auth/v1"));
    for (const QByteArray &alg : {QByteArray("ES256"), QByteArray("RS256")}) {
        const Reply reply = m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, alg)));
        QCOMPARE(reply.status, 401);
        QVERIFY2(reply.body.contains("issuer"), reply.body.constData());
    }
    c.remove(QStringLiteral("iss"));
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, "ES256"))).status, 401);
    // An asymmetric token also passes the role check: the issuer's anon key is no user.
    QJsonObject anon = claims(userId, QStringLiteral("anon-%1@example.com").arg(userId.left(8)));
    anon.insert(QStringLiteral("role"), QStringLiteral("anon"));
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(anon, "RS256"))).status, 401);
}

void TestApiTokensJwks::tamperedSignatureRefused()
{
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject c = claims(userId, QStringLiteral("tamper-%1@example.com").arg(userId.left(8)));
    for (const QByteArray &alg : {QByteArray("ES256"), QByteArray("RS256")}) {
        const QByteArray good = m_issuer.sign(c, alg);
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), flipLastSignatureChar(good)).status, 401);
        // The claims of another token under this token's signature.
        QJsonObject other = c;
        other.insert(QStringLiteral("sub"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        const QByteArray forged = m_issuer.sign(other, alg);
        const QByteArray spliced = forged.left(forged.lastIndexOf('.')) + good.mid(good.lastIndexOf('.'));
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(spliced)).status, 401);
    }
    // An ES256 signature presented as RS256 under the RSA key's kid, and the other way round.
    const QByteArray es = m_issuer.sign(c, "ES256");
    const QByteArray rs = m_issuer.sign(c, "RS256");
    const auto header = [](const QByteArray &token) { return QJsonDocument::fromJson(QByteArray::fromBase64(token.left(token.indexOf('.')), QByteArray::Base64UrlEncoding)).object(); };
    QJsonObject crossed = header(rs);
    crossed.insert(QStringLiteral("alg"), QStringLiteral("ES256"));
    const QByteArray crossedToken = b64(QJsonDocument(crossed).toJson(QJsonDocument::Compact)) + es.mid(es.indexOf('.'));
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(crossedToken)).status, 401);
}

void TestApiTokensJwks::algorithmConfusionRefused()
{
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject c = claims(userId, QStringLiteral("confuse-%1@example.com").arg(userId.left(8)));
    const QJsonObject jwks = m_issuer.jwks();
    const QString rsaKid = jwks.value(QStringLiteral("keys")).toArray().at(1).toObject().value(QStringLiteral("kid")).toString();
    const QByteArray jwkJson = QJsonDocument(jwks.value(QStringLiteral("keys")).toArray().at(1).toObject()).toJson(QJsonDocument::Compact);
    // HS256 keyed with the issuer's public key (PEM or JWK), with and without the key's kid.
    for (const QByteArray &key : {m_issuer.publicKeyPem("RS256"), m_issuer.publicKeyPem("ES256"), jwkJson}) {
        for (const QString &kid : {rsaKid, QString()}) {
            QJsonObject header{{QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
            if (!kid.isEmpty())
                header.insert(QStringLiteral("kid"), kid);
            QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), hmacToken(header, c, key)).status, 401);
        }
    }
    // The HMAC key the JWKS lists (kty oct) is never used, whatever the header says.
    for (const char *alg : {"HS256", "ES256", "RS256"}) {
        const QJsonObject header{{QStringLiteral("alg"), QLatin1String(alg)}, {QStringLiteral("kid"), QStringLiteral("legacy")}};
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), hmacToken(header, c, "secret")).status, 401);
    }
    for (const char *alg : {"none", "None", "NONE", "ES384", "PS256", "EdDSA"}) {
        const QJsonObject header{{QStringLiteral("alg"), QLatin1String(alg)}, {QStringLiteral("kid"), rsaKid}};
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), hmacToken(header, c, "x")).status, 401);
    }
    // alg none with a real signature part copied from a valid token.
    const QByteArray valid = m_issuer.sign(c, "RS256");
    const QJsonObject none{{QStringLiteral("alg"), QStringLiteral("none")}, {QStringLiteral("kid"), rsaKid}};
    const QByteArray noneToken = b64(QJsonDocument(none).toJson(QJsonDocument::Compact)) + valid.mid(valid.indexOf('.'));
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(noneToken)).status, 401);
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(valid)).status, 200); // the real one still works
}

void TestApiTokensJwks::rotatedKeyPickedUpByKid()
{
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject c = claims(userId, QStringLiteral("rotate-%1@example.com").arg(userId.left(8)));
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, "ES256"))).status, 200);
    const int before = m_issuer.fetches();
    m_issuer.rotate();
    for (const QByteArray &alg : {QByteArray("ES256"), QByteArray("RS256")}) {
        const Reply reply = m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, alg)));
        QVERIFY2(reply.status == 200, reply.body.constData());
    }
    // One fetch for the new kids (the second alg's kid arrived with the first fetch).
    QCOMPARE(m_issuer.fetches(), before + 1);
}

void TestApiTokensJwks::unknownKidFloodFetchesAtMostOnce()
{
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject c = claims(userId, QStringLiteral("flood-%1@example.com").arg(userId.left(8)));
    const int before = m_issuer.fetches();
    for (int i = 0; i < 30; ++i) {
        const QString kid = QStringLiteral("bogus-%1").arg(i);
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, "ES256", kid))).status, 401);
    }
    // The previous case fetched for an unknown kid moments ago: inside the 30 s refetch interval
    // made-up kids fetch nothing at all.
    QVERIFY2(m_issuer.fetches() - before <= 1, qPrintable(QStringLiteral("%1 fetches").arg(m_issuer.fetches() - before)));
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, "ES256"))).status, 200);
    QCOMPARE(m_client->get(QStringLiteral("/healthz")).status, 200);
}

void TestApiTokensJwks::asymmetricRefusedWithoutIssuer()
{
    TestServer plain; // no external issuer named
    QString error;
    QVERIFY2(plain.start(&error), qPrintable(error));
    TestClient client(plain.baseUrl());
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject c = claims(userId, QStringLiteral("plain-%1@example.com").arg(userId.left(8)));
    for (const QByteArray &alg : {QByteArray("ES256"), QByteArray("RS256")})
        QCOMPARE(client.get(QStringLiteral("/auth/v1/user"), QString::fromLatin1(m_issuer.sign(c, alg))).status, 401);
}

QTEST_GUILESS_MAIN(TestApiTokensJwks)
#include "tst_api_tokens_jwks.moc"
