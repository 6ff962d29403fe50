// bench_gallery_model: the session gallery's model at 100k generations. Fills a real cache through
// the feed path (one session, 1–4 outputs per generation), loads every page into a
// GenerationListModel, then times, in one process: data() for the roles a gallery delegate reads
// (Display, Status, Progress, FirstOutputId, OutputIds, AspectRatio) on random rows against the
// baseline — a QStringListModel of as many rows, data(DisplayRole) — plus fetchMore per page and
// applyChanges for one changed row and for one new row at the top. Target: data() p95 <= 2 µs.
#include "latency.h"

#include "../client/cache/synthfeed.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QStringListModel>
#include <QTemporaryDir>
#include <cstdio>
#include <functional>

using namespace vesper;
using namespace vesper::bench;
using namespace vesper::client;
using namespace vesper::test;

namespace {
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

double ns(const Latency &l, double q)
{
    return l.percentileMs(q) * 1e6;
}

void header(const char *unit)
{
    std::printf("%-40s %8s %10s %10s %10s %10s\n", unit, "samples", "p50", "p95", "p99", "p50/base");
}

void reportNs(const char *name, const Latency &l, double baseP50)
{
    std::printf("%-40s %8lld %10.0f %10.0f %10.0f %9.2fx\n", name, (long long)l.count(), ns(l, 0.5), ns(l, 0.95), ns(l, 0.99),
                baseP50 > 0 ? ns(l, 0.5) / baseP50 : 0.0);
}

void reportUs(const char *name, const Latency &l)
{
    std::printf("%-40s %8lld %10.1f %10.1f %10.1f\n", name, (long long)l.count(), ns(l, 0.5) / 1e3, ns(l, 0.95) / 1e3, ns(l, 0.99) / 1e3);
}

// One data() call per sample (the QVariant made and destroyed inside the timed span), over the
// pre-made indexes of random rows; the clock's own cost is in every sample (see "empty" line).
Latency timeData(const QList<QModelIndex> &indexes, int role)
{
    Latency l;
    QElapsedTimer timer;
    qsizetype sink = 0;
    for (const QModelIndex &index : indexes) {
        timer.start();
        {
            const QVariant v = index.data(role);
            sink += v.isValid();
        }
        l.add(timer.nsecsElapsed());
    }
    if (sink < 0)
        std::printf("unreachable\n");
    return l;
}

bool fill(CacheStore &store, int total, QString *sessionId, QString *error)
{
    const Project project = synthProject(QStringLiteral("Bench"), 1);
    const Session session = synthSession(project.id, QStringLiteral("Gallery"), 1);
    *sessionId = session.id;
    qint64 rev = 0;
    QJsonArray page{upsertChange(++rev, QStringLiteral("project"), project.toJson()),
                    upsertChange(++rev, QStringLiteral("session"), session.toJson())};
    const char *ratios[] = {"1:1", "16:9", "9:16", "4:3"};
    const qint64 t0 = 1700000000000000LL;
    for (int i = 0; i < total; ++i) {
        Generation g = synthGeneration(session.id, QStringLiteral("a quiet harbour at dawn, study %1").arg(i), t0 + qint64(i) * 1000);
        g.parameters.insert(QStringLiteral("aspectRatio"), QLatin1String(ratios[i % 4]));
        g.parameters.insert(QStringLiteral("numOutputs"), i % 4 + 1);
        page << upsertChange(++rev, QStringLiteral("generation"), g.toJson());
        for (int o = 0; o <= i % 4; ++o)
            page << upsertChange(++rev, QStringLiteral("output"), synthOutput(g, g.createdAt + o).toJson());
        if (page.size() >= 5000 || i == total - 1) {
            if (!store.applyChangesPage(page, QString::number(rev), nullptr, error))
                return false;
            page = QJsonArray();
        }
    }
    return true;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("generations"), QStringLiteral("generations in the session"), QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("samples"), QStringLiteral("data() calls timed per role"), QStringLiteral("n"), QStringLiteral("200000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("applyChanges runs"), QStringLiteral("n"), QStringLiteral("300")});
    parser.addOption({QStringLiteral("page-size"), QStringLiteral("rows per fetchMore"), QStringLiteral("n"), QStringLiteral("200")});
    parser.process(app);
    const int total = parser.value(QStringLiteral("generations")).toInt();
    const int samples = parser.value(QStringLiteral("samples")).toInt();
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    const int pageSize = parser.value(QStringLiteral("page-size")).toInt();
    std::printf("load average at start: %s\n", qPrintable(loadAverage()));

    QTemporaryDir dir;
    CacheDatabase db(dir.filePath(QStringLiteral("cache")));
    QString error, sessionId;
    if (!db.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    CacheStore store(db);
    QElapsedTimer clock;
    clock.start();
    if (!fill(store, total, &sessionId, &error)) {
        std::fprintf(stderr, "fill: %s\n", qPrintable(error));
        return 1;
    }
    const CacheCounts counts = store.counts();
    std::printf("filled %lld generations, %lld outputs in %.1f s\n", (long long)counts.generations, (long long)counts.outputs,
                double(clock.elapsed()) / 1000.0);

    // ---- fetchMore: every page of the session --------------------------------------------------
    GenerationListModel model(store);
    model.setPageSize(pageSize);
    clock.restart();
    model.showSession(sessionId);
    const qint64 firstPageNs = clock.nsecsElapsed();
    Latency fetch;
    while (model.canFetchMore({})) {
        clock.restart();
        model.fetchMore({});
        fetch.add(clock.nsecsElapsed());
    }
    if (model.rowCount() != total) {
        std::fprintf(stderr, "loaded %d rows, expected %d (%s)\n", model.rowCount(), total, qPrintable(model.lastError()));
        return 1;
    }
    QStringList prompts;
    prompts.reserve(total);
    for (int row = 0; row < total; ++row)
        prompts << model.index(row, 0).data().toString();
    QStringListModel baselineModel(prompts);

    // ---- data(): the same random rows for every role and for the baseline -----------------------
    QRandomGenerator random(7);
    QList<int> rows(samples);
    for (int &row : rows)
        row = random.bounded(total);
    QList<QModelIndex> indexes, baselineIndexes;
    indexes.reserve(samples);
    baselineIndexes.reserve(samples);
    for (int row : rows) {
        indexes << model.index(row, 0);
        baselineIndexes << baselineModel.index(row, 0);
    }
    timeData(indexes, Qt::DisplayRole); // warm-up: caches and branch predictors
    timeData(baselineIndexes, Qt::DisplayRole);
    Latency empty;
    QElapsedTimer timer;
    for (int i = 0; i < samples; ++i) {
        timer.start();
        empty.add(timer.nsecsElapsed());
    }
    const Latency baseline = timeData(baselineIndexes, Qt::DisplayRole);
    const double base = ns(baseline, 0.5);
    std::printf("\nload average: %s; %d rows, %d samples per line, random rows\n", qPrintable(loadAverage()), total, samples);
    header("data() (ns per call, clock included)");
    reportNs("empty timed span (clock cost)", empty, base);
    reportNs("baseline QStringListModel Display", baseline, base);
    const struct {
        const char *name;
        int role;
    } roles[] = {{"Display (prompt)", Qt::DisplayRole},
                 {"StatusRole", GenerationListModel::StatusRole},
                 {"ProgressRole", GenerationListModel::ProgressRole},
                 {"FirstOutputIdRole", GenerationListModel::FirstOutputIdRole},
                 {"OutputIdsRole (1-4 ids)", GenerationListModel::OutputIdsRole},
                 {"AspectRatioRole", GenerationListModel::AspectRatioRole}};
    Latency worst;
    for (const auto &r : roles) {
        const Latency l = timeData(indexes, r.role);
        reportNs(r.name, l, base);
        if (ns(l, 0.95) > ns(worst, 0.95))
            worst = l;
    }
    // A delegate's paint: all six roles of one row in one span.
    Latency paint;
    for (const QModelIndex &index : std::as_const(indexes)) {
        timer.start();
        qsizetype sink = 0;
        for (const auto &r : roles)
            sink += index.data(r.role).isValid();
        paint.add(timer.nsecsElapsed());
        if (sink < 0)
            std::printf("unreachable\n");
    }
    reportNs("all six roles of a row", paint, base);

    // ---- paging and updates -----------------------------------------------------------------------
    std::printf("\n");
    header("model operation (µs)");
    std::printf("%-40s %8d %10.1f\n", "showSession (first page)", 1, double(firstPageNs) / 1e3);
    reportUs(qPrintable(QStringLiteral("fetchMore (%1 rows, keyset page)").arg(pageSize)), fetch);
    // The cache's read of the same pages alone: what fetchMore adds on top is the model's work.
    Latency read;
    QString cursor = store.generations(sessionId, pageSize).nextCursor;
    while (!cursor.isEmpty()) {
        clock.restart();
        cursor = store.generations(sessionId, pageSize, cursor).nextCursor;
        read.add(clock.nsecsElapsed());
    }
    reportUs("  CacheStore::generations page alone", read);
    {
        // The same pages into a second model, now that SQLite's and the OS's caches hold them.
        GenerationListModel again(store);
        again.setPageSize(pageSize);
        again.showSession(sessionId);
        Latency warm;
        while (again.canFetchMore({})) {
            clock.restart();
            again.fetchMore({});
            warm.add(clock.nsecsElapsed());
        }
        reportUs("  fetchMore again (second model, warm)", warm);
    }

    // One changed row: the tracker's poll moves a random loaded generation's progress.
    Latency update, insertTop;
    int changed = 0;
    QObject::connect(&model, &QAbstractItemModel::dataChanged, [&] { ++changed; });
    for (int i = 0; i < runs; ++i) {
        Generation g = *model.generationAt(random.bounded(total));
        g.status = GenerationStatus::Processing;
        g.progress = i % 100;
        g.outputs.reset();
        CacheChanges changes;
        if (!store.updateGenerations({g}, &changes, &error)) {
            std::fprintf(stderr, "update: %s\n", qPrintable(error));
            return 1;
        }
        clock.restart();
        model.applyChanges(changes);
        update.add(clock.nsecsElapsed());
    }
    reportUs("applyChanges: one row's progress", update);
    // A new generation at the top (the index tolerates some drift, then is rebuilt: see p99).
    qint64 rev = store.syncPosition().toLongLong();
    const qint64 newest = model.generationAt(0)->createdAt;
    for (int i = 0; i < runs; ++i) {
        const Generation g = synthGeneration(sessionId, QStringLiteral("fresh %1").arg(i), newest + 1000 * (i + 1));
        CacheChanges changes;
        ++rev;
        if (!store.applyChangesPage({upsertChange(rev, QStringLiteral("generation"), g.toJson())}, QString::number(rev), &changes, &error)) {
            std::fprintf(stderr, "insert: %s\n", qPrintable(error));
            return 1;
        }
        clock.restart();
        model.applyChanges(changes);
        insertTop.add(clock.nsecsElapsed());
        if (model.rowOf(g.id) != 0) {
            std::fprintf(stderr, "the new generation is not at the top\n");
            return 1;
        }
    }
    reportUs("applyChanges: a new row at the top", insertTop);
    std::printf("(dataChanged signals: %d of %d updates; rows now %d; load average at end: %s)\n", changed, runs, model.rowCount(),
                qPrintable(loadAverage()));
    return 0;
}
