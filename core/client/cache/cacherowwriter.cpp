#include "client/cache/cacherowwriter.h"
#include "client/cache/cacherows.h"
#include "client/clientlogging.h"
#include "domain/member.h"
#include "domain/profile.h"
#include "domain/project.h"
#include "domain/session.h"

#include <QJsonDocument>
#include <QSqlError>

namespace vesper::client {
namespace {
QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QVariant nullable(std::optional<qint64> value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

template <class T>
std::optional<T> parse(const QString &kind, const QJsonObject &data, QString *error)
{
    QString why;
    std::optional<T> row = T::fromJson(data, &why);
    if (!row)
        *error = QStringLiteral("a %1 row is malformed: %2").arg(kind, why);
    return row;
}
} // namespace

CacheRowWriter::CacheRowWriter(QSqlDatabase db, CacheChanges *changed)
    : m_db(std::move(db))
    , m_changed(changed)
{
}

QSqlQuery &CacheRowWriter::statement(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        auto q = std::make_shared<QSqlQuery>(m_db);
        if (!q->prepare(sql))
            qCWarning(lcClientCache).noquote() << "cannot prepare" << sql << q->lastError().text();
        it = m_statements.insert(sql, q);
    }
    return **it;
}

bool CacheRowWriter::exec(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    *error = QStringLiteral("cache write failed: %1").arg(q.lastError().text());
    return false;
}

bool CacheRowWriter::applyChange(const QJsonObject &change, int index, QString *error)
{
    const QString kind = change.value(QStringLiteral("kind")).toString();
    const QString op = change.value(QStringLiteral("op")).toString();
    const QJsonValue idValue = change.value(QStringLiteral("id"));
    const QString id = idValue.toString();
    auto fail = [&](const QString &why) {
        *error = QStringLiteral("change %1 (%2 %3) of the feed page: %4").arg(index).arg(kind, id, why);
        return false;
    };
    if (kind.isEmpty() || !idValue.isString() || id.isEmpty())
        return fail(QStringLiteral("it has no kind or id"));
    const QJsonValue revValue = change.value(QStringLiteral("rev"));
    std::optional<qint64> rev;
    if (revValue.isDouble())
        rev = revValue.toInteger();
    const QString projectHint = change.value(QStringLiteral("projectId")).toString();
    QString why;
    if (op == QLatin1String("upsert")) {
        const QJsonValue data = change.value(QStringLiteral("data"));
        if (!data.isObject())
            return fail(QStringLiteral("an upsert without a data object"));
        if (!upsert(kind, data.toObject(), id, projectHint, rev, false, &why))
            return fail(why);
        return true;
    }
    if (op == QLatin1String("delete")) {
        if (!remove(kind, id, projectHint, &why))
            return fail(why);
        return true;
    }
    qCDebug(lcClientCache).noquote() << "skipping a change with an unknown op" << op << "of" << kind << id;
    return true;
}

bool CacheRowWriter::upsert(const QString &kind, const QJsonObject &data, const QString &changeId, const QString &projectHint,
                            std::optional<qint64> rev, bool pending, QString *error)
{
    if (kind == QLatin1String("project"))
        return upsertProject(data, rev, pending, error);
    if (kind == QLatin1String("session"))
        return upsertSession(data, rev, pending, error);
    if (kind == QLatin1String("generation"))
        return upsertGeneration(data, rev, pending, error);
    if (kind == QLatin1String("output"))
        return upsertOutput(data, rev, pending, error);
    if (kind == QLatin1String("member"))
        return upsertMember(data, changeId, projectHint, rev, pending, error);
    if (kind == QLatin1String("profile"))
        return upsertProfile(data, error);
    // A newer server may send kinds this build does not know yet; they must not stop the sync.
    qCDebug(lcClientCache).noquote() << "skipping a change of unknown kind" << kind << changeId;
    return true;
}

bool CacheRowWriter::upsertProject(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error)
{
    const auto p = parse<Project>(QStringLiteral("project"), data, error);
    if (!p)
        return false;
    QSqlQuery &q = statement(QStringLiteral(
        "INSERT INTO projects (id, name, created_at, updated_at, rev, pending, data) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at, updated_at = excluded.updated_at, "
        "rev = excluded.rev, pending = excluded.pending, data = excluded.data"));
    for (const QVariant &v : {QVariant(p->id), QVariant(p->name), QVariant(p->createdAt), QVariant(p->updatedAt), nullable(rev),
                              QVariant(pending ? 1 : 0), QVariant(compact(data))})
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    m_changed->projects.insert(p->id);
    m_changed->removedProjects.remove(p->id);
    return true;
}

bool CacheRowWriter::upsertSession(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error)
{
    const auto s = parse<Session>(QStringLiteral("session"), data, error);
    if (!s)
        return false;
    QSqlQuery &q = statement(QStringLiteral(
        "INSERT INTO sessions (id, project_id, name, created_at, updated_at, rev, pending, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET project_id = excluded.project_id, name = excluded.name, created_at = excluded.created_at, "
        "updated_at = excluded.updated_at, rev = excluded.rev, pending = excluded.pending, data = excluded.data"));
    for (const QVariant &v : {QVariant(s->id), QVariant(s->projectId), QVariant(s->name), QVariant(s->createdAt), QVariant(s->updatedAt),
                              nullable(rev), QVariant(pending ? 1 : 0), QVariant(compact(data))})
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    // Generations and outputs that arrived before their session learn their project now.
    for (const char *table : {"generations", "outputs"}) {
        QSqlQuery &fix = statement(QStringLiteral("UPDATE %1 SET project_id = ? WHERE session_id = ? AND project_id IS NULL")
                                       .arg(QLatin1String(table)));
        fix.addBindValue(s->projectId);
        fix.addBindValue(s->id);
        if (!exec(fix, error))
            return false;
    }
    m_changed->sessions.insert(s->id);
    m_changed->removedSessions.remove(s->id);
    return true;
}

bool CacheRowWriter::upsertGeneration(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error)
{
    const auto g = parse<Generation>(QStringLiteral("generation"), data, error);
    if (!g)
        return false;
    if (!writeGeneration(*g, rev, pending, error))
        return false;
    if (g->outputs) { // outputs live in their own table
        for (const Output &o : *g->outputs) {
            if (!writeOutput(o, std::nullopt, pending, error))
                return false;
        }
    }
    return true;
}

bool CacheRowWriter::writeGeneration(const Generation &g, std::optional<qint64> rev, bool pending, QString *error)
{
    // The server's row replaces the placeholder made offline for the same request (looked for only
    // while the cache holds any: a cold sync of a big library has none and skips a statement a row).
    if (g.clientId && !pending && hasPendingGenerations()) {
        QSet<QString> replaced;
        if (!deleteReturning(QStringLiteral("DELETE FROM generations WHERE client_id = ? AND pending = 1 AND id <> ? RETURNING id"),
                             {*g.clientId, g.id}, &replaced, error))
            return false;
        if (!replaced.isEmpty()) {
            QSet<QString> outputs;
            for (const QString &id : replaced) {
                if (!deleteReturning(QStringLiteral("DELETE FROM outputs WHERE generation_id = ? RETURNING id"), {id}, &outputs, error))
                    return false;
            }
            noteRemoved(m_changed->removedGenerations, m_changed->generations, replaced);
            noteRemoved(m_changed->removedOutputs, m_changed->outputs, outputs);
        }
    }
    QSqlQuery &q = statement(QStringLiteral(
        "INSERT INTO generations (id, session_id, project_id, user_id, model_id, client_id, status, progress, progress_is_estimate, "
        "prompt, negative_prompt, params, error, cost, created_at, started_at, finished_at, rev, pending, fts_indexed) "
        "VALUES (?, ?, (SELECT project_id FROM sessions WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
        "ON CONFLICT(id) DO UPDATE SET session_id = excluded.session_id, project_id = coalesce(excluded.project_id, generations.project_id), "
        "user_id = excluded.user_id, model_id = excluded.model_id, client_id = coalesce(excluded.client_id, generations.client_id), "
        "status = excluded.status, progress = excluded.progress, progress_is_estimate = excluded.progress_is_estimate, "
        "prompt = excluded.prompt, negative_prompt = excluded.negative_prompt, params = excluded.params, error = excluded.error, "
        "cost = excluded.cost, created_at = excluded.created_at, started_at = excluded.started_at, finished_at = excluded.finished_at, "
        "rev = coalesce(excluded.rev, generations.rev), pending = excluded.pending"));
    const QVariant errorJson = g.error ? QVariant(compact(g.error->toJson())) : QVariant(QMetaType::fromType<QByteArray>());
    for (const QVariant &v : {QVariant(g.id), QVariant(g.sessionId), QVariant(g.sessionId), QVariant(g.userId), QVariant(g.modelId),
                              g.clientId ? text(*g.clientId) : text(QString()), QVariant(generationStatusName(g.status)),
                              QVariant(g.progress), QVariant(g.progressIsEstimate ? 1 : 0), QVariant(g.prompt), QVariant(g.negativePrompt),
                              QVariant(compact(g.parameters)), errorJson, QVariant(g.cost), QVariant(g.createdAt), nullable(g.startedAt),
                              nullable(g.finishedAt), nullable(rev), QVariant(pending ? 1 : 0)})
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    m_changed->generations.insert(g.id);
    m_changed->removedGenerations.remove(g.id);
    m_generationsWritten = true;
    return true;
}

bool CacheRowWriter::hasPendingGenerations()
{
    if (!m_pendingKnown) {
        QSqlQuery &q = statement(QStringLiteral("SELECT EXISTS (SELECT 1 FROM generations INDEXED BY generations_pending WHERE pending = 1)"));
        m_hasPending = !q.exec() || !q.next() || q.value(0).toInt() != 0; // unsure: look
        q.finish();
        m_pendingKnown = true;
    }
    return m_hasPending;
}

bool CacheRowWriter::finish(QString *error)
{
    if (!m_generationsWritten)
        return true;
    // One statement per transaction indexes every new row's prompt (see migration 0002).
    QSqlQuery &index = statement(QStringLiteral(
        "INSERT INTO generations_fts (rowid, prompt, negative_prompt) SELECT seq, prompt, negative_prompt FROM generations WHERE fts_indexed = 0"));
    if (!exec(index, error))
        return false;
    QSqlQuery &mark = statement(QStringLiteral("UPDATE generations SET fts_indexed = 1 WHERE fts_indexed = 0"));
    if (!exec(mark, error))
        return false;
    m_generationsWritten = false;
    return true;
}

bool CacheRowWriter::upsertOutput(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error)
{
    const auto o = parse<Output>(QStringLiteral("output"), data, error);
    return o && writeOutput(*o, rev, pending, error);
}

bool CacheRowWriter::writeOutput(const Output &o, std::optional<qint64> rev, bool pending, QString *error)
{
    QSqlQuery &q = statement(QStringLiteral(
        "INSERT INTO outputs (id, generation_id, session_id, project_id, file_type, width, height, is_starred, created_at, "
        "thumbnail_url, url, rev, pending) VALUES (?, ?, ?, (SELECT project_id FROM sessions WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET generation_id = excluded.generation_id, session_id = excluded.session_id, "
        "project_id = coalesce(excluded.project_id, outputs.project_id), file_type = excluded.file_type, width = excluded.width, "
        "height = excluded.height, is_starred = excluded.is_starred, created_at = excluded.created_at, "
        "thumbnail_url = excluded.thumbnail_url, url = excluded.url, rev = coalesce(excluded.rev, outputs.rev), pending = excluded.pending"));
    for (const QVariant &v : {QVariant(o.id), QVariant(o.generationId), QVariant(o.sessionId), QVariant(o.sessionId), QVariant(o.fileType),
                              nullable(o.width), nullable(o.height), QVariant(o.isStarred ? 1 : 0), QVariant(o.createdAt),
                              QVariant(o.thumbnailUrl), QVariant(o.url), nullable(rev), QVariant(pending ? 1 : 0)})
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    m_changed->outputs.insert(o.id);
    m_changed->removedOutputs.remove(o.id);
    return true;
}

bool CacheRowWriter::upsertMember(const QJsonObject &data, const QString &changeId, const QString &projectHint,
                                  std::optional<qint64> rev, bool pending, QString *error)
{
    const auto m = parse<Member>(QStringLiteral("member"), data, error);
    if (!m)
        return false;
    const QString projectId = data.value(QStringLiteral("projectId")).toString(projectHint);
    if (projectId.isEmpty()) {
        qCDebug(lcClientCache).noquote() << "skipping a member change without a project" << changeId;
        return true;
    }
    QSqlQuery &q = statement(QStringLiteral(
        "INSERT INTO members (project_id, user_id, feed_id, joined_at, rev, pending, data) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(project_id, user_id) DO UPDATE SET feed_id = excluded.feed_id, joined_at = excluded.joined_at, "
        "rev = excluded.rev, pending = excluded.pending, data = excluded.data"));
    for (const QVariant &v : {QVariant(projectId), QVariant(m->userId), QVariant(changeId), QVariant(m->joinedAt), nullable(rev),
                              QVariant(pending ? 1 : 0), QVariant(compact(data))})
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    m_changed->memberProjects.insert(projectId);
    return true;
}

bool CacheRowWriter::upsertProfile(const QJsonObject &data, QString *error)
{
    const auto p = parse<Profile>(QStringLiteral("profile"), data, error);
    if (!p)
        return false;
    QSqlQuery &clear = statement(QStringLiteral("DELETE FROM profile"));
    if (!exec(clear, error))
        return false;
    QSqlQuery &q = statement(QStringLiteral("INSERT INTO profile (id, data) VALUES (?, ?)"));
    q.addBindValue(p->id);
    q.addBindValue(compact(data));
    if (!exec(q, error))
        return false;
    m_changed->profile = true;
    return true;
}

bool CacheRowWriter::writeProgress(const QString &generationId, int progress, bool isEstimate, QString *error)
{
    QSqlQuery &read = statement(QStringLiteral("SELECT %1 FROM generations g WHERE g.id = ?").arg(cacherows::generationColumns()));
    read.addBindValue(generationId);
    if (!exec(read, error))
        return false;
    if (!read.next()) {
        read.finish();
        return true; // not in the cache (yet): the feed brings it
    }
    bool pending = false;
    Generation g = cacherows::generationAt(read, 0, &pending);
    read.finish();
    if (g.isFinished() || progress <= g.progress)
        return true; // status never goes back, nor the bar
    g.status = GenerationStatus::Processing;
    g.progress = progress;
    g.progressIsEstimate = isEstimate;
    return writeGeneration(g, std::nullopt, pending, error);
}

bool CacheRowWriter::writePolled(const Generation &polled, QString *error)
{
    QSqlQuery &read = statement(QStringLiteral("SELECT %1 FROM generations g WHERE g.id = ?").arg(cacherows::generationColumns()));
    read.addBindValue(polled.id);
    if (!exec(read, error))
        return false;
    if (!read.next()) {
        read.finish();
        return true; // removed meanwhile (or never seen): the feed decides what the cache holds
    }
    bool pending = false;
    Generation g = cacherows::generationAt(read, 0, &pending);
    read.finish();
    g.status = polled.status;
    g.progress = polled.progress;
    g.progressIsEstimate = polled.progressIsEstimate;
    g.error = polled.error;
    g.cost = polled.cost;
    g.startedAt = polled.startedAt;
    g.finishedAt = polled.finishedAt;
    if (!writeGeneration(g, std::nullopt, pending, error))
        return false;
    if (polled.outputs) {
        for (const Output &o : *polled.outputs) {
            if (!writeOutput(o, std::nullopt, false, error))
                return false;
        }
    }
    return true;
}

void CacheRowWriter::noteRemoved(QSet<QString> &removed, QSet<QString> &upserted, const QSet<QString> &ids)
{
    for (const QString &id : ids) {
        removed.insert(id);
        upserted.remove(id);
    }
}

bool CacheRowWriter::deleteReturning(const QString &sql, const QVariantList &binds, QSet<QString> *removed, QString *error)
{
    QSqlQuery &q = statement(sql);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    while (q.next())
        removed->insert(q.value(0).toString());
    q.finish();
    return true;
}

bool CacheRowWriter::remove(const QString &kind, const QString &id, const QString &projectHint, QString *error)
{
    QSet<QString> outputs, generations, sessions, projects;
    bool ok = true;
    if (kind == QLatin1String("project")) {
        const QString inProject = QStringLiteral("project_id = ? OR session_id IN (SELECT id FROM sessions WHERE project_id = ?)");
        QSet<QString> messages; // the assistant's conversations of its sessions go with them
        ok = deleteReturning(QStringLiteral("DELETE FROM assistant_messages WHERE session_id IN (SELECT id FROM sessions WHERE project_id = ?) RETURNING id"),
                             {id}, &messages, error)
            && deleteReturning(QStringLiteral("DELETE FROM outputs WHERE %1 RETURNING id").arg(inProject), {id, id}, &outputs, error)
            && deleteReturning(QStringLiteral("DELETE FROM generations WHERE %1 RETURNING id").arg(inProject), {id, id}, &generations, error)
            && deleteReturning(QStringLiteral("DELETE FROM sessions WHERE project_id = ? RETURNING id"), {id}, &sessions, error)
            && deleteReturning(QStringLiteral("DELETE FROM members WHERE project_id = ? RETURNING user_id"), {id}, &projects, error);
        projects.clear();
        ok = ok && deleteReturning(QStringLiteral("DELETE FROM projects WHERE id = ? RETURNING id"), {id}, &projects, error);
        m_changed->memberProjects.remove(id);
    } else if (kind == QLatin1String("session")) {
        QSet<QString> messages;
        ok = deleteReturning(QStringLiteral("DELETE FROM assistant_messages WHERE session_id = ? RETURNING id"), {id}, &messages, error)
            && deleteReturning(QStringLiteral("DELETE FROM outputs WHERE session_id = ? RETURNING id"), {id}, &outputs, error)
            && deleteReturning(QStringLiteral("DELETE FROM generations WHERE session_id = ? RETURNING id"), {id}, &generations, error)
            && deleteReturning(QStringLiteral("DELETE FROM sessions WHERE id = ? RETURNING id"), {id}, &sessions, error);
    } else if (kind == QLatin1String("generation")) {
        ok = deleteReturning(QStringLiteral("DELETE FROM outputs WHERE generation_id = ? RETURNING id"), {id}, &outputs, error)
            && deleteReturning(QStringLiteral("DELETE FROM generations WHERE id = ? RETURNING id"), {id}, &generations, error);
    } else if (kind == QLatin1String("output")) {
        ok = deleteReturning(QStringLiteral("DELETE FROM outputs WHERE id = ? RETURNING id"), {id}, &outputs, error);
    } else if (kind == QLatin1String("member")) {
        QSet<QString> members;
        ok = deleteReturning(QStringLiteral("DELETE FROM members WHERE feed_id = ? OR (project_id = ? AND user_id = ?) RETURNING project_id"),
                             {id, projectHint, id}, &members, error);
        m_changed->memberProjects.unite(members);
    } else if (kind == QLatin1String("profile")) {
        QSet<QString> gone;
        ok = deleteReturning(QStringLiteral("DELETE FROM profile WHERE id = ? RETURNING id"), {id}, &gone, error);
        m_changed->profile = m_changed->profile || !gone.isEmpty();
    } else {
        qCDebug(lcClientCache).noquote() << "skipping a tombstone of unknown kind" << kind << id;
    }
    if (!ok)
        return false;
    // A tombstone for a row the cache never held still counts: a model may hold it from elsewhere.
    if (kind == QLatin1String("project"))
        projects.insert(id);
    noteRemoved(m_changed->removedOutputs, m_changed->outputs, outputs);
    noteRemoved(m_changed->removedGenerations, m_changed->generations, generations);
    noteRemoved(m_changed->removedSessions, m_changed->sessions, sessions);
    noteRemoved(m_changed->removedProjects, m_changed->projects, projects);
    if (kind == QLatin1String("session"))
        noteRemoved(m_changed->removedSessions, m_changed->sessions, {id});
    if (kind == QLatin1String("generation"))
        noteRemoved(m_changed->removedGenerations, m_changed->generations, {id});
    if (kind == QLatin1String("output"))
        noteRemoved(m_changed->removedOutputs, m_changed->outputs, {id});
    return true;
}

} // namespace vesper::client
