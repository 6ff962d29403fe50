// Issue 13 item 9, on both databases: names (projects, sessions, display names) refuse control
// characters and the bidirectional overrides, embeddings, isolates and marks that make a name read
// differently from what it holds; emails refuse those and zero-width characters too, and are stored
// normalized, while accounts stored before these rules still sign in. The same rules hold for an
// invitation's address and for a profile made from an external issuer's claims (a bad name there is
// replaced by the address's local part; a bad address makes no profile).
#include "apifixtures.h"
#include "fakejwksissuer.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QDateTime>
#include <QTest>
#include <QUuid>
#include <memory>

using namespace vesper::test;

namespace {
QString withChar(const QString &before, char32_t c, const QString &after = QStringLiteral("gpj.exe"))
{
    // Not QString::fromUcs4: it takes a leading U+FEFF for a byte-order mark and drops it.
    const QString character{QChar(char16_t(c))}; // every character tested here is in the BMP
    return before + character + after;
}
} // namespace

class TestApiNames : public QObject {
    Q_OBJECT

private:
    FakeJwksIssuer m_issuer;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    TestUser m_owner;
    QString m_projectId;
    int m_users = 0;

    QString nextEmail() { return QStringLiteral("names-%1@names.example.com").arg(++m_users); }

    /// An access token of the external issuer for a new user with this email and display name.
    QString externalToken(const QString &userId, const QString &email, const QString &displayName)
    {
        const QJsonObject claims{{QStringLiteral("sub"), userId}, {QStringLiteral("aud"), QStringLiteral("authenticated")},
                                 {QStringLiteral("role"), QStringLiteral("authenticated")}, {QStringLiteral("iss"), m_issuer.authUrl()},
                                 {QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() + 600}, {QStringLiteral("email"), email},
                                 {QStringLiteral("user_metadata"), QJsonObject{{QStringLiteral("display_name"), displayName}}}};
        return QString::fromLatin1(m_issuer.sign(claims, "ES256"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        QVERIFY2(m_issuer.start(&reason), qPrintable(reason));
        m_server = std::make_unique<TestServer>();
        m_server->setEnv(QStringLiteral("VESPER_EXTERNAL_AUTH_URL"), m_issuer.authUrl());
        m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0"));
        m_server->setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_client = std::make_unique<TestClient>(m_server->baseUrl());
        m_data = std::make_unique<TestData>(m_server->dbUrl());
        m_owner = m_client->signUp(nextEmail());
        QVERIFY(!m_owner.id.isEmpty());
        m_projectId = createProject(*m_client, m_owner, QStringLiteral("Names"), false);
        QVERIFY(!m_projectId.isEmpty());
    }

    void cleanupTestCase()
    {
        m_data.reset();
        m_client.reset();
        m_server.reset();
    }

    void namesRefuseHiddenCharacters_data()
    {
        QTest::addColumn<uint>("character");
        for (char32_t c : {0x07u, 0x0Au, 0x1Bu, 0x7Fu, 0x85u, 0x200Eu, 0x200Fu, 0x202Au, 0x202Bu, 0x202Cu, 0x202Du,
                           0x202Eu, 0x2066u, 0x2067u, 0x2068u, 0x2069u})
            QTest::addRow("U+%04X", uint(c)) << uint(c);
    }

    void namesRefuseHiddenCharacters()
    {
        QFETCH(uint, character);
        const QString name = withChar(QStringLiteral("invoice"), char32_t(character));
        const QString sessionId = firstSession(*m_client, m_owner, m_projectId);
        const QList<Reply> replies{
            m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), name}}, m_owner.accessToken),
            m_client->patch(QStringLiteral("/api/projects/") + m_projectId, {{QStringLiteral("name"), name}}, m_owner.accessToken),
            m_client->post(QStringLiteral("/api/sessions"), {{QStringLiteral("projectId"), m_projectId}, {QStringLiteral("name"), name}},
                           m_owner.accessToken),
            m_client->patch(QStringLiteral("/api/sessions/") + sessionId, {{QStringLiteral("name"), name}}, m_owner.accessToken),
            m_client->post(QStringLiteral("/auth/v1/signup"),
                           {{QStringLiteral("email"), nextEmail()}, {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                            {QStringLiteral("data"), QJsonObject{{QStringLiteral("display_name"), name}}}}),
        };
        for (const Reply &reply : replies) {
            EXPECT_STATUS(reply, 400);
            QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        }
    }

    void namesKeepJoinersAndScripts()
    {
        // Zero-width joiners belong in emoji sequences and in some scripts; right-to-left text is a name.
        for (const QString &name : {QStringLiteral("Family \U0001F468\u200D\U0001F469\u200D\U0001F467"), QStringLiteral("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"),
                                    QStringLiteral("Café ☕")}) {
            const Reply reply = m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), name}}, m_owner.accessToken);
            EXPECT_STATUS(reply, 201);
            QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), name);
        }
    }

    void emailsRefuseHiddenCharacters_data()
    {
        QTest::addColumn<uint>("character");
        for (char32_t c : {0x200Bu, 0x200Cu, 0x200Du, 0xFEFFu, 0x200Eu, 0x202Eu, 0x2066u, 0x00ADu})
            QTest::addRow("U+%04X", uint(c)) << uint(c);
    }

    void emailsRefuseHiddenCharacters()
    {
        QFETCH(uint, character);
        const QString email = withChar(QStringLiteral("victim"), char32_t(character), QStringLiteral("@names.example.com"));
        const Reply reply = m_client->post(QStringLiteral("/auth/v1/signup"),
                                           {{QStringLiteral("email"), email}, {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
        EXPECT_STATUS(reply, 400);
        QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        // Nor is it an invitation's target: it would look addressed to someone else.
        const Reply invite = m_client->post(QStringLiteral("/api/projects/%1/members").arg(m_projectId),
                                            {{QStringLiteral("email"), email}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                                            m_owner.accessToken);
        EXPECT_STATUS(invite, 400);
        QCOMPARE(invite.code(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM invitations WHERE project_id = ?"), {m_projectId}).toInt(), 0);
        // An external issuer's token with that address makes no profile.
        const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const Reply external = m_client->get(QStringLiteral("/api/bootstrap"), externalToken(userId, email, QStringLiteral("Victim")));
        EXPECT_STATUS(external, 401);
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM profiles WHERE id = ?"), {userId}).toInt(), 0);
    }

    void externalProfileNamesAreReplaced_data() { namesRefuseHiddenCharacters_data(); }

    void externalProfileNamesAreReplaced()
    {
        // The issuer vouched for the user, so they get in; a name that breaks the rule is not stored.
        QFETCH(uint, character);
        const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString email = QStringLiteral("external-%1@names.example.com").arg(character, 4, 16, QLatin1Char('0'));
        const Reply reply = m_client->get(QStringLiteral("/api/bootstrap"),
                                          externalToken(userId, email, withChar(QStringLiteral("invoice"), char32_t(character))));
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("displayName")).toString(),
                 email.section(QLatin1Char('@'), 0, 0));
    }

    void externalProfileKeepsAGoodName()
    {
        const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const Reply reply = m_client->get(QStringLiteral("/api/bootstrap"),
                                          externalToken(userId, QStringLiteral("Good.Name@Names.example.com"), QStringLiteral("Renée می")));
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("displayName")).toString(),
                 QStringLiteral("Renée می"));
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT email FROM profiles WHERE id = ?"), {userId}).toString(),
                 QStringLiteral("good.name@names.example.com"));
    }

    void emailsAreNormalized()
    {
        const Reply reply = m_client->post(QStringLiteral("/auth/v1/signup"),
                                           {{QStringLiteral("email"), QStringLiteral("  Mixed.Case@Names.EXAMPLE.com ")},
                                            {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
        EXPECT_STATUS(reply, 200);
        const QString id = reply.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT email FROM profiles WHERE id = ?"), {id}).toString(),
                 QStringLiteral("mixed.case@names.example.com"));
        // The same address, composed differently (NFD "é"), is the same account.
        const Reply nfc = m_client->post(QStringLiteral("/auth/v1/signup"),
                                         {{QStringLiteral("email"), QStringLiteral("ren\u00E9@names.example.com")},
                                          {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
        EXPECT_STATUS(nfc, 200);
        const Reply nfd = m_client->post(QStringLiteral("/auth/v1/signup"),
                                         {{QStringLiteral("email"), QStringLiteral("rene\u0301@names.example.com")},
                                          {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
        EXPECT_STATUS(nfd, 409);
        for (const QString &email : {QStringLiteral("MIXED.case@names.example.com "), QStringLiteral("rene\u0301@Names.Example.com")}) {
            const Reply signIn = m_client->post(QStringLiteral("/auth/v1/token?grant_type=password"),
                                                {{QStringLiteral("email"), email}, {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
            EXPECT_STATUS(signIn, 200);
        }
    }

    void accountsStoredBeforeTheRulesStillSignIn()
    {
        // An address these rules refuse today, stored by an older server: its owner still signs in.
        const TestUser user = m_client->signUp(nextEmail());
        QVERIFY(!user.id.isEmpty());
        const QString legacy = QStringLiteral("old\u200Bstyle@names.example.com");
        QVERIFY2(m_data->exec(QStringLiteral("UPDATE profiles SET email = ? WHERE id = ?"), {legacy, user.id}), qPrintable(m_data->lastError()));
        const Reply signIn = m_client->post(QStringLiteral("/auth/v1/token?grant_type=password"),
                                            {{QStringLiteral("email"), legacy}, {QStringLiteral("password"), user.password}});
        EXPECT_STATUS(signIn, 200);
        QCOMPARE(signIn.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString(), user.id);
    }
};

QTEST_GUILESS_MAIN(TestApiNames)
#include "tst_api_names.moc"
