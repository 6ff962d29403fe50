#include "client/cache/cachestore.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cacherowwriter.h"
#include "client/cache/cachetransaction.h"
#include "common/clock.h"

#include <QHash>
#include <functional>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace vesper::client {
namespace {
const QString kPosition = QStringLiteral("position");
const QString kLimits = QStringLiteral("limits");

bool setState(QSqlDatabase &db, const QString &key, const QString &value, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    q.addBindValue(key);
    q.addBindValue(value);
    if (q.exec())
        return true;
    *error = QStringLiteral("cache write failed: %1").arg(q.lastError().text());
    return false;
}

std::optional<QString> readState(QSqlDatabase &db, const QString &key, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT value FROM sync_state WHERE key = ?"));
    q.addBindValue(key);
    if (!q.exec()) {
        *error = QStringLiteral("cache read failed: %1").arg(q.lastError().text());
        return std::nullopt;
    }
    return q.next() ? q.value(0).toString() : QString();
}
/// Runs write in one transaction on this thread's connection, indexes new prompts, commits, and
/// merges what it changed into *changed. Every multi-row write of the cache goes through here.
bool inTransaction(CacheDatabase &database, const std::function<bool(QSqlDatabase &, CacheRowWriter &)> &write,
                   CacheChanges *changed, QString *error)
{
    QSqlDatabase db = database.connection(error);
    if (!db.isOpen())
        return false;
    CacheTransaction tx(db);
    if (!tx.begin(error))
        return false;
    CacheChanges page;
    CacheRowWriter writer(db, &page);
    if (!write(db, writer) || !writer.finish(error) || !tx.commit(error))
        return false;
    if (changed)
        changed->merge(page);
    return true;
}
} // namespace

CacheStore::CacheStore(CacheDatabase &database)
    : m_database(database)
{
}

QString CacheStore::directory() const
{
    return m_database.directory();
}

QString CacheStore::syncPosition(QString *error)
{
    QString local;
    QString *message = error ? error : &local;
    QSqlDatabase db = m_database.connection(message);
    if (!db.isOpen())
        return QStringLiteral("0");
    const std::optional<QString> value = readState(db, kPosition, message);
    return value && !value->isEmpty() ? *value : QStringLiteral("0");
}

bool CacheStore::applyChangesPage(const QJsonArray &changes, const QString &nextSince, CacheChanges *changed, QString *error)
{
    if (nextSince.isEmpty()) {
        *error = QStringLiteral("the feed page has no nextSince; the cache was left as it was");
        return false;
    }
    return inTransaction(m_database, [&](QSqlDatabase &db, CacheRowWriter &writer) {
        // Read inside the transaction: another writer cannot move the position between check and write.
        const std::optional<QString> stored = readState(db, kPosition, error);
        if (!stored)
            return false;
        bool storedIsNumber = false, nextIsNumber = false;
        const qint64 storedRev = stored->toLongLong(&storedIsNumber);
        const qint64 nextRev = nextSince.toLongLong(&nextIsNumber);
        if (storedIsNumber && nextIsNumber && nextRev < storedRev) {
            *error = QStringLiteral("the server's changes feed went backwards (from %1 to %2); the cache was left as it was").arg(*stored, nextSince);
            return false;
        }
        for (int i = 0; i < changes.size(); ++i) {
            if (!changes.at(i).isObject()) {
                *error = QStringLiteral("change %1 of the feed page is not an object; the cache was left as it was").arg(i);
                return false;
            }
            if (!writer.applyChange(changes.at(i).toObject(), i, error))
                return false;
        }
        return setState(db, kPosition, nextSince, error)
            && setState(db, QStringLiteral("lastSyncAt"), QString::number(nowMicros()), error);
    }, changed, error);
}

