// The client's cold sync and delta sync over loopback (issue 10): a real vesper-server on a seeded
// database, the client core's SyncEngine writing a fresh cache. Prints the whole cold sync (rows/s,
// page p50/p95/p99) against a baseline run in the same process — fetching the same pages without
// applying them — and a delta of 100 changes (p50/p95/p99 over several rounds).
//
//   vesper-server seed --db sqlite:/tmp/sync100k.db --projects 20 --sessions-per-project 10 \
//       --generations 100000 --outputs-per-generation 2 --users 1
//   build/dev/tests/bench/bench_sync --db sqlite:/tmp/sync100k.db
#include "backend/auth/jwtcodec.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/syncengine.h"
#include "latency.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <cstdio>

using namespace vesper;
using namespace vesper::client;

namespace {

const QByteArray kSecret = "bench-secret-bench-secret-bench-secret-01";

QString busiestUser(const QString &sqlitePath)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("pick"));
    db.setDatabaseName(sqlitePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    QString user;
    if (db.open()) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT p.owner_id FROM generations g JOIN projects p ON p.id = g.project_id "
                              "GROUP BY p.owner_id ORDER BY COUNT(*) DESC LIMIT 1"));
        if (q.next())
            user = q.value(0).toString();
    }
    db.close();
    return user;
}

