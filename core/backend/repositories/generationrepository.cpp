#include "backend/repositories/generationrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/rowcodec.h"

#include <QHash>
#include <QJsonObject>

namespace vesper::backend {

GenerationRepository::GenerationRepository(Database &database)
    : m_database(database)
{
}

GenerationPage GenerationRepository::listForSession(const QString &sessionId, int limit, const std::optional<Cursor> &after)
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
    QList<QJsonObject> generations;
    QStringList ids;
    Cursor last;
    bool more = false;
    while (q.next()) {
        if (generations.size() == limit) {
            more = true;
            break;
        }
        generations.append(rowcodec::generation(q));
        ids << q.text(0);
        last = Cursor{q.int64(13), q.text(0)};
    }
    // One query for the outputs of the whole page, not one per generation.
    QHash<QString, QJsonArray> outputs;
    if (!ids.isEmpty()) {
        QStringList placeholders;
        for (int i = 0; i < ids.size(); ++i)
            placeholders << QStringLiteral(":g%1").arg(i);
        SqlQuery o(db, QStringLiteral("SELECT %1 FROM outputs o2 WHERE o2.generation_id IN (%2) ORDER BY o2.created_at, o2.id")
                           .arg(rowcodec::outputColumns(d), placeholders.join(QLatin1Char(','))));
        for (int i = 0; i < ids.size(); ++i)
            o.bind(placeholders.at(i), ids.at(i));
        o.exec();
        while (o.next())
            outputs[o.text(1)].append(rowcodec::output(o));
    }
    for (QJsonObject &generation : generations) {
        generation.insert(QStringLiteral("outputs"), outputs.value(generation.value(QStringLiteral("id")).toString()));
        page.data.append(generation);
    }
    if (more)
        page.nextCursor = last.encode();
    return page;
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
    Cursor last;
    int count = 0;
    while (q.next()) {
        if (count == limit) {
            page.nextCursor = last.encode();
            break;
        }
        page.data.append(rowcodec::output(q));
        last = Cursor{q.int64(7), q.text(0)};
        ++count;
    }
    return page;
}

} // namespace vesper::backend
