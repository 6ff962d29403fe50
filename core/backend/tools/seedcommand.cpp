// `vesper-server seed`: fills the configured database with realistic, repeatable demo and
// benchmark data (see SeedGraph and SeedActivity for the shapes, SeedWriter for the speed).
#include "backend/auth/passwordhasher.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/migrator.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/projectstats.h"
#include "backend/config/backendsettings.h"
#include "backend/tools/commands.h"
#include "backend/tools/seedactivity.h"
#include "backend/tools/seedgraph.h"
#include "backend/tools/seedoptions.h"
#include "backend/tools/seedrandom.h"
#include "backend/tools/seedwriter.h"
#include "common/clock.h"
#include "common/logging.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QThread>
#include <QSet>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>

namespace vesper::backend {

namespace {
const char kSeedPassword[] = "seed-password";
// Measured on SQLite with 1M generations: 250 rows per statement beat 50, 100 and 500 (parse
// trees of huge statements churn malloc), and multi-row text beat bound parameters (QtSql's
// per-value binding costs more than SQLite's parser).
constexpr int kRowsPerStatement = 250;
constexpr int kRowsPerTransaction = 50000;

std::optional<SeedOptions> parseSeedOptions(const QCommandLineParser &parser, QString *error)
{
    SeedOptions options;
    auto whole = [&](const char *name, qint64 min, qint64 max, auto *target) {
        const QString key = QLatin1String(name);
        if (!parser.isSet(key))
            return true;
        bool ok = false;
        const qint64 value = parser.value(key).toLongLong(&ok);
        if (!ok || value < min || value > max) {
            *error = QStringLiteral("--%1: expected a whole number from %2 to %3").arg(key).arg(min).arg(max);
            return false;
        }
        *target = decltype(+*target)(value);
        return true;
    };
    auto share = [&](const char *name, double *target) {
        const QString key = QLatin1String(name);
        if (!parser.isSet(key))
            return true;
        bool ok = false;
        const double value = parser.value(key).toDouble(&ok);
        if (!ok || value < 0 || value > 1) {
            *error = QStringLiteral("--%1: expected a fraction from 0 to 1").arg(key);
            return false;
        }
        *target = value;
        return true;
    };
    quint64 seedValue = options.seedValue;
    qint64 seedText = 0;
    if (!whole("users", 1, 10000000, &options.users) || !whole("projects", 0, 100000000, &options.projects)
        || !whole("sessions-per-project", 1, 100000, &options.sessionsPerProject)
        || !whole("generations", 0, qint64(1) << 36, &options.generations)
        || !whole("outputs-per-generation", 0, 16, &options.outputsPerGeneration)
        || !share("member-share", &options.memberShare) || !share("private-share", &options.privateShare)
        || !whole("seed-value", 0, std::numeric_limits<qint64>::max(), &seedText))
        return std::nullopt;
    if (parser.isSet(QStringLiteral("seed-value")))
        seedValue = quint64(seedText);
    options.seedValue = seedValue;
    if (options.generations > 0 && options.projects == 0) {
        *error = QStringLiteral("--generations needs at least one project");
        return std::nullopt;
    }
    return options;
}

void tuneForBulk(Database &database, bool bulk)
{
    const QSqlDatabase db = database.connection();
    if (database.isSqlite()) {
        // This connection only: a crash of the machine mid-seed may lose the seed, never the
        // file's consistency at a process crash (WAL is kept).
        SqlQuery::run(db, bulk ? QStringLiteral("PRAGMA synchronous=OFF") : QStringLiteral("PRAGMA synchronous=NORMAL"));
        SqlQuery::run(db, bulk ? QStringLiteral("PRAGMA cache_size=-1048576") : QStringLiteral("PRAGMA cache_size=-65536"));
        // Memory-mapped pages bypass the page cache and cost a WAL lookup on every visit, which
        // a bulk load makes millions of; the 1 GiB cache serves them instead.
        SqlQuery::run(db, bulk ? QStringLiteral("PRAGMA mmap_size=0") : QStringLiteral("PRAGMA mmap_size=268435456"));
    } else {
        SqlQuery::run(db, bulk ? QStringLiteral("SET synchronous_commit = off") : QStringLiteral("RESET synchronous_commit"));
    }
}

// A second run continues the numbering: user{n} for n after the users already seeded.
int seededUsers(Database &database)
{
    // Scoped: a statement left open would pin a read snapshot and keep the WAL from resetting.
    SqlQuery q(database.connection(), QStringLiteral("SELECT COUNT(*) FROM profiles WHERE email LIKE '%@seed.vesper.local'"));
    q.exec();
    return q.next() ? int(q.int64(0)) : 0;
}

double rate(qint64 rows, qint64 ms)
{
    return ms > 0 ? double(rows) * 1000.0 / double(ms) : 0.0;
}
} // namespace

void addSeedOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("users"), QStringLiteral("seed: number of users (default 200)."), QStringLiteral("n")},
        {QStringLiteral("projects"), QStringLiteral("seed: number of projects (default 1000)."), QStringLiteral("n")},
        {QStringLiteral("sessions-per-project"), QStringLiteral("seed: sessions in each project (default 10)."), QStringLiteral("n")},
        {QStringLiteral("generations"), QStringLiteral("seed: generations in all (default 100000)."), QStringLiteral("n")},
        {QStringLiteral("outputs-per-generation"), QStringLiteral("seed: image outputs per generation on average (default 2)."), QStringLiteral("n")},
        {QStringLiteral("member-share"), QStringLiteral("seed: fraction of projects shared with 1-5 members (default 0.3)."), QStringLiteral("f")},
        {QStringLiteral("private-share"), QStringLiteral("seed: fraction of sessions that are private (default 0.2)."), QStringLiteral("f")},
        {QStringLiteral("seed-value"), QStringLiteral("seed: PRNG seed; the same value gives the same shapes (default 42)."), QStringLiteral("n")},
    });
}

