// What a token may do once its signature is good: only the `authenticated` role acts as a user; a
// profile comes from claims only for the external issuer the settings name, so a deleted account's
// token stays dead (also after a restart); a refresh token replayed inside the reuse window gets the
// same successor; logout and account deletion end access tokens at once; DELETE /api/account takes
// the profile, its projects, its work elsewhere and its sign-in sessions.
#include "apifixtures.h"
#include "fakejwksissuer.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QUuid>
#include <QtTest>

using namespace vesper::test;

namespace {
const QByteArray kSecret = "test-secret-test-secret-test-secret-0123"; // TestServer's VESPER_JWT_SECRET

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString signHs256(const QJsonObject &claims)
{
    const QByteArray input = b64(R"({"alg":"HS256","typ":"JWT"})") + '.' + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(input + '.' + b64(QMessageAuthenticationCode::hash(input, kSecret, QCryptographicHash::Sha256)));
}

/// The claims of a token, unchecked.
QJsonObject claimsOf(const QString &token)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(token.section(QLatin1Char('.'), 1, 1).toLatin1(), QByteArray::Base64UrlEncoding)).object();
}

QString uniqueEmail(const QString &tag)
{
    return QStringLiteral("%1-%2@example.com").arg(tag, QUuid::createUuid().toString(QUuid::Id128).left(10));
}

Reply refresh(TestClient &client, const QString &token)
{
    return client.post(QStringLiteral("/auth/v1/token?grant_type=refresh_token"), QJsonObject{{QStringLiteral("refresh_token"), token}});
}

/// A small PNG the upload route accepts.
QByteArray smallPng()
{
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(qRgb(20, 120, 200));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

Reply signIn(TestClient &client, const TestUser &user)
{
    return client.post(QStringLiteral("/auth/v1/token?grant_type=password"),
                       QJsonObject{{QStringLiteral("email"), user.email}, {QStringLiteral("password"), user.password}});
}
} // namespace

class TestApiTokensSessions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roleMustBeAuthenticated();
    void profileFromClaimsOnlyForNamedIssuer();
    void deletedAccountTokenStaysDead();
    void refreshReplayGetsSameSuccessor();
    void logoutEndsAccessToken();
    void reuseDetectionEndsAccessToken();
    void deleteAccountRemovesItsData();

private:
    FakeJwksIssuer m_issuer;
    TestServer m_server;
    std::unique_ptr<TestClient> m_client;
};

void TestApiTokensSessions::initTestCase()
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

void TestApiTokensSessions::roleMustBeAuthenticated()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("role")));
    QVERIFY(!user.id.isEmpty());
    // The user's own token with only its role changed (signed with the secret, session live).
    const QJsonObject own = claimsOf(user.accessToken);
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), signHs256(own)).status, 200);
    for (const QJsonValue &role : {QJsonValue(QStringLiteral("anon")), QJsonValue(QStringLiteral("service_role")),
                                  QJsonValue(QStringLiteral("")), QJsonValue(QJsonValue::Undefined)}) {
        QJsonObject claims = own;
        if (role.isUndefined())
            claims.remove(QStringLiteral("role"));
        else
            claims.insert(QStringLiteral("role"), role);
        const Reply reply = m_client->get(QStringLiteral("/api/bootstrap"), signHs256(claims));
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.code(), QStringLiteral("UNAUTHORIZED"));
    }
}

void TestApiTokensSessions::profileFromClaimsOnlyForNamedIssuer()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto claimsWith = [&](const QJsonValue &iss) {
        QJsonObject claims{{QStringLiteral("sub"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                           {QStringLiteral("aud"), QStringLiteral("authenticated")}, {QStringLiteral("role"), QStringLiteral("authenticated")},
                           {QStringLiteral("email"), uniqueEmail(QStringLiteral("claims"))}, {QStringLiteral("exp"), now + 600}};
        if (!iss.isUndefined())
            claims.insert(QStringLiteral("iss"), iss);
        return claims;
    };
    // A legacy Supabase token (HS256, the shared secret) from the named issuer: a profile is made.
    const QJsonObject external = claimsWith(m_issuer.authUrl());
    const Reply made = m_client->get(QStringLiteral("/api/bootstrap"), signHs256(external));
    QCOMPARE(made.status, 200);
    QCOMPARE(made.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("id")).toString(),
             external.value(QStringLiteral("sub")).toString());
    // The same claims as if we had issued them, or from an issuer nobody named: no profile.
    for (const QJsonValue &iss : {QJsonValue(QJsonValue::Undefined), QJsonValue(QStringLiteral("vesper")),
                                  QJsonValue(QStringLiteral("https://other.supabase.co/auth/v1"))}) {
        const Reply refused = m_client->get(QStringLiteral("/api/bootstrap"), signHs256(claimsWith(iss)));
        QCOMPARE(refused.status, 401);
    }
}

