// The client core put together as the app and the CLI use it (Workspace): a member's cache and its
// thumbnails on disk hold a shared project's images; when the owner revokes the membership, the next
// sync removes the project from the cache and the thumbnails from the disk. A session made private
// takes its thumbnails off the disk even in a later run that never showed a picture (the CLI, or the
// app before its first gallery paint): the tombstone reaches the disk tier without a ThumbnailCache.
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/sync/syncengine.h"
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/workspace.h"
#include "apifixtures.h"
#include "testclient.h"
#include "testserver.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
qint64 imageFilesUnder(const QString &dir)
{
    qint64 count = 0;
    // The pictures are the files under objects/ (beside them: the journal and the folder's lock).
    QDirIterator it(dir + QStringLiteral("/objects"), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}
} // namespace

class TestWorkspaceRevoke : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void revokedMembershipTakesThumbnailsOffDisk();
    void privateSessionTakesThumbnailsOffDiskInALaterRun();
};

void TestWorkspaceRevoke::revokedMembershipTakesThumbnailsOffDisk()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient admin(server.baseUrl());
    const TestUser owner = admin.signUp(QStringLiteral("owner@example.com"));
    const TestUser member = admin.signUp(QStringLiteral("member@example.com"));

    QTemporaryDir dir;
    WorkspaceOptions ownerOptions{server.baseUrl(), server.baseUrl(), owner.accessToken, owner.id, false,
                                  dir.path() + QStringLiteral("/owner-cache"), dir.path() + QStringLiteral("/owner-config")};
    Workspace ownerSide(ownerOptions);
    QVERIFY(ownerSide.open().ok());
    const ApiResult<Project> project = ownerSide.api().createProject(QStringLiteral("Shared"), {}, true);
    QVERIFY(project.ok());
    const ApiResult<QList<Session>> sessions = ownerSide.api().sessions(project.value.id);
    GenerateParams params;
    params.sessionId = sessions.value.first().id;
    params.modelId = QStringLiteral("sketch");
    params.prompt = QStringLiteral("shared lighthouse");
    params.resolution = QStringLiteral("512");
    params.numOutputs = 2;
    const ApiResult<GenerateReply> generated = ownerSide.api().generate(params);
    QVERIFY(generated.ok());
    QTRY_VERIFY_WITH_TIMEOUT(ownerSide.api().generation(generated.value.id).value.isFinished(), 30000);
    QCOMPARE(addMember(admin, owner, project.value.id, member, QStringLiteral("viewer")).status, 200); // invited and accepted

    WorkspaceOptions memberOptions{server.baseUrl(), server.baseUrl(), member.accessToken, member.id, false,
                                   dir.path() + QStringLiteral("/member-cache"), dir.path() + QStringLiteral("/member-config")};
    Workspace memberSide(memberOptions);
    QVERIFY(memberSide.open().ok());
    QVERIFY(memberSide.sync().syncNow().ok());
    const CachePage<Output> images = memberSide.cache().images(project.value.id, 50);
    QCOMPARE(images.rows.size(), 2);

    // The member's app shows them: fetched, decoded, and kept on disk.
    ThumbnailCache &thumbnails = memberSide.thumbnails();
    QVERIFY(thumbnails.hasDiskTier());
    QSignalSpy ready(&thumbnails, &ThumbnailCache::thumbnailReady);
    for (const Output &o : images.rows)
        thumbnails.request(o.id);
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 20000);
    const QString thumbDir = memberSide.cacheDir() + QStringLiteral("/thumbnails");
    QCOMPARE(imageFilesUnder(thumbDir), 2);

    // Revoked: the next sync takes the project, its rows and its pictures away.
    QVERIFY(ownerSide.api().removeMember(project.value.id, member.id).ok());
    QVERIFY(memberSide.sync().syncNow().ok());
    QVERIFY(!memberSide.cache().project(project.value.id));
    QVERIFY(memberSide.cache().images(project.value.id, 50).rows.isEmpty());
    QTRY_COMPARE(imageFilesUnder(thumbDir), 0);
    for (const Output &o : images.rows)
        QVERIFY(thumbnails.cached(o.id).isNull());
}

