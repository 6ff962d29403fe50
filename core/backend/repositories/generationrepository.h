#pragma once
// Reading generations with their outputs, and a project's recent images, as keyset pages.
// (Creating generations belongs to the generation pipeline.)
#include "domain/cursor.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
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

    /// Generations of one session, newest first, each with its outputs (two queries per page);
    /// viewerId (the caller) sees the clientId of their own generations.
    GenerationPage listForSession(const QString &sessionId, const QString &viewerId, int limit, const std::optional<Cursor> &after);
    /// A JSON array of generation objects: each one's members (written by rowcodec::generationFields)
    /// with an "outputs" array added, read in one query for all of them. ids[i] belongs to members[i].
    QByteArray withOutputs(const QList<QByteArray> &members, const QStringList &ids);
    /// Image outputs of a project newest first; members (includePrivate false) skip private sessions.
    GenerationPage listImages(const QString &projectId, bool includePrivate, int limit, const std::optional<Cursor> &after);

private:
    Database &m_database;
};

} // namespace vesper::backend
