// How sign-in state ages on a real vesper-server: a session nobody refreshed within
// VESPER_SESSION_IDLE_DAYS is refused and its refresh tokens are deleted by the sweep (at start and
// hourly), in batches, sparing live sessions; a password stored at another argon2id cost is
// re-hashed at the current cost on the next good sign-in, and only then.
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QUuid>
#include <QtTest>

using namespace vesper::test;

namespace {
constexpr qint64 kDayMicros = qint64(86400) * 1000000;

QString uniqueEmail(const QString &tag)
{
    return QStringLiteral("%1-%2@example.com").arg(tag, QUuid::createUuid().toString(QUuid::Id128).left(10));
}

Reply refresh(TestClient &client, const QString &token)
{
    return client.post(QStringLiteral("/auth/v1/token?grant_type=refresh_token"), QJsonObject{{QStringLiteral("refresh_token"), token}});
}

Reply signIn(TestClient &client, const QString &email, const QString &password)
{
    return client.post(QStringLiteral("/auth/v1/token?grant_type=password"),
                       QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
}

bool restart(TestServer &server)
{
    server.stop();
    QString error;
    if (!server.start(&error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}
} // namespace

class TestApiSessionLife : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void idleSessionIsRefusedThenSwept();
    void sweepDeletesInBatchesAndSparesLiveSessions();
    void passwordHashUpgradedAtSignIn();

private:
    qint64 tokenCount(const QString &userId);

    TestServer m_server;
    std::unique_ptr<TestData> m_data;
};

void TestApiSessionLife::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server.setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    m_server.setEnv(QStringLiteral("VESPER_SESSION_IDLE_DAYS"), QStringLiteral("30"));
    QVERIFY2(m_server.start(&reason), qPrintable(reason));
    m_data = std::make_unique<TestData>(m_server.dbUrl());
    QVERIFY2(m_data->isOpen(), qPrintable(m_data->lastError()));
}

qint64 TestApiSessionLife::tokenCount(const QString &userId)
{
    return m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ?"), {userId}).toLongLong();
}

void TestApiSessionLife::idleSessionIsRefusedThenSwept()
{
    TestClient client(m_server.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("idle")));
    QVERIFY(!user.id.isEmpty());
    const Reply rotated = refresh(client, user.refreshToken);
    QCOMPARE(rotated.status, 200);
    const QString live = rotated.json.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(tokenCount(user.id), 2);

    // 29 days without a refresh: still inside the 30-day limit.
    const qint64 now = TestData::nowMicros();
    QVERIFY2(m_data->exec(QStringLiteral("UPDATE refresh_tokens SET issued_at = %1 WHERE user_id = ?").arg(m_data->timeLiteral(now - 29 * kDayMicros)),
                          {user.id}),
             qPrintable(m_data->lastError()));
    const Reply stillLive = refresh(client, live);
    QCOMPARE(stillLive.status, 200);
    const QString next = stillLive.json.value(QStringLiteral("refresh_token")).toString();

    // 31 days: the session has ended; the token is refused with GoTrue's code, even unused.
    QVERIFY(m_data->exec(QStringLiteral("UPDATE refresh_tokens SET issued_at = %1 WHERE user_id = ?").arg(m_data->timeLiteral(now - 31 * kDayMicros)),
                         {user.id}));
    const Reply expired = refresh(client, next);
    QCOMPARE(expired.status, 400);
    QCOMPARE(expired.json.value(QStringLiteral("error_code")).toString(), QStringLiteral("session_expired"));
    QCOMPARE(expired.json.value(QStringLiteral("error_description")).toString(), QStringLiteral("Invalid Refresh Token: Session Expired"));
    QCOMPARE(tokenCount(user.id), 3); // refused, not yet deleted

    // A new sign-in works; the restart's sweep deletes the ended session's three tokens only.
    const Reply again = signIn(client, user.email, user.password);
    QCOMPARE(again.status, 200);
    QVERIFY(restart(m_server));
    QCOMPARE(tokenCount(user.id), 1);
    TestClient restarted(m_server.baseUrl());
    QCOMPARE(refresh(restarted, again.json.value(QStringLiteral("refresh_token")).toString()).status, 200);
    QCOMPARE(refresh(restarted, next).json.value(QStringLiteral("error_code")).toString(), QStringLiteral("refresh_token_not_found"));
}

void TestApiSessionLife::sweepDeletesInBatchesAndSparesLiveSessions()
{
    TestClient client(m_server.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("batch")));
    QVERIFY(!user.id.isEmpty());
    // 2,500 ended-session tokens: more than two sweep batches of 1,000, so the loop must go on.
    const qint64 old = TestData::nowMicros() - 40 * kDayMicros;
    for (int i = 0; i < 2500; ++i) {
        QVERIFY2(m_data->exec(QStringLiteral("INSERT INTO refresh_tokens (token_hash, user_id, family_id, issued_at) VALUES (?, ?, ?, %1)")
                                  .arg(m_data->timeLiteral(old + i)),
                              {QStringLiteral("old-%1").arg(i), user.id, QStringLiteral("family-%1").arg(i / 10)}),
                 qPrintable(m_data->lastError()));
    }
    QCOMPARE(tokenCount(user.id), 2501);
    QVERIFY(restart(m_server));
    QCOMPARE(tokenCount(user.id), 1);
    TestClient restarted(m_server.baseUrl());
    QCOMPARE(refresh(restarted, user.refreshToken).status, 200);
}

void TestApiSessionLife::passwordHashUpgradedAtSignIn()
{
    // The account is created at the test servers' minimum cost (VESPER_FAST_PASSWORD_HASH=1) ...
    TestClient client(m_server.baseUrl());
    const TestUser user = client.signUp(uniqueEmail(QStringLiteral("rehash")));
    QVERIFY(!user.id.isEmpty());
    const auto storedHash = [&] {
        return m_data->scalar(QStringLiteral("SELECT password_hash FROM profiles WHERE id = ?"), {user.id}).toString();
    };
    const QString minimal = storedHash();
    QVERIFY2(minimal.startsWith(QLatin1String("$argon2id$")) && minimal.contains(QLatin1String("m=8,")), qPrintable(minimal));

    // ... and a server at the real cost upgrades it on a good sign-in, never on a bad one.
    m_server.setEnv(QStringLiteral("VESPER_FAST_PASSWORD_HASH"), QStringLiteral("0"));
    QVERIFY(restart(m_server));
    TestClient real(m_server.baseUrl());
    QCOMPARE(signIn(real, user.email, QStringLiteral("not the password")).status, 400);
    QCOMPARE(storedHash(), minimal);
    QCOMPARE(signIn(real, user.email, user.password).status, 200);
    const QString upgraded = storedHash();
    QVERIFY2(upgraded.startsWith(QLatin1String("$argon2id$")) && upgraded.contains(QLatin1String("m=65536,")), qPrintable(upgraded));

    // Once upgraded it stays as it is, and it still verifies.
    QCOMPARE(signIn(real, user.email, user.password).status, 200);
    QCOMPARE(storedHash(), upgraded);
    QCOMPARE(signIn(real, user.email, QStringLiteral("not the password")).status, 400);
    m_server.setEnv(QStringLiteral("VESPER_FAST_PASSWORD_HASH"), QStringLiteral("1"));
}

QTEST_GUILESS_MAIN(TestApiSessionLife)
#include "tst_api_sessionlife.moc"
