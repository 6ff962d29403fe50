#include "synthfeed.h"

#include "common/uuid.h"

namespace vesper::test {

Project synthProject(const QString &name, qint64 updatedAt)
{
    Project p;
    p.id = newUuidV7();
    p.name = name;
    p.owner.id = newUuidV7();
    p.owner.displayName = QStringLiteral("Owner");
    p.createdAt = updatedAt;
    p.updatedAt = updatedAt;
    p.role = MemberRole::Owner;
    return p;
}

Session synthSession(const QString &projectId, const QString &name, qint64 createdAt)
{
    Session s;
    s.id = newUuidV7();
    s.projectId = projectId;
    s.creatorId = newUuidV7();
    s.name = name;
    s.createdAt = createdAt;
    s.updatedAt = createdAt;
    return s;
}

Generation synthGeneration(const QString &sessionId, const QString &prompt, qint64 createdAt)
{
    Generation g;
    g.id = newUuidV7();
    g.sessionId = sessionId;
    g.userId = newUuidV7();
    g.modelId = QStringLiteral("sketch");
    g.prompt = prompt;
    g.parameters = {{QStringLiteral("aspectRatio"), QStringLiteral("1:1")}, {QStringLiteral("resolution"), QStringLiteral("512")},
                    {QStringLiteral("numOutputs"), 1}};
    g.status = GenerationStatus::Completed;
    g.progress = 100;
    g.createdAt = createdAt;
    return g;
}

Output synthOutput(const Generation &generation, qint64 createdAt)
{
    Output o;
    o.id = newUuidV7();
    o.generationId = generation.id;
    o.sessionId = generation.sessionId;
    o.fileType = QStringLiteral("image");
    o.width = 512;
    o.height = 512;
    o.createdAt = createdAt;
    o.thumbnailUrl = QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(o.id);
    o.url = QStringLiteral("/api/outputs/%1/file?variant=full").arg(o.id);
    return o;
}

QJsonObject upsertChange(qint64 rev, const QString &kind, const QJsonObject &data)
{
    return {{QStringLiteral("rev"), rev}, {QStringLiteral("kind"), kind}, {QStringLiteral("op"), QStringLiteral("upsert")},
            {QStringLiteral("id"), data.value(QStringLiteral("id"))}, {QStringLiteral("data"), data}};
}

QJsonObject deleteChange(qint64 rev, const QString &kind, const QString &id)
{
    return {{QStringLiteral("rev"), rev}, {QStringLiteral("kind"), kind}, {QStringLiteral("op"), QStringLiteral("delete")},
            {QStringLiteral("id"), id}};
}

} // namespace vesper::test
