// The auth endpoints against a real vesper-server: sign-up, both grants, rotation and reuse
// detection, logout, token checks, validation, the create-user command, and argon2 at full cost
// in a full costly-work pool (503 + Retry-After while /healthz keeps answering).
#include "parallelraw.h"
#include "rawhttp.h"
#include "testclient.h"
#include "testserver.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTcpSocket>
#include <QUuid>
#include <QtTest>
#include <atomic>
#include <thread>

using namespace vesper::test;

namespace {
const QByteArray kSecret = "test-secret-test-secret-test-secret-0123";
const QString kPassword = QStringLiteral("correct horse battery");
// Named as the external issuer; nothing listens there (only HS256 tokens are used here).
const QString kExternalIssuer = QStringLiteral("http://127.0.0.1:9/auth/v1");

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

/// A token signed like the server would, with any claims and algorithm.
QString signToken(const QJsonObject &claims, const QByteArray &alg = "HS256", const QByteArray &secret = kSecret)
{
    const QByteArray input = b64(QJsonDocument(QJsonObject{{QStringLiteral("alg"), QString::fromLatin1(alg)},
                                                           {QStringLiteral("typ"), QStringLiteral("JWT")}}).toJson(QJsonDocument::Compact))
        + '.' + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    if (alg == "none")
        return QString::fromLatin1(input + '.');
    return QString::fromLatin1(input + '.' + b64(QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256)));
}

QJsonObject claimsFor(const QString &userId, qint64 expiresAt)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return QJsonObject{{QStringLiteral("sub"), userId}, {QStringLiteral("aud"), QStringLiteral("authenticated")},
                       {QStringLiteral("role"), QStringLiteral("authenticated")}, {QStringLiteral("iat"), qMin(now, expiresAt) - 60},
                       {QStringLiteral("exp"), expiresAt}};
}

QString uniqueEmail(const QString &tag)
{
    return QStringLiteral("%1-%2@example.com").arg(tag, QUuid::createUuid().toString(QUuid::Id128).left(10));
}

QJsonObject credentialsBody(const QString &email, const QString &password)
{
    return QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}};
}

Reply refresh(TestClient &client, const QString &token)
{
    return client.post(QStringLiteral("/auth/v1/token?grant_type=refresh_token"), QJsonObject{{QStringLiteral("refresh_token"), token}});
}
} // namespace

class TestApiAuth : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signUpThenUser();
    void passwordGrant();
    void refreshRotation();
    void refreshReuseInsideIntervalIsTolerated();
    void logoutRevokesRefreshToken();
    void bearerTokenChecks();
    void userThatNoLongerExists();
    void signupDisabled();
    void malformedRequests();
    void sqlMetacharacters();
    void createUserCommand();
    void authRateLimit();
    void signInFloodGets503();

private:
    bool startServer(TestServer &server);
    TestServer m_server;
    std::unique_ptr<TestClient> m_client;
};

bool TestApiAuth::startServer(TestServer &server)
{
    QString error;
    const bool ok = server.start(&error);
    if (!ok)
        qWarning("%s", qPrintable(error));
    return ok;
}

void TestApiAuth::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server.setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    m_server.setEnv(QStringLiteral("VESPER_EXTERNAL_AUTH_URL"), kExternalIssuer);
    QVERIFY(startServer(m_server));
    m_client = std::make_unique<TestClient>(m_server.baseUrl());
}

