// vesper-cli against a team server (a real vesper-server process), signed in through a real secret
// service: login keeps the session in the keychain, not on disk; with the server stopped, --offline
// lists and searches the cache and queues a generation; once the server is back, sync sends it and it
// exists exactly once; --offline against the live server sends it no request at all (its /metrics
// count stays put); the CLI's own refresh tokens, read from the keychain, are in no file of its cache
// or config and not in the server's log; logout --clear-cache revokes the session on the server (the
// last refresh token is refused) and removes the cache folder (exit 3 afterwards). Run under
// dbus-run-session with gnome-keyring (tests/client/auth/with-keyring.sh).
#include "client/auth/keychainstore.h"
#include "clirun.h"
#include "testclient.h"
#include "testserver.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
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

/// Requests the server has answered (every route but /metrics itself), from its own counters.
qint64 requestsServed(TestClient &api)
{
    const Reply metrics = api.get(QStringLiteral("/metrics"));
    if (metrics.status != 200)
        return -1;
    static const QRegularExpression line(QStringLiteral("^vesper_http_requests_total\\{([^}]*)\\} ([0-9.e+]+)$"),
                                         QRegularExpression::MultilineOption);
    qint64 total = 0;
    for (auto it = line.globalMatch(QString::fromUtf8(metrics.body)); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (!m.captured(1).contains(QLatin1String("metrics")))
            total += qint64(m.captured(2).toDouble());
    }
    return total;
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
    // The CLI's own refresh token, as it stored it (each run that restores the session rotates it).
    vesper::client::KeychainStore keychain; // the CLI's service, "vesper", in this test's private keyring
    const QString keychainKey = vesper::client::KeychainStore::accountKey(server.baseUrl(), user.email);
    QStringList cliTokens;
    const auto noteCliToken = [&] {
        const vesper::client::KeychainStore::Result read = keychain.read(keychainKey);
        QVERIFY2(read.ok() && !read.secret.isEmpty(), qPrintable(read.error));
        if (!cliTokens.contains(read.secret))
            cliTokens << read.secret;
    };
    noteCliToken();

    // A later run signs in from the keychain alone.
    const CliRun created = cli.run({QStringLiteral("--json"), QStringLiteral("new-project"), QStringLiteral("Field notes")});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const CliRun whoami = cli.run({QStringLiteral("--json"), QStringLiteral("whoami")});
    QCOMPARE(whoami.json().object().value(QStringLiteral("email")).toString(), user.email);
    noteCliToken();

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

    noteCliToken();

    // --offline with the server up: projects, search and a queued generate reach it not once.
    const qint64 servedBefore = requestsServed(api);
    QVERIFY(servedBefore > 0);
    QCOMPARE(cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("projects")}).json().array().size(), 1);
    QCOMPARE(cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("search"), QStringLiteral("basalt")}).json().array().size(), 1);
    const CliRun offlineGenerate = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("generate"),
                                            QStringLiteral("Field notes/Session 1"), QStringLiteral("lichen at dusk")});
    QVERIFY2(offlineGenerate.exitCode == 0, offlineGenerate.err.constData());
    QVERIFY(offlineGenerate.json().object().value(QStringLiteral("pending")).toBool());
    QCOMPARE(requestsServed(api), servedBefore);
    // The count does move when the CLI does reach the server (so the check above could fail).
    QCOMPARE(cli.run({QStringLiteral("--json"), QStringLiteral("sync")}).json().object().value(QStringLiteral("sent")).toInt(), 1);
    QVERIFY(requestsServed(api) > servedBefore);
    noteCliToken();

    // No token on disk or in the server's log: no JWT, the sign-up's refresh token, and none of the
    // refresh tokens the CLI itself kept in the keychain.
    QVERIFY(filesHolding(dir.path(), "eyJ").isEmpty());
    QVERIFY(!user.refreshToken.isEmpty());
    QVERIFY(filesHolding(dir.path(), user.refreshToken.toUtf8()).isEmpty());
    QVERIFY(cliTokens.size() >= 2);
    const QString serverLog = server.dataDir() + QStringLiteral("/server.stderr.log");
    QVERIFY(QFileInfo(serverLog).size() > 0);
    for (const QString &token : std::as_const(cliTokens)) {
        QVERIFY(!token.isEmpty() && token != user.refreshToken);
        for (const QString &place : {cli.cacheDir(), cli.configDir(), cli.dataDir()}) {
            const QStringList hits = filesHolding(place, token.toUtf8());
            QVERIFY2(hits.isEmpty(), qPrintable(QStringLiteral("the CLI's refresh token in %1").arg(hits.join(QLatin1Char(' ')))));
        }
        QFile log(serverLog);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY2(!log.readAll().contains(token.toUtf8()), "the CLI's refresh token in the server's log");
    }
    QVERIFY(!filesHolding(cli.cacheDir(), "lichen at dusk").isEmpty()); // the scan does read the cache

    // logout --clear-cache: the server revokes the session, the keychain entry and the cache go.
    const QString lastToken = keychain.read(keychainKey).secret;
    QVERIFY(!lastToken.isEmpty());
    const QString cacheFolder = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("status")})
                                    .json().object().value(QStringLiteral("cacheDir")).toString();
    QVERIFY2(QFileInfo(cacheFolder).isDir(), qPrintable(cacheFolder));
    const CliRun logout = cli.run({QStringLiteral("--json"), QStringLiteral("logout"), QStringLiteral("--clear-cache")});
    QCOMPARE(logout.exitCode, 0);
    QVERIFY2(logout.json().object().value(QStringLiteral("serverRevoked")).toBool(), logout.out.constData());
    QVERIFY(!QFileInfo::exists(cacheFolder));
    QCOMPARE(keychain.read(keychainKey).status, vesper::client::KeychainStore::Status::NotFound);
    // GoTrue's answer to a revoked refresh token: 400 invalid_grant.
    const Reply replay = api.post(QStringLiteral("/auth/v1/token?grant_type=refresh_token"), {{QStringLiteral("refresh_token"), lastToken}});
    QCOMPARE(replay.status, 400);
    QCOMPARE(replay.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY2(replay.json.value(QStringLiteral("error_description")).toString().startsWith(QLatin1String("Invalid Refresh Token")),
             replay.body.constData());
    QCOMPARE(cli.run({QStringLiteral("projects")}).exitCode, 3);
}

QTEST_GUILESS_MAIN(TestCliRemote)
#include "tst_cli_remote.moc"
