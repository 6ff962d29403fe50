// The client's folders: with XDG_CACHE_HOME and XDG_CONFIG_HOME set, a workspace with default paths
// (what vesper-cli and the app both build) opens $XDG_CACHE_HOME/vesper/<host-port>-<user>/; an older
// app's cache folder is moved over whole (its unsent outbox entry still queued), one whose name is
// taken already stays where it was, and its known accounts are copied when missing.
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/workspace/clientfolders.h"
#include "client/workspace/knownaccounts.h"
#include "client/workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::client;

class TestClientFolders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("xdg-cache")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("xdg-config")).toUtf8());
    }

    void defaultsFollowXdg()
    {
        QCOMPARE(folders::cacheRoot(), m_dir.filePath(QStringLiteral("xdg-cache/vesper")));
        QCOMPARE(folders::configDir(), m_dir.filePath(QStringLiteral("xdg-config/vesper")));
        QCOMPARE(KnownAccounts::cacheFolder(folders::cacheRoot(), QStringLiteral("http://127.0.0.1:8787"), QStringLiteral("u/1")),
                 m_dir.filePath(QStringLiteral("xdg-cache/vesper/127.0.0.1-8787-u_1")));
    }

    void workspaceWithDefaultPathsOpensTheSharedFolder()
    {
        WorkspaceOptions options; // cacheRoot and configDir left empty, as vesper-cli and the app leave them
        options.serverUrl = QStringLiteral("http://127.0.0.1:9");
        options.fixedToken = QStringLiteral("not-a-real-token");
        options.fixedUserId = QStringLiteral("user-7");
        options.backgroundSync = false;
        Workspace workspace(options);
        const ApiError opened = workspace.open();
        QVERIFY2(opened.ok(), qPrintable(opened.message));
        QCOMPARE(workspace.cacheDir(), m_dir.filePath(QStringLiteral("xdg-cache/vesper/127.0.0.1-9-user-7")));
        QVERIFY(QFile::exists(workspace.cacheDir() + QStringLiteral("/cache.sqlite")));
        QCOMPARE(KnownAccounts(folders::configDir()).lastFor(options.serverUrl)->userId, QStringLiteral("user-7"));
    }

    void olderAppFoldersAreAdopted()
    {
        const QString oldCache = m_dir.filePath(QStringLiteral("old-cache/Vesper Studio/vesper"));
        const QString oldConfig = m_dir.filePath(QStringLiteral("old-config/Vesper Studio/vesper"));
        const QString newCache = m_dir.filePath(QStringLiteral("new-cache/vesper"));
        const QString newConfig = m_dir.filePath(QStringLiteral("new-config/vesper"));
        const QString account = KnownAccounts::cacheFolder(oldCache, QStringLiteral("https://team.example:8443"), QStringLiteral("u1"));
        {
            CacheDatabase database(account);
            QString error;
            QVERIFY2(database.open(&error), qPrintable(error));
            OutboxEntry entry;
            entry.kind = QStringLiteral("project.create");
            entry.method = "POST";
            entry.path = QStringLiteral("/api/projects");
            entry.body = R"({"name":"Made offline"})";
            entry.idempotencyKey = QStringLiteral("k-1");
            QVERIFY2(CacheStore(database).enqueueOutbox(entry, &error) > 0, qPrintable(error));
        }
        // The same account name under both roots: the new one wins, the old stays untouched.
        QVERIFY(QDir().mkpath(oldCache + QStringLiteral("/local-taken")));
        QVERIFY(QDir().mkpath(newCache + QStringLiteral("/local-taken")));
        KnownAccounts(oldConfig).remember(QStringLiteral("https://team.example:8443"), KnownAccount{QStringLiteral("a@example.com"), QStringLiteral("u1")});
        KnownAccounts(newConfig).remember(QStringLiteral("http://other:1"), KnownAccount{QStringLiteral("b@example.com"), QStringLiteral("u2")});

        const folders::AdoptReport report = folders::adoptOldFolders(oldCache, oldConfig, newCache, newConfig);
        const QString moved = QDir(newCache).filePath(QFileInfo(account).fileName());
        QVERIFY2(report.moved.contains(moved), qPrintable(report.moved.join(QLatin1Char(' '))));
        QCOMPARE(report.kept, QStringList{oldCache + QStringLiteral("/local-taken")});
        QVERIFY(!QFileInfo::exists(account));
        QVERIFY(QFileInfo::exists(oldCache + QStringLiteral("/local-taken")));
        {
            CacheDatabase database(moved);
            QString error;
            QVERIFY2(database.open(&error), qPrintable(error));
            const QList<OutboxEntry> pending = CacheStore(database).pendingOutbox();
            QCOMPARE(pending.size(), 1);
            QCOMPARE(pending.first().idempotencyKey, QStringLiteral("k-1"));
            QCOMPARE(pending.first().state, OutboxState::Queued);
        }
        KnownAccounts accounts(newConfig);
        QCOMPARE(accounts.lastFor(QStringLiteral("https://team.example:8443"))->email, QStringLiteral("a@example.com"));
        QCOMPARE(accounts.lastFor(QStringLiteral("http://other:1"))->email, QStringLiteral("b@example.com"));

        // A second start finds nothing more to move.
        const folders::AdoptReport again = folders::adoptOldFolders(oldCache, oldConfig, newCache, newConfig);
        QVERIFY(again.moved.isEmpty());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestClientFolders)
#include "tst_clientfolders.moc"