void TestApiAuth::signUpThenUser()
{
    const QString email = uniqueEmail(QStringLiteral("Signup"));
    const Reply reply = m_client->post(QStringLiteral("/auth/v1/signup"),
                                       QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), kPassword},
                                                   {QStringLiteral("data"), QJsonObject{{QStringLiteral("display_name"), QStringLiteral("Ada")}}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("bearer"));
    QCOMPARE(reply.json.value(QStringLiteral("expires_in")).toInt(), 3600);
    QVERIFY(reply.json.value(QStringLiteral("expires_at")).toInteger() > QDateTime::currentSecsSinceEpoch());
    QVERIFY(!reply.json.value(QStringLiteral("refresh_token")).toString().isEmpty());
    const QJsonObject user = reply.json.value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("email")).toString(), email.toLower()); // stored lowercased
    QCOMPARE(user.value(QStringLiteral("aud")).toString(), QStringLiteral("authenticated"));
    QCOMPARE(user.value(QStringLiteral("user_metadata")).toObject().value(QStringLiteral("display_name")).toString(), QStringLiteral("Ada"));

    const Reply me = m_client->get(QStringLiteral("/auth/v1/user"), reply.json.value(QStringLiteral("access_token")).toString());
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("id")).toString(), user.value(QStringLiteral("id")).toString());
    QCOMPARE(me.json.value(QStringLiteral("role")).toString(), QStringLiteral("authenticated"));
    QVERIFY(me.json.contains(QStringLiteral("credits")));

    const Reply again = m_client->post(QStringLiteral("/auth/v1/signup"), credentialsBody(email, kPassword));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.code(), QStringLiteral("CONFLICT"));
}

void TestApiAuth::passwordGrant()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("grant")));
    QVERIFY(!user.id.isEmpty());
    const QString path = QStringLiteral("/auth/v1/token?grant_type=password");

    const Reply good = m_client->post(path, credentialsBody(user.email.toUpper(), user.password));
    QCOMPARE(good.status, 200);
    QCOMPARE(good.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString(), user.id);
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), good.json.value(QStringLiteral("access_token")).toString()).status, 200);

    const Reply bad = m_client->post(path, credentialsBody(user.email, user.password + QLatin1Char('x')));
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(bad.json.value(QStringLiteral("error_description")).toString(), QStringLiteral("Invalid login credentials"));
    QCOMPARE(bad.code(), QStringLiteral("VALIDATION_ERROR"));

    const Reply unknown = m_client->post(path, credentialsBody(uniqueEmail(QStringLiteral("nobody")), user.password));
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.json, bad.json); // same answer: no user enumeration

    const Reply badGrant = m_client->post(QStringLiteral("/auth/v1/token?grant_type=magic"), credentialsBody(user.email, user.password));
    QCOMPARE(badGrant.status, 400);
    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/token"), credentialsBody(user.email, user.password)).status, 400);
}

void TestApiAuth::refreshRotation()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_REFRESH_REUSE_SECONDS"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    QVERIFY(startServer(server));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("rotate")));
    QVERIFY(!user.refreshToken.isEmpty());

    const Reply first = refresh(client, user.refreshToken);
    QCOMPARE(first.status, 200);
    const QString child = first.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!child.isEmpty() && child != user.refreshToken);
    QCOMPARE(client.get(QStringLiteral("/auth/v1/user"), first.json.value(QStringLiteral("access_token")).toString()).status, 200);

    const Reply second = refresh(client, child);
    QCOMPARE(second.status, 200);
    const QString grandchild = second.json.value(QStringLiteral("refresh_token")).toString();

    // The first token again, after its (zero-second) reuse interval: the family is revoked.
    const Reply reused = refresh(client, user.refreshToken);
    QCOMPARE(reused.status, 400);
    QCOMPARE(reused.json.value(QStringLiteral("error_description")).toString(), QStringLiteral("Invalid Refresh Token: Already Used"));
    QCOMPARE(refresh(client, grandchild).status, 400);

    // A fresh sign-in starts a new family that is unaffected.
    const Reply signIn = client.post(QStringLiteral("/auth/v1/token?grant_type=password"), credentialsBody(user.email, user.password));
    QCOMPARE(signIn.status, 200);
    QCOMPARE(refresh(client, signIn.json.value(QStringLiteral("refresh_token")).toString()).status, 200);

    QCOMPARE(refresh(client, QStringLiteral("not-a-token")).status, 400);
    QCOMPARE(client.post(QStringLiteral("/auth/v1/token?grant_type=refresh_token"), QJsonObject{{QStringLiteral("refresh_token"), 5}}).status, 400);
}

