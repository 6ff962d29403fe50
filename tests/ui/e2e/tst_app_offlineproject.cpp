// Settings ▸ Storage against a real team server (issue 11, "make this project available offline"):
// a project's pictures are downloaded from the Storage tab — every thumbnail and, within half the
// picture cache's budget, the full-size pictures — so after the server stops the full picture of
// each image still loads (what the viewer shows); with the server away, a change made meanwhile is
// counted in Clear cache's confirmation, which says it would be lost.
#include "client/cache/cachestore.h"
#include "client/sync/outbox.h"
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/workspace.h"
#include "generationfixture.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/studioviews.h"
#include "ui/app/uicontext.h"
#include "ui/settings/storagetab.h"

#include <QComboBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace vesper;
using namespace vesper::ui;

class TestAppOfflineProject : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-offline-project"));
    }

    void storageTabKeepsFullPicturesOffline()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::GenerationFixture fixture;
        QVERIFY2(fixture.start({}, &reason), qPrintable(reason));
        // Two finished generations of two 512-pixel images each, made before the app signs in.
        for (int i = 0; i < 2; ++i) {
            const test::Reply accepted = fixture.client->post(QStringLiteral("/api/generate"),
                test::generateBody(fixture.sessionId, test::newClientId(), 2), fixture.owner.accessToken);
            QCOMPARE(accepted.status, 202);
            const QJsonObject done = fixture.waitFinished(fixture.owner, accepted.json.value(QStringLiteral("id")).toString());
            QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        }

        auto window = std::make_unique<MainWindow>(std::nullopt);
        installStudioViews(window.get());
        ConnectionManager *connections = window->connections();
        connections->setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
        connections->setKeychainService(QStringLiteral("vesper-test-offline-project"));
        QSignalSpy signedIn(connections, &ConnectionManager::signInFinished);
        connections->signIn(fixture.server->baseUrl(), fixture.owner.email, fixture.owner.password);
        QVERIFY(signedIn.wait(30000));
        QCOMPARE(signedIn.first().first().toString(), QString());
        client::Workspace *workspace = connections->workspace();
        QVERIFY(workspace);
        QTRY_VERIFY_WITH_TIMEOUT(workspace->cache().counts().outputs >= 4, 30000);

        // ---- Settings ▸ Storage: pick the project, Make Available Offline; progress, then a note.
        StorageTab storage(connections);
        QComboBox *picker = storage.offlineProjectPicker();
        QVERIFY(picker->isEnabled());
        const int row = picker->findData(fixture.projectId);
        QVERIFY(row >= 0);
        picker->setCurrentIndex(row);
        QSignalSpy progressed(connections, &ConnectionManager::prefetchProgress);
        QSignalSpy finished(connections, &ConnectionManager::prefetchFinished);
        QTest::mouseClick(storage.offlineButton(), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toInt(), 4); // images
        QCOMPARE(finished.first().at(1).toInt(), 4); // at full size: well within half of 2 GiB
        QCOMPARE(finished.first().at(2).toInt(), 0); // failed
        QVERIFY(!progressed.isEmpty());
        QCOMPARE(progressed.last().at(0).toInt(), 8); // 4 thumbnails + 4 full-size pictures
        client::ThumbnailCache &thumbnails = workspace->thumbnails();
        const QList<Output> images = workspace->cache().images(fixture.projectId, 10).rows;
        QCOMPARE(images.size(), 4);
        for (const Output &output : images) {
            QVERIFY(thumbnails.diskStore()->contains({output.id, client::ThumbnailCache::Thumb}));
            QVERIFY(thumbnails.diskStore()->contains({output.id, QStringLiteral("full")}));
        }

        // ---- The server goes away: the full picture still loads, at its own size, from disk.
        fixture.server->stop();
        QSignalSpy ready(&thumbnails, &client::ThumbnailCache::thumbnailReady);
        QSignalSpy failed(&thumbnails, &client::ThumbnailCache::thumbnailFailed);
        thumbnails.request(images.first().id, QStringLiteral("full"));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 10000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(2).toString()));
        QCOMPARE(ready.first().at(1).toString(), QStringLiteral("full"));
        QCOMPARE(ready.first().at(2).value<QImage>().width(), images.first().width.value_or(-1));

        // ---- A rename made offline waits in the outbox; Clear cache's question says it would be lost.
        QVERIFY(!storage.clearQuestion().contains(QStringLiteral("will be lost")));
        const client::OutboxWrite renamed = workspace->outbox().updateProject(fixture.projectId, QJsonObject{{QStringLiteral("name"), QStringLiteral("Coast, offline")}}, {});
        QVERIFY(renamed.ok());
        QVERIFY2(storage.clearQuestion().contains(QStringLiteral("1 change(s) made here have not reached the server and will be lost")),
                 qPrintable(storage.clearQuestion()));
        window.reset();
    }
};

QTEST_MAIN(TestAppOfflineProject)
#include "tst_app_offlineproject.moc"