void print(const char *what, const bench::Latency &l, double baselineP50 = 0)
{
    std::printf("%-34s n=%-5lld p50 %8.2f ms  p95 %8.2f ms  p99 %8.2f ms", what, qlonglong(l.count()), l.percentileMs(0.5),
                l.percentileMs(0.95), l.percentileMs(0.99));
    if (baselineP50 > 0)
        std::printf("  (x%.2f of baseline p50)", l.percentileMs(0.5) / baselineP50);
    std::printf("\n");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("db"), QStringLiteral("A seeded sqlite:PATH database."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("server"), QStringLiteral("vesper-server binary."), QStringLiteral("path"), QStringLiteral(VESPER_SERVER_BIN)});
    parser.addOption({QStringLiteral("rounds"), QStringLiteral("Delta rounds."), QStringLiteral("n"), QStringLiteral("20")});
    parser.addOption({QStringLiteral("skip-baseline"), QStringLiteral("Do not fetch the feed a second time without applying it.")});
    parser.addHelpOption();
    parser.process(app);
    const QString db = parser.value(QStringLiteral("db"));
    if (!db.startsWith(QLatin1String("sqlite:"))) {
        std::fprintf(stderr, "bench_sync: pass --db sqlite:PATH of a seeded database (see the header)\n");
        return 2;
    }
    const QString user = busiestUser(db.mid(7));
    if (user.isEmpty()) {
        std::fprintf(stderr, "bench_sync: no generations in %s; seed it first\n", qPrintable(db));
        return 1;
    }

    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESPER_JWT_SECRET"), QString::fromLatin1(kSecret));
    env.insert(QStringLiteral("VESPER_ACCESS_LOG"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("1000000"));
    server.setProcessEnvironment(env);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(parser.value(QStringLiteral("server")), {QStringLiteral("serve"), QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QString out;
    QString base;
    static const QRegularExpression listening(QStringLiteral("listening on (http://127\\.0\\.0\\.1:\\d+)"));
    for (int i = 0; i < 600 && base.isEmpty(); ++i) {
        server.waitForReadyRead(100);
        out += QString::fromUtf8(server.readAllStandardOutput());
        const auto m = listening.match(out);
        if (m.hasMatch())
            base = m.captured(1);
        if (server.state() == QProcess::NotRunning)
            break;
    }
    if (base.isEmpty()) {
        std::fprintf(stderr, "bench_sync: the server did not start: %s\n", qPrintable(out));
        return 1;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const backend::JwtCodec jwt(kSecret, QStringLiteral("authenticated"));
    const QString token = QString::fromLatin1(jwt.sign(QJsonObject{{QStringLiteral("sub"), user}, {QStringLiteral("aud"), QStringLiteral("authenticated")},
                                                                  {QStringLiteral("role"), QStringLiteral("authenticated")},
                                                                  {QStringLiteral("iat"), now}, {QStringLiteral("exp"), now + 7200}}));
    HttpClient http;
    ApiClient api(&http, base);
    api.setFixedToken(token);
    api.setTimeoutSeconds(120);

    // Baseline: the same pages fetched and parsed, not applied.
    double fetchSeconds = 0;
    qint64 fetchedRows = 0;
    if (!parser.isSet(QStringLiteral("skip-baseline"))) {
        QElapsedTimer t;
        t.start();
        QString since = QStringLiteral("0");
        for (;;) {
            const ApiResult<QJsonObject> page = api.changes(since, 1000);
            if (!page.ok()) {
                std::fprintf(stderr, "bench_sync: %s\n", qPrintable(describe(page.error)));
                return 1;
            }
            fetchedRows += page.value.value(QStringLiteral("changes")).toArray().size();
            since = page.value.value(QStringLiteral("nextSince")).toString();
            if (!page.value.value(QStringLiteral("hasMore")).toBool())
                break;
        }
        fetchSeconds = t.nsecsElapsed() / 1e9;
    }

    QTemporaryDir dir;
    CacheDatabase database(dir.path());
    QString error;
    if (!database.open(&error)) {
        std::fprintf(stderr, "bench_sync: %s\n", qPrintable(error));
        return 1;
    }
    CacheStore cache(database);
    SyncEngine sync(api, cache);
    bench::Latency pages;
    QElapsedTimer pageTimer;
    pageTimer.start();
    QObject::connect(&sync, &SyncEngine::progress, &sync, [&](int, int, bool) { pages.add(pageTimer.nsecsElapsed()); pageTimer.restart(); },
                     Qt::DirectConnection);
    QElapsedTimer total;
    total.start();
    const SyncReport cold = sync.syncNow();
    const double coldSeconds = total.nsecsElapsed() / 1e9;
    if (!cold.ok()) {
        std::fprintf(stderr, "bench_sync: cold sync failed: %s\n", qPrintable(describe(cold.error)));
        return 1;
    }
    const CacheCounts counts = cache.counts();
    std::printf("bench_sync on %s for user %s\n", qPrintable(db), qPrintable(user));
    std::printf("cold sync: %d changes in %d pages, %.2f s, %.0f rows/s; cache holds %lld generations, %lld outputs\n", cold.changes,
                cold.pages, coldSeconds, cold.changes / coldSeconds, qlonglong(counts.generations), qlonglong(counts.outputs));
    if (fetchSeconds > 0)
        std::printf("baseline (fetch only, same pages): %lld rows in %.2f s, %.0f rows/s; sync/fetch = x%.2f\n", qlonglong(fetchedRows),
                    fetchSeconds, fetchedRows / fetchSeconds, coldSeconds / fetchSeconds);
    print("cold page (fetch + apply)", pages);

    // Deltas: 100 changes (renames of the user's sessions), then one sync.
    const ApiResult<Page<Project>> projects = api.projects(50);
    if (!projects.ok() || projects.value.items.isEmpty()) {
        std::fprintf(stderr, "bench_sync: the user has no projects\n");
        return 1;
    }
    const ApiResult<QList<Session>> sessions = api.sessions(projects.value.items.first().id);
    if (!sessions.ok() || sessions.value.isEmpty()) {
        std::fprintf(stderr, "bench_sync: no sessions to rename\n");
        return 1;
    }
    bench::Latency deltas, emptyDeltas;
    const int rounds = qMax(1, parser.value(QStringLiteral("rounds")).toInt());
    for (int r = 0; r < rounds; ++r) {
        for (int i = 0; i < 100; ++i) {
            const Session &s = sessions.value.at(i % sessions.value.size());
            api.updateSession(s.id, QJsonObject{{QStringLiteral("name"), QStringLiteral("round %1 rename %2").arg(r).arg(i)}});
        }
        QElapsedTimer t;
        t.start();
        const SyncReport delta = sync.syncNow();
        deltas.add(t.nsecsElapsed());
        if (!delta.ok())
            std::fprintf(stderr, "bench_sync: delta failed: %s\n", qPrintable(describe(delta.error)));
        QElapsedTimer e;
        e.start();
        sync.syncNow();
        emptyDeltas.add(e.nsecsElapsed());
    }
    print("empty delta (baseline)", emptyDeltas);
    print("delta of 100 changes", deltas, emptyDeltas.percentileMs(0.5));
    server.terminate();
    server.waitForFinished(10000);
    return 0;
}
