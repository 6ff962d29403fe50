#include "backend/repositories/generationrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"
#include "common/jsonwriter.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {

GenerationRepository::GenerationRepository(Database &database)
    : m_database(database)
{
}

GenerationPage GenerationRepository::listForSession(const QString &sessionId, const QString &viewerId, int limit,
                                                    const std::optional<Cursor> &after)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    const QString keyset = after ? QStringLiteral(" AND (g.created_at, g.id) < (%1, :cid)").arg(d.timeParam(QStringLiteral(":ct")))
                                 : QString();
    SqlQuery q(db, QStringLiteral("SELECT %1 FROM generations g WHERE g.session_id = :s%2 ORDER BY g.created_at DESC, g.id DESC LIMIT :n")
                       .arg(rowcodec::generationColumns(d), keyset));
    q.bind(QStringLiteral(":s"), sessionId).bind(QStringLiteral(":n"), limit + 1);
    if (after)
        q.bind(QStringLiteral(":ct"), after->timeMicros).bind(QStringLiteral(":cid"), after->id);
    q.exec();
    GenerationPage page;
    QList<QByteArray> generations; // each generation's members, its outputs spliced in after
    QStringList ids;
    Cursor last;
    while (q.next()) {
        if (generations.size() == limit) {
            page.nextCursor = last.encode();
            break;
        }
        JsonWriter g(1024);
        rowcodec::generationFields(g, q, viewerId);
        generations.append(g.take());
        ids << q.text(0);
        last = Cursor{q.int64(rowcodec::kGenerationCreatedAtColumn), q.text(0)};
    }
    page.data = withOutputs(generations, ids);
    page.count = int(generations.size());
    return page;
}

QByteArray GenerationRepository::withOutputs(const QList<QByteArray> &members, const QStringList &ids)
{
    const Database &d = m_database;
    // One query for the outputs of the whole page, not one per generation.
    QHash<QString, QByteArray> outputs;
    if (!ids.isEmpty()) {
        QStringList placeholders;
        for (int i = 0; i < ids.size(); ++i)
            placeholders << QStringLiteral(":g%1").arg(i);
        SqlQuery o(m_database.connection(), QStringLiteral("SELECT %1 FROM outputs o2 WHERE o2.generation_id IN (%2) ORDER BY o2.created_at, o2.id")
                                                .arg(rowcodec::outputColumns(d), placeholders.join(QLatin1Char(','))));
        for (int i = 0; i < ids.size(); ++i)
            o.bind(placeholders.at(i), ids.at(i));
        o.exec();
        while (o.next()) {
            QByteArray &list = outputs[o.text(1)];
            JsonWriter w(512);
            w.beginObject();
            rowcodec::outputFields(w, o);
            w.endObject();
            if (!list.isEmpty())
                list.append(',');
            list.append(w.data());
        }
    }
    JsonWriter w(members.size() * 1500 + 16);
    w.beginArray();
    for (int i = 0; i < members.size(); ++i) {
        w.beginObject().rawMembers(members.at(i));
        w.key("outputs").raw('[' + outputs.value(ids.at(i)) + ']');
        w.endObject();
    }
    w.endArray();
    return w.take();
}

GenerationPage GenerationRepository::listImages(const QString &projectId, bool includePrivate, int limit, const std::optional<Cursor> &after)
{
    const Database &d = m_database;
    const QString keyset = after ? QStringLiteral(" AND (o2.created_at, o2.id) < (%1, :cid)").arg(d.timeParam(QStringLiteral(":ct")))
                                 : QString();
    const QString privacy = includePrivate ? QString()
                                           : QStringLiteral(" AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = o2.session_id AND NOT s.is_private)");
    SqlQuery q(m_database.connection(),
               QStringLiteral("SELECT %1 FROM outputs o2 WHERE o2.project_id = :p AND o2.file_type = 'image'%2%3 "
                              "ORDER BY o2.created_at DESC, o2.id DESC LIMIT :n")
                   .arg(rowcodec::outputColumns(d), keyset, privacy));
    q.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":n"), limit + 1);
    if (after)
        q.bind(QStringLiteral(":ct"), after->timeMicros).bind(QStringLiteral(":cid"), after->id);
    q.exec();
    GenerationPage page;
    JsonWriter w(limit * 400 + 16);
    w.beginArray();
    Cursor last;
    while (q.next()) {
        if (page.count == limit) {
            page.nextCursor = last.encode();
            break;
        }
        w.beginObject();
        rowcodec::outputFields(w, q);
        w.endObject();
        last = Cursor{q.int64(rowcodec::kOutputCreatedAtColumn), q.text(0)};
        ++page.count;
    }
    w.endArray();
    page.data = w.take();
    return page;
}

