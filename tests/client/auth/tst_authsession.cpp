// AuthSession against a real vesper-server with 30 s access tokens and no refresh-token reuse
// interval: sign-in saved to a real Secret Service and restored by a second session, one refresh for
// many concurrent requests, a reused refresh token signing out cleanly, no token string in the cache,
// config or log a whole Workspace wrote, and (without a secret service) one clear sentence and a session kept in memory.
#include "client/auth/authsession.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"
#include "testclient.h"
#include "testserver.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

using namespace vesper;
using namespace vesper::client;

namespace {
QMutex g_logMutex;
QStringList g_log;

void captureLog(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    QMutexLocker lock(&g_logMutex);
    g_log.append(QString::fromLatin1(context.category ? context.category : "") + QLatin1Char(' ') + message);
}
} // namespace

class TstAuthSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // The user's folders are this test's own, so "no token anywhere" can be checked.
        for (const char *name : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"}) {
            const QString dir = m_home.path() + QLatin1Char('/') + QLatin1String(name);
            QDir().mkpath(dir);
            qputenv(name, dir.toUtf8());
        }
        QLoggingCategory::setFilterRules(QStringLiteral("vesper.*.debug=true"));
        qInstallMessageHandler(captureLog);
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        m_server.setEnv(QStringLiteral("VESPER_ACCESS_TOKEN_TTL"), QStringLiteral("30"));
        m_server.setEnv(QStringLiteral("VESPER_REFRESH_REUSE_SECONDS"), QStringLiteral("0"));
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        m_service = QStringLiteral("vesper-test-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    }

    void cleanupTestCase() { qInstallMessageHandler(nullptr); }

    void keychainRestoreAndSignOut()
    {
        const test::TestUser user = signUp(QStringLiteral("restore"));
        AuthSession first(&m_http, m_server.baseUrl());
        first.setKeychainService(m_service);
        QVERIFY2(first.keychainUnavailableReason().isEmpty(), qPrintable(first.keychainUnavailableReason()));
        const ApiError signIn = first.signIn(user.email, user.password);
        QVERIFY2(signIn.ok(), qPrintable(describe(signIn)));
        QVERIFY(first.persisted());
        QCOMPARE(first.userId(), user.id);
        const QString key = KeychainStore::accountKey(m_server.baseUrl(), user.email);
        KeychainStore keychain(m_service);
        const KeychainStore::Result saved = keychain.read(key);
        QVERIFY2(saved.ok(), qPrintable(saved.error));
        remember(first.accessToken(), saved.secret);

        AuthSession second(&m_http, m_server.baseUrl()); // as after a restart of the app
        second.setKeychainService(m_service);
        const ApiError restored = second.restore(user.email);
        QVERIFY2(restored.ok(), qPrintable(describe(restored)));
        QCOMPARE(second.userId(), user.id);
        const KeychainStore::Result rotated = keychain.read(key);
        QVERIFY(rotated.ok());
        QVERIFY(rotated.secret != saved.secret); // the new refresh token was saved
        remember(second.accessToken(), rotated.secret);
        ApiClient api(&m_http, m_server.baseUrl());
        api.setTokenSource(&second);
        const auto boot = api.bootstrap();
        QVERIFY2(boot.ok(), qPrintable(describe(boot.error)));

        QSignalSpy signedOut(&second, &AuthSession::signedOut);
        QVERIFY2(second.signOut(true).ok(), "the server revoked the session");
        QCOMPARE(signedOut.count(), 1);
        QCOMPARE(signedOut.at(0).at(1).toBool(), true); // the cache owner is asked to clear it
        QVERIFY(!second.isSignedIn());
        QCOMPARE(keychain.read(key).status, KeychainStore::Status::NotFound);
        QCOMPARE(api.bootstrap().error.kind, ApiError::Kind::NotSignedIn);
        AuthSession third(&m_http, m_server.baseUrl());
        third.setKeychainService(m_service);
        QCOMPARE(third.restore(user.email).kind, ApiError::Kind::NotSignedIn);
    }

    void concurrentRequestsRefreshOnce()
    {
        const test::TestUser user = signUp(QStringLiteral("concurrent"));
        AuthSession session(&m_http, m_server.baseUrl());
        session.setKeychainService(m_service);
        QVERIFY(session.signIn(user.email, user.password).ok());
        const QString before = session.accessToken();
        QCOMPARE(session.refreshCount(), 0);
        // With 30 s tokens the refresh is due at half the lifetime; wait until it is.
        QTRY_VERIFY_WITH_TIMEOUT(session.secondsUntilExpiry() < 15, 20000);
        const int grantsBefore = tokenGrants();

        ApiClient api(&m_http, m_server.baseUrl());
        api.setTokenSource(&session);
        QThreadPool pool;
        pool.setMaxThreadCount(16);
        QList<QFuture<ApiResult<QJsonObject>>> calls;
        for (int i = 0; i < 16; ++i)
            calls.append(QtConcurrent::run(&pool, [&api] { return api.bootstrap(); }));
        for (auto &call : calls) {
            call.waitForFinished();
            QVERIFY2(call.result().ok(), qPrintable(describe(call.result().error)));
        }
        QCOMPARE(session.refreshCount(), 1);
        QCOMPARE(tokenGrants() - grantsBefore, 1); // the server saw exactly one refresh
        QVERIFY(session.accessToken() != before);
        QVERIFY(session.secondsUntilExpiry() > 20);
        remember(session.accessToken(), KeychainStore(m_service).read(KeychainStore::accountKey(m_server.baseUrl(), user.email)).secret);
    }

    void reusedRefreshTokenSignsOut()
    {
        const test::TestUser user = signUp(QStringLiteral("reuse"));
        AuthSession first(&m_http, m_server.baseUrl());
        first.setKeychainService(m_service);
        QVERIFY(first.signIn(user.email, user.password).ok());
        AuthSession second(&m_http, m_server.baseUrl());
        second.setKeychainService(m_service);
        QVERIFY(second.restore(user.email).ok()); // uses (and rotates) the refresh token first still holds

        QSignalSpy signedOut(&first, &AuthSession::signedOut);
        const ApiError reused = first.refreshNow();
        QCOMPARE(reused.kind, ApiError::Kind::NotSignedIn);
        QVERIFY2(reused.message.contains(QLatin1String("sign in again")), qPrintable(reused.message));
        QCOMPARE(signedOut.count(), 1);
        QVERIFY(!first.isSignedIn());
        QVERIFY(first.accessToken().isEmpty());
        QCOMPARE(first.lastSignOutReason(), reused.message);
        QCOMPARE(KeychainStore(m_service).read(KeychainStore::accountKey(m_server.baseUrl(), user.email)).status,
                 KeychainStore::Status::NotFound);
        // Reuse revoked the whole family: the second session's token is refused too, cleanly.
        QCOMPARE(second.refreshNow().kind, ApiError::Kind::NotSignedIn);
        QVERIFY(!second.isSignedIn());
    }

    // The whole client core as the app and CLI use it (a Workspace on the default folders, which are
    // this test's XDG ones): sign-in, sync, a write sent through the outbox, a refresh and another
    // sync, so the cache, its WAL and accounts.ini are really written; then no token string is in any
    // file under the data, cache and config folders, in the server's log or in the client's log.
    void noTokenStringsLeak()
    {
        const test::TestUser user = signUp(QStringLiteral("leak"));
        QString cacheFile;
        {
            WorkspaceOptions options; // cacheRoot and configDir empty: $XDG_CACHE_HOME/vesper, $XDG_CONFIG_HOME/vesper
            options.serverUrl = m_server.baseUrl();
            options.keychainService = m_service;
            options.backgroundSync = false;
            Workspace workspace(options);
            QVERIFY(workspace.signIn(user.email, user.password).ok());
            const QString key = KeychainStore::accountKey(m_server.baseUrl(), user.email);
            remember(workspace.auth().accessToken(), KeychainStore(m_service).read(key).secret);
            QVERIFY(workspace.sync().syncNow().ok());
            QVERIFY(workspace.outbox().createProject(QStringLiteral("Leak check")).ok());
            QCOMPARE(workspace.outbox().flush().sent, 1);
            QVERIFY(workspace.auth().refreshNow().ok());
            remember(workspace.auth().accessToken(), KeychainStore(m_service).read(key).secret);
            QVERIFY(workspace.sync().syncNow().ok());
            QCOMPARE(workspace.cache().counts().projects, 1);
            cacheFile = workspace.cacheDir() + QStringLiteral("/cache.sqlite");
        }
        QVERIFY(m_tokens.size() >= 4);
        QStringList places;
        for (const char *name : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"})
            places << qEnvironmentVariable(name);
        places << m_server.dataDir() + QStringLiteral("/server.stderr.log");
        QStringList scanned;
        for (const QString &place : places) {
            QDirIterator it(place, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            QStringList files = QFileInfo(place).isFile() ? QStringList{place} : QStringList();
            while (it.hasNext())
                files << it.next();
            for (const QString &path : files) {
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray bytes = file.readAll();
                scanned << path;
                for (const QString &token : std::as_const(m_tokens))
                    QVERIFY2(!bytes.contains(token.toUtf8()), qPrintable(QStringLiteral("a token in %1").arg(path)));
            }
        }
        // The scan read what the client wrote, not empty folders.
        QVERIFY2(cacheFile.startsWith(qEnvironmentVariable("XDG_CACHE_HOME")), qPrintable(cacheFile));
        QVERIFY2(scanned.contains(cacheFile), qPrintable(scanned.join(QLatin1Char(' '))));
        QVERIFY(scanned.contains(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/vesper/accounts.ini")));
        QVERIFY(scanned.contains(m_server.dataDir() + QStringLiteral("/server.stderr.log")));
        QVERIFY(QFileInfo(cacheFile).size() > 0);
        QMutexLocker lock(&g_logMutex);
        QVERIFY2(g_log.size() >= 3, "the client logged its sign-ins"); // so the check below looks at something
        const QString log = g_log.join(QLatin1Char('\n'));
        for (const QString &token : std::as_const(m_tokens))
            QVERIFY2(!log.contains(token), "a token in the captured log");
    }

    void noKeychain()
    {
        const test::TestUser user = signUp(QStringLiteral("memory"));
        AuthSession session(&m_http, m_server.baseUrl());
        session.setKeychainService(m_service);
        const QString reason = session.keychainUnavailableReason();
        QVERIFY2(reason.startsWith(QLatin1String("No keychain is available")), qPrintable(reason));
        QVERIFY(reason.endsWith(QLatin1String("until Vesper exits.")));
        QVERIFY(session.signIn(user.email, user.password).ok());
        QVERIFY(!session.persisted());
        QVERIFY(session.refreshNow().ok()); // the session lasts in memory
        ApiClient api(&m_http, m_server.baseUrl());
        api.setTokenSource(&session);
        QVERIFY(api.bootstrap().ok());
        AuthSession later(&m_http, m_server.baseUrl());
        later.setKeychainService(m_service);
        const ApiError restore = later.restore(user.email);
        QCOMPARE(restore.kind, ApiError::Kind::NotSignedIn);
        QCOMPARE(restore.message, reason);
    }

private:
    test::TestUser signUp(const QString &name)
    {
        test::TestClient client(m_server.baseUrl());
        const test::TestUser user = client.signUp(name + QStringLiteral("@example.com"));
        if (user.id.isEmpty())
            qWarning("sign-up failed for %s", qPrintable(name));
        return user;
    }
    void remember(const QString &access, const QString &refresh)
    {
        for (const QString &token : {access, refresh})
            if (!token.isEmpty() && !m_tokens.contains(token))
                m_tokens << token;
    }
    /// Calls of /auth/v1/token the server counted (password and refresh grants).
    int tokenGrants()
    {
        HttpRequest request;
        request.url = m_server.baseUrl() + QStringLiteral("/metrics");
        const HttpResponse response = m_http.call(request);
        int total = 0;
        for (const QByteArray &line : response.body.split('\n'))
            if (line.startsWith("vesper_http_requests_total{") && line.contains("route=\"/auth/v1/token\""))
                total += int(line.mid(line.lastIndexOf(' ') + 1).toDouble());
        return total;
    }

    QTemporaryDir m_home;
    test::TestServer m_server;
    HttpClient m_http;
    QString m_service;
    QStringList m_tokens;
};

QTEST_GUILESS_MAIN(TstAuthSession)
#include "tst_authsession.moc"
