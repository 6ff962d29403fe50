#include "backend/repositories/generationrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"
#include "common/jsonwriter.h"

#include <QHash>

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

} // namespace vesper::backend
