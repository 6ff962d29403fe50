#pragma once
// Reading generations with their outputs, and a project's recent images, as keyset pages.
// (Creating generations belongs to the generation pipeline.)
#include "domain/cursor.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

struct GenerationPage {
    QByteArray data; // a JSON array
    int count = 0;
    QString nextCursor;
};

class GenerationRepository {
public:
    explicit GenerationRepository(Database &database);

    /// Generations of one session, newest first, each with its outputs (two queries per page).
    GenerationPage listForSession(const QString &sessionId, int limit, const std::optional<Cursor> &after);
    /// Image outputs of a project newest first; members (includePrivate false) skip private sessions.
    GenerationPage listImages(const QString &projectId, bool includePrivate, int limit, const std::optional<Cursor> &after);

private:
    Database &m_database;
};

} // namespace vesper::backend