int runSeed(const BackendSettings &config, const QCommandLineParser &parser)
{
    QString error;
    const auto parsed = parseSeedOptions(parser, &error);
    if (!parsed) {
        std::fprintf(stderr, "vesper-server seed: %s\n", qPrintable(error));
        return 2;
    }
    const SeedOptions options = *parsed;
    Database database(config.db);
    Migrator migrator(database);
    if (!database.check(&error) || !migrator.migrate(&error)) {
        std::fprintf(stderr, "vesper-server seed: %s\n", qPrintable(error));
        return 1;
    }
    try {
        QElapsedTimer total;
        total.start();
        // One hash for every seeded user, at argon2id's minimum cost: these accounts are for demos
        // and benchmarks, and hashing thousands of passwords would dominate the run.
        const QByteArray passwordHash = PasswordHasher(true).hash(QString::fromLatin1(kSeedPassword)).toLatin1();
        const int firstIndex = seededUsers(database);
        std::printf("seeding %s: %d users, %d projects x %d sessions, %lld generations x %d outputs (seed %llu)\n",
                    qPrintable(config.db.redacted()), options.users, options.projects, options.sessionsPerProject,
                    static_cast<long long>(options.generations), options.outputsPerGeneration,
                    static_cast<unsigned long long>(options.seedValue));
        std::fflush(stdout);

        tuneForBulk(database, true);
        const qint64 end = nowMicros();
        SeedRandom random(options.seedValue);
        SeedWriter writer(database, kRowsPerStatement, kRowsPerTransaction);
        SeedGraph graph(options, random, end);
        QElapsedTimer writing;
        writing.start();
        qint64 lastReport = 0;
        qint64 lastGenerations = -1;
        auto report = [&](qint64 generations) {
            if (generations == lastGenerations || (writing.elapsed() - lastReport < 2000 && generations < options.generations))
                return;
            lastReport = writing.elapsed();
            lastGenerations = generations;
            std::printf("  %6.1f s  generations %lld/%lld  outputs %lld  (%.0f rows/s)\n", double(writing.elapsed()) / 1000.0,
                        static_cast<long long>(generations), static_cast<long long>(options.generations),
                        static_cast<long long>(writer.rows(SeedWriter::Outputs)), rate(writer.totalRows(), writing.elapsed()));
            std::fflush(stdout);
        };
        graph.writeUsers(writer, firstIndex, passwordHash, config.defaultCredits);
        graph.writeProjects(writer);
        graph.writeSessions(writer);
        writer.finish();
        std::printf("  %6.1f s  %lld users, %lld projects, %lld sessions written\n", double(writing.elapsed()) / 1000.0,
                    static_cast<long long>(graph.users().size()), static_cast<long long>(graph.projects().size()),
                    static_cast<long long>(graph.sessions().size()));
        SeedActivity activity(options, random, graph, end);
        activity.write(writer, report);
        writer.finish();
        const qint64 writeMs = writing.elapsed();

        QElapsedTimer stats;
        stats.start();
        const auto drift = ProjectStats::repairAll(database, true);
        const qint64 statsMs = stats.elapsed();
        stats.restart();
        // Fresh planner statistics, so the first queries on the new data use the right indexes.
        if (database.isSqlite())
            SqlQuery::run(database.connection(), QStringLiteral("PRAGMA analysis_limit=1000"));
        SqlQuery::run(database.connection(), QStringLiteral("ANALYZE"));
        // Move the write-ahead log into the database now rather than when the connection closes.
        if (database.isSqlite())
            if (!database.truncateWal())
                qCWarning(lcSeed) << "the write-ahead log could not be truncated; it is checkpointed when the server runs";
        const qint64 analyzeMs = stats.elapsed();
        tuneForBulk(database, false);

        const qint64 rows = writer.totalRows();
        std::printf("seeded in %.1f s: %lld rows written in %.1f s (%.0f rows/s, %lld statements, %lld transactions), "
                    "project_stats %.1f s, analyze and checkpoint %.1f s\n",
                    double(total.elapsed()) / 1000.0, static_cast<long long>(rows), double(writeMs) / 1000.0, rate(rows, writeMs),
                    static_cast<long long>(writer.statements()), static_cast<long long>(writer.transactions()),
                    double(statsMs) / 1000.0, double(analyzeMs) / 1000.0);
        for (int t = 0; t < SeedWriter::TableCount; ++t)
            std::printf("  %-16s %10lld\n", SeedWriter::tableName(SeedWriter::Table(t)), static_cast<long long>(writer.rows(SeedWriter::Table(t))));
        std::printf("  shared projects %lld, tie groups of projects %lld, private sessions %lld\n",
                    static_cast<long long>(graph.sharedProjects()), static_cast<long long>(graph.tieGroups()),
                    static_cast<long long>(graph.privateSessions()));
        std::printf("  generations: %lld completed, %lld failed, %lld queued; %lld in batches sharing created_at\n",
                    static_cast<long long>(activity.completed()), static_cast<long long>(activity.failed()),
                    static_cast<long long>(activity.queued()), static_cast<long long>(activity.tiedGenerations()));
        QSet<QString> rebuilt;
        for (const auto &d : drift)
            rebuilt.insert(d.projectId);
        std::printf("  project_stats: %lld row(s) written by ProjectStats::repairAll\n", static_cast<long long>(rebuilt.size()));
        int owned = 0;
        int memberships = 0;
        const int owner = graph.topOwner(&owned);
        const int member = graph.topMember(&memberships);
        std::printf("sign in as user%d..user%d@seed.vesper.local, password: %s\n", firstIndex,
                    firstIndex + options.users - 1, kSeedPassword);
        if (owner >= 0)
            std::printf("  most projects: user%d@seed.vesper.local owns %d\n", firstIndex + owner, owned);
        if (member >= 0 && memberships > 0)
            std::printf("  most shared memberships: user%d@seed.vesper.local is a member of %d shared projects\n",
                        firstIndex + member, memberships);
        return 0;
    } catch (const DbError &e) {
        std::fprintf(stderr, "vesper-server seed: %s\n", qPrintable(e.message()));
        return 1;
    } catch (const std::runtime_error &e) {
        std::fprintf(stderr, "vesper-server seed: %s\n", e.what());
        return 1;
    }
}

} // namespace vesper::backend
