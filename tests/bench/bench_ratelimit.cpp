// bench_ratelimit: what the shared rate-limit store adds to a request (issue 14). In one process,
// against one PostgreSQL database (migrated here), it times RateLimitStore::hit on the shared store
// (one INSERT ... ON CONFLICT DO UPDATE round trip) and on the in-process store, with the same keys
// (users of a busy team, so rows exist and are updated, as in steady traffic), from 1 and 4 threads,
// and prints p50/p95/p99 of each and the ratio of the medians. The in-process store is the baseline.
//
//   build/dev/tests/bench/bench_ratelimit --db postgres://postgres@127.0.0.1:55900/DB [--hits 5000]
#include "backend/db/database.h"
#include "backend/db/migrator.h"
#include "backend/repositories/sharedratelimits.h"
#include "common/ratelimiter.h"
#include "latency.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QThreadPool>
#include <cstdio>
#include <cstdlib>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::bench;

namespace {
constexpr int kUsers = 200;

/// `hits` checks spread over `threads` threads, each on keys of kUsers users; every check timed.
Latency run(RateLimitStore &store, int hits, int threads, const QString &tag)
{
    // Long-lived pool threads, never ended: a thread's database connection is closed when the thread
    // ends, as the server's threads (which live as long as it) never do.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setExpiryTimeout(-1);
        p->setMaxThreadCount(8);
        return p;
    }();
    Latency all;
    QMutex mutex;
    for (int t = 0; t < threads; ++t) {
        pool->start([&, t] {
            QList<qint64> mine;
            mine.reserve(hits / threads);
            QElapsedTimer timer;
            for (int i = 0; i < hits / threads; ++i) {
                const QString key = QStringLiteral("bench-%1:user-%2").arg(tag).arg((i * threads + t) % kUsers);
                timer.start();
                store.hit(key, 1200, 60);
                mine.append(timer.nsecsElapsed());
            }
            QMutexLocker lock(&mutex);
            for (const qint64 sample : std::as_const(mine))
                all.add(sample);
        });
    }
    pool->waitForDone();
    return all;
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2) : QString();
}

void print(const char *name, const Latency &l, double baselineP50)
{
    std::printf("%-30s n=%-5lld p50 %7.3f ms  p95 %7.3f ms  p99 %7.3f ms  p50 %+.3f ms (x%.0f) vs baseline\n", name,
                (long long)l.count(), l.percentileMs(0.50), l.percentileMs(0.95), l.percentileMs(0.99), l.percentileMs(0.50) - baselineP50,
                baselineP50 > 0 ? l.percentileMs(0.50) / baselineP50 : 0.0);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("db"), QStringLiteral("postgres:// URL of a scratch database"), QStringLiteral("url")});
    parser.addOption({QStringLiteral("hits"), QStringLiteral("checks per run (default 5000)"), QStringLiteral("n"), QStringLiteral("5000")});
    parser.process(app);
    QString error;
    const auto config = DbConfig::parse(parser.value(QStringLiteral("db")), &error);
    if (!config || config->dialect != Dialect::Postgres) {
        std::fprintf(stderr, "--db must be a postgres:// URL (%s)\n", qPrintable(error));
        return 2;
    }
    Database database(*config);
    Migrator migrator(database);
    if (!database.check(&error) || !migrator.migrate(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const int hits = parser.value(QStringLiteral("hits")).toInt();
    InMemoryRateLimitStore memory;
    SharedRateLimitStore shared(database);
    // Warm both (connections per thread, prepared statements, rows for every key) before timing.
    run(memory, kUsers * 4, 4, QStringLiteral("warm"));
    run(shared, kUsers * 4, 4, QStringLiteral("warm"));
    std::printf("rate-limit check, %d keys, limit 1200/min (never refused), load average %s\n", kUsers, qPrintable(loadAverage()));
    for (const int threads : {1, 4}) {
        const Latency base = run(memory, hits, threads, QStringLiteral("warm"));
        const Latency pg = run(shared, hits, threads, QStringLiteral("warm"));
        const QByteArray label = QByteArray::number(threads) + " thread" + (threads > 1 ? "s" : "");
        print(QByteArray("in-process store, " + label).constData(), base, base.percentileMs(0.5));
        print(QByteArray("PostgreSQL store, " + label).constData(), pg, base.percentileMs(0.5));
    }
    // Leave without ending the pool's threads (each would close its connection while Qt winds down).
    std::fflush(stdout);
    std::_Exit(0);
}