void TestApiAuth::refreshReuseInsideIntervalIsTolerated()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("tabs")));
    const Reply tabA = refresh(*m_client, user.refreshToken);
    const Reply tabB = refresh(*m_client, user.refreshToken); // a second tab, within 10 s
    QCOMPARE(tabA.status, 200);
    QCOMPARE(tabB.status, 200);
    const QString childA = tabA.json.value(QStringLiteral("refresh_token")).toString();
    const QString childB = tabB.json.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(childA, childB); // the same successor, not a sibling
    QCOMPARE(refresh(*m_client, childA).status, 200);
}

void TestApiAuth::logoutRevokesRefreshToken()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("logout")));
    // A second session of the same user survives a default (local) logout.
    const Reply other = m_client->post(QStringLiteral("/auth/v1/token?grant_type=password"), credentialsBody(user.email, user.password));
    QCOMPARE(other.status, 200);

    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/logout"), QJsonObject{}).status, 401);
    const Reply out = m_client->post(QStringLiteral("/auth/v1/logout"), QJsonObject{}, user.accessToken);
    QCOMPARE(out.status, 204);
    QCOMPARE(refresh(*m_client, user.refreshToken).status, 400);
    const Reply otherRefresh = refresh(*m_client, other.json.value(QStringLiteral("refresh_token")).toString());
    QCOMPARE(otherRefresh.status, 200);

    const QString token = otherRefresh.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/logout?scope=everything"), QJsonObject{}, token).status, 400);
    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/logout?scope=global"), QJsonObject{}, token).status, 204);
    QCOMPARE(refresh(*m_client, otherRefresh.json.value(QStringLiteral("refresh_token")).toString()).status, 400);
    // The access token ended with its session.
    QCOMPARE(m_client->post(QStringLiteral("/auth/v1/logout"), QJsonObject{}, token).status, 401);
}

void TestApiAuth::bearerTokenChecks()
{
    const TestUser user = m_client->signUp(uniqueEmail(QStringLiteral("bearer")));
    const QString path = QStringLiteral("/auth/v1/user");
    const qint64 now = QDateTime::currentSecsSinceEpoch();

    QCOMPARE(m_client->get(path, signToken(claimsFor(user.id, now + 600))).status, 200); // our own signing works
    QCOMPARE(m_client->get(path, signToken(claimsFor(user.id, now - 30))).status, 200);  // within the 60 s skew
    const Reply expired = m_client->get(path, signToken(claimsFor(user.id, now - 120)));
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.code(), QStringLiteral("UNAUTHORIZED"));
    QCOMPARE(m_client->get(path, signToken(claimsFor(user.id, now + 600), "HS256", "another-secret-another-secret-0123456")).status, 401);
    QCOMPARE(m_client->get(path, signToken(claimsFor(user.id, now + 600), "none")).status, 401);
    QJsonObject wrongAudience = claimsFor(user.id, now + 600);
    wrongAudience.insert(QStringLiteral("aud"), QStringLiteral("someone-else"));
    QCOMPARE(m_client->get(path, signToken(wrongAudience)).status, 401);

    // A valid token with one character of its payload changed.
    QString tampered = user.accessToken;
    const qsizetype dot = tampered.indexOf(QLatin1Char('.')) + 5;
    tampered[dot] = tampered.at(dot) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    QCOMPARE(m_client->get(path, tampered).status, 401);

    QCOMPARE(m_client->get(path, QStringLiteral("garbage")).status, 401);
    QCOMPARE(m_client->get(path, QStringLiteral("a.b.c")).status, 401);
    QCOMPARE(m_client->get(path).status, 401);
    QCOMPARE(m_client->send("GET", path, {}, {}, {{"Authorization", "Basic dXNlcjpwYXNz"}}).status, 401);
}

