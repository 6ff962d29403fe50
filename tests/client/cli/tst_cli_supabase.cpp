// vesper-cli against a team server whose accounts live in a Supabase project (issue 10, "Sign-in ...
// a Supabase project's auth URL"): the project is played by FakeJwksIssuer, which speaks GoTrue's
// password and refresh grants, asks for the project's `apikey` and signs ES256 tokens the server
// checks against its JWKS. login goes to --auth-url with --auth-key (not to the server: there the
// account does not exist); later runs remember where, refresh there and reach the server's API with
// the project's token; logout ends the session at the project. Run with a real secret service
// (tests/client/auth/with-keyring.sh).
#include "clirun.h"
#include "fakejwksissuer.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::test;

class TestCliSupabase : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signInThroughTheProjectsAuth();
};

void TestCliSupabase::signInThroughTheProjectsAuth()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    FakeJwksIssuer project;
    QVERIFY2(project.start(&reason), qPrintable(reason));
    const QString email = QStringLiteral("ines@example.com");
    const QByteArray password = "correct horse battery";
    project.addUser(email, QString::fromLatin1(password));
    project.setApiKey("anon-key-123");
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_EXTERNAL_AUTH_URL"), project.authUrl());
    QVERIFY2(server.start(&reason), qPrintable(reason));

    QTemporaryDir dir;
    CliRunner cli(dir.path());
    cli.setServer(server.baseUrl());
    const QStringList login{QStringLiteral("--json"), QStringLiteral("login"), QStringLiteral("--email"), email, QStringLiteral("--password-stdin")};
    // The server itself has no such account: without --auth-url the sign-in is refused there.
    QCOMPARE(cli.run(login, password + '\n').exitCode, 3);
    QCOMPARE(project.grants(QStringLiteral("password")), 0);
    // The project without its anon key refuses too (and says so).
    const QString authUrl = project.authUrl(); // ".../auth/v1": the trailing path is accepted
    const CliRun noKey = cli.run(QStringList{QStringLiteral("--auth-url"), authUrl, QStringLiteral("--auth-key"), QStringLiteral("wrong")} + login,
                                 password + '\n');
    QVERIFY(noKey.exitCode != 0);
    QVERIFY2(noKey.err.contains("API key"), noKey.err.constData());

    const CliRun signedIn = cli.run(QStringList{QStringLiteral("--auth-url"), authUrl, QStringLiteral("--auth-key"), QStringLiteral("anon-key-123")} + login,
                                    password + '\n');
    QVERIFY2(signedIn.exitCode == 0, signedIn.err.constData());
    QCOMPARE(project.grants(QStringLiteral("password")), 1);
    QVERIFY2(signedIn.json().object().value(QStringLiteral("keychain")).toBool(), signedIn.out.constData());

    // A later run names neither: it restores from the keychain by refreshing at the project, and the
    // server takes the project's token (a profile made from its claims).
    const CliRun whoami = cli.run({QStringLiteral("--json"), QStringLiteral("whoami")});
    QVERIFY2(whoami.exitCode == 0, whoami.err.constData());
    QCOMPARE(whoami.json().object().value(QStringLiteral("email")).toString(), email);
    QCOMPARE(whoami.json().object().value(QStringLiteral("id")).toString(), project.userId(email));
    QVERIFY(project.grants(QStringLiteral("refresh_token")) >= 1);
    const CliRun created = cli.run({QStringLiteral("--json"), QStringLiteral("new-project"), QStringLiteral("Dunes")});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const CliRun listed = cli.run({QStringLiteral("--json"), QStringLiteral("projects")});
    QCOMPARE(listed.json().array().size(), 1);

    // Sign-out is sent to the project too.
    QCOMPARE(cli.run({QStringLiteral("logout")}).exitCode, 0);
    QCOMPARE(project.grants(QStringLiteral("logout")), 1);
    QCOMPARE(cli.run({QStringLiteral("projects")}).exitCode, 3);
}

QTEST_GUILESS_MAIN(TestCliSupabase)
#include "tst_cli_supabase.moc"
