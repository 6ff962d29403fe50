#include "backend/tools/demodata.h"
#include "backend/auth/passwordhasher.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/profilerepository.h"
#include "backend/access/accesscontrol.h"
#include "backend/generation/generationservice.h"
#include "backend/repositories/projectrepository.h"
#include "backend/config/backendsettings.h"
#include "common/logging.h"

#include <stdexcept>

namespace vesper::backend {
namespace {
const QString kDemoEmail = QStringLiteral("demo@vesper.local");
const QString kDemoPassword = QStringLiteral("vesper-demo");
const QString kDemoProject = QStringLiteral("Demo project");

struct DemoGeneration {
    const char *prompt;
    const char *aspectRatio;
    int outputs;
};
const DemoGeneration kGenerations[] = {
    {"a lighthouse on a basalt cliff at dusk, volumetric light", "16:9", 2},
    {"isometric cozy bookshop interior, warm lamps, rain on the windows", "1:1", 2},
    {"watercolor map of an imaginary archipelago with a compass rose", "4:3", 1},
    {"a fox in a snowy birch forest, golden hour", "9:16", 2},
};

bool hasDemoProject(Database &database, const QString &ownerId)
{
    SqlQuery q(database.connection(), QStringLiteral("SELECT 1 FROM projects WHERE owner_id = :o AND name = :n"));
    q.bind(QStringLiteral(":o"), ownerId).bind(QStringLiteral(":n"), kDemoProject).exec();
    return q.next();
}

// The project with its first session, and a few sketch generations submitted like any other: the
// server's workers render them into real files within seconds of start.
void createDemoProject(Database &database, const QString &ownerId)
{
    const QString projectId = ProjectRepository(database).create(
        ownerId, kDemoProject, QStringLiteral("Sample images made with the built-in sketch provider."), false);
    SqlQuery session(database.connection(), QStringLiteral("SELECT id FROM sessions WHERE project_id = :p"));
    session.bind(QStringLiteral(":p"), projectId).exec();
    if (!session.next())
        return;
    const SessionAccess access = AccessControl(database).session(database.connection(), ownerId, session.text(0));
    GenerationService generations(database);
    int index = 0;
    for (const DemoGeneration &g : kGenerations) {
        GenerateRequest request;
        request.sessionId = access.sessionId;
        request.modelId = QStringLiteral("sketch");
        request.prompt = QString::fromLatin1(g.prompt);
        request.aspectRatio = QString::fromLatin1(g.aspectRatio);
        request.resolution = QStringLiteral("1024");
        request.numOutputs = g.outputs;
        request.seed = ++index;
        request.clientId = QStringLiteral("demo-%1").arg(index);
        generations.submit(ownerId, access, request, 3);
    }
}
} // namespace

DemoAccount ensureDemoData(Database &database, const BackendSettings &config)
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
    } catch (const std::exception &e) {
        qCCritical(lcServer).noquote() << "could not create the demo data:" << e.what();
    }
    return account;
}

} // namespace vesper::backend
