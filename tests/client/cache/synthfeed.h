#pragma once
// Synthetic changes-feed rows for cache tests and the cache benchmark: domain values turned into
// the JSON the server writes, so pages can be built without a server.
#include "domain/generation.h"
#include "domain/project.h"
#include "domain/session.h"

#include <QJsonObject>

namespace vesper::test {

Project synthProject(const QString &name, qint64 updatedAt);
Session synthSession(const QString &projectId, const QString &name, qint64 createdAt);
/// A completed generation; outputs are not filled (see synthOutput).
Generation synthGeneration(const QString &sessionId, const QString &prompt, qint64 createdAt);
Output synthOutput(const Generation &generation, qint64 createdAt);
/// {rev, kind, op: "upsert", id, data}.
QJsonObject upsertChange(qint64 rev, const QString &kind, const QJsonObject &data);
/// {rev, kind, op: "delete", id}.
QJsonObject deleteChange(qint64 rev, const QString &kind, const QString &id);

} // namespace vesper::test