void TestApiAuth::userThatNoLongerExists()
{
    // A valid token whose user has no profile and no email to make one from is refused.
    const QString ghost = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const Reply reply = m_client->get(QStringLiteral("/auth/v1/user"), signToken(claimsFor(ghost, QDateTime::currentSecsSinceEpoch() + 600)));
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.code(), QStringLiteral("UNAUTHORIZED"));

    // A token issued by the Supabase project the settings name, sharing the secret (iss + sub +
    // email), gets a profile on first use; without that issuer it would be refused.
    const QString external = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QJsonObject claims = claimsFor(external, QDateTime::currentSecsSinceEpoch() + 600);
    const QString email = uniqueEmail(QStringLiteral("supabase"));
    claims.insert(QStringLiteral("email"), email);
    QCOMPARE(m_client->get(QStringLiteral("/api/bootstrap"), signToken(claims)).status, 401);
    claims.insert(QStringLiteral("iss"), kExternalIssuer);
    const QString token = signToken(claims);
    const Reply first = m_client->get(QStringLiteral("/api/bootstrap"), token);
    QCOMPARE(first.status, 200);
    const QJsonObject profile = first.json.value(QStringLiteral("profile")).toObject();
    QCOMPARE(profile.value(QStringLiteral("id")).toString(), external);
    QCOMPARE(profile.value(QStringLiteral("email")).toString(), email.toLower());
    QCOMPARE(m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), QStringLiteral("From Supabase")}}, token).status, 201);
    QCOMPARE(m_client->get(QStringLiteral("/auth/v1/user"), token).status, 200);
}

void TestApiAuth::signupDisabled()
{
    TestServer closed;
    closed.setEnv(QStringLiteral("VESPER_ALLOW_SIGNUP"), QStringLiteral("0"));
    QVERIFY(startServer(closed));
    TestClient client(closed.baseUrl());
    const Reply reply = client.post(QStringLiteral("/auth/v1/signup"), credentialsBody(uniqueEmail(QStringLiteral("closed")), kPassword));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.code(), QStringLiteral("FORBIDDEN"));
    QCOMPARE(reply.json.value(QStringLiteral("error")).toString(), QStringLiteral("signups are disabled"));
}

void TestApiAuth::malformedRequests()
{
    const QString signup = QStringLiteral("/auth/v1/signup");
    const QString token = QStringLiteral("/auth/v1/token?grant_type=password");
    for (const QString &path : {signup, token}) {
        for (const QByteArray &body : {QByteArray("{\"email\": "), QByteArray("[1,2]"), QByteArray(""), QByteArray("null")}) {
            const Reply reply = m_client->send("POST", path, body);
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        }
        QCOMPARE(m_client->post(path, QJsonObject{{QStringLiteral("email"), 5}, {QStringLiteral("password"), kPassword}}).status, 400);
        QCOMPARE(m_client->post(path, QJsonObject{{QStringLiteral("email"), QStringLiteral("a@b.co")}, {QStringLiteral("password"), true}}).status, 400);
        QCOMPARE(m_client->post(path, QJsonObject{{QStringLiteral("email"), QStringLiteral("a@b.co")}}).status, 400);
    }
    const auto signupStatus = [&](const QJsonObject &body) { return m_client->post(signup, body).status; };
    QCOMPARE(signupStatus(credentialsBody(QStringLiteral("not-an-email"), kPassword)), 400);
    QCOMPARE(signupStatus(credentialsBody(QStringLiteral("two@@example.com"), kPassword)), 400);
    QCOMPARE(signupStatus(credentialsBody(QString(250, QLatin1Char('a')) + QStringLiteral("@example.com"), kPassword)), 400);
    QCOMPARE(signupStatus(credentialsBody(uniqueEmail(QStringLiteral("short")), QStringLiteral("1234567"))), 400);
    QCOMPARE(signupStatus(credentialsBody(uniqueEmail(QStringLiteral("long")), QString(1025, QLatin1Char('p')))), 400);
    QJsonObject badData = credentialsBody(uniqueEmail(QStringLiteral("data")), kPassword);
    badData.insert(QStringLiteral("data"), QStringLiteral("display_name"));
    QCOMPARE(signupStatus(badData), 400);

    // Over the 1 MiB JSON limit: refused on the declared length, before the body is read. A raw
    // socket, because the server closes the connection and QNAM reports that instead of the answer.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /auth/v1/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: " + QByteArray::number(1100 * 1024) + "\r\n\r\n{\"email\":\"x@example.com\",\"password\":\"");
    QByteArray answer;
    QDeadlineTimer deadline(10000);
    while (!answer.contains("PAYLOAD_TOO_LARGE") && !deadline.hasExpired()) {
        socket.waitForReadyRead(200);
        answer += socket.readAll();
    }
    QVERIFY2(answer.startsWith("HTTP/1.1 413") && answer.contains("PAYLOAD_TOO_LARGE"), answer.left(300).constData());
    QCOMPARE(m_client->get(QStringLiteral("/healthz")).status, 200);
}

