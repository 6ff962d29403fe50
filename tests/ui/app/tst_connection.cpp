// ConnectionManager end to end: the local library on a real embedded backend gets its welcome
// project (three sketch generations) once, never twice; a team server (a real vesper-server) offers
// sign-up, refuses a second account with the same email in words, signs in off the GUI thread, and
// the connection is remembered and reopened from its cache.
#include "backend/server/embeddedbackend.h"
#include "client/cache/cachestore.h"
#include "client/workspace/workspace.h"
#include "testserver.h"
#include "ui/app/accountcalls.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/uicontext.h"
#include "ui/app/welcomeseeder.h"
#include "ui/gallery/membersdialog.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"

#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QScopeGuard>
#include <QPushButton>
#include <QSettings>
#include <QTreeWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace vesper;
using namespace vesper::ui;

class TestConnection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-test"));
    }

    void localLibraryWelcomeOnce()
    {
        const QString dataDir = m_dir.filePath(QStringLiteral("library"));
        backend::BackendSettings settings = backend::BackendSettings::forDataDir(dataDir);
        settings.accessLog = false;
        backend::EmbeddedBackend embedded(settings);
        QString error;
        QVERIFY2(embedded.start(&error), qPrintable(error));
        const LocalLibrary library{embedded.baseUrl(), QString::fromLatin1(embedded.accessToken()), embedded.localUserId(), dataDir, {}};
        for (int run = 0; run < 2; ++run) {
            UiContext context;
            ConnectionManager connections(&context, library);
            connections.setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
            connections.openLast();
            QVERIFY(connections.isLocal());
            QCOMPARE(context.workspace(), connections.workspace());
            client::CacheStore &cache = connections.workspace()->cache();
            QTRY_VERIFY_WITH_TIMEOUT(cache.counts().generations == 3 && cache.counts().pendingRows == 0, 30000);
            QCOMPARE(cache.counts().projects, 1);
            const auto projects = cache.projects(10);
            QCOMPARE(projects.rows.first().name, QStringLiteral("Welcome"));
            // Its one session is the seeder's: the server made no empty "Session 1" beside it.
            const auto sessions = cache.sessions(projects.rows.first().id, 10);
            QCOMPARE(sessions.rows.size(), 1);
            QCOMPARE(sessions.rows.first().name, QStringLiteral("First steps"));
        }
        QCOMPARE(QSettings().value(QStringLiteral("promptBar/model")).toString(), QStringLiteral("sketch"));
        embedded.stop();
    }

    void noWelcomeInALibraryWithProjects()
    {
        // A library vesper-cli filled, opened by the app with new settings and an empty cache.
        const QString dataDir = m_dir.filePath(QStringLiteral("filled"));
        backend::BackendSettings settings = backend::BackendSettings::forDataDir(dataDir);
        settings.accessLog = false;
        backend::EmbeddedBackend embedded(settings);
        QString error;
        QVERIFY2(embedded.start(&error), qPrintable(error));
        const LocalLibrary library{embedded.baseUrl(), QString::fromLatin1(embedded.accessToken()), embedded.localUserId(), dataDir, {}};
        {
            client::WorkspaceOptions options;
            options.serverUrl = library.baseUrl;
            options.accountKey = QStringLiteral("cli");
            options.fixedToken = library.accessToken;
            options.fixedUserId = library.userId;
            options.cacheRoot = m_dir.filePath(QStringLiteral("cli-cache"));
            options.configDir = m_dir.filePath(QStringLiteral("cli-config"));
            client::Workspace cli(options);
            QVERIFY(cli.open().ok());
            QVERIFY(cli.outbox().createProject(QStringLiteral("Made with the CLI")).ok());
            QVERIFY(cli.outbox().flush().stoppedBy.ok());
        }
        UiContext context;
        ConnectionManager connections(&context, library);
        connections.setPaths(m_dir.filePath(QStringLiteral("filled-cache")), m_dir.filePath(QStringLiteral("filled-config")));
        connections.openLocal();
        QTRY_VERIFY_WITH_TIMEOUT(WelcomeSeeder::isDone(dataDir), 20000); // decided after the first sync
        client::CacheStore &cache = connections.workspace()->cache();
        QCOMPARE(cache.counts().projects, 1);
        QCOMPARE(cache.counts().outboxQueued, 0);
        QCOMPARE(cache.projects(10).rows.first().name, QStringLiteral("Made with the CLI"));
        embedded.stop();
    }

    void serverSignInAndReopen()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::TestServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY2(signupAllowed(server.baseUrl(), &error), qPrintable(error));
        const QString email = QStringLiteral("team@example.com");
        const QString password = QStringLiteral("correct horse battery");
        QVERIFY(signUpAccount(server.baseUrl(), email, password).ok);
        const AccountCallResult twice = signUpAccount(server.baseUrl(), email, password);
        QVERIFY(!twice.ok);
        QVERIFY2(twice.error.contains(QStringLiteral("already exists")), qPrintable(twice.error));

        UiContext context;
        ConnectionManager connections(&context, std::nullopt);
        connections.setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
        connections.setKeychainService(QStringLiteral("vesper-test-connection"));
        QSignalSpy finished(&connections, &ConnectionManager::signInFinished);
        connections.signIn(server.baseUrl(), email, QStringLiteral("wrong password"));
        QVERIFY(finished.wait(30000));
        QVERIFY(!finished.takeFirst().first().toString().isEmpty());
        QVERIFY(!connections.workspace());

        connections.signIn(server.baseUrl() + QStringLiteral("/"), email, password);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.takeFirst().first().toString(), QString());
        QVERIFY(!connections.isLocal());
        QCOMPARE(connections.serverUrl(), server.baseUrl());
        QCOMPARE(connections.workspace()->email(), email);
        QTRY_VERIFY_WITH_TIMEOUT(connections.workspace()->cache().profile().has_value(), 20000);
        QCOMPARE(QSettings().value(QStringLiteral("connection/last")).toString(), server.baseUrl());
        QVERIFY(connections.knownServers().contains(server.baseUrl()));

        // The next start: the server's cache opens at once, before any network call answers.
        UiContext next;
        ConnectionManager reopened(&next, std::nullopt);
        reopened.setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
        reopened.setKeychainService(QStringLiteral("vesper-test-connection"));
        reopened.setOffline(true);
        reopened.openLast();
        QVERIFY(reopened.workspace());
        QCOMPARE(reopened.serverUrl(), server.baseUrl());
        QVERIFY(reopened.workspace()->cache().profile().has_value());
        QSettings().setValue(QStringLiteral("connection/last"), QStringLiteral("local"));
    }

    // The owner's Members dialog lists the invitation just sent (read from the server) and withdraws it.
    void membersDialogListsAndWithdrawsInvitations()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::TestServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString password = QStringLiteral("correct horse battery");
        QVERIFY(signUpAccount(server.baseUrl(), QStringLiteral("owner@example.com"), password).ok);
        QVERIFY(signUpAccount(server.baseUrl(), QStringLiteral("guest@example.com"), password).ok);
        UiContext context;
        ConnectionManager connections(&context, std::nullopt);
        connections.setPaths(m_dir.filePath(QStringLiteral("members-cache")), m_dir.filePath(QStringLiteral("members-config")));
        connections.setKeychainService(QStringLiteral("vesper-test-members"));
        QSignalSpy finished(&connections, &ConnectionManager::signInFinished);
        connections.signIn(server.baseUrl(), QStringLiteral("owner@example.com"), password);
        QVERIFY(finished.wait(30000));
        client::Workspace *workspace = connections.workspace();
        QVERIFY(workspace);
        const client::OutboxWrite project = workspace->outbox().createProject(QStringLiteral("Shared posters"));
        QVERIFY(project.ok());
        context.submitWrites();
        QTRY_VERIFY_WITH_TIMEOUT(workspace->cache().counts().pendingRows == 0 && workspace->cache().counts().projects == 1, 20000);
        const QString projectId = workspace->cache().projects(10).rows.value(0).id;

        MembersDialog dialog(&context, projectId, QStringLiteral("Shared posters"));
        auto *list = dialog.findChild<QTreeWidget *>();
        auto *email = dialog.findChild<QLineEdit *>();
        QPushButton *add = nullptr;
        QPushButton *remove = nullptr;
        for (QPushButton *button : dialog.findChildren<QPushButton *>()) {
            if (button->text() == QLatin1String("Add"))
                add = button;
            if (button->text() == QLatin1String("Remove"))
                remove = button;
        }
        QVERIFY(list && email && add && remove);
        email->setText(QStringLiteral("guest@example.com"));
        add->click();
        QTRY_VERIFY_WITH_TIMEOUT(list->topLevelItemCount() == 1 && list->topLevelItem(0)->text(1) == QLatin1String("guest@example.com"), 20000);
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("Invited, not answered"));
        list->setCurrentItem(list->topLevelItem(0));
        list->topLevelItem(0)->setSelected(true);
        QVERIFY(remove->isEnabled());
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(workspace->api().projectInvitations(projectId).value.isEmpty(), 20000);
        QCOMPARE(list->topLevelItemCount(), 0);
    }

    // With no paths set, the app's workspace and vesper-cli's (run as a user runs it, no --cache-dir)
    // open the same folder under $XDG_CACHE_HOME/vesper and read the same known accounts.
    void appAndCliOpenOneCache()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::TestServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString email = QStringLiteral("shared-cache@example.com");
        const QString password = QStringLiteral("correct horse battery");
        QVERIFY(signUpAccount(server.baseUrl(), email, password).ok);
        const QString xdgCache = m_dir.filePath(QStringLiteral("xdg-cache"));
        const QString xdgConfig = m_dir.filePath(QStringLiteral("xdg-config"));
        qputenv("XDG_CACHE_HOME", xdgCache.toUtf8());
        qputenv("XDG_CONFIG_HOME", xdgConfig.toUtf8());
        const auto restoreEnv = qScopeGuard([] {
            qunsetenv("XDG_CACHE_HOME");
            qunsetenv("XDG_CONFIG_HOME");
        });

        UiContext context;
        ConnectionManager connections(&context, std::nullopt); // no setPaths: the defaults
        connections.setKeychainService(QStringLiteral("vesper-test-shared"));
        QSignalSpy finished(&connections, &ConnectionManager::signInFinished);
        connections.signIn(server.baseUrl(), email, password);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.takeFirst().first().toString(), QString());
        const QString appCache = connections.workspace()->cacheDir();
        QVERIFY2(appCache.startsWith(xdgCache + QStringLiteral("/vesper/")), qPrintable(appCache));
        QTRY_VERIFY_WITH_TIMEOUT(connections.workspace()->cache().profile().has_value(), 20000);

        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), xdgCache);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), xdgConfig);
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(VESPER_CLI_BIN), {QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("--server"),
                                                   server.baseUrl(), QStringLiteral("status")});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QJsonObject status = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QCOMPARE(status.value(QStringLiteral("cacheDir")).toString(), appCache);
        QSettings().setValue(QStringLiteral("connection/last"), QStringLiteral("local"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestConnection)
#include "tst_connection.moc"
