#include "backend/db/database.h"
#include "backend/db/migrator.h"
#include "backend/config/backendsettings.h"
#include "backend/tools/commands.h"

#include <cstdio>

namespace vesper::backend {

int runMigrate(const BackendSettings &config)
{
    Database database(config.db);
    QString error;
    if (!database.check(&error)) {
        std::fprintf(stderr, "vesper-server: database %s: %s\n", qPrintable(config.db.redacted()), qPrintable(error));
        return 1;
    }
    Migrator migrator(database);
    if (!migrator.migrate(&error)) {
        std::fprintf(stderr, "vesper-server: %s\n", qPrintable(error));
        return 1;
    }
    const QStringList applied = migrator.applied();
    std::printf("%s: %s\n", qPrintable(config.db.redacted()),
                applied.isEmpty() ? "schema is up to date" : qPrintable(QStringLiteral("applied ") + applied.join(QStringLiteral(", "))));
    return 0;
}

} // namespace vesper::backend
