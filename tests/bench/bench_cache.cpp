// bench_cache: the client cache at 1M generations. Fills a cache through CacheStore's feed path
// (synthetic pages of 5,000 changes, one transaction each), then times, in one process: a trivial
// `SELECT 1` (the baseline), the first and a deep 50-row keyset page of a session's generations
// (with outputs) and of a project's images, FTS search over the prompts (one common word, two
// words, a prefix), and applying a delta page of 100 changes. Prints p50/p95/p99 and the ratio to
// the baseline's p50. Budgets (issue 10): page p95 <= 1 ms, search p95 <= 20 ms, delta <= 30 ms.
#include "latency.h"

#include "../client/cache/synthfeed.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "common/uuid.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <cstdio>
#include <ctime>
#include <functional>

using namespace vesper;
using namespace vesper::bench;
using namespace vesper::client;
using namespace vesper::test;

namespace {
QStringList vocabulary()
{
    // 2,000 pseudo-words: each appears in about 0.4 % of the prompts.
    QStringList words;
    const char *syllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "or", "el", "an", "is", "um",
                               "ba", "de", "fi", "go"};
    for (int i = 0; i < 2000; ++i)
        words << QString::fromLatin1(syllables[i % 20]) + QString::fromLatin1(syllables[(i / 20) % 20]) + QString::fromLatin1(syllables[(i / 400) % 20])
                     + QString::number(i % 7);
    return words;
}

QString prompt(const QStringList &words, QRandomGenerator &random)
{
    QStringList picked;
    for (int i = 0; i < 8; ++i)
        picked << words[random.bounded(int(words.size()))];
    return picked.join(QLatin1Char(' '));
}

// Wall time and this thread's CPU time of each run: on a shared machine the wall tail is mostly
// waiting for a core, the CPU column shows what the operation itself costs.
struct Timing {
    Latency wall, cpu;
};

qint64 threadCpuNanos()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void report(const char *name, const Timing &t, double baseline)
{
    std::printf("%-36s %6lld %8.3f %8.3f %8.3f %9.1fx | cpu %8.3f %8.3f %8.3f\n", name, (long long)t.wall.count(), t.wall.percentileMs(0.5),
                t.wall.percentileMs(0.95), t.wall.percentileMs(0.99), baseline > 0 ? t.wall.percentileMs(0.5) / baseline : 0.0,
                t.cpu.percentileMs(0.5), t.cpu.percentileMs(0.95), t.cpu.percentileMs(0.99));
}

