// The status bar against a real vesper-server: online with the account's credits after a sync; the
// server stops and the HTTP client's breaker takes the bar to "Offline"; the server returns on the
// same port and the probe brings it back online. Writes queued meanwhile show as waiting.
#include "client/net/httpclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"
#include "testserver.h"
#include "ui/app/accountcalls.h"
#include "ui/app/statusindicator.h"
#include "ui/app/uicontext.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace vesper;

class TestStatusIndicator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void offlineWhenServerStopsAndBack()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::TestServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString email = QStringLiteral("status@example.com");
        const QString password = QStringLiteral("correct horse battery");
        const ui::AccountCallResult signedUp = ui::signUpAccount(server.baseUrl(), email, password);
        QVERIFY2(signedUp.ok, qPrintable(signedUp.error));

        QTemporaryDir dir;
        client::WorkspaceOptions options;
        options.serverUrl = server.baseUrl();
        options.cacheRoot = dir.filePath(QStringLiteral("cache"));
        options.configDir = dir.filePath(QStringLiteral("config"));
        options.keychainService = QStringLiteral("vesper-test-status");
        client::Workspace workspace(options);
        const client::ApiError signedIn = workspace.signIn(email, password);
        QVERIFY2(signedIn.ok(), qPrintable(client::describe(signedIn)));
        workspace.http().setProbeUrl(server.baseUrl() + QStringLiteral("/healthz"));

        ui::UiContext context;
        context.setWorkspace(&workspace, false);
        ui::StatusIndicator indicator(&context);
        QVERIFY(indicator.isOnline());
        QVERIFY2(indicator.connectionText().startsWith(QStringLiteral("Online")), qPrintable(indicator.connectionText()));

        workspace.sync().requestSync();
        QTRY_VERIFY_WITH_TIMEOUT(indicator.creditsText().contains(QStringLiteral("credits")), 20000);

        server.stop();
        // Calls fail while the server is gone: the breaker opens after a few transport failures.
        QTRY_VERIFY_WITH_TIMEOUT((workspace.sync().requestSync(), !indicator.isOnline()), 60000);
        QVERIFY2(indicator.connectionText().startsWith(QStringLiteral("Offline")), qPrintable(indicator.connectionText()));

        // A write made offline is counted as waiting.
        QVERIFY(workspace.outbox().createProject(QStringLiteral("Made offline")).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!indicator.pendingText().isEmpty(), 5000);

        QVERIFY2(server.start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(server.port())}), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(indicator.isOnline(), 60000);
        QVERIFY2(indicator.connectionText().startsWith(QStringLiteral("Online")), qPrintable(indicator.connectionText()));

        // Sent once back online: nothing waits any more.
        context.submitWrites();
        QTRY_VERIFY_WITH_TIMEOUT(indicator.pendingText().isEmpty(), 30000);
        QVERIFY(indicator.failedText().isEmpty());
        context.setWorkspace(nullptr, false);
    }
};

QTEST_MAIN(TestStatusIndicator)
#include "tst_statusindicator.moc"
