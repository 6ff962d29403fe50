// CacheStore's outbox table: the SQL of queued offline writes (the replay logic lives in client/sync).
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "common/clock.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QRegularExpression>
#include <QSqlRecord>

namespace vesper::client {
namespace {
const QString kColumns = QStringLiteral("id, created_at, kind, method, path, body, idempotency_key, if_match, depends_on, state, reason");

OutboxState stateFromName(const QString &name)
{
    if (name == QLatin1String("sent"))
        return OutboxState::Sent;
    if (name == QLatin1String("conflict"))
        return OutboxState::Conflict;
    if (name == QLatin1String("failed"))
        return OutboxState::Failed;
    return OutboxState::Queued;
}

OutboxEntry readEntry(const QSqlQuery &q)
{
    OutboxEntry e;
    e.id = q.value(0).toLongLong();
    e.createdAt = q.value(1).toLongLong();
    e.kind = q.value(2).toString();
    e.method = q.value(3).toString().toLatin1();
    e.path = q.value(4).toString();
    e.body = q.value(5).toByteArray();
    e.idempotencyKey = q.value(6).toString();
    e.ifMatch = q.value(7).toString();
    e.dependsOn = q.value(8).toLongLong();
    e.state = stateFromName(q.value(9).toString());
    e.reason = q.value(10).toString();
    return e;
}

QVariant orNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}
} // namespace

qint64 CacheStore::enqueueOutbox(const OutboxEntry &entry, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return 0;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO outbox (created_at, kind, method, path, body, idempotency_key, if_match, depends_on, state, reason) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(entry.createdAt > 0 ? entry.createdAt : nowMicros());
    q.addBindValue(entry.kind);
    q.addBindValue(QString::fromLatin1(entry.method));
    q.addBindValue(entry.path);
    q.addBindValue(entry.body);
    q.addBindValue(orNull(entry.idempotencyKey));
    q.addBindValue(orNull(entry.ifMatch));
    q.addBindValue(entry.dependsOn > 0 ? QVariant(entry.dependsOn) : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(outboxStateName(entry.state));
    q.addBindValue(orNull(entry.reason));
    if (!q.exec()) {
        *error = QStringLiteral("cannot queue the write: %1").arg(q.lastError().text());
        return 0;
    }
    return q.lastInsertId().toLongLong();
}

std::optional<OutboxEntry> CacheStore::nextQueuedOutbox(QString *error)
{
    QString local;
    QString *message = error ? error : &local;
    QSqlDatabase db = m_database.connection(message);
    if (!db.isOpen())
        return std::nullopt;
    QSqlQuery q(db);
    // An entry waits while what it depends on is not sent; one whose dependency is gone may go.
    if (!q.exec(QStringLiteral("SELECT %1 FROM outbox o WHERE o.state = 'queued' AND (o.depends_on IS NULL OR NOT EXISTS "
                               "(SELECT 1 FROM outbox d WHERE d.id = o.depends_on AND d.state <> 'sent')) ORDER BY o.id LIMIT 1")
                    .arg(QString(kColumns).replace(QRegularExpression(QStringLiteral("\\b(\\w+)\\b")), QStringLiteral("o.\\1"))))) {
        *message = QStringLiteral("cannot read the outbox: %1").arg(q.lastError().text());
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return readEntry(q);
}

bool CacheStore::markOutbox(qint64 id, OutboxState state, const QString &reason, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE outbox SET state = ?, reason = ? WHERE id = ?"));
    q.addBindValue(outboxStateName(state));
    q.addBindValue(state == OutboxState::Queued || state == OutboxState::Sent ? QVariant(QMetaType::fromType<QString>()) : orNull(reason));
    q.addBindValue(id);
    if (!q.exec()) {
        *error = QStringLiteral("cannot update the outbox: %1").arg(q.lastError().text());
        return false;
    }
    if (q.numRowsAffected() != 1) {
        *error = QStringLiteral("the outbox holds no entry %1").arg(id);
        return false;
    }
    return true;
}

QList<OutboxEntry> CacheStore::pendingOutbox(QString *error)
{
    QList<OutboxEntry> list;
    QString local;
    QString *message = error ? error : &local;
    QSqlDatabase db = m_database.connection(message);
    if (!db.isOpen())
        return list;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT %1 FROM outbox WHERE state <> 'sent' ORDER BY id").arg(kColumns))) {
        *message = QStringLiteral("cannot read the outbox: %1").arg(q.lastError().text());
        return list;
    }
    while (q.next())
        list << readEntry(q);
    return list;
}

bool CacheStore::rewriteOutboxId(const QString &localId, const QString &serverId, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    // Ids are UUIDs: a plain replace cannot hit anything but the id itself.
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE outbox SET path = replace(path, :local, :server), "
                             "body = CAST(replace(CAST(body AS TEXT), :local, :server) AS BLOB) "
                             "WHERE state = 'queued' AND (instr(path, :local) > 0 OR instr(CAST(body AS TEXT), :local) > 0)"));
    q.bindValue(QStringLiteral(":local"), localId);
    q.bindValue(QStringLiteral(":server"), serverId);
    if (!q.exec()) {
        *error = QStringLiteral("cannot update the outbox: %1").arg(q.lastError().text());
        return false;
    }
    return true;
}

bool CacheStore::removeOutbox(qint64 id, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM outbox WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec()) {
        *error = QStringLiteral("cannot update the outbox: %1").arg(q.lastError().text());
        return false;
    }
    return true;
}

} // namespace vesper::client
