// bench_thumbnails: ThumbnailCache against a real vesper-server on loopback. (1) a memory hit
// (target <= 50 us) against a bare QHash lookup; (2) a disk hit including hash check and decode
// (target <= 3 ms) for the server's 512-pixel WebP thumbnail and the same picture as PNG, against
// decoding the same bytes from memory; (3) an offline prefetch of --count thumbnails (thumbnails/s,
// fetch latency p50/p95/p99, 429 answers) against sequential fetches on one connection, then the same
// prefetch again (everything skipped). The server runs with VESPER_RATE_LIMIT=--rate-limit (0 = off).
#include "latency.h"

#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/thumbnails/thumbnailloader.h"
#include "curlthumbnailfetch.h"
#include "generationfixture.h"
#include "testdata.h"

#include <QBuffer>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QCoreApplication>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>

using namespace vesper::bench;
using namespace vesper::client;
using namespace vesper::test;

namespace {

void row(const char *name, const Latency &l, double baselineP50Ms = 0)
{
    std::printf("  %-38s p50 %9.4f ms  p95 %9.4f ms  p99 %9.4f ms", name, l.percentileMs(0.5), l.percentileMs(0.95),
                l.percentileMs(0.99));
    if (baselineP50Ms > 0)
        std::printf("  (x%.1f baseline p50)", l.percentileMs(0.5) / baselineP50Ms);
    std::printf("\n");
}

double loadAverage()
{
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

template <class F>
Latency measure(int runs, F &&f)
{
    Latency l;
    QElapsedTimer t;
    for (int i = 0; i < runs; ++i) {
        t.start();
        f(i);
        l.add(t.nsecsElapsed());
    }
    return l;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("count"), QStringLiteral("Thumbnails to prefetch (default 10000)."), QStringLiteral("n"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs of the hit benchmarks (default 2000)."), QStringLiteral("n"), QStringLiteral("2000")});
    parser.addOption({QStringLiteral("rate-limit"), QStringLiteral("The server's VESPER_RATE_LIMIT per minute (default 0: off; the server's own default is 1200)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("parallelism"), QStringLiteral("Prefetch downloads at once (default 6)."), QStringLiteral("n"), QStringLiteral("6")});
    parser.process(app);
    const int count = parser.value(QStringLiteral("count")).toInt();
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    const QString rateLimit = parser.value(QStringLiteral("rate-limit"));

    // A real server with 8 sketch pictures (the real thumbnails) and `count` more outputs whose
    // thumbnail files are those bytes plus a unique tail, so every one is a distinct file on disk.
    qputenv("VESPER_TEST_DIALECT", "sqlite");
    GenerationFixture f;
    QString error;
    if (!f.start({{QStringLiteral("VESPER_RATE_LIMIT"), rateLimit}, {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("0")},
                  {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")}}, &error)) {
        std::fprintf(stderr, "server: %s\n", qPrintable(error));
        return 1;
    }
    QStringList real;
    for (const QString &prompt : {QStringLiteral("a lighthouse at dusk"), QStringLiteral("a red fox in snow")}) {
        const Reply accepted = f.client->post(QStringLiteral("/api/generate"),
                                              generateBody(f.sessionId, newClientId(), 4, QStringLiteral("1:1"), QStringLiteral("1024"),
                                                           QStringLiteral("sketch"), prompt), f.owner.accessToken);
        const QJsonObject done = f.waitFinished(f.owner, accepted.json.value(QStringLiteral("id")).toString(), 120000);
        for (const QJsonValue &o : done.value(QStringLiteral("outputs")).toArray())
            real << o.toObject().value(QStringLiteral("id")).toString();
    }
    if (real.size() != 8) {
        std::fprintf(stderr, "sketch outputs missing\n%s\n", qPrintable(f.serverLog()));
        return 1;
    }
    auto log = std::make_shared<FetchLog>();
    const ThumbnailFetchFunction fetch = curlThumbnailFetch(f.server->baseUrl(), f.owner.accessToken, log);
    QList<QByteArray> thumbs;
    for (const QString &id : real)
        thumbs << fetch(id, ThumbnailCache::Thumb).bytes;

    QList<GenerationRow> generations;
    QList<OutputRow> outputs;
    for (int g = 0; g < (count + 3) / 4; ++g) {
        GenerationRow gen;
        gen.sessionId = f.sessionId;
        gen.projectId = f.projectId;
        gen.userId = f.owner.id;
        generations << gen;
    }
    if (!f.data->insert(generations)) {
        std::fprintf(stderr, "insert: %s\n", qPrintable(f.data->lastError()));
        return 1;
    }
    for (int i = 0; i < count; ++i) {
        OutputRow o;
        o.generationId = generations[i / 4].id;
        o.sessionId = f.sessionId;
        o.projectId = f.projectId;
        outputs << o;
    }
    QList<GenerationRow> none;
    if (!f.data->insert(none, outputs) || !f.data->exec(QStringLiteral("UPDATE outputs SET sha256 = 'bench' WHERE storage_key LIKE 'test/%'"))) {
        std::fprintf(stderr, "insert: %s\n", qPrintable(f.data->lastError()));
        return 1;
    }
    QStringList ids;
    qint64 seededBytes = 0;
    const QString storage = f.server->dataDir() + QStringLiteral("/storage/");
    for (int i = 0; i < count; ++i) {
        const OutputRow &o = outputs[i];
        const QString path = storage + QStringLiteral("test/%1/%2.thumb.webp").arg(o.generationId, o.id);
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        const QByteArray bytes = thumbs[i % thumbs.size()] + o.id.toLatin1();
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            return 1;
        seededBytes += bytes.size();
        ids << o.id;
    }
    qint64 thumbBytes = 0;
    for (const QByteArray &t : thumbs)
        thumbBytes += t.size();
    std::printf("bench_thumbnails: %d thumbnails seeded (%.1f KiB average, WebP 512 px), rate limit %s/min, load %.2f\n",
                count, double(seededBytes) / count / 1024, qPrintable(rateLimit), loadAverage());

    // (1) Memory hit.
    {
        ThumbnailCache cache(fetch, {QString()});
        QHash<QString, QImage> baseline;
        for (const QString &id : real) {
            cache.request(id);
            baseline.insert(id, ThumbnailLoader::decode(fetch(id, ThumbnailCache::Thumb).bytes, nullptr));
        }
        QSignalSpy ready(&cache, &ThumbnailCache::thumbnailReady);
        while (ready.count() < real.size() && ready.wait(20000)) {
        }
        qint64 sink = 0;
        const Latency base = measure(runs, [&](int i) { sink += baseline.value(real[i % 8]).width(); });
        const Latency hit = measure(runs, [&](int i) { sink += cache.cached(real[i % 8]).width(); });
        std::printf("memory hit (target p95 <= 0.050 ms), %d runs:\n", runs);
        row("QHash<QString,QImage> lookup (baseline)", base);
        row("ThumbnailCache::cached", hit, base.percentileMs(0.5));
        if (sink == 42)
            std::printf("\n");
    }

    // (2) Disk hit including decode, WebP from the server and the same picture as PNG.
    {
        QTemporaryDir dir;
        auto disk = std::make_shared<DiskThumbnailStore>(dir.path(), 2LL << 30);
        disk->open(nullptr);
        QList<QByteArray> pngs;
        for (int i = 0; i < 8; ++i) {
            QByteArray png;
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            ThumbnailLoader::decode(thumbs[i], nullptr).save(&buffer, "PNG");
            pngs << png;
            disk->put({real[i], ThumbnailCache::Thumb}, thumbs[i]);
            disk->put({real[i], QStringLiteral("png")}, png);
        }
        qint64 pngBytes = 0;
        for (const QByteArray &p : pngs)
            pngBytes += p.size();
        auto loader = std::make_unique<ThumbnailLoader>(ThumbnailFetchFunction(), disk);
        int failures = 0;
        const Latency decodeWebp = measure(runs, [&](int i) { failures += ThumbnailLoader::decode(thumbs[i % 8], nullptr).isNull(); });
        const Latency diskWebp = measure(runs, [&](int i) { failures += !loader->load({real[i % 8], ThumbnailCache::Thumb}).fromDisk; });
        const Latency decodePng = measure(runs, [&](int i) { failures += ThumbnailLoader::decode(pngs[i % 8], nullptr).isNull(); });
        const Latency diskPng = measure(runs, [&](int i) { failures += !loader->load({real[i % 8], QStringLiteral("png")}).fromDisk; });
        std::printf("disk hit incl. hash check and decode (target p95 <= 3 ms), %d runs, WebP %.1f KiB, PNG %.1f KiB average:\n",
                    runs, double(thumbBytes) / 8 / 1024, double(pngBytes) / 8 / 1024);
        row("decode WebP from memory (baseline)", decodeWebp);
        row("disk hit WebP (read+sha256+decode)", diskWebp, decodeWebp.percentileMs(0.5));
        row("decode PNG from memory (baseline)", decodePng);
        row("disk hit PNG (read+sha256+decode)", diskPng, decodePng.percentileMs(0.5));
        if (failures)
            std::printf("  FAILURES: %d\n", failures);

        // The same through request() -> thumbnailReady (thread hop included), no memory tier.
        ThumbnailCacheOptions options{dir.path()};
        loader.reset(); // one store per folder at a time
        disk.reset();
        options.memoryBudgetBytes = 1;
        ThumbnailCache cache(ThumbnailFetchFunction(), options);
        Latency roundTrip;
        QElapsedTimer t;
        for (int i = 0; i < qMin(runs, 500); ++i) {
            bool done = false;
            auto c = QObject::connect(&cache, &ThumbnailCache::thumbnailReady, [&] { done = true; });
            t.start();
            cache.request(real[i % 8]);
            while (!done)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            roundTrip.add(t.nsecsElapsed());
            QObject::disconnect(c);
        }
        row("request() -> thumbnailReady, WebP", roundTrip, decodeWebp.percentileMs(0.5));
    }

    // (3) Prefetch over loopback.
    {
        const int baselineN = qMin(count, 1000);
        auto baseLog = std::make_shared<FetchLog>();
        const ThumbnailFetchFunction baseFetch = curlThumbnailFetch(f.server->baseUrl(), f.owner.accessToken, baseLog);
        int baseFailures = 0;
        QElapsedTimer wall;
        wall.start();
        const Latency sequential = measure(baselineN, [&](int i) { baseFailures += !baseFetch(ids[i], ThumbnailCache::Thumb).ok(); });
        const double seqPerSecond = baselineN * 1000.0 / qMax<qint64>(1, wall.elapsed());
        if (baseFailures) // a throttled baseline would make the ratio meaningless; say so
            std::printf("  baseline: %d of %d fetches failed (429s: %d)\n", baseFailures, baselineN, baseLog->rateLimited.load());

        QTemporaryDir dir;
        auto fetchLatency = std::make_shared<QList<qint64>>();
        auto latencyMutex = std::make_shared<QMutex>();
        auto prefetchLog = std::make_shared<FetchLog>();
        const ThumbnailFetchFunction inner = curlThumbnailFetch(f.server->baseUrl(), f.owner.accessToken, prefetchLog);
        ThumbnailCacheOptions options{dir.path()};
        options.prefetchParallelism = parser.value(QStringLiteral("parallelism")).toInt();
        ThumbnailCache cache([inner, fetchLatency, latencyMutex](const QString &id, const QString &variant) {
            QElapsedTimer t;
            t.start();
            ThumbnailFetch r = inner(id, variant);
            QMutexLocker lock(latencyMutex.get());
            fetchLatency->append(t.nsecsElapsed());
            return r;
        }, options);
        ThumbnailPrefetchJob *job = cache.prefetch(ids);
        QSignalSpy finished(job, &ThumbnailPrefetchJob::finished);
        wall.restart();
        job->start();
        while (finished.isEmpty())
            finished.wait(600000);
        const qint64 ms = qMax<qint64>(1, wall.elapsed());
        Latency during;
        for (qint64 ns : *fetchLatency)
            during.add(ns);
        std::printf("prefetch of %d thumbnails, %d at once (load %.2f):\n", count, options.prefetchParallelism, loadAverage());
        row("sequential fetch, one connection (baseline)", sequential);
        row("fetch during prefetch", during, sequential.percentileMs(0.5));
        std::printf("  sequential: %.0f thumbnails/s over %d\n", seqPerSecond, baselineN);
        std::printf("  prefetch:   %.0f thumbnails/s, %.1f MiB/s, %.2f s total (x%.2f sequential); fetched %d, failed %d, 429 answers %d; "
                    "error: %s; disk %d entries, %.1f MiB\n",
                    count * 1000.0 / ms, double(job->bytes()) / 1048576.0 / (ms / 1000.0), ms / 1000.0,
                    (count * 1000.0 / ms) / seqPerSecond, job->fetchedCount(), job->failedCount(), job->rateLimitedCount(),
                    job->errorText().isEmpty() ? "none" : qPrintable(job->errorText()), cache.diskStore()->entryCount(),
                    double(cache.diskBytes()) / 1048576.0);

        ThumbnailPrefetchJob *again = cache.prefetch(ids);
        QSignalSpy finishedAgain(again, &ThumbnailPrefetchJob::finished);
        wall.restart();
        again->start();
        while (finishedAgain.isEmpty())
            finishedAgain.wait(60000);
        std::printf("  second prefetch (resume): %.3f s, fetched %d, skipped %d\n", wall.elapsed() / 1000.0, again->fetchedCount(),
                    again->skippedCount());
        wall.restart();
        DiskThumbnailStore reopened(dir.path(), 2LL << 30);
        reopened.open(nullptr);
        std::printf("  reopening the disk index of %d entries: %.1f ms\n", reopened.entryCount(), wall.nsecsElapsed() / 1e6);
    }
    return 0;
}
