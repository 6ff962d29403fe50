// ThumbnailCache against a real vesper-server with sketch outputs: memory and disk hits without a
// fetch, a restart that finds the disk tier, the byte bound evicting the least recently used, dropped
// requests never fetched (and newest first), tombstones removing files, prefetch that resumes, and
// broken bytes, missing pictures and damaged files handled without a crash or a fetch loop.
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/memorythumbnailcache.h"
#include "client/thumbnails/thumbnailcache.h"
#include "curlthumbnailfetch.h"
#include "generationfixture.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSemaphore>
#include <QSignalSpy>
#include <QLockFile>
#include <QProcess>
#include <QTemporaryDir>
#include <sys/wait.h>
#include <unistd.h>
#include <QTest>
#include <QUuid>

using namespace vesper::client;
using namespace vesper::test;

class TestThumbnailCache : public QObject {
    Q_OBJECT

private:
    GenerationFixture m_f;
    QStringList m_outputs; // 8 distinct sketch pictures, 16:9 at 512 (thumbnails 512x288)

    ThumbnailFetchFunction fetchFor(const std::shared_ptr<FetchLog> &log)
    {
        return curlThumbnailFetch(m_f.server->baseUrl(), m_f.owner.accessToken, log);
    }
    /// Waits for the answer to outputId (ready or failed); the image, null when it failed.
    static QImage waitFor(ThumbnailCache &cache, const QString &outputId, QString *failure = nullptr);

private Q_SLOTS:
    void initTestCase();
    void requestThenMemoryHit();
    void restartFindsDisk();
    void diskBoundEvictsLeastRecentlyUsed();
    void droppedRequestsAreNeverFetched();
    void removeDeletesFiles();
    void prefetchResumes();
    void prefetchHonoursRetryAfter();
    void brokenBytesFailOnce();
    void missingPictureFails();
    void damagedFileIsFetchedAgain();
    void noDiskTier();
    void memoryTierEvictsByBytes();
    void oneStorePerFolder();
    void openFromAnotherProcess();
};

QImage TestThumbnailCache::waitFor(ThumbnailCache &cache, const QString &outputId, QString *failure)
{
    QImage result;
    bool answered = false;
    QMetaObject::Connection ready = connect(&cache, &ThumbnailCache::thumbnailReady, &cache,
                                            [&](const QString &id, const QString &, const QImage &image) {
                                                if (id == outputId) { result = image; answered = true; }
                                            });
    QMetaObject::Connection failed = connect(&cache, &ThumbnailCache::thumbnailFailed, &cache,
                                             [&](const QString &id, const QString &, const QString &reason) {
                                                 if (id == outputId) { answered = true; if (failure) *failure = reason; }
                                             });
    QElapsedTimer timer;
    timer.start();
    while (!answered && timer.elapsed() < 20000)
        QTest::qWait(5);
    if (!answered)
        qWarning("no answer for %s", qPrintable(outputId));
    disconnect(ready);
    disconnect(failed);
    return result;
}

void TestThumbnailCache::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_f.start({{QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")}},
                       &reason),
             qPrintable(reason));
    for (const QString &prompt : {QStringLiteral("a lighthouse at dusk"), QStringLiteral("a red fox in snow")}) {
        const Reply accepted = m_f.client->post(QStringLiteral("/api/generate"),
                                                generateBody(m_f.sessionId, newClientId(), 4, QStringLiteral("16:9"),
                                                             QStringLiteral("512"), QStringLiteral("sketch"), prompt),
                                                m_f.owner.accessToken);
        QCOMPARE(accepted.status, 202);
        const QJsonObject done = m_f.waitFinished(m_f.owner, accepted.json.value(QStringLiteral("id")).toString());
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        for (const QJsonValue &output : done.value(QStringLiteral("outputs")).toArray())
            m_outputs << output.toObject().value(QStringLiteral("id")).toString();
    }
    QCOMPARE(m_outputs.size(), 8);
}

void TestThumbnailCache::requestThenMemoryHit()
{
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    ThumbnailCache cache(fetchFor(log), {dir.path()});
    QVERIFY(cache.hasDiskTier());
    QVERIFY(cache.cached(m_outputs[0]).isNull());
    cache.request(m_outputs[0]);
    const QImage image = waitFor(cache, m_outputs[0]);
    QCOMPARE(image.size(), QSize(512, 288));
    QCOMPARE(log->calls.load(), 1);
    QCOMPARE(cache.cached(m_outputs[0]).size(), QSize(512, 288));
    QVERIFY(cache.memoryBytes() >= image.sizeInBytes());
    QVERIFY(cache.diskBytes() > 0);

    cache.request(m_outputs[0]); // a memory hit: answered, not fetched
    QCOMPARE(waitFor(cache, m_outputs[0]).size(), QSize(512, 288));
    QCOMPARE(log->calls.load(), 1);
}

