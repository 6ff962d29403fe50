// The desktop app's gallery at 100k generations (issue 11's budgets), each figure beside a bare
// QListView with the same row count measured in the same run, so what is printed is what our
// gallery adds to Qt's own floor:
//   - start: process start to the first painted session gallery (`vesper --server … --offline
//     --show session:<id>` on a seeded cache, which says "first-gallery-painted page=session rows=N"),
//     against a bare QListView program (this binary started again with --bare-start);
//   - scroll: a scripted scroll through the whole session gallery, fetching pages as it reaches the
//     bottom, with real 512-pixel WebP thumbnails decoded by the thumbnail cache; a frame = handle
//     what arrived (thumbnails, binds, fetchMore), apply the scroll, repaint the viewport; paced at
//     --frame-ms so the decoders work between frames as they would at 60 Hz;
//   - resident memory after the scroll.
// Each scroll runs in its own child process (this binary with --scroll ours|bare), so the resident
// memory of one is not the other's leftovers. The model's data() is timed by bench_gallery_model.
// See README.md §12.
#include "latency.h"

#include "../client/cache/synthfeed.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/knownaccounts.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/generationcarddelegate.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/thumbnailbinder.h"

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImageWriter>
#include <QJsonArray>
#include <QListView>
#include <QLoggingCategory>
#include <QPainter>
#include <QProcess>
#include <QScrollBar>
#include <QStringListModel>
#include <QThread>
#include <QTimer>
#include <cstdio>
#include <ctime>

using namespace vesper;
using namespace vesper::client;

