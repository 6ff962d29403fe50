#pragma once
// Who may read an upload (GET /api/uploads/{id}/file): its uploader, and anyone who may see a
// generation that used it as a reference, so reference images show on every device of everyone who
// sees the result. To anyone else it is answered exactly like a missing upload: 404.
#include "backend/repositories/uploadrepository.h"

namespace vesper::backend {

class Database;

class UploadAccess {
public:
    explicit UploadAccess(Database &database);

    /// The upload if userId may read it; 404 otherwise (missing, hidden or a malformed id).
    UploadRef readable(const QString &userId, const QString &uploadId);

private:
    Database &m_database;
};

} // namespace vesper::backend