void TestThumbnailCache::restartFindsDisk()
{
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    {
        ThumbnailCache cache(fetchFor(log), {dir.path()});
        cache.request(m_outputs[1]);
        QVERIFY(!waitFor(cache, m_outputs[1]).isNull());
    }
    QCOMPARE(log->calls.load(), 1);
    ThumbnailCache again(fetchFor(log), {dir.path()});
    QVERIFY(again.cached(m_outputs[1]).isNull()); // memory starts empty
    QCOMPARE(again.diskStore()->entryCount(), 1);
    again.request(m_outputs[1]);
    QCOMPARE(waitFor(again, m_outputs[1]).size(), QSize(512, 288));
    QCOMPARE(log->calls.load(), 1);
}

void TestThumbnailCache::diskBoundEvictsLeastRecentlyUsed()
{
    // The sizes of three thumbnails, so the bound holds any two but not all three.
    ThumbnailFetchFunction fetch = fetchFor(nullptr);
    qint64 sizes[3];
    QSet<QByteArray> distinct;
    for (int i = 0; i < 3; ++i) {
        const ThumbnailFetch f = fetch(m_outputs[i], ThumbnailCache::Thumb);
        QVERIFY(f.ok());
        sizes[i] = f.bytes.size();
        distinct.insert(f.bytes);
    }
    QCOMPARE(distinct.size(), 3);
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    ThumbnailCacheOptions options{dir.path()};
    options.diskBudgetBytes = sizes[0] + sizes[1] + sizes[2] - 1;
    options.memoryBudgetBytes = 1; // no memory tier, so every second request reads the disk
    ThumbnailCache cache(fetchFor(log), options);
    for (int i : {0, 1, 0, 2}) { // 0 is used again after 1, so 1 is the least recently used
        cache.request(m_outputs[i]);
        QVERIFY(!waitFor(cache, m_outputs[i]).isNull());
    }
    QCOMPARE(log->calls.load(), 3);
    DiskThumbnailStore *disk = cache.diskStore();
    QVERIFY(disk->contains({m_outputs[0], ThumbnailCache::Thumb}));
    QVERIFY(!disk->contains({m_outputs[1], ThumbnailCache::Thumb}));
    QVERIFY(disk->contains({m_outputs[2], ThumbnailCache::Thumb}));
    QCOMPARE(disk->totalBytes(), sizes[0] + sizes[2]);
    QVERIFY(disk->totalBytes() <= options.diskBudgetBytes);

    // The evicted file is gone from the folder, and the index says the same after a restart.
    qint64 onDisk = 0;
    QDirIterator files(dir.path() + QStringLiteral("/objects"), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        onDisk += files.fileInfo().size();
    }
    QCOMPARE(onDisk, sizes[0] + sizes[2]);
    DiskThumbnailStore reopened(dir.path(), options.diskBudgetBytes);
    QVERIFY(reopened.open(nullptr));
    QCOMPARE(reopened.entryCount(), 2);
    QVERIFY(!reopened.contains({m_outputs[1], ThumbnailCache::Thumb}));
}

void TestThumbnailCache::droppedRequestsAreNeverFetched()
{
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    ThumbnailFetchFunction real = fetchFor(log);
    auto gate = std::make_shared<QSemaphore>(0);
    auto first = std::make_shared<std::atomic<bool>>(true);
    ThumbnailCacheOptions options{dir.path()};
    options.maxConcurrentLoads = 1;
    ThumbnailCache cache([real, gate, first](const QString &id, const QString &variant) {
        if (first->exchange(false))
            gate->acquire(); // holds the only worker until the other requests are queued
        return real(id, variant);
    }, options);
    cache.request(m_outputs[0]);
    QTRY_COMPARE(cache.inFlightCount(), 1);
    for (int i = 1; i <= 5; ++i)
        cache.request(m_outputs[i]);
    QCOMPARE(cache.pendingCount(), 5);
    cache.setWanted({m_outputs[0], m_outputs[2], m_outputs[4], m_outputs[5]});
    cache.cancelPending({m_outputs[5]});
    QCOMPARE(cache.pendingCount(), 2);
    QSignalSpy ready(&cache, &ThumbnailCache::thumbnailReady);
    gate->release();
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 3, 20000);
    QTRY_COMPARE(cache.inFlightCount(), 0);
    // Newest first: 4 was asked after 2.
    QCOMPARE(log->ids(), (QStringList{m_outputs[0], m_outputs[4], m_outputs[2]}));
}

