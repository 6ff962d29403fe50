#pragma once
// Deleting one's own account (DELETE /api/account): the profile, the projects it owns, its
// memberships and its sign-in sessions go in one transaction, with tombstones for everyone who saw
// any of it. Work the user left in other people's projects goes too; sessions they created there
// pass to the project's owner, so other members' generations in them survive.
#include "backend/repositories/generationsettlement.h"
#include "backend/repositories/uploadrepository.h"

#include <QList>
#include <QString>

namespace vesper::backend {

class Database;

/// What the object store must lose once the deleting transaction committed.
struct AccountFiles {
    QList<GenerationFolder> generationFolders;
    QList<UploadRef> uploads; // each original and its thumbnail
};

class AccountRepository {
public:
    explicit AccountRepository(Database &database);

    /// Deletes userId's account as above; returns the generation folders and uploads to remove from
    /// the object store after the commit (empty when there was no such profile, see *found).
    AccountFiles remove(const QString &userId, bool *found);

private:
    Database &m_database;
};

} // namespace vesper::backend