void TestApiTokensSessions::deletedAccountTokenStaysDead()
{
    TestServer server; // its own, to restart it
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("gone")));
    QVERIFY(!user.id.isEmpty());
    // A token that carries the email, as ours do not but a forger with the secret might write.
    QJsonObject withEmail = claimsOf(user.accessToken);
    withEmail.remove(QStringLiteral("session_id"));
    withEmail.insert(QStringLiteral("email"), user.email);
    const QString forged = signHs256(withEmail);
    QCOMPARE(client.get(QStringLiteral("/auth/v1/user"), forged).status, 200);

    QCOMPARE(client.del(QStringLiteral("/api/account"), user.accessToken).status, 204);
    for (int round = 0; round < 2; ++round) {
        TestClient client(server.baseUrl()); // the port changes with a restart
        for (const QString &token : {user.accessToken, forged}) {
            const Reply reply = client.get(QStringLiteral("/api/bootstrap"), token);
            QVERIFY2(reply.status == 401, reply.body.constData()); // before: the profile came back with fresh credits
        }
        QCOMPARE(refresh(client, user.refreshToken).status, 400);
        QCOMPARE(signIn(client, user).status, 400);
        // Again after a restart, when no cache remembers anything.
        server.stop();
        QVERIFY2(server.start(&error), qPrintable(error));
    }
}

void TestApiTokensSessions::refreshReplayGetsSameSuccessor()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("replay")));
    QSet<QString> successors;
    for (int i = 0; i < 6; ++i) { // tabs refreshing at once, inside the 10 s reuse window
        const Reply reply = refresh(*m_client, user.refreshToken);
        QCOMPARE(reply.status, 200);
        successors.insert(reply.json.value(QStringLiteral("refresh_token")).toString());
        QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), reply.json.value(QStringLiteral("access_token")).toString()).status, 200);
    }
    QCOMPARE(successors.size(), 1); // before: six siblings
    const QString successor = *successors.begin();
    QVERIFY(successor != user.refreshToken);
    const Reply next = refresh(*m_client, successor);
    QCOMPARE(next.status, 200);
    QCOMPARE(refresh(*m_client, successor).json.value(QStringLiteral("refresh_token")).toString(),
             next.json.value(QStringLiteral("refresh_token")).toString());
}

void TestApiTokensSessions::logoutEndsAccessToken()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("logout")));
    const Reply second = signIn(*m_client, user);
    QCOMPARE(second.status, 200);
    const QString otherToken = second.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), user.accessToken).status, 200); // cached as live

    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/logout"), QJsonObject{}, user.accessToken).status, 204);
    const Reply after = m_client->get(QStringLiteral("/api/bootstrap"), user.accessToken);
    QCOMPARE(after.status, 401); // before: valid until it expired
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), otherToken).status, 200); // the other session lives

    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/logout?scope=global"), QJsonObject{}, otherToken).status, 204);
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), otherToken).status, 401);
    // A new sign-in is a new session and works.
    const Reply fresh = signIn(*m_client, user);
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), fresh.json.value(QStringLiteral("access_token")).toString()).status, 200);
}

void TestApiTokensSessions::reuseDetectionEndsAccessToken()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_REFRESH_REUSE_SECONDS"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("VESPER_SESSION_CHECK_SECONDS"), QStringLiteral("0"));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("leak")));
    const Reply rotated = refresh(client, user.refreshToken);
    QCOMPARE(rotated.status, 200);
    const QString access = rotated.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(client.get(QStringLiteral("/api/bootstrap"), access).status, 200);
    QCOMPARE(refresh(client, user.refreshToken).status, 400); // the leaked parent again: family revoked
    QCOMPARE(client.get(QStringLiteral("/api/bootstrap"), access).status, 401);
}

