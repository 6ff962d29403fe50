// bench_images: the image work of one generation — a sketch render of 1024×1024 (render + PNG
// encode, target ≤ 150 ms) and a 512-pixel WebP thumbnail of a 1024×1024 PNG (decode + scale +
// encode, target ≤ 30 ms) — as p50/p95/p99 over --runs runs each. --dump DIR writes sample
// pictures for a look. No database needed.
#include "latency.h"

#include "backend/providers/sketchprovider.h"
#include "backend/storage/thumbnailer.h"

#include <QBuffer>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <cstdio>
#include <ctime>
#include <functional>

using namespace vesper::backend;
using namespace vesper::bench;

namespace {

class NullSink : public ProgressSink {
public:
    void progress(int, bool) override {}
    bool cancelled() const override { return false; }
};

// Wall-clock and process CPU time (all threads: Qt converts large images on a pool) of each run: on
// a shared machine the wall figures include waiting for a core, the CPU figures are the work itself.
struct Measurement {
    Latency wall;
    Latency cpu;
};

qint64 cpuNanoseconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

Measurement measure(int runs, const std::function<void(int run)> &operation)
{
    operation(-1); // warm up: plugin loading and first allocations are not what we measure
    Measurement m;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        const qint64 cpuStart = cpuNanoseconds();
        operation(run);
        m.cpu.add(cpuNanoseconds() - cpuStart);
        m.wall.add(timer.nsecsElapsed());
    }
    return m;
}

void report(const char *label, const Measurement &m, double targetMs)
{
    const double p95 = m.wall.percentileMs(0.95);
    std::printf("%-33s n=%-3lld wall p50 %6.2f p95 %6.2f p99 %6.2f ms | cpu p50 %6.2f p95 %6.2f ms | target %3.0f ms: %s\n",
                label, static_cast<long long>(m.wall.count()), m.wall.percentileMs(0.5), p95, m.wall.percentileMs(0.99),
                m.cpu.percentileMs(0.5), m.cpu.percentileMs(0.95), targetMs,
                p95 <= targetMs ? "ok" : (m.cpu.percentileMs(0.95) <= targetMs ? "ok in CPU time" : "MISSED"));
}

// The machine's load while measuring: on a shared two-core box the figures scale with it.
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

bool dump(const QString &folder)
{
    if (!QDir().mkpath(folder))
        return false;
    const char *prompts[] = {"a lighthouse at night", "teal sunset over the sea", "forest in autumn", "pastel city"};
    const char *ratios[] = {"1:1", "16:9", "9:16", "1:1"};
    for (int i = 0; i < 4; ++i) {
        GenerationRequest request;
        request.prompt = QString::fromLatin1(prompts[i]);
        request.aspectRatio = QString::fromLatin1(ratios[i]);
        request.seed = 1000 + i;
        NullSink sink;
        const ProviderResult result = SketchProvider().generate(request, sink);
        if (!result.ok)
            return false;
        QFile png(QStringLiteral("%1/sketch-%2.png").arg(folder).arg(i));
        QFile webp(QStringLiteral("%1/sketch-%2.thumb.webp").arg(folder).arg(i));
        if (!png.open(QIODevice::WriteOnly) || !webp.open(QIODevice::WriteOnly))
            return false;
        png.write(result.images[0].bytes);
        webp.write(makeThumbnail(result.images[0].bytes, ThumbnailSide, nullptr));
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sketch rendering and WebP thumbnail latency"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs per measurement (default 30)."), QStringLiteral("n"),
                      QStringLiteral("30")});
    parser.addOption({QStringLiteral("dump"), QStringLiteral("Write sample pictures to this folder."), QStringLiteral("dir")});
    parser.process(app);
    const int runs = qMax(1, parser.value(QStringLiteral("runs")).toInt());

    if (parser.isSet(QStringLiteral("dump")) && !dump(parser.value(QStringLiteral("dump")))) {
        std::fprintf(stderr, "bench_images: could not write the samples\n");
        return 1;
    }

    const ImageSize size{1024, 1024};
    const QString prompt = QStringLiteral("teal sunset over the sea, golden light");
    qsizetype pngBytes = 0;
    const Measurement render = measure(runs, [&](int run) {
        pngBytes = SketchProvider::encodePng(SketchProvider::render(prompt, run, 0, size)).size();
    });
    const Measurement paintOnly = measure(runs, [&](int run) { SketchProvider::render(prompt, run, 0, size); });

    const QImage source = SketchProvider::render(prompt, 1, 0, size);
    const QByteArray png = SketchProvider::encodePng(source);
    qsizetype webpBytes = 0;
    const Measurement thumbFromPng = measure(runs, [&](int) { webpBytes = makeThumbnail(png, ThumbnailSide, nullptr).size(); });
    QByteArray jpeg;
    {
        QBuffer buffer(&jpeg);
        buffer.open(QIODevice::WriteOnly);
        source.save(&buffer, "JPEG", 90);
    }
    const Measurement thumbFromJpeg = measure(runs, [&](int) { makeThumbnail(jpeg, ThumbnailSide, nullptr); });
    const Measurement thumbFromImage = measure(runs, [&](int) { makeThumbnail(source, ThumbnailSide, nullptr); });

    std::printf("bench_images: %d runs each, 1024x1024 source (PNG %lld bytes, thumbnail %lld bytes), load average %s\n",
                runs, static_cast<long long>(pngBytes), static_cast<long long>(webpBytes), qPrintable(loadAverage()));
    report("sketch render + PNG encode", render, 150);
    report("  painting only (no encoding)", paintOnly, 150);
    report("thumbnail from PNG bytes", thumbFromPng, 30);
    report("thumbnail from JPEG bytes", thumbFromJpeg, 30);
    report("thumbnail from the decoded image", thumbFromImage, 30);
    return 0;
}