void TestApiAuth::sqlMetacharacters()
{
    const QString email = QStringLiteral("o'brien+%1\";--@example.com").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    const QString password = QStringLiteral("p'; DROP TABLE profiles; --\\\"%_");
    const QString name = QStringLiteral("Robert'); DROP TABLE profiles;-- %_\\");
    const TestUser user = m_client->signUp(email, password, name);
    QVERIFY(!user.id.isEmpty());
    const Reply me = m_client->get(QStringLiteral("/auth/v1/user"), user.accessToken);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("email")).toString(), email);
    QCOMPARE(me.json.value(QStringLiteral("user_metadata")).toObject().value(QStringLiteral("display_name")).toString(), name);

    const QString path = QStringLiteral("/auth/v1/token?grant_type=password");
    QCOMPARE(m_client->post(path, credentialsBody(email, password)).status, 200);
    QCOMPARE(m_client->post(path, credentialsBody(email, QStringLiteral("' OR '1'='1"))).status, 400);
    QCOMPARE(m_client->post(path, credentialsBody(QStringLiteral("' OR 1=1 --"), password)).status, 400);
    QCOMPARE(m_client->post(path, credentialsBody(QStringLiteral("%@%.%"), password)).status, 400);
    // Everything still works afterwards.
    QVERIFY(!m_client->signUp(uniqueEmail(QStringLiteral("after"))).id.isEmpty());
}

void TestApiAuth::createUserCommand()
{
    const QString email = uniqueEmail(QStringLiteral("cli"));
    m_server.setEnv(QStringLiteral("VESPER_NEW_PASSWORD"), kPassword);
    QByteArray output;
    QCOMPARE(m_server.runCommand({QStringLiteral("create-user"), QStringLiteral("--email"), email, QStringLiteral("--name"), QStringLiteral("Cli User")}, &output), 0);
    const QString id = QString::fromUtf8(output).trimmed().split(QLatin1Char('\n')).last().trimmed();
    QVERIFY2(QUuid::fromString(id).isNull() == false, output.constData());

    const Reply signIn = m_client->post(QStringLiteral("/auth/v1/token?grant_type=password"), credentialsBody(email, kPassword));
    QCOMPARE(signIn.status, 200);
    const QJsonObject user = signIn.json.value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(user.value(QStringLiteral("user_metadata")).toObject().value(QStringLiteral("display_name")).toString(), QStringLiteral("Cli User"));

    QCOMPARE(m_server.runCommand({QStringLiteral("create-user"), QStringLiteral("--email"), email}, &output), 1);
    QVERIFY2(output.contains("already exists"), output.constData());
    m_server.setEnv(QStringLiteral("VESPER_NEW_PASSWORD"), QStringLiteral("short"));
    QCOMPARE(m_server.runCommand({QStringLiteral("create-user"), QStringLiteral("--email"), uniqueEmail(QStringLiteral("weak"))}, &output), 1);
    QVERIFY2(output.contains("password"), output.constData());
    QCOMPARE(m_server.runCommand({QStringLiteral("create-user"), QStringLiteral("--email"), QStringLiteral("nope")}, &output), 1);
}