void TestWorkspaceRevoke::privateSessionTakesThumbnailsOffDiskInALaterRun()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient admin(server.baseUrl());
    const TestUser owner = admin.signUp(QStringLiteral("owner2@example.com"));
    const TestUser member = admin.signUp(QStringLiteral("member2@example.com"));

    QTemporaryDir dir;
    WorkspaceOptions ownerOptions{server.baseUrl(), server.baseUrl(), owner.accessToken, owner.id, false,
                                  dir.path() + QStringLiteral("/owner-cache"), dir.path() + QStringLiteral("/owner-config")};
    Workspace ownerSide(ownerOptions);
    QVERIFY(ownerSide.open().ok());
    const ApiResult<Project> project = ownerSide.api().createProject(QStringLiteral("Shared"), {}, true);
    QVERIFY(project.ok());
    const ApiResult<Session> hidden = ownerSide.api().createSession(project.value.id, QStringLiteral("to hide"));
    QVERIFY(hidden.ok());
    GenerateParams params;
    params.sessionId = hidden.value.id;
    params.modelId = QStringLiteral("sketch");
    params.prompt = QStringLiteral("a lighthouse soon private");
    params.resolution = QStringLiteral("512");
    params.numOutputs = 2;
    const ApiResult<GenerateReply> generated = ownerSide.api().generate(params);
    QVERIFY(generated.ok());
    QTRY_VERIFY_WITH_TIMEOUT(ownerSide.api().generation(generated.value.id).value.isFinished(), 30000);
    QCOMPARE(addMember(admin, owner, project.value.id, member, QStringLiteral("viewer")).status, 200);

    WorkspaceOptions memberOptions{server.baseUrl(), server.baseUrl(), member.accessToken, member.id, false,
                                   dir.path() + QStringLiteral("/member-cache"), dir.path() + QStringLiteral("/member-config")};
    QString thumbDir;
    QList<Output> outputs;
    {
        // The first run shows the session's pictures: they land on disk.
        Workspace memberSide(memberOptions);
        QVERIFY(memberSide.open().ok());
        QVERIFY(memberSide.sync().syncNow().ok());
        outputs = memberSide.cache().images(project.value.id, 50).rows;
        QCOMPARE(outputs.size(), 2);
        ThumbnailCache &thumbnails = memberSide.thumbnails();
        QSignalSpy ready(&thumbnails, &ThumbnailCache::thumbnailReady);
        for (const Output &o : outputs)
            thumbnails.request(o.id);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 20000);
        thumbDir = memberSide.cacheDir() + QStringLiteral("/thumbnails");
        QCOMPARE(imageFilesUnder(thumbDir), 2);
    }

    // Made private; the next run only syncs (as `vesper-cli sync` does) and never asks for a picture.
    QVERIFY(ownerSide.api().updateSession(hidden.value.id, QJsonObject{{QStringLiteral("isPrivate"), true}}).ok());
    Workspace later(memberOptions);
    QVERIFY(later.open().ok());
    QVERIFY(later.sync().syncNow().ok());
    QVERIFY(later.cache().images(project.value.id, 50).rows.isEmpty());
    QCOMPARE(imageFilesUnder(thumbDir), 0);
    const std::shared_ptr<DiskThumbnailStore> disk = later.diskThumbnails(false);
    QVERIFY(disk);
    QCOMPARE(disk->entryCount(), 0);
    for (const Output &o : outputs)
        QVERIFY(!disk->contains(ThumbnailKey{o.id, ThumbnailCache::Thumb}));
}

QTEST_GUILESS_MAIN(TestWorkspaceRevoke)
#include "tst_workspace_revoke.moc"