void TestThumbnailCache::removeDeletesFiles()
{
    QTemporaryDir dir;
    ThumbnailCache cache(fetchFor(nullptr), {dir.path()});
    cache.request(m_outputs[3]);
    QVERIFY(!waitFor(cache, m_outputs[3]).isNull());
    const QString file = cache.diskStore()->filePathOf({m_outputs[3], ThumbnailCache::Thumb});
    QVERIFY(QFile::exists(file));
    cache.remove({m_outputs[3]});
    QVERIFY(!QFile::exists(file));
    QVERIFY(cache.cached(m_outputs[3]).isNull());
    QCOMPARE(cache.diskBytes(), 0);
    ThumbnailCache again(fetchFor(nullptr), {dir.path()});
    QCOMPARE(again.diskStore()->entryCount(), 0);
}

void TestThumbnailCache::prefetchResumes()
{
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    ThumbnailCache cache(fetchFor(log), {dir.path()});
    ThumbnailPrefetchJob *job = cache.prefetch(m_outputs);
    QSignalSpy started(job, &ThumbnailPrefetchJob::started);
    QSignalSpy progress(job, &ThumbnailPrefetchJob::progress);
    QSignalSpy finished(job, &ThumbnailPrefetchJob::finished);
    job->start();
    QCOMPARE(started.count(), 1);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().first().value<ThumbnailPrefetchJob::Error>(), ThumbnailPrefetchJob::Error::None);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toInt(), 8);
    QCOMPARE(progress.last().at(1).toInt(), 8);
    QVERIFY(progress.last().at(2).toLongLong() > 0);
    QCOMPARE(job->fetchedCount(), 8);
    QCOMPARE(log->calls.load(), 8);
    QCOMPARE(cache.diskStore()->entryCount(), 8);
    QVERIFY(cache.cached(m_outputs[0]).isNull()); // downloaded, not decoded

    ThumbnailPrefetchJob *second = cache.prefetch(m_outputs);
    QSignalSpy finishedAgain(second, &ThumbnailPrefetchJob::finished);
    second->start();
    QVERIFY(finishedAgain.wait(30000));
    QCOMPARE(second->fetchedCount(), 0);
    QCOMPARE(second->skippedCount(), 8);
    QCOMPARE(second->done(), 8);
    QCOMPARE(log->calls.load(), 8);

    cache.request(m_outputs[7]); // offline now: from disk, no fetch
    QCOMPARE(waitFor(cache, m_outputs[7]).size(), QSize(512, 288));
    QCOMPARE(log->calls.load(), 8);
}