void TestApiAuth::authRateLimit()
{
    TestServer limited;
    limited.setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("3"));
    QVERIFY(startServer(limited));
    TestClient client(limited.baseUrl());
    const QJsonObject body = credentialsBody(uniqueEmail(QStringLiteral("limit")), kPassword);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(client.post(QStringLiteral("/auth/v1/token?grant_type=password"), body).status, 400);
    const Reply limitedReply = client.post(QStringLiteral("/auth/v1/token?grant_type=password"), body);
    QCOMPARE(limitedReply.status, 429);
    QVERIFY(limitedReply.headers.value("retry-after").toInt() > 0);
    // Cheap signed-out calls have their own bucket: they must not refill the sign-in one at their
    // far higher rate (1,200 a minute would give back a guess every 50 ms).
    for (int i = 0; i < 4; ++i) {
        QThread::msleep(100);
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);
    }
    QCOMPARE(client.post(QStringLiteral("/auth/v1/token?grant_type=password"), body).status, 429);
}

void TestApiAuth::signInFloodGets503()
{
    // Argon2id at its real cost in a pool of one thread with no queue: twelve sign-ins at once cannot
    // all be taken. Those turned away are told when to come back, and the HTTP threads stay free.
    TestServer busy;
    busy.setEnv(QStringLiteral("VESPER_FAST_PASSWORD_HASH"), QStringLiteral("0"));
    busy.setEnv(QStringLiteral("VESPER_COSTLY_THREADS"), QStringLiteral("1"));
    busy.setEnv(QStringLiteral("VESPER_COSTLY_QUEUE"), QStringLiteral("0"));
    busy.setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    busy.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0"));
    QVERIFY(startServer(busy));
    TestClient client(busy.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("flood")), kPassword);
    QVERIFY(!user.id.isEmpty());
    const QByteArray body = QJsonDocument(credentialsBody(user.email, kPassword)).toJson(QJsonDocument::Compact);
    const QByteArray head = requestHead("POST", "/auth/v1/token?grant_type=password", QString(), body.size());

    std::atomic<bool> done{false};
    std::atomic<int> healthzOk{0};
    std::atomic<int> healthzOther{0};
    std::thread prober([&] {
        while (!done.load()) {
            const RawReply r = rawExchange(busy.port(), requestHead("GET", "/healthz", QString()), {}, 5000);
            (r.status == 200 ? healthzOk : healthzOther)++;
        }
    });
    const QList<RawReply> replies = parallelExchange(busy.port(), head, body, 12);
    done = true;
    prober.join();

    int signedIn = 0;
    int turnedAway = 0;
    for (const RawReply &r : replies) {
        QVERIFY2(r.status == 200 || r.status == 503, qPrintable(describe(r)));
        if (r.status == 200) {
            ++signedIn;
            continue;
        }
        ++turnedAway;
        QVERIFY2(r.head.toLower().contains("retry-after:"), r.head.constData());
        QVERIFY2(r.body.contains("UNAVAILABLE"), qPrintable(describe(r)));
    }
    QVERIFY(signedIn >= 1);
    QVERIFY2(turnedAway >= 1, "twelve full-cost sign-ins at once against a pool of one: some must be turned away");
    QVERIFY(healthzOk.load() >= 1);
    QCOMPARE(healthzOther.load(), 0);
    QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);
}

QTEST_GUILESS_MAIN(TestApiAuth)
#include "tst_api_auth.moc"