namespace {

constexpr auto kServer = "http://127.0.0.1:9"; // nothing listens: the workspace stays offline
constexpr auto kUser = "00000000-0000-7000-8000-00000000b001";
constexpr int kThumbnailSize = 192;            // MainWindow's default picture edge
constexpr qint64 kMs = 1000000;

/// A line of /proc/self/status in KiB (VmRSS: all resident; RssAnon: heap and the like; RssFile:
/// mapped files, mostly the cache database SQLite maps).
qint64 statusKiB(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

qint64 residentKiB() { return statusKiB("VmRSS:"); }

/// "<name> <VmRSS>" and the anonymous and mapped-file parts, for the parent.
void printResident(const char *name)
{
    std::printf("%s %lld\nanon %lld\nfile %lld\nshmem %lld\n", name, residentKiB(), statusKiB("RssAnon:"), statusKiB("RssFile:"),
                statusKiB("RssShmem:"));
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

void printLatency(const char *name, const bench::Latency &ours, const bench::Latency &bare)
{
    std::printf("%-24s ours p50 %7.2f p95 %7.2f p99 %7.2f max %7.2f ms (n %lld, >16 ms %lld, >50 ms %lld)\n"
                "%-24s bare p50 %7.2f p95 %7.2f p99 %7.2f max %7.2f ms (n %lld, >16 ms %lld, >50 ms %lld)  p99 ours/bare %.2f\n",
                name, ours.percentileMs(0.5), ours.percentileMs(0.95), ours.percentileMs(0.99), ours.percentileMs(1.0),
                (long long)ours.count(), (long long)ours.countAbove(16 * kMs), (long long)ours.countAbove(50 * kMs), "",
                bare.percentileMs(0.5), bare.percentileMs(0.95), bare.percentileMs(0.99), bare.percentileMs(1.0),
                (long long)bare.count(), (long long)bare.countAbove(16 * kMs), (long long)bare.countAbove(50 * kMs),
                bare.percentileMs(0.99) > 0 ? ours.percentileMs(0.99) / bare.percentileMs(0.99) : 0.0);
}

/// Where the app keeps its cache and settings under XDG_CACHE_HOME / XDG_CONFIG_HOME (QStandardPaths
/// with organisation "Vesper Studio" and application "vesper").
QString appCacheRoot(const QString &dir) { return dir + QStringLiteral("/cache/Vesper Studio/vesper"); }
QString appConfigDir(const QString &dir) { return dir + QStringLiteral("/config/Vesper Studio/vesper"); }

/// Fills the cache the app opens for kServer with one project, one session and `total` generations
/// of one output each; the session's id. Kept between runs (it takes a while at 100k).
QString seedCache(const QString &cacheDir, int total)
{
    CacheDatabase db(cacheDir);
    QString error;
    if (!db.open(&error))
        qFatal("cache: %s", qPrintable(error));
    CacheStore store(db);
    const CachePage<Project> existing = store.projects(1);
    if (!existing.rows.isEmpty() && store.counts().generations == total)
        return store.sessions(existing.rows.first().id, 1).rows.value(0).id;
    if (!store.clear(&error))
        qFatal("clear: %s", qPrintable(error));
    const qint64 t0 = 1700000000000000LL;
    Project project = test::synthProject(QStringLiteral("Bench"), t0);
    project.owner.id = QString::fromLatin1(kUser);
    const Session session = test::synthSession(project.id, QStringLiteral("Hundred thousand"), t0);
    qint64 rev = 0;
    QJsonArray page;
    page.append(test::upsertChange(++rev, QStringLiteral("project"), project.toJson()));
    page.append(test::upsertChange(++rev, QStringLiteral("session"), session.toJson()));
    const QStringList ratios{QStringLiteral("1:1"), QStringLiteral("16:9"), QStringLiteral("2:3"), QStringLiteral("4:3")};
    for (int i = 0; i < total; ++i) {
        // A prompt and parameters of the length people write and providers return.
        Generation g = test::synthGeneration(
            session.id,
            QStringLiteral("a lighthouse at dusk on a basalt cliff, study %1, volumetric fog, long exposure, muted teal and amber palette").arg(i),
            t0 + i * 1000);
        g.negativePrompt = QStringLiteral("blurry, low contrast, watermark, text, oversaturated");
        g.parameters.insert(QStringLiteral("aspectRatio"), ratios.at(i % ratios.size()));
        g.parameters.insert(QStringLiteral("seed"), qint64(1000003) * i % 2147483647);
        g.parameters.insert(QStringLiteral("steps"), 30);
        g.parameters.insert(QStringLiteral("guidance"), 7.5);
        const Output o = test::synthOutput(g, t0 + i * 1000);
        page.append(test::upsertChange(++rev, QStringLiteral("generation"), g.toJson()));
        page.append(test::upsertChange(++rev, QStringLiteral("output"), o.toJson()));
        if (page.size() >= 10000 || i + 1 == total) {
            CacheChanges changed;
            if (!store.applyChangesPage(page, QString::number(rev), &changed, &error))
                qFatal("seed: %s", qPrintable(error));
            page = {};
        }
    }
    return session.id;
}

/// 64 distinct 512-pixel WebP thumbnails (gradients with a mark), as the server stores them.
QList<QByteArray> makeThumbnails()
{
    QList<QByteArray> files;
    for (int i = 0; i < 64; ++i) {
        QImage image(512, 512, QImage::Format_RGB32);
        QPainter p(&image);
        QLinearGradient gradient(0, 0, 512, 512);
        gradient.setColorAt(0, QColor::fromHsv((i * 37) % 360, 160, 200));
        gradient.setColorAt(1, QColor::fromHsv((i * 37 + 120) % 360, 200, 60));
        p.fillRect(image.rect(), gradient);
        p.setBrush(QColor(255, 255, 255, 90));
        p.drawEllipse(QPoint(256, 256), 60 + 2 * i, 60 + 2 * i);
        p.end();
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QImageWriter writer(&buffer, "webp");
        writer.setQuality(80);
        if (!writer.write(image))
            qFatal("webp: %s", qPrintable(writer.errorString()));
        files.append(buffer.data());
    }
    return files;
}

/// This thread's CPU time: a frame's own work, without the waits for a core on a loaded machine.
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/// Scrolls a view from top to bottom in steps of `step` pixels until the last row is on screen and
/// nothing more can be fetched, one frame per step, each started at least frameMs after the last;
/// each frame's wall nanoseconds (and its CPU nanoseconds in *cpu). Nothing is processed between frames: what arrived meanwhile is handled
/// inside the next frame, so everything the GUI thread does is in some frame's time.
QList<qint64> scrollThrough(QAbstractItemView *view, int step, int frameMs, bool *reachedEnd, QList<qint64> *cpu)
{
    QList<qint64> frames;
    QScrollBar *bar = view->verticalScrollBar();
    QAbstractItemModel *model = view->model();
    QElapsedTimer timer;
    int value = 0;
    int framesAtBottom = 0;
    *reachedEnd = false;
    for (;;) {
        timer.start();
        const qint64 cpuStart = threadCpuNs();
        QCoreApplication::processEvents(); // thumbnails that arrived, binds, fetchMore, layout
        bar->setValue(value);
        view->viewport()->repaint();
        frames.append(timer.nsecsElapsed());
        cpu->append(threadCpuNs() - cpuStart);
        const bool atBottom = value >= bar->maximum();
        if (atBottom && !model->canFetchMore({})) {
            const QModelIndex last = model->index(model->rowCount() - 1, 0);
            *reachedEnd = view->viewport()->rect().intersects(view->visualRect(last));
            break;
        }
        // At the bottom with more to fetch: the view fetches on reaching the maximum; stop if it
        // never does (the figures would not be a scroll through everything).
        framesAtBottom = atBottom ? framesAtBottom + 1 : 0;
        if (framesAtBottom > 500)
            break;
        value = qMin(value + step, bar->maximum());
        while (timer.elapsed() < frameMs)
            QThread::usleep(200);
    }
    return frames;
}

QSize bareCell(const QFont &font)
{
    return QSize(kThumbnailSize + 16, kThumbnailSize + 16 + ui::GenerationCardDelegate::textHeight(font));
}

/// The floor: a QListView in icon mode with uniform sizes over `rows` strings, the gallery's cell.
void setUpBareView(QListView &view, QStringListModel &model, int rows)
{
    QStringList strings;
    strings.reserve(rows);
    for (int i = 0; i < rows; ++i)
        strings << QStringLiteral("a lighthouse at dusk on a basalt cliff, study %1").arg(i);
    model.setStringList(strings);
    view.setViewMode(QListView::IconMode);
    view.setMovement(QListView::Static);
    view.setUniformItemSizes(true);
    view.setResizeMode(QListView::Adjust);
    view.setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view.setGridSize(bareCell(view.font()));
    view.setModel(&model);
}

int runBareStart(int rows)
{
    QStringListModel model;
    QListView view;
    setUpBareView(view, model, rows);
    view.resize(1280, 800);
    struct FirstPaint : QObject {
        bool eventFilter(QObject *, QEvent *e) override
        {
            if (e->type() == QEvent::Paint && !done) {
                done = true;
                QTimer::singleShot(0, [] { // after the paint, as the app reports it
                    std::fprintf(stderr, "first-gallery-painted page=session rows=-1\n");
                    std::fflush(stderr);
                    QCoreApplication::exit(0);
                });
            }
            return false;
        }
        bool done = false;
    } filter;
    view.viewport()->installEventFilter(&filter);
    view.show();
    return QApplication::exec();
}

/// Process start to the "first-gallery-painted" line on stderr, `runs` times. A run whose line does
/// not name the session page with rows (a sign-in page, a projects page, an empty grid) is refused.
bench::Latency timeStart(const QString &program, const QStringList &arguments, const QProcessEnvironment &env, int runs)
{
    bench::Latency latency;
    for (int i = 0; i < runs; ++i) {
        QProcess process;
        process.setProcessEnvironment(env);
        QElapsedTimer timer;
        timer.start();
        process.start(program, arguments);
        qint64 at = -1;
        QByteArray seen;
        while (timer.elapsed() < 30000) {
            process.waitForReadyRead(5);
            seen += process.readAllStandardError();
            if (seen.contains("first-gallery-painted")) {
                at = timer.nsecsElapsed();
                break;
            }
            if (process.state() == QProcess::NotRunning)
                break;
        }
        process.kill();
        process.waitForFinished(5000);
        seen += process.readAllStandardError();
        const qsizetype line = seen.indexOf("first-gallery-painted");
        const QByteArray report = line >= 0 ? seen.mid(line, seen.indexOf('\n', line) - line) : QByteArray();
        if (at < 0 || !report.contains("page=session") || report.contains("rows=0")) {
            std::fprintf(stderr, "%s did not paint a session gallery: %s\n", qPrintable(program), seen.constData());
            continue;
        }
        if (i == 0)
            std::printf("  %s says: %s\n", qPrintable(QFileInfo(program).fileName()), report.constData());
        latency.add(at);
    }
    return latency;
}

/// Child: scrolls the bare view or ours, writes frame times (ns, one a line) to samplesFile and
/// prints "key value" lines (resident KiB, rows, thumbnails) for the parent.
int runScroll(const QString &which, const QString &dir, const QString &sessionId, int total, int step, int frameMs,
              const QString &samplesFile)
{
    QList<qint64> frames;
    QList<qint64> cpu;
    bool reachedEnd = false;
    const qint64 rssStart = residentKiB();
    if (which == QLatin1String("bare")) {
        QStringListModel model;
        QListView view;
        setUpBareView(view, model, total);
        view.resize(1280, 800);
        view.show();
        QCoreApplication::processEvents();
        std::printf("before %lld\n", residentKiB());
        frames = scrollThrough(&view, step, frameMs, &reachedEnd, &cpu);
        std::printf("rows %d\n", model.rowCount());
        printResident("after");
    } else {
        WorkspaceOptions options;
        options.serverUrl = QString::fromLatin1(kServer);
        options.cacheRoot = appCacheRoot(dir);
        options.configDir = appConfigDir(dir);
        options.backgroundSync = false;
        options.diskThumbnails = false;
        options.offline = true;
        options.deferCacheCheck = true; // as the app opens it
        Workspace workspace(options);
        if (const ApiError e = workspace.open(); !e.ok())
            qFatal("workspace: %s", qPrintable(e.message));
        ui::UiContext ctx;
        ctx.setWorkspace(&workspace, false);
        const QList<QByteArray> thumbnails = makeThumbnails();
        ThumbnailCache thumbs([&thumbnails](const QString &outputId, const QString &) {
            ThumbnailFetch fetch;
            fetch.bytes = thumbnails.at(int(qHash(outputId) % thumbnails.size()));
            return fetch;
        });
        int ready = 0;
        QObject::connect(&thumbs, &ThumbnailCache::thumbnailReady, &thumbs, [&ready] { ++ready; });
        ui::SessionGalleryView gallery(&ctx);
        gallery.setThumbnailCache(&thumbs);
        gallery.setThumbnailSize(kThumbnailSize);
        gallery.resize(1280, 800);
        gallery.setSession(sessionId);
        gallery.show();
        QCoreApplication::processEvents();
        std::printf("before %lld\n", residentKiB());
        frames = scrollThrough(gallery.grid(), step, frameMs, &reachedEnd, &cpu);
        std::printf("rows %d\n", gallery.model()->rowCount());
        printResident("after");
        std::printf("thumbnails %d\n", ready);
        std::printf("thumbnail-memory %lld\n", thumbs.memoryBytes() / 1024);
    }
    std::printf("start %lld\nreached-end %d\n", rssStart, reachedEnd ? 1 : 0);
    QFile out(samplesFile);
    if (!out.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(samplesFile));
    for (qsizetype i = 0; i < frames.size(); ++i)
        out.write(QByteArray::number(frames.at(i)) + ' ' + QByteArray::number(cpu.at(i)) + '\n');
    return 0;
}

/// The result of one scroll child.
struct Scroll {
    bench::Latency frames;
    bench::Latency cpu;
    QHash<QByteArray, qint64> values; // before, after, start (KiB), rows, thumbnails, reached-end
};

Scroll scrollInChild(const QString &which, const QStringList &common, const QString &dir)
{
    const QString samples = dir + QStringLiteral("/frames-") + which + QStringLiteral(".txt");
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                QStringList{QStringLiteral("--scroll"), which, QStringLiteral("--samples"), samples} + common);
    if (!child.waitForFinished(-1) || child.exitCode() != 0)
        qFatal("the %s scroll failed (exit %d)", qPrintable(which), child.exitCode());
    Scroll result;
    for (const QByteArray &line : child.readAllStandardOutput().split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() == 2)
            result.values.insert(parts.at(0), parts.at(1).toLongLong());
    }
    QFile in(samples);
    if (!in.open(QIODevice::ReadOnly))
        qFatal("no frame times from the %s scroll", qPrintable(which));
    for (const QByteArray &line : in.readAll().split('\n')) {
        const QList<QByteArray> wallAndCpu = line.split(' ');
        if (wallAndCpu.size() == 2) {
            result.frames.add(wallAndCpu.at(0).toLongLong());
            result.cpu.add(wallAndCpu.at(1).toLongLong());
        }
    }
    return result;
}

double mb(qint64 kib) { return kib / 1024.0; }

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 3 && qstrcmp(argv[1], "--bare-start") == 0) {
        QApplication app(argc, argv);
        return runBareStart(QByteArray(argv[2]).toInt());
    }
    QApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("vesper.*.debug=false"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("dir"), QStringLiteral("bench folder (the cache is kept between runs)"), QStringLiteral("dir"),
                      QDir::temp().filePath(QStringLiteral("vesper-bench-gallery"))});
    parser.addOption({QStringLiteral("generations"), QStringLiteral("generations in the session"), QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("step"), QStringLiteral("pixels scrolled per frame"), QStringLiteral("px"), QStringLiteral("240")});
    parser.addOption({QStringLiteral("frame-ms"), QStringLiteral("a frame starts at most this often in our scroll (the bare one is not paced)"),
                      QStringLiteral("ms"), QStringLiteral("16")});
    parser.addOption({QStringLiteral("app"), QStringLiteral("the vesper binary for the start figure"), QStringLiteral("path"),
                      QStringLiteral(VESPER_APP_BIN)});
    parser.addOption({QStringLiteral("start-runs"), QStringLiteral("process starts timed (0: no start figure)"), QStringLiteral("n"),
                      QStringLiteral("10")});
    parser.addOption({QStringLiteral("only"), QStringLiteral("start or scroll: run only that part"), QStringLiteral("part")});
    parser.addOption({QStringLiteral("scroll"), QStringLiteral("(internal) run one scroll: ours or bare"), QStringLiteral("which")});
    parser.addOption({QStringLiteral("samples"), QStringLiteral("(internal) where the scroll child writes frame times"), QStringLiteral("file")});
    parser.addOption({QStringLiteral("session-id"), QStringLiteral("(internal) the seeded session (not --session: QGuiApplication takes that)"), QStringLiteral("id")});
    parser.process(app);
    const QString dir = QDir(parser.value(QStringLiteral("dir"))).absolutePath();
    const int total = parser.value(QStringLiteral("generations")).toInt();
    const int step = parser.value(QStringLiteral("step")).toInt();
    const int frameMs = parser.value(QStringLiteral("frame-ms")).toInt();
    if (parser.isSet(QStringLiteral("scroll"))) {
        const QString which = parser.value(QStringLiteral("scroll"));
        return runScroll(which, dir, parser.value(QStringLiteral("session-id")), total, step, which == QLatin1String("bare") ? 0 : frameMs,
                         parser.value(QStringLiteral("samples")));
    }
    QDir().mkpath(dir);
    std::printf("bench_gallery: %d generations, platform %s, load average %s\n", total, qPrintable(QGuiApplication::platformName()),
                qPrintable(loadAverage()));

    // The app opens the cache of the account KnownAccounts remembers for its server.
    const QString cacheDir = KnownAccounts::cacheFolder(appCacheRoot(dir), QString::fromLatin1(kServer), QString::fromLatin1(kUser));
    QDir().mkpath(cacheDir);
    KnownAccounts(appConfigDir(dir)).remember(QString::fromLatin1(kServer), KnownAccount{QStringLiteral("bench@vesper.local"), QString::fromLatin1(kUser)});
    QElapsedTimer seedTimer;
    seedTimer.start();
    const QString sessionId = seedCache(cacheDir, total);
    std::printf("seeded or reused the cache in %.1f s (%s)\n", seedTimer.elapsed() / 1000.0, qPrintable(cacheDir));
    const QString only = parser.value(QStringLiteral("only"));

    // ---- start ------------------------------------------------------------------------------------
    const int runs = parser.value(QStringLiteral("start-runs")).toInt();
    if (runs > 0 && only != QLatin1String("scroll")) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir + QStringLiteral("/cache"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/data"));
        env.insert(QStringLiteral("VESPER_REPORT_FIRST_PAINT"), QStringLiteral("1"));
        if (!env.contains(QStringLiteral("QT_QPA_PLATFORM")))
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QGuiApplication::platformName());
        const bench::Latency bare = timeStart(QCoreApplication::applicationFilePath(), {QStringLiteral("--bare-start"), QString::number(total)}, env, runs);
        const bench::Latency ours = timeStart(parser.value(QStringLiteral("app")),
                                              {QStringLiteral("--server"), QString::fromLatin1(kServer), QStringLiteral("--offline"),
                                               QStringLiteral("--show"), QStringLiteral("session:") + sessionId},
                                              env, runs);
        printLatency("start to first gallery", ours, bare);
    }

    // ---- scroll and memory ------------------------------------------------------------------------
    if (only != QLatin1String("start")) {
        const QStringList common{QStringLiteral("--dir"), dir, QStringLiteral("--generations"), QString::number(total),
                                 QStringLiteral("--step"), QString::number(step), QStringLiteral("--frame-ms"), QString::number(frameMs),
                                 QStringLiteral("--session-id"), sessionId};
        const Scroll bare = scrollInChild(QStringLiteral("bare"), common, dir);
        const Scroll ours = scrollInChild(QStringLiteral("ours"), common, dir);
        printLatency("scroll frame", ours.frames, bare.frames);
        printLatency("  its CPU time", ours.cpu, bare.cpu);
        std::printf("rows at the end: ours %lld (last on screen: %s), bare %lld (last on screen: %s); thumbnails decoded and shown: %lld\n",
                    ours.values.value("rows"), ours.values.value("reached-end") ? "yes" : "NO", bare.values.value("rows"),
                    bare.values.value("reached-end") ? "yes" : "NO", ours.values.value("thumbnails"));
        std::printf("resident memory after the scroll: ours %.1f MB (anonymous %.1f, mapped files %.1f, shared %.1f), bare %.1f MB (%.1f, %.1f, %.1f)\n"
                    "  at process start %.1f / %.1f MB, before the scroll %.1f / %.1f MB; decoded thumbnails held %.1f MB\n",
                    mb(ours.values.value("after")), mb(ours.values.value("anon")), mb(ours.values.value("file")), mb(ours.values.value("shmem")),
                    mb(bare.values.value("after")), mb(bare.values.value("anon")), mb(bare.values.value("file")), mb(bare.values.value("shmem")), mb(ours.values.value("start")), mb(bare.values.value("start")),
                    mb(ours.values.value("before")), mb(bare.values.value("before")), mb(ours.values.value("thumbnail-memory")));
    }
    std::printf("load average at the end %s\n", qPrintable(loadAverage()));
    return 0;
}
