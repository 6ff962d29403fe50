// bench_jobclaim: what claiming a generation job costs as finished work piles up. Against two
// seeded databases in one process: a baseline with about 1k finished generations and a large one
// (1M), it queues fresh jobs (and, for the second round, 10k jobs waiting out a retry backoff),
// then times JobQueue::claim until the queue is empty. Finished jobs leave the jobs table in the
// transaction that finishes their generation, so a flat ratio is the claim not walking history.
#include "latency.h"

#include "backend/db/database.h"
#include "backend/db/dbconfig.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/jobqueue.h"
#include "common/clock.h"
#include "common/uuid.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <cstdio>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::bench;

namespace {
struct Sample {
    double p50 = 0, p95 = 0, p99 = 0;
    qint64 finished = 0;
    qsizetype claimed = 0;
};

qint64 scalar(Database &database, const QString &sql)
{
    SqlQuery q(database.connection(), sql);
    q.exec();
    return q.next() ? q.int64(0) : 0;
}

/// Queues `count` generations (copying the owner and session of an existing one) with jobs due now,
/// or due in an hour when `later` (jobs waiting out a backoff). Returns their ids.
QStringList queue(Database &database, int count, bool later)
{
    QSqlDatabase db = database.connection();
    QString user, session, project;
    {
        SqlQuery pick(db, QStringLiteral("SELECT user_id, session_id, project_id FROM generations LIMIT 1"));
        pick.exec();
        if (!pick.next())
            return {};
        user = pick.text(0), session = pick.text(1), project = pick.text(2);
    }
    QStringList ids;
    Transaction tx(database, db);
    const qint64 now = nowMicros();
    SqlQuery insert(db, QStringLiteral("INSERT INTO generations (id, session_id, project_id, user_id, client_id, model_id, prompt, "
                                       "negative_prompt, parameters, status, progress, progress_is_estimate, cost, created_at, rev) "
                                       "VALUES (:id, :s, :p, :u, :c, 'sketch', 'bench', '', %1, 'queued', 0, :f, 0, %2, :rev)")
                            .arg(database.jsonParam(QStringLiteral(":params")), database.timeParam(QStringLiteral(":now"))));
    SqlQuery job(db, QStringLiteral("INSERT INTO jobs (generation_id, priority, run_after, attempts, max_attempts) VALUES (:g, 0, %1, 0, 3)")
                         .arg(database.timeParam(QStringLiteral(":after"))));
    qint64 rev = tx.allocateRevs(count);
    for (int i = 0; i < count; ++i) {
        const QString id = newUuidV7();
        insert.bind(QStringLiteral(":id"), id).bind(QStringLiteral(":s"), session).bind(QStringLiteral(":p"), project)
            .bind(QStringLiteral(":u"), user).bind(QStringLiteral(":c"), id).bind(QStringLiteral(":params"), QStringLiteral("{}"))
            .bind(QStringLiteral(":f"), false).bind(QStringLiteral(":now"), now).bind(QStringLiteral(":rev"), rev++).exec();
        job.bind(QStringLiteral(":g"), id).bind(QStringLiteral(":after"), later ? now + 3600LL * 1000000 : now).exec();
        ids << id;
    }
    tx.commit();
    return ids;
}

void removeAll(Database &database, const QStringList &ids)
{
    QSqlDatabase db = database.connection();
    Transaction tx(database, db);
    SqlQuery jobs(db, QStringLiteral("DELETE FROM jobs WHERE generation_id = :g"));
    SqlQuery generations(db, QStringLiteral("DELETE FROM generations WHERE id = :g"));
    for (const QString &id : ids) {
        jobs.bind(QStringLiteral(":g"), id).exec();
        generations.bind(QStringLiteral(":g"), id).exec();
    }
    tx.commit();
}

/// Times `runs` claims (each followed by deleting the job, as finishing does), after `waiting` jobs
/// that are not due yet were queued too.
Sample measure(Database &database, int runs, int waiting)
{
    Sample sample;
    sample.finished = scalar(database, QStringLiteral("SELECT COUNT(*) FROM generations WHERE status IN ('completed', 'failed', 'cancelled')"));
    const QStringList parked = waiting > 0 ? queue(database, waiting, true) : QStringList();
    const QStringList due = queue(database, runs, false);
    JobQueue jobs(database);
    Latency latency;
    QElapsedTimer timer;
    for (int i = 0; i < runs; ++i) {
        timer.start();
        const std::optional<ClaimedJob> claimed = jobs.claim(QStringLiteral("bench"), 60);
        latency.add(timer.nsecsElapsed());
        if (!claimed)
            break;
        ++sample.claimed;
        QSqlDatabase db = database.connection();
        Transaction tx(database, db);
        JobQueue::remove(db, claimed->generationId);
        tx.commit();
    }
    removeAll(database, due + parked);
    sample.p50 = latency.percentileMs(0.50);
    sample.p95 = latency.percentileMs(0.95);
    sample.p99 = latency.percentileMs(0.99);
    return sample;
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2) : QStringLiteral("n/a");
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Job claim cost with few and with many finished generations."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("baseline-db"), QStringLiteral("A seeded database with about 1k generations."), QStringLiteral("url")},
        {QStringLiteral("db"), QStringLiteral("A seeded database with about 1M generations."), QStringLiteral("url")},
        {QStringLiteral("runs"), QStringLiteral("Claims timed per round (default 2000)."), QStringLiteral("n"), QStringLiteral("2000")},
        {QStringLiteral("waiting"), QStringLiteral("Jobs waiting out a backoff in the second round (default 10000)."), QStringLiteral("n"),
         QStringLiteral("10000")},
    });
    parser.process(app);
    const int runs = qMax(10, parser.value(QStringLiteral("runs")).toInt());
    const int waiting = qMax(0, parser.value(QStringLiteral("waiting")).toInt());
    QString error;
    const auto baselineConfig = DbConfig::parse(parser.value(QStringLiteral("baseline-db")), &error);
    const auto largeConfig = baselineConfig ? DbConfig::parse(parser.value(QStringLiteral("db")), &error) : std::nullopt;
    if (!baselineConfig || !largeConfig) {
        std::fprintf(stderr, "bench_jobclaim: %s (see tests/bench/README.md)\n", qPrintable(error));
        return 2;
    }
    Database baseline(*baselineConfig);
    Database large(*largeConfig);
    if (!baseline.check(&error) || !large.check(&error)) {
        std::fprintf(stderr, "bench_jobclaim: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("bench_jobclaim: %d claims per round, load average %s\n", runs, qPrintable(loadAverage()));
    std::printf("%-34s %9s %7s %9s %9s %9s %7s\n", "round", "finished", "claims", "p50 ms", "p95 ms", "p99 ms", "ratio");
    try {
        for (const int parked : {0, waiting}) {
            const Sample small = measure(baseline, runs, parked);
            const Sample big = measure(large, runs, parked);
            const QByteArray label = parked ? QByteArrayLiteral("claim, %1 in backoff").replace("%1", QByteArray::number(parked))
                                            : QByteArrayLiteral("claim");
            std::printf("%-34s %9lld %7lld %9.3f %9.3f %9.3f %7s\n", QByteArray(label + " (baseline)").constData(), small.finished,
                        qint64(small.claimed), small.p50, small.p95, small.p99, "1.00");
            std::printf("%-34s %9lld %7lld %9.3f %9.3f %9.3f %7.2f\n", label.constData(), big.finished, qint64(big.claimed), big.p50,
                        big.p95, big.p99, small.p50 > 0 ? big.p50 / small.p50 : 0.0);
            if (small.claimed < runs || big.claimed < runs)
                std::fprintf(stderr, "bench_jobclaim: a claim found no due job before the queue was empty\n");
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_jobclaim: %s\n", e.what());
        return 1;
    }
    return 0;
}