void TestApiTokensSessions::deleteAccountRemovesItsData()
{
    const TestUser leaving = m_client->signUp(uniqueEmail(QStringLiteral("leaving")));
    const TestUser staying = m_client->signUp(uniqueEmail(QStringLiteral("staying")));
    const QString ownProject = createProject(*m_client, leaving, QStringLiteral("Mine"), false);
    const QString otherProject = createProject(*m_client, staying, QStringLiteral("Theirs"), false);
    QVERIFY(!ownProject.isEmpty() && !otherProject.isEmpty());
    const QString ownSession = firstSession(*m_client, leaving, ownProject);
    const QString otherSession = firstSession(*m_client, staying, otherProject);
    TestData data(m_server.dbUrl());
    QVERIFY2(data.isOpen(), qPrintable(data.lastError()));
    const auto own = data.addImage(ownSession, ownProject, leaving.id, 0);
    const auto elsewhere = data.addImage(otherSession, otherProject, leaving.id, 0); // their work in another's project
    const auto theirs = data.addImage(otherSession, otherProject, staying.id, 0);
    QVERIFY(!own.first.isEmpty() && !elsewhere.first.isEmpty() && !theirs.first.isEmpty());
    QVERIFY(data.exec(QStringLiteral("UPDATE sessions SET creator_id = ? WHERE id = ?"), {leaving.id, otherSession}));

    // An upload and its thumbnail (made on first request), both on disk before the account goes.
    const Reply uploaded = m_client->send("POST", QStringLiteral("/api/uploads"), smallPng(), leaving.accessToken,
                                          {{"Content-Type", "image/png"}});
    QCOMPARE(uploaded.status, 201);
    const QString uploadId = uploaded.json.value(QStringLiteral("id")).toString();
    QCOMPARE(m_client->get(QStringLiteral("/api/uploads/%1/file?variant=thumb").arg(uploadId), leaving.accessToken).status, 200);
    const QString uploadsDir = m_server.storageDir() + QStringLiteral("/%1/uploads").arg(leaving.id);
    const QStringList before = QDir(uploadsDir).entryList(QDir::Files);
    QVERIFY2(before.size() == 2 && before.contains(uploadId + QStringLiteral(".thumb.webp")), qPrintable(before.join(u',')));

    QCOMPARE(m_client->del(QStringLiteral("/api/account")).status, 401);
    QCOMPARE(m_client->del(QStringLiteral("/api/account"), leaving.accessToken).status, 204);
    QCOMPARE(QDir(uploadsDir).entryList(QDir::Files), QStringList());
    const auto count = [&](const QString &sql, const QString &value) { return data.scalar(sql, {value}).toInt(); };
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM uploads WHERE user_id = ?"), leaving.id), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM profiles WHERE id = ?"), leaving.id), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM projects WHERE owner_id = ?"), leaving.id), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ?"), leaving.id), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ?"), leaving.id), 0);
    // The other user's project keeps its session (now its owner's) and their own image in it.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE id = ?"), otherSession), 1);
    QCOMPARE(data.scalar(QStringLiteral("SELECT creator_id FROM sessions WHERE id = ?"), {otherSession}).toString(), staying.id);
    const Reply list = m_client->get(QStringLiteral("/api/generations?sessionId=") + otherSession, staying.accessToken);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.data().size(), 1);
    QCOMPARE(list.data().at(0).toObject().value(QStringLiteral("id")).toString(), theirs.first);
    // Their feed says the removed generation is gone.
    const Reply feed = m_client->get(QStringLiteral("/api/changes?since=0&limit=1000"), staying.accessToken);
    bool tombstoned = false;
    for (const QJsonValue &change : feed.json.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = change.toObject();
        tombstoned |= c.value(QStringLiteral("id")).toString() == elsewhere.first && c.value(QStringLiteral("op")).toString() == QLatin1String("delete");
    }
    QVERIFY(tombstoned);
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), leaving.accessToken).status, 401);
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), staying.accessToken).status, 200);
}

QTEST_GUILESS_MAIN(TestApiTokensSessions)
#include "tst_api_tokens_sessions.moc"