bool CacheStore::applyBootstrap(const QJsonObject &bootstrap, QString *error)
{
    return inTransaction(m_database, [&](QSqlDatabase &db, CacheRowWriter &writer) {
        const QJsonValue profile = bootstrap.value(QStringLiteral("profile"));
        if (profile.isObject() && !writer.upsert(QStringLiteral("profile"), profile.toObject(), {}, {}, std::nullopt, false, error))
            return false;
        const QJsonValue models = bootstrap.value(QStringLiteral("models"));
        if (models.isArray()) {
            QSqlQuery clear(db);
            if (!clear.exec(QStringLiteral("DELETE FROM models"))) {
                *error = QStringLiteral("cache write failed: %1").arg(clear.lastError().text());
                return false;
            }
            QSqlQuery insert(db);
            insert.prepare(QStringLiteral("INSERT OR REPLACE INTO models (id, position, data) VALUES (?, ?, ?)"));
            const QJsonArray list = models.toArray();
            for (int i = 0; i < list.size(); ++i) {
                QString why;
                const auto model = ModelInfo::fromJson(list.at(i).toObject(), &why);
                if (!model) {
                    *error = QStringLiteral("model %1 of the bootstrap is malformed: %2").arg(i).arg(why);
                    return false;
                }
                insert.addBindValue(model->id);
                insert.addBindValue(i);
                insert.addBindValue(QJsonDocument(list.at(i).toObject()).toJson(QJsonDocument::Compact));
                if (!insert.exec()) {
                    *error = QStringLiteral("cache write failed: %1").arg(insert.lastError().text());
                    return false;
                }
            }
        }
        const QJsonValue limits = bootstrap.value(QStringLiteral("limits"));
        if (limits.isObject()
            && !setState(db, kLimits, QString::fromUtf8(QJsonDocument(limits.toObject()).toJson(QJsonDocument::Compact)), error))
            return false;
        return true;
    }, nullptr, error);
}

bool CacheStore::clear(QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    CacheTransaction tx(db);
    if (!tx.begin(error))
        return false;
    for (const char *table : {"outputs", "generations", "sessions", "members", "projects", "profile", "models", "sync_state", "outbox", "assistant_messages", "assistant_skills"}) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("DELETE FROM %1").arg(QLatin1String(table)))) {
            *error = QStringLiteral("cache write failed: %1").arg(q.lastError().text());
            return false;
        }
    }
    return tx.commit(error);
}

bool CacheStore::updateGenerations(const QList<Generation> &generations, CacheChanges *changed, QString *error)
{
    return inTransaction(m_database, [&](QSqlDatabase &, CacheRowWriter &writer) {
        for (const Generation &g : generations) {
            if (!writer.writePolled(g, error))
                return false;
        }
        return true;
    }, changed, error);
}

bool CacheStore::updateProgress(const QString &generationId, int progress, bool isEstimate, CacheChanges *changed, QString *error)
{
    return inTransaction(m_database, [&](QSqlDatabase &, CacheRowWriter &writer) {
        return writer.writeProgress(generationId, progress, isEstimate, error);
    }, changed, error);
}

bool CacheStore::storePending(const QString &kind, const QJsonObject &data, CacheChanges *changed, QString *error)
{
    const QString id = data.value(QStringLiteral("id")).toString(data.value(QStringLiteral("userId")).toString());
    return inTransaction(m_database, [&](QSqlDatabase &, CacheRowWriter &writer) {
        return writer.upsert(kind, data, id, data.value(QStringLiteral("projectId")).toString(), std::nullopt, true, error);
    }, changed, error);
}

bool CacheStore::dropPending(const QString &kind, const QString &id, CacheChanges *changed, QString *error)
{
    static const QHash<QString, QString> tables{{QStringLiteral("project"), QStringLiteral("projects")},
                                                {QStringLiteral("session"), QStringLiteral("sessions")},
                                                {QStringLiteral("generation"), QStringLiteral("generations")},
                                                {QStringLiteral("output"), QStringLiteral("outputs")}};
    if (!tables.contains(kind)) {
        *error = QStringLiteral("%1 rows cannot be pending").arg(kind);
        return false;
    }
    return inTransaction(m_database, [&](QSqlDatabase &db, CacheRowWriter &writer) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT pending FROM %1 WHERE id = ?").arg(tables.value(kind)));
        q.addBindValue(id);
        if (!q.exec()) {
            *error = QStringLiteral("cache read failed: %1").arg(q.lastError().text());
            return false;
        }
        const bool pending = q.next() && q.value(0).toInt() != 0;
        q.finish();
        // Confirmed by the server meanwhile, or already gone: nothing to drop.
        return !pending || writer.remove(kind, id, {}, error);
    }, changed, error);
}

} // namespace vesper::client