std::optional<GenerationRow> GenerationRepository::find(const QString &generationId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT id, session_id, user_id, status, cost FROM generations WHERE id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    if (!q.next())
        return std::nullopt;
    return GenerationRow{q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4)};
}

std::optional<ClientGeneration> GenerationRepository::findByClient(const QSqlDatabase &db, const QString &userId, const QString &clientId)
{
    SqlQuery q(db, QStringLiteral("SELECT g.id, g.status, g.cost, p.credits, g.session_id FROM generations g "
                                  "JOIN profiles p ON p.id = g.user_id WHERE g.user_id = :u AND g.client_id = :c"));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":c"), clientId).exec();
    if (!q.next())
        return std::nullopt;
    return ClientGeneration{q.text(0), q.text(4), q.text(1), q.int64(2), q.int64(3)};
}

std::optional<GenerationAsk> GenerationRepository::ask(const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("SELECT model_id, parameters FROM generations WHERE id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    if (!q.next())
        return std::nullopt;
    const int outputs = QJsonDocument::fromJson(q.text(1).toUtf8()).object().value(QStringLiteral("numOutputs")).toInt(1);
    return GenerationAsk{q.text(0), qMax(1, outputs)};
}

QByteArray GenerationRepository::readVisible(const QString &userId, const QStringList &ids, const QString &visibleSql)
{
    if (ids.isEmpty())
        return QByteArrayLiteral("[]");
    const Database &d = m_database;
    QStringList names;
    for (qsizetype i = 0; i < ids.size(); ++i)
        names << QStringLiteral(":g%1").arg(i);
    SqlQuery q(m_database.connection(),
               QStringLiteral("SELECT %1 FROM generations g JOIN sessions s ON s.id = g.session_id JOIN projects p ON p.id = g.project_id "
                              "LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = :u "
                              "WHERE g.id IN (%2) AND %3")
                   .arg(rowcodec::generationColumns(d), names.join(QLatin1Char(',')), visibleSql));
    q.bind(QStringLiteral(":u"), userId);
    for (qsizetype i = 0; i < ids.size(); ++i)
        q.bind(names.at(i), ids.at(i));
    q.exec();
    QList<QByteArray> generations;
    QStringList found;
    while (q.next()) {
        JsonWriter g(1024);
        rowcodec::generationFields(g, q, userId);
        generations.append(g.take());
        found << q.text(0);
    }
    return withOutputs(generations, found);
}

void GenerationRepository::insert(const QSqlDatabase &db, const NewGeneration &row)
{
    const Database &d = m_database;
    SqlQuery insert(db, QStringLiteral("INSERT INTO generations (id, session_id, project_id, user_id, client_id, model_id, prompt, "
                                       "negative_prompt, parameters, status, progress, progress_is_estimate, cost, created_at, rev) "
                                       "VALUES (:id, :s, :p, :u, :c, :m, :prompt, :neg, %1, 'queued', 0, :est, :cost, %2, :rev)")
                            .arg(d.jsonParam(QStringLiteral(":params")), d.timeParam(QStringLiteral(":now"))));
    insert.bind(QStringLiteral(":id"), row.id).bind(QStringLiteral(":s"), row.sessionId)
        .bind(QStringLiteral(":p"), row.projectId).bind(QStringLiteral(":u"), row.userId)
        .bind(QStringLiteral(":c"), row.clientId).bind(QStringLiteral(":m"), row.modelId)
        .bind(QStringLiteral(":prompt"), row.prompt).bind(QStringLiteral(":neg"), row.negativePrompt)
        .bind(QStringLiteral(":params"), row.parametersJson)
        .bind(QStringLiteral(":est"), false).bind(QStringLiteral(":cost"), row.cost)
        .bind(QStringLiteral(":now"), row.createdAt).bind(QStringLiteral(":rev"), row.rev).exec();
}

void GenerationRepository::remove(const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery del(db, QStringLiteral("DELETE FROM generations WHERE id = :g"));
    del.bind(QStringLiteral(":g"), generationId).exec();
}

bool GenerationRepository::sessionExists(const QSqlDatabase &db, const QString &sessionId)
{
    SqlQuery q(db, QStringLiteral("SELECT 1 FROM sessions WHERE id = :s"));
    q.bind(QStringLiteral(":s"), sessionId).exec();
    return q.next();
}

} // namespace vesper::backend