Timing time(int runs, const std::function<void(int)> &run)
{
    Timing t;
    for (int i = 0; i < 5; ++i)
        run(i); // warm-up
    QElapsedTimer timer;
    for (int i = 0; i < runs; ++i) {
        const qint64 cpu = threadCpuNanos();
        timer.start();
        run(i);
        t.wall.add(timer.nsecsElapsed());
        t.cpu.add(threadCpuNanos() - cpu);
    }
    return t;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("dir"), QStringLiteral("cache folder (kept; filled when empty)"), QStringLiteral("dir"),
                      QDir::temp().filePath(QStringLiteral("vesper-bench-cache"))});
    parser.addOption({QStringLiteral("generations"), QStringLiteral("generations to fill (each with one output)"), QStringLiteral("n"),
                      QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("timed runs per operation"), QStringLiteral("n"), QStringLiteral("500")});
    parser.process(app);
    const QString dir = parser.value(QStringLiteral("dir"));
    const int total = parser.value(QStringLiteral("generations")).toInt();
    const int runs = parser.value(QStringLiteral("runs")).toInt();

    CacheDatabase db(dir);
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    CacheStore store(db);
    const QStringList words = vocabulary();
    QRandomGenerator random(42);
    constexpr int kProjects = 100, kSessionsPerProject = 10;
    QStringList projects, sessions;
    qint64 rev = store.syncPosition().toLongLong();
    {
        QSqlQuery q(db.connection());
        q.exec(QStringLiteral("SELECT id, project_id FROM sessions ORDER BY id"));
        while (q.next()) {
            sessions << q.value(0).toString();
            if (!projects.contains(q.value(1).toString()))
                projects << q.value(1).toString();
        }
    }
    const qint64 t0 = 1700000000000000LL;
    if (store.counts().generations < total) {
        QElapsedTimer fill;
        fill.start();
        QJsonArray page;
        auto flush = [&](bool force) {
            if (page.size() < 5000 && !(force && !page.isEmpty()))
                return true;
            if (!store.applyChangesPage(page, QString::number(rev), nullptr, &error)) {
                std::fprintf(stderr, "fill: %s\n", qPrintable(error));
                return false;
            }
            page = QJsonArray();
            return true;
        };
        if (sessions.isEmpty()) {
            for (int p = 0; p < kProjects; ++p) {
                const Project project = synthProject(QStringLiteral("Project %1").arg(p), t0 + p);
                projects << project.id;
                page << upsertChange(++rev, QStringLiteral("project"), project.toJson());
                for (int s = 0; s < kSessionsPerProject; ++s) {
                    const Session session = synthSession(project.id, QStringLiteral("Session %1").arg(s), t0 + s);
                    sessions << session.id;
                    page << upsertChange(++rev, QStringLiteral("session"), session.toJson());
                }
            }
        }
        const qint64 have = store.counts().generations;
        for (qint64 i = have; i < total; ++i) {
            // Batches of ten share a created_at, as a multi-output request's rows do on the server.
            const qint64 created = t0 + (i / 10) * 1000;
            const Generation g = synthGeneration(sessions[int(i % sessions.size())], prompt(words, random), created);
            page << upsertChange(++rev, QStringLiteral("generation"), g.toJson());
            page << upsertChange(++rev, QStringLiteral("output"), synthOutput(g, created).toJson());
            if (!flush(false))
                return 1;
            if ((i + 1) % 100000 == 0) {
                std::printf("filled %lld generations (%.0f/s)\n", (long long)(i + 1), double(i + 1 - have) * 1000.0 / double(fill.elapsed()));
                std::fflush(stdout);
            }
        }
        if (!flush(true))
            return 1;
        QSqlQuery(db.connection()).exec(QStringLiteral("PRAGMA optimize"));
        QSqlQuery(db.connection()).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        std::printf("fill: %lld generations + outputs in %.1f s\n", (long long)(total - have), double(fill.elapsed()) / 1000.0);
    }
    const CacheCounts counts = store.counts();
    std::printf("cache %s: %lld projects, %lld sessions, %lld generations, %lld outputs\n", qPrintable(db.path()), (long long)counts.projects,
                (long long)counts.sessions, (long long)counts.generations, (long long)counts.outputs);

    QSqlDatabase connection = db.connection();
    const Timing baseline = time(runs, [&](int) {
        QSqlQuery q(connection);
        q.exec(QStringLiteral("SELECT 1"));
        q.next();
    });
    const double base = baseline.wall.percentileMs(0.5);
    std::printf("%-36s %6s %8s %8s %8s %10s | cpu %8s %8s %8s\n", "operation (ms)", "runs", "p50", "p95", "p99", "p50/base", "p50", "p95", "p99");
    report("baseline SELECT 1", baseline, base);

    int rows = 0;
    report("generations page 1 (50, +outputs)", time(runs, [&](int i) {
               rows += store.generations(sessions[(i * 7919) % sessions.size()], 50).rows.size();
           }), base);
    // Deep pages: a cursor 10 pages into each session.
    QStringList deepCursors;
    for (int s = 0; s < 50; ++s) {
        QString cursor;
        for (int p = 0; p < 10; ++p)
            cursor = store.generations(sessions[s], 50, cursor).nextCursor;
        deepCursors << cursor;
    }
    report("generations page 11 (50, +outputs)", time(runs, [&](int i) {
               rows += store.generations(sessions[i % 50], 50, deepCursors[i % 50]).rows.size();
           }), base);
    report("images page 1 (50)", time(runs, [&](int i) { rows += store.images(projects[i % projects.size()], 50).rows.size(); }), base);
    report("projects page 1 (50)", time(runs, [&](int) { rows += store.projects(50).rows.size(); }), base);
    int hits = 0;
    report("search one word (50)", time(runs, [&](int i) { hits += store.search(words[(i * 13) % words.size()], 50).rows.size(); }), base);
    report("search two words (50)", time(runs, [&](int i) {
               hits += store.search(words[(i * 13) % words.size()] + QLatin1Char(' ') + words[(i * 17 + 5) % words.size()], 50).rows.size();
           }), base);
    report("search prefix 'kalo' (50)", time(runs, [&](int) { hits += store.search(QStringLiteral("kalo"), 50).rows.size(); }), base);

    // Delta pages: 50 status updates of existing generations, 25 new generations with an output each.
    QList<Generation> recent = store.generations(sessions[0], 50).rows;
    const Timing delta = time(qMin(runs, 200), [&](int i) {
        QJsonArray page;
        for (Generation g : recent) {
            g.progress = i % 100;
            g.outputs.reset();
            page << upsertChange(++rev, QStringLiteral("generation"), g.toJson());
        }
        for (int n = 0; n < 25; ++n) {
            const Generation g = synthGeneration(sessions[(i + n) % sessions.size()], prompt(words, random), t0 + 2000000000000LL + i);
            page << upsertChange(++rev, QStringLiteral("generation"), g.toJson()) << upsertChange(++rev, QStringLiteral("output"), synthOutput(g, g.createdAt).toJson());
        }
        if (!store.applyChangesPage(page, QString::number(rev), nullptr, &error))
            std::fprintf(stderr, "delta: %s\n", qPrintable(error));
    });
    report("apply delta page (100 changes)", delta, base);
    std::printf("(rows read %d, search hits %d)\n", rows, hits);
    return 0;
}
