#include "backend/tools/demodata.h"
#include "backend/auth/passwordhasher.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/profilerepository.h"
#include "backend/repositories/projectstats.h"
#include "backend/server/serverconfig.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/uuid.h"

#include <iterator>
#include <stdexcept>

namespace vesper::backend {
namespace {
const QString kDemoEmail = QStringLiteral("demo@vesper.local");
const QString kDemoPassword = QStringLiteral("vesper-demo");
const QString kDemoProject = QStringLiteral("Demo project");

struct DemoGeneration {
    const char *prompt;
    const char *aspectRatio;
    int width;
    int height;
    int outputs;
};
const DemoGeneration kGenerations[] = {
    {"a lighthouse on a basalt cliff at dusk, volumetric light", "16:9", 1344, 768, 2},
    {"isometric cozy bookshop interior, warm lamps, rain on the windows", "1:1", 1024, 1024, 2},
    {"watercolor map of an imaginary archipelago with a compass rose", "4:3", 1152, 896, 1},
    {"a fox in a snowy birch forest, golden hour", "3:2", 1216, 832, 2},
};

bool hasDemoProject(Database &database, const QString &ownerId)
{
    SqlQuery q(database.connection(), QStringLiteral("SELECT 1 FROM projects WHERE owner_id = :o AND name = :n"));
    q.bind(QStringLiteral(":o"), ownerId).bind(QStringLiteral(":n"), kDemoProject).exec();
    return q.next();
}

// The project, its first session and a few completed sketch generations with placeholder
// outputs, in one transaction with the project_stats row they change.
void createDemoProject(Database &database, const QString &ownerId)
{
    const Database &d = database;
    QSqlDatabase db = database.connection();
    Transaction tx(database, db);
    const qsizetype outputCount = [] {
        qsizetype n = 0;
        for (const auto &g : kGenerations)
            n += g.outputs;
        return n;
    }();
    qint64 rev = tx.allocateRevs(2 + qint64(std::size(kGenerations)) + outputCount);
    const qint64 start = nowMicros() - 3600LL * 1000000;
    const QString projectId = newUuidV7();
    const QString sessionId = newUuidV7();
    SqlQuery project(db, QStringLiteral("INSERT INTO projects (id, owner_id, name, description, is_shared, created_at, updated_at, rev) "
                                        "VALUES (:id, :o, :n, :d, FALSE, %1, %1, :rev)").arg(d.timeParam(QStringLiteral(":t"))));
    project.bind(QStringLiteral(":id"), projectId).bind(QStringLiteral(":o"), ownerId).bind(QStringLiteral(":n"), kDemoProject)
        .bind(QStringLiteral(":d"), QStringLiteral("Sample images made with the built-in sketch provider."))
        .bind(QStringLiteral(":t"), start).bind(QStringLiteral(":rev"), rev++).exec();
    SqlQuery session(db, QStringLiteral("INSERT INTO sessions (id, project_id, creator_id, name, type, is_private, created_at, updated_at, rev) "
                                        "VALUES (:id, :p, :o, 'Session 1', 'image', FALSE, %1, %1, :rev)").arg(d.timeParam(QStringLiteral(":t"))));
    session.bind(QStringLiteral(":id"), sessionId).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":o"), ownerId)
        .bind(QStringLiteral(":t"), start).bind(QStringLiteral(":rev"), rev++).exec();

    const QString generationSql = QStringLiteral(
        "INSERT INTO generations (id, session_id, project_id, user_id, model_id, prompt, parameters, status, progress, "
        "created_at, started_at, finished_at, rev) VALUES (:id, :s, :p, :u, 'sketch', :prompt, %1, 'completed', 100, %2, %3, %4, :rev)")
        .arg(d.jsonParam(QStringLiteral(":params")), d.timeParam(QStringLiteral(":c")), d.timeParam(QStringLiteral(":st")),
             d.timeParam(QStringLiteral(":f")));
    const QString outputSql = QStringLiteral(
        "INSERT INTO outputs (id, generation_id, session_id, project_id, file_type, storage_key, thumb_key, width, height, "
        "created_at, rev) VALUES (:id, :g, :s, :p, 'image', :key, :thumb, :w, :h, %1, :rev)").arg(d.timeParam(QStringLiteral(":c")));
    qint64 at = start;
    int seed = 1;
    for (const DemoGeneration &g : kGenerations) {
        at += 5 * 60 * 1000000LL;
        const QString generationId = newUuidV7();
        const qint64 finishedAt = at + 4 * 1000000LL;
        const QString parameters = QStringLiteral("{\"aspectRatio\":\"%1\",\"resolution\":\"1024\",\"numOutputs\":%2,\"seed\":%3}")
                                       .arg(QLatin1String(g.aspectRatio)).arg(g.outputs).arg(seed++);
        SqlQuery generation(db, generationSql);
        generation.bind(QStringLiteral(":id"), generationId).bind(QStringLiteral(":s"), sessionId).bind(QStringLiteral(":p"), projectId)
            .bind(QStringLiteral(":u"), ownerId).bind(QStringLiteral(":prompt"), QString::fromLatin1(g.prompt))
            .bind(QStringLiteral(":params"), parameters).bind(QStringLiteral(":c"), at)
            .bind(QStringLiteral(":st"), at + 200000).bind(QStringLiteral(":f"), finishedAt).bind(QStringLiteral(":rev"), rev++).exec();
        for (int i = 0; i < g.outputs; ++i) {
            const QString key = QStringLiteral("%1/%2/%3").arg(ownerId, generationId).arg(i);
            SqlQuery output(db, outputSql);
            output.bind(QStringLiteral(":id"), newUuidV7()).bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":s"), sessionId)
                .bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":key"), QString(key + QStringLiteral(".png")))
                .bind(QStringLiteral(":thumb"), QString(key + QStringLiteral(".thumb.webp"))).bind(QStringLiteral(":w"), g.width)
                .bind(QStringLiteral(":h"), g.height).bind(QStringLiteral(":c"), finishedAt).bind(QStringLiteral(":rev"), rev++).exec();
        }
    }
    ProjectStats::recompute(database, db, projectId);
    tx.commit();
}
} // namespace

DemoAccount ensureDemoData(Database &database, const ServerConfig &config)
{
    const DemoAccount account{kDemoEmail, kDemoPassword, kDemoProject};
    try {
        ProfileRepository profiles(database);
        auto profile = profiles.findByEmail(kDemoEmail);
        if (!profile) {
            const PasswordHasher hasher(config.fastPasswordHashing);
            try {
                profile = profiles.create(kDemoEmail, QStringLiteral("Demo creator"), hasher.hash(kDemoPassword), config.defaultCredits);
            } catch (const DbError &e) {
                // Another instance made it first: use theirs.
                if (!e.isConstraint())
                    throw;
                profile = profiles.findByEmail(kDemoEmail);
            }
        }
        if (profile && !hasDemoProject(database, profile->id))
            createDemoProject(database, profile->id);
    } catch (const DbError &e) {
        qCCritical(lcServer).noquote() << "could not create the demo data:" << e.message();
    } catch (const std::runtime_error &e) {
        qCCritical(lcServer).noquote() << "could not create the demo data:" << e.what();
    }
    return account;
}

} // namespace vesper::backend
