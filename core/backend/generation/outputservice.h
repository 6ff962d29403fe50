#pragma once
// Single outputs: finding one the caller can see (for its file), starring and deleting it.
#include "backend/access/accesscontrol.h"
#include "backend/repositories/outputrepository.h"

#include <QByteArray>
#include <QString>
#include <functional>

namespace vesper::backend {

class Database;
class ObjectStore;

/// The row and what the caller may do in its session.
struct OutputRef : OutputRow {
    SessionAccess access;
};

class OutputService {
public:
    explicit OutputService(Database &database);

    /// The output if the caller can see its session; 404 otherwise (also for a malformed id).
    OutputRef find(const QString &userId, const QString &outputId);
    /// Sets is_starred with a new rev (none when it already has that value); returns the output as JSON.
    QByteArray setStarred(const OutputRef &output, bool starred);
    /// The output object as JSON (as the lists show it); 404 when it is gone.
    QByteArray json(const QString &outputId);
    /// Deletes the row (tombstones, stats) in one transaction, then its files. `precondition` runs
    /// first inside that transaction (the If-Match check) and refuses by throwing.
    void remove(const OutputRef &output, ObjectStore &store, const std::function<void()> &precondition = {});
    /// The project owner, or a contributor who created the generation; 403 otherwise.
    static void requireOwnerOrCreator(const SessionAccess &access, const QString &creatorId, const QString &userId);

private:
    Database &m_database;
};

} // namespace vesper::backend