void TestThumbnailCache::prefetchHonoursRetryAfter()
{
    QTemporaryDir dir;
    ThumbnailFetchFunction real = fetchFor(nullptr);
    auto limited = std::make_shared<std::atomic<int>>(0);
    // The first answer is the server's 429 with Retry-After: 1, as a throttled server sends it.
    ThumbnailCache cache([real, limited](const QString &id, const QString &variant) {
        if (limited->fetch_add(1) == 0)
            return ThumbnailFetch{{}, {}, ThumbnailFetch::Error::RateLimited, 429, 1, QString()};
        return real(id, variant);
    }, {dir.path()});
    ThumbnailPrefetchJob *job = cache.prefetch(m_outputs.mid(0, 4));
    QSignalSpy finished(job, &ThumbnailPrefetchJob::finished);
    QElapsedTimer timer;
    timer.start();
    job->start();
    QVERIFY(finished.wait(30000));
    QVERIFY2(timer.elapsed() >= 900, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(job->error(), ThumbnailPrefetchJob::Error::None);
    QCOMPARE(job->rateLimitedCount(), 1);
    QCOMPARE(job->fetchedCount(), 4);
    QCOMPARE(cache.diskStore()->entryCount(), 4);
}

void TestThumbnailCache::brokenBytesFailOnce()
{
    QTemporaryDir dir;
    auto calls = std::make_shared<std::atomic<int>>(0);
    ThumbnailFetchFunction real = fetchFor(nullptr);
    ThumbnailCache cache([real, calls](const QString &id, const QString &variant) {
        ++*calls;
        ThumbnailFetch f = real(id, variant);
        f.bytes = f.bytes.left(f.bytes.size() / 3) + QByteArray(64, '\xff'); // a cut-off stream
        return f;
    }, {dir.path()});
    QString reason;
    cache.request(m_outputs[5]);
    QVERIFY(waitFor(cache, m_outputs[5], &reason).isNull());
    QVERIFY2(reason.contains(QStringLiteral("not a readable image")), qPrintable(reason));
    QCOMPARE(calls->load(), 1);
    QCOMPARE(cache.diskStore()->entryCount(), 0); // bytes that do not decode are not kept
    cache.request(m_outputs[5]); // failed a moment ago: answered without another fetch
    QVERIFY(waitFor(cache, m_outputs[5]).isNull());
    QCOMPARE(calls->load(), 1);
}

void TestThumbnailCache::missingPictureFails()
{
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    ThumbnailCache cache(fetchFor(log), {dir.path()});
    const QString missing = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString reason;
    cache.request(missing);
    QVERIFY(waitFor(cache, missing, &reason).isNull());
    QVERIFY(!reason.isEmpty());
    cache.request(missing);
    QVERIFY(waitFor(cache, missing).isNull());
    QCOMPARE(log->calls.load(), 1);

    ThumbnailPrefetchJob *job = cache.prefetch({m_outputs[0], missing});
    QSignalSpy finished(job, &ThumbnailPrefetchJob::finished);
    job->start();
    QVERIFY(finished.wait(30000));
    QCOMPARE(job->error(), ThumbnailPrefetchJob::Error::SomeFailed);
    QCOMPARE(job->failedCount(), 1);
    QCOMPARE(job->fetchedCount(), 1);
    QVERIFY(!job->errorText().isEmpty());
}

void TestThumbnailCache::damagedFileIsFetchedAgain()
{
    QTemporaryDir dir;
    auto log = std::make_shared<FetchLog>();
    QString file;
    {
        ThumbnailCache cache(fetchFor(log), {dir.path()});
        cache.request(m_outputs[6]);
        QVERIFY(!waitFor(cache, m_outputs[6]).isNull());
        file = cache.diskStore()->filePathOf({m_outputs[6], ThumbnailCache::Thumb});
    }
    QFile damaged(file);
    const qint64 intactSize = damaged.size();
    QVERIFY(damaged.open(QIODevice::ReadWrite));
    QVERIFY(damaged.resize(damaged.size() / 2)); // truncated, as after a crash or a full disk
    damaged.close();
    ThumbnailCache cache(fetchFor(log), {dir.path()});
    cache.request(m_outputs[6]);
    QCOMPARE(waitFor(cache, m_outputs[6]).size(), QSize(512, 288));
    QCOMPARE(log->calls.load(), 2);
    QCOMPARE(QFileInfo(cache.diskStore()->filePathOf({m_outputs[6], ThumbnailCache::Thumb})).size(), intactSize);
    ThumbnailCache third(fetchFor(log), {dir.path()});
    third.request(m_outputs[6]);
    QVERIFY(!waitFor(third, m_outputs[6]).isNull());
    QCOMPARE(log->calls.load(), 2); // the fresh copy is intact
}

void TestThumbnailCache::noDiskTier()
{
    auto log = std::make_shared<FetchLog>();
    ThumbnailCache cache(fetchFor(log), {QString()});
    QVERIFY(!cache.hasDiskTier());
    cache.request(m_outputs[2]);
    QCOMPARE(waitFor(cache, m_outputs[2]).size(), QSize(512, 288));
    ThumbnailPrefetchJob *job = cache.prefetch(m_outputs);
    QSignalSpy finished(job, &ThumbnailPrefetchJob::finished);
    job->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(job->fetchedCount(), 0);
    QCOMPARE(log->calls.load(), 1);
}

// The memory tier is bounded in bytes, not pictures: 1 MiB thumbnails in a 3.5 MiB tier keep three,
// the least recently used goes first, small ones fit many to the same budget, and one larger than
// the whole budget is not kept. The default is the 128 MiB the README's gallery figures justify.
void TestThumbnailCache::memoryTierEvictsByBytes()
{
    QCOMPARE(ThumbnailCacheOptions().memoryBudgetBytes, 128LL << 20);
    const qint64 budget = (7LL << 20) / 2;
    MemoryThumbnailCache memory(budget);
    const auto picture = [](int side) {
        QImage image(side, side, QImage::Format_ARGB32);
        image.fill(Qt::darkCyan);
        return image;
    };
    const auto key = [](int i) { return ThumbnailKey{QStringLiteral("out-%1").arg(i), ThumbnailCache::Thumb}; };
    QCOMPARE(picture(512).sizeInBytes(), qsizetype(1) << 20);
    for (int i = 0; i < 3; ++i)
        memory.insert(key(i), picture(512));
    QCOMPARE(memory.totalBytes(), 3LL << 20);
    QVERIFY(!memory.find(key(0)).isNull()); // 0 is now the most recently used; 1 the least
    memory.insert(key(3), picture(512));
    QVERIFY(memory.totalBytes() <= budget);
    QVERIFY(!memory.contains(key(1)));
    QVERIFY(memory.contains(key(0)) && memory.contains(key(2)) && memory.contains(key(3)));

    // A quarter-size picture costs a sixteenth: the same budget holds far more of them.
    MemoryThumbnailCache small(budget);
    for (int i = 0; i < 40; ++i)
        small.insert(key(i), picture(128));
    QCOMPARE(small.totalBytes(), 40LL * 128 * 128 * 4);
    QVERIFY(small.contains(key(0)));

    memory.insert(key(9), picture(1024)); // 4 MiB: more than the whole tier
    QVERIFY(!memory.contains(key(9)));
    QVERIFY(memory.totalBytes() <= budget);
}

// The app and vesper-cli share a cache folder: one process's disk store has it at a time (a second
// index over the same journal would lose entries); another process's opener is refused and says
// why; a lock left by a process that died is taken over.
void TestThumbnailCache::oneStorePerFolder()
{
    QTemporaryDir dir;
    const ThumbnailKey key{m_outputs[0], ThumbnailCache::Thumb};
    // This test binary again, running only openFromAnotherProcess on the folder: its exit code.
    const auto openInAnotherProcess = [&](const QString &expect) {
        QProcess other;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VESPER_TEST_STORE_DIR"), dir.path());
        env.insert(QStringLiteral("VESPER_TEST_STORE_EXPECT"), expect);
        env.insert(QStringLiteral("VESPER_TEST_STORE_KEY"), key.outputId);
        other.setProcessEnvironment(env);
        other.start(QCoreApplication::applicationFilePath(), {QStringLiteral("openFromAnotherProcess")});
        if (!other.waitForFinished(30000))
            return -1;
        if (other.exitCode() != 0)
            qWarning().noquote() << other.readAllStandardOutput();
        return other.exitCode();
    };
    auto first = std::make_unique<DiskThumbnailStore>(dir.path(), 1 << 20);
    QString error;
    QVERIFY2(first->open(&error), qPrintable(error));
    QVERIFY(first->put(key, QByteArrayLiteral("the first store's bytes")));
    QCOMPARE(openInAnotherProcess(QStringLiteral("refused")), 0);
    {
        DiskThumbnailStore sameProcess(dir.path(), 1 << 20); // shares this process's lock
        QVERIFY2(sameProcess.open(&error), qPrintable(error));
    }
    QCOMPARE(openInAnotherProcess(QStringLiteral("refused")), 0); // still held by the first
    first.reset();
    QCOMPARE(openInAnotherProcess(QStringLiteral("opened")), 0); // let go: opened, journal whole

    // A process that took the lock and died without letting go (kill -9 or a crash).
    const pid_t child = fork();
    if (child == 0) {
        QLockFile lock(dir.filePath(QStringLiteral("store.lock")));
        lock.setStaleLockTime(0);
        _exit(lock.tryLock(0) ? 0 : 1); // no destructor runs: the lock file stays behind
    }
    int status = 0;
    QCOMPARE(waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("store.lock"))));
    DiskThumbnailStore afterCrash(dir.path(), 1 << 20);
    QVERIFY2(afterCrash.open(&error), qPrintable(error));
    QVERIFY(afterCrash.contains(key));
}

// The other process of oneStorePerFolder (skipped when run on its own).
void TestThumbnailCache::openFromAnotherProcess()
{
    const QString dir = qEnvironmentVariable("VESPER_TEST_STORE_DIR");
    if (dir.isEmpty())
        QSKIP("run by oneStorePerFolder");
    DiskThumbnailStore store(dir, 1 << 20);
    QString error;
    const bool opened = store.open(&error);
    if (qEnvironmentVariable("VESPER_TEST_STORE_EXPECT") == QLatin1String("refused")) {
        QVERIFY(!opened);
        QVERIFY2(error.contains(QStringLiteral("in use by another Vesper program")), qPrintable(error));
    } else {
        QVERIFY2(opened, qPrintable(error));
        QVERIFY(store.contains({qEnvironmentVariable("VESPER_TEST_STORE_KEY"), ThumbnailCache::Thumb}));
    }
}

QTEST_GUILESS_MAIN(TestThumbnailCache)
#include "tst_thumbnailcache.moc"
