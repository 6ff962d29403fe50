#pragma once
// The project_stats read model: per project, session counts and the latest image for the owner
// ("all") and for members ("shared": sessions that are not private), and the last activity time.
// recompute() runs inside the transaction of every write that changes those inputs.
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace vesper::backend {

class Database;

class ProjectStats {
public:
    /// Recomputes one project's row from its sessions and outputs; call inside the write transaction.
    static void recompute(Database &database, const QSqlDatabase &db, const QString &projectId);

    struct Drift {
        QString projectId;
        QString field;
        QString stored;
        QString actual;
    };
    /// Recomputes every project set-wise, returns what differed and, with fix, writes the truth.
    static QList<Drift> repairAll(Database &database, bool fix);
};

} // namespace vesper::backend
