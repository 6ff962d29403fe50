// vesper-cli against a team server (a real vesper-server process), signed in through a real secret
// service: login keeps the session in the keychain, not on disk; with the server stopped, --offline
// lists and searches the cache and queues a generation; once the server is back, sync sends it and it
// exists exactly once; logout ends it all (exit 3 afterwards). Run under dbus-run-session with
// gnome-keyring (tests/client/auth/with-keyring.sh).
#include "clirun.h"
#include "testclient.h"
#include "testserver.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::test;

class TestCliRemote : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signInOfflineQueueAndSendOnce();
};

namespace {
/// Every file under dir that holds needle (tokens must be in none).
QStringList filesHolding(const QString &dir, const QByteArray &needle)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            hits.append(file.fileName());
    }
    return hits;
}
} // namespace

void TestCliRemote::signInOfflineQueueAndSendOnce()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient api(server.baseUrl());
    const TestUser user = api.signUp(QStringLiteral("mara@example.com"));
    QVERIFY(!user.id.isEmpty());

    QTemporaryDir dir;
    CliRunner cli(dir.path());
    cli.setServer(server.baseUrl());
    QCOMPARE(cli.run({QStringLiteral("projects")}).exitCode, 3); // not signed in yet
    const CliRun wrong = cli.run({QStringLiteral("login"), QStringLiteral("--email"), user.email, QStringLiteral("--password-stdin")}, "wrong password\n");
    QCOMPARE(wrong.exitCode, 3);
    const CliRun login = cli.run({QStringLiteral("--json"), QStringLiteral("login"), QStringLiteral("--email"), user.email, QStringLiteral("--password-stdin")},
                                 user.password.toUtf8() + '\n');
    QVERIFY2(login.exitCode == 0, login.err.constData());
    QVERIFY2(login.json().object().value(QStringLiteral("keychain")).toBool(), login.out.constData()); // a real secret service

    // A later run signs in from the keychain alone.
    const CliRun created = cli.run({QStringLiteral("--json"), QStringLiteral("new-project"), QStringLiteral("Field notes")});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const CliRun whoami = cli.run({QStringLiteral("--json"), QStringLiteral("whoami")});
    QCOMPARE(whoami.json().object().value(QStringLiteral("email")).toString(), user.email);

    // Server gone: --offline reads the cache, and a generation request is queued.
    const quint16 port = server.port();
    server.stop();
    const CliRun offlineList = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("projects")});
    QVERIFY2(offlineList.exitCode == 0, offlineList.err.constData());
    QCOMPARE(offlineList.json().array().size(), 1);
    const CliRun queued = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("generate"),
                                   QStringLiteral("Field notes/Session 1"), QStringLiteral("moss on basalt")});
    QVERIFY2(queued.exitCode == 0, queued.err.constData());
    QVERIFY(queued.json().object().value(QStringLiteral("pending")).toBool());
    const CliRun pendingSearch = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("search"), QStringLiteral("basalt")});
    QCOMPARE(pendingSearch.json().array().size(), 1);
    QVERIFY(pendingSearch.json().array().first()[QStringLiteral("pending")].toBool());
    const CliRun status = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("status")});
    QCOMPARE(status.json().object().value(QStringLiteral("queued")).toInt(), 1);
    QVERIFY(status.json().object().value(QStringLiteral("lastSyncAt")).isString()); // when it last synced
    // Online without the server: exit 4, and nothing is lost.
    QCOMPARE(cli.run({QStringLiteral("sync")}).exitCode, 4);

    // The server returns on the same port: sync sends the queued request, once, even when run twice.
    QVERIFY2(server.start(&reason, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(reason));
    QCOMPARE(server.port(), port);
    const CliRun synced = cli.run({QStringLiteral("--json"), QStringLiteral("sync")});
    QVERIFY2(synced.exitCode == 0, QByteArray(synced.err + synced.out).constData());
    QCOMPARE(synced.json().object().value(QStringLiteral("sent")).toInt(), 1);
    QCOMPARE(cli.run({QStringLiteral("--json"), QStringLiteral("sync")}).json().object().value(QStringLiteral("sent")).toInt(), 0);
    const QString projectId = created.json().object().value(QStringLiteral("id")).toString();
    const Reply sessions = api.get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken);
    const QString sessionId = sessions.data().first().toObject().value(QStringLiteral("id")).toString();
    const Reply generations = api.get(QStringLiteral("/api/generations?sessionId=") + sessionId, user.accessToken);
    QCOMPARE(generations.data().size(), 1);
    QCOMPARE(generations.data().first().toObject().value(QStringLiteral("prompt")).toString(), QStringLiteral("moss on basalt"));
    const CliRun after = cli.run({QStringLiteral("--json"), QStringLiteral("search"), QStringLiteral("basalt")});
    QCOMPARE(after.json().array().size(), 1);
    QVERIFY(!after.json().array().first()[QStringLiteral("pending")].toBool());

    // No token on disk: neither a JWT nor the user's own refresh token from the API sign-up.
    QVERIFY(filesHolding(dir.path(), "eyJ").isEmpty());
    QVERIFY(!user.refreshToken.isEmpty());
    QVERIFY(filesHolding(dir.path(), user.refreshToken.toUtf8()).isEmpty());

    const CliRun logout = cli.run({QStringLiteral("logout")});
    QCOMPARE(logout.exitCode, 0);
    QCOMPARE(cli.run({QStringLiteral("projects")}).exitCode, 3);
}

QTEST_GUILESS_MAIN(TestCliRemote)
#include "tst_cli_remote.moc"
