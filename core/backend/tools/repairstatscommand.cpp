#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/migrator.h"
#include "backend/repositories/projectstats.h"
#include "backend/config/backendsettings.h"
#include "backend/tools/commands.h"

#include <cstdio>

namespace vesper::backend {

int runRepairStats(const BackendSettings &config)
{
    Database database(config.db);
    QString error;
    Migrator migrator(database);
    if (!database.check(&error) || !migrator.migrate(&error)) {
        std::fprintf(stderr, "vesper-server repair-stats: %s\n", qPrintable(error));
        return 1;
    }
    try {
        const auto drift = ProjectStats::repairAll(database, true);
        if (drift.isEmpty()) {
            std::printf("no drift\n");
            return 0;
        }
        for (const auto &d : drift)
            std::printf("drift project=%s field=%s stored=%s actual=%s\n", qPrintable(d.projectId), qPrintable(d.field),
                        qPrintable(d.stored.isEmpty() ? QStringLiteral("null") : d.stored),
                        qPrintable(d.actual.isEmpty() ? QStringLiteral("null") : d.actual));
        std::printf("fixed %lld drifted value(s)\n", static_cast<long long>(drift.size()));
        return 3;
    } catch (const DbError &e) {
        std::fprintf(stderr, "vesper-server repair-stats: %s\n", qPrintable(e.message()));
        return 1;
    }
}

} // namespace vesper::backend
