// bench_changesfeed: what GET /api/changes costs server-side as history grows. Against one seeded
// database, for the user who sees the most generations: walks the whole feed (every page timed),
// then times the first page (since=0), a page in the middle and a page near the head, with the
// windowed ChangeFeed and, as the baseline in the same process, the feed before it (OldChangeFeed).
// A flat head/first ratio is a page costing what it returns, not what lies past `since`.
#include "latency.h"
#include "oldchangefeed.h"

#include "backend/db/database.h"
#include "backend/db/dbconfig.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/changefeed.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <cstdio>
#include <functional>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::bench;

namespace {
using PageFunction = std::function<ChangePage(qint64 since)>;

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

qint64 scalar(Database &database, const QString &sql, const QString &user = QString())
{
    SqlQuery q(database.connection(), sql);
    if (!user.isEmpty())
        q.bind(QStringLiteral(":u"), user);
    q.exec();
    return q.next() ? q.int64(0) : 0;
}

struct Walk {
    Latency pages;
    qint64 totalNs = 0;
    qint64 rows = 0;
    QList<qint64> positions; // the since of every page, in order
};

// Follows the feed from 0 until hasMore is false (or maxPages), timing each page.
Walk walk(const PageFunction &page, int maxPages)
{
    Walk w;
    qint64 since = 0;
    QElapsedTimer timer;
    for (int i = 0; i < maxPages; ++i) {
        w.positions.append(since);
        timer.start();
        const ChangePage p = page(since);
        const qint64 ns = timer.nsecsElapsed();
        w.pages.add(ns);
        w.totalNs += ns;
        w.rows += p.count;
        if (p.nextSince < since)
            qFatal("the feed went backwards");
        since = p.nextSince;
        if (!p.hasMore)
            break;
    }
    return w;
}

Latency measure(const PageFunction &page, qint64 since, int iterations, int *rows)
{
    page(since); // warm-up
    Latency latency;
    QElapsedTimer timer;
    for (int i = 0; i < iterations; ++i) {
        timer.start();
        *rows = page(since).count;
        latency.add(timer.nsecsElapsed());
    }
    return latency;
}

void printRow(const char *label, const char *method, const Latency &l, int rows, const Latency *baseline)
{
    std::printf("%-16s %-10s %6d %9.3f %9.3f %9.3f", label, method, rows, l.percentileMs(0.5), l.percentileMs(0.95), l.percentileMs(0.99));
    if (baseline)
        std::printf(" %9.2fx %9.2fx", l.percentileMs(0.5) / baseline->percentileMs(0.5), l.percentileMs(0.95) / baseline->percentileMs(0.95));
    std::printf("\n");
    std::fflush(stdout);
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Changes feed cost over history: windowed feed vs the old one. Seed first."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("db"), QStringLiteral("A seeded database: sqlite:PATH or postgres://..."), QStringLiteral("url")},
        {QStringLiteral("limit"), QStringLiteral("Page size (default 1000, the API's maximum)."), QStringLiteral("n"), QStringLiteral("1000")},
        {QStringLiteral("iterations"), QStringLiteral("Timed iterations per single page (default 30)."), QStringLiteral("n"), QStringLiteral("30")},
        {QStringLiteral("old-iterations"), QStringLiteral("Iterations for the old feed's pages (default 10)."), QStringLiteral("n"), QStringLiteral("10")},
        {QStringLiteral("old-walk-pages"), QStringLiteral("Pages of the old feed's walk to time (default 0: no old walk; -1: all)."),
         QStringLiteral("n"), QStringLiteral("0")},
    });
    parser.process(app);
    QString error;
    const auto config = DbConfig::parse(parser.value(QStringLiteral("db")), &error);
    if (!config) {
        std::fprintf(stderr, "bench_changesfeed: %s\n", qPrintable(error));
        return 2;
    }
    const int limit = qBound(1, parser.value(QStringLiteral("limit")).toInt(), 1000);
    const int iterations = qMax(1, parser.value(QStringLiteral("iterations")).toInt());
    const int oldIterations = qMax(1, parser.value(QStringLiteral("old-iterations")).toInt());
    int oldWalkPages = parser.value(QStringLiteral("old-walk-pages")).toInt();
    if (oldWalkPages < 0)
        oldWalkPages = 1000000;
    Database database(*config);
    if (!database.check(&error)) {
        std::fprintf(stderr, "bench_changesfeed: %s\n", qPrintable(error));
        return 1;
    }
    try {
        SqlQuery pick(database.connection(), QStringLiteral("SELECT p.owner_id, COUNT(*) FROM generations g JOIN projects p ON p.id = g.project_id "
                                                            "GROUP BY p.owner_id ORDER BY 2 DESC LIMIT 1"));
        pick.exec();
        if (!pick.next()) {
            std::fprintf(stderr, "bench_changesfeed: no generations; run vesper-server seed first\n");
            return 1;
        }
        const QString user = pick.text(0);
        const qint64 owned = pick.int64(1);
        ChangeFeed feed(database);
        OldChangeFeed old(database);
        const PageFunction windowed = [&](qint64 since) { return feed.read(user, since, limit); };
        const PageFunction baseline = [&](qint64 since) { return old.read(user, since, limit); };
        std::printf("bench_changesfeed on %s: %lld generations, %lld outputs, rev counter at %lld\n", qPrintable(config->redacted()),
                    scalar(database, QStringLiteral("SELECT COUNT(*) FROM generations")),
                    scalar(database, QStringLiteral("SELECT COUNT(*) FROM outputs")), feed.head());
        std::printf("user %s owns projects holding %lld generations; page size %d; load average %s\n\n", qPrintable(user),
                    static_cast<long long>(owned), limit, qPrintable(loadAverage()));

        // 1. The whole walk, as a cold sync does it.
        const Walk w = walk(windowed, 10000000);
        std::printf("walk (new): %lld rows in %lld pages, server-side total %.1f ms; page p50 %.3f p95 %.3f p99 %.3f ms\n",
                    static_cast<long long>(w.rows), static_cast<long long>(w.pages.count()), w.totalNs / 1e6, w.pages.percentileMs(0.5),
                    w.pages.percentileMs(0.95), w.pages.percentileMs(0.99));
        std::fflush(stdout);
        if (oldWalkPages > 0) {
            const Walk o = walk(baseline, oldWalkPages);
            std::printf("walk (old): %lld rows in %lld pages%s, server-side total %.1f ms; page p50 %.3f p95 %.3f p99 %.3f ms\n",
                        static_cast<long long>(o.rows), static_cast<long long>(o.pages.count()),
                        o.pages.count() >= oldWalkPages ? " (stopped early)" : "", o.totalNs / 1e6, o.pages.percentileMs(0.5),
                        o.pages.percentileMs(0.95), o.pages.percentileMs(0.99));
        }

        // 2. Single pages where a walk starts, in its middle and near its end.
        const qint64 first = 0;
        const qint64 middle = w.positions.value(w.positions.size() / 2);
        const qint64 head = w.positions.value(qMax(0, int(w.positions.size()) - 2)); // the last full page
        std::printf("\n%-16s %-10s %6s %9s %9s %9s %10s %10s\n", "page", "method", "rows", "p50 ms", "p95 ms", "p99 ms", "p50 x", "p95 x");
        struct Point { const char *label; qint64 since; };
        Latency firstNew, headNew;
        for (const Point &point : {Point{"since=0", first}, Point{"middle", middle}, Point{"near head", head}}) {
            int rowsNew = 0, rowsOld = 0;
            const Latency n = measure(windowed, point.since, iterations, &rowsNew);
            const Latency o = measure(baseline, point.since, oldIterations, &rowsOld);
            printRow(point.label, "new", n, rowsNew, nullptr);
            printRow("", "old", o, rowsOld, &n);
            if (point.since == first)
                firstNew = n;
            else if (point.since == head)
                headNew = n;
        }
        std::printf("\nnew feed, near-head page vs first page: p50 %.2fx, p95 %.2fx (flat is ~1)\n",
                    headNew.percentileMs(0.5) / firstNew.percentileMs(0.5), headNew.percentileMs(0.95) / firstNew.percentileMs(0.95));
        std::printf("load average %s\n", qPrintable(loadAverage()));
        return 0;
    } catch (const DbError &e) {
        std::fprintf(stderr, "bench_changesfeed: %s\n", qPrintable(e.message()));
        return 1;
    }
}
