// bench_projectlist: latency of the project list (GET /api/projects/with-thumbnails) computed
// server-side three ways in one process against one seeded database: (a) ProjectRepository from
// the project_stats read model, (b) the replaced web app's three queries plus application code,
// (c) one SQL query without the read model. Seed first; see README.md in this folder.
#include "latency.h"
#include "onequeryprojectlist.h"
#include "webappprojectlist.h"

#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/dbconfig.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/projectrepository.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <functional>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::bench;

namespace {
using PageFunction = std::function<QByteArray(const std::optional<Cursor> &, QString *)>;

struct Method {
    const char *label;
    PageFunction page;
    int iterations;
};

struct User {
    QString id;
    QString email;
    qint64 projects = 0;
};

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

qint64 scalar(Database &database, const QString &sql)
{
    SqlQuery q(database.connection(), sql);
    q.exec();
    return q.next() ? q.int64(0) : 0;
}

// The user owning the most projects, or the one with the most shared memberships.
User pickUser(Database &database, bool member, const QString &exclude)
{
    const QString sql = member
        ? QStringLiteral("SELECT m.user_id, pr.email, COUNT(*) FROM project_members m JOIN projects p ON p.id = m.project_id "
                         "JOIN profiles pr ON pr.id = m.user_id WHERE p.is_shared AND m.user_id <> :x "
                         "GROUP BY m.user_id, pr.email ORDER BY 3 DESC LIMIT 1")
        : QStringLiteral("SELECT p.owner_id, pr.email, COUNT(*) FROM projects p JOIN profiles pr ON pr.id = p.owner_id "
                         "WHERE p.owner_id <> :x GROUP BY p.owner_id, pr.email ORDER BY 3 DESC LIMIT 1");
    SqlQuery q(database.connection(), sql);
    q.bind(QStringLiteral(":x"), exclude).exec();
    if (!q.next())
        return {};
    return {q.text(0), q.text(1), q.int64(2)};
}

Latency measure(const Method &method, const std::optional<Cursor> &cursor, int warmup)
{
    QString next;
    for (int i = 0; i < warmup; ++i)
        method.page(cursor, &next);
    Latency latency;
    QElapsedTimer timer;
    for (int i = 0; i < method.iterations; ++i) {
        timer.start();
        const QByteArray json = method.page(cursor, &next);
        latency.add(timer.nsecsElapsed());
        if (json.isEmpty())
            qFatal("empty page");
    }
    return latency;
}

// The JSON of the three methods must be identical, or the comparison means nothing.
bool agree(const char *scenario, const QList<Method> &methods, const std::optional<Cursor> &cursor)
{
    QString next;
    const QJsonArray reference = QJsonDocument::fromJson(methods[0].page(cursor, &next)).array();
    bool same = true;
    for (qsizetype m = 1; m < methods.size(); ++m) {
        const QJsonArray other = QJsonDocument::fromJson(methods[m].page(cursor, &next)).array();
        if (other != reference) {
            same = false;
            std::printf("MISMATCH %s: %s differs from %s (%lld vs %lld rows)\n", scenario, methods[m].label, methods[0].label,
                        static_cast<long long>(other.size()), static_cast<long long>(reference.size()));
            for (qsizetype i = 0; i < qMin(other.size(), reference.size()); ++i) {
                if (other[i] != reference[i]) {
                    std::printf("  row %lld:\n    %s\n    %s\n", static_cast<long long>(i),
                                QJsonDocument(reference[i].toObject()).toJson(QJsonDocument::Compact).constData(),
                                QJsonDocument(other[i].toObject()).toJson(QJsonDocument::Compact).constData());
                    break;
                }
            }
        }
    }
    return same;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Project list latency: read model vs the web app's shape vs one query. "
                                                    "Run `vesper-server seed` on the database first."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("db"), QStringLiteral("A seeded database: sqlite:PATH or postgres://..."), QStringLiteral("url")},
        {QStringLiteral("iterations"), QStringLiteral("Timed iterations per method and page (default 200)."), QStringLiteral("n"), QStringLiteral("200")},
        {QStringLiteral("web-iterations"), QStringLiteral("Iterations for the slow web-app shape (default: --iterations)."), QStringLiteral("n")},
        {QStringLiteral("warmup"), QStringLiteral("Untimed iterations first (default 5)."), QStringLiteral("n"), QStringLiteral("5")},
        {QStringLiteral("depth"), QStringLiteral("Pages to follow for the deep page (default 20)."), QStringLiteral("n"), QStringLiteral("20")},
        {QStringLiteral("limit"), QStringLiteral("Page size (default 20)."), QStringLiteral("n"), QStringLiteral("20")},
    });
    parser.process(app);
    QString error;
    const auto config = DbConfig::parse(parser.value(QStringLiteral("db")), &error);
    if (!config) {
        std::fprintf(stderr, "bench_projectlist: %s\n", qPrintable(error));
        return 2;
    }
    const int iterations = qMax(1, parser.value(QStringLiteral("iterations")).toInt());
    const int webIterations = parser.isSet(QStringLiteral("web-iterations")) ? qMax(1, parser.value(QStringLiteral("web-iterations")).toInt())
                                                                             : iterations;
    const int warmup = qMax(0, parser.value(QStringLiteral("warmup")).toInt());
    const int depth = qMax(1, parser.value(QStringLiteral("depth")).toInt());
    const int limit = qBound(1, parser.value(QStringLiteral("limit")).toInt(), 50);

    Database database(*config);
    if (!database.check(&error)) {
        std::fprintf(stderr, "bench_projectlist: %s\n", qPrintable(error));
        return 1;
    }
    try {
        std::printf("bench_projectlist on %s: %lld projects, %lld sessions, %lld generations, %lld outputs\n",
                    qPrintable(config->redacted()), scalar(database, QStringLiteral("SELECT COUNT(*) FROM projects")),
                    scalar(database, QStringLiteral("SELECT COUNT(*) FROM sessions")),
                    scalar(database, QStringLiteral("SELECT COUNT(*) FROM generations")),
                    scalar(database, QStringLiteral("SELECT COUNT(*) FROM outputs")));
        const User owner = pickUser(database, false, QString());
        const User member = pickUser(database, true, owner.id);
        if (owner.id.isEmpty()) {
            std::fprintf(stderr, "bench_projectlist: no projects; run vesper-server seed first\n");
            return 1;
        }
        std::printf("owner  %s owns %lld projects\nmember %s is a member of %lld shared projects\n", qPrintable(owner.email),
                    static_cast<long long>(owner.projects), qPrintable(member.email), static_cast<long long>(member.projects));
        std::printf("page size %d, %d iterations (web-app shape %d) after %d warm-up, one thread, load average %s\n\n", limit,
                    iterations, webIterations, warmup, qPrintable(loadAverage()));

        ProjectRepository repository(database);
        WebAppProjectList webApp(database);
        OneQueryProjectList oneQuery(database);
        std::printf("%-22s %-26s %9s %9s %9s %10s %10s\n", "page", "method", "p50 ms", "p95 ms", "p99 ms", "p50 x(a)", "p95 x(a)");
        bool allAgree = true;
        for (const User *who : {&owner, &member}) {
            const User &user = *who;
            if (user.id.isEmpty())
                continue;
            const QList<Method> methods = {
                {"(a) read model", [&](const std::optional<Cursor> &c, QString *next) {
                     ProjectPage page = repository.listWithThumbnails(user.id, true, limit, c);
                     *next = page.nextCursor;
                     return page.data;
                 }, iterations},
                {"(b) web-app shape", [&](const std::optional<Cursor> &c, QString *next) { return webApp.page(user.id, limit, c, next); },
                 webIterations},
                {"(c) one query, no model", [&](const std::optional<Cursor> &c, QString *next) { return oneQuery.page(user.id, limit, c, next); },
                 iterations},
            };
            // The deep page: follow the read model's cursors `depth` pages in (or as far as they go).
            std::optional<Cursor> deep;
            int pagesIn = 0;
            QString next;
            for (; pagesIn < depth; ++pagesIn) {
                methods[0].page(deep, &next);
                if (next.isEmpty())
                    break;
                deep = Cursor::decode(next);
            }
            const bool isOwner = who == &owner;
            for (const bool isDeep : {false, true}) {
                const std::optional<Cursor> cursor = isDeep ? deep : std::nullopt;
                const QString scenario = QStringLiteral("%1 %2").arg(isOwner ? QStringLiteral("owner") : QStringLiteral("member"),
                                                                     isDeep ? QStringLiteral("page %1").arg(pagesIn + 1) : QStringLiteral("first page"));
                allAgree = agree(qPrintable(scenario), methods, cursor) && allAgree;
                QList<Latency> results;
                for (const Method &method : methods)
                    results.append(measure(method, cursor, warmup));
                for (qsizetype m = 0; m < methods.size(); ++m) {
                    const Latency &l = results[m];
                    std::printf("%-22s %-26s %9.3f %9.3f %9.3f", m == 0 ? qPrintable(scenario) : "", methods[m].label,
                                l.percentileMs(0.5), l.percentileMs(0.95), l.percentileMs(0.99));
                    if (m > 0)
                        std::printf(" %9.1fx %9.1fx", l.percentileMs(0.5) / results[0].percentileMs(0.5),
                                    l.percentileMs(0.95) / results[0].percentileMs(0.95));
                    std::printf("\n");
                }
                std::printf("%-22s (b) read %lld rows; load average %s\n", "", static_cast<long long>(webApp.rowsRead()),
                            qPrintable(loadAverage()));
                std::fflush(stdout);
            }
        }
        std::printf("\n%s\n", allAgree ? "all three methods returned identical pages" : "METHODS DISAGREE (see MISMATCH above)");
        return allAgree ? 0 : 1;
    } catch (const DbError &e) {
        std::fprintf(stderr, "bench_projectlist: %s\n", qPrintable(e.message()));
        return 1;
    }
}
