#include "client/cache/assistantstore.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachetransaction.h"
#include "common/clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace vesper::client {
namespace {
QString stateName(ConversationMessage::State state)
{
    switch (state) {
    case ConversationMessage::State::Sending:
        return QStringLiteral("sending");
    case ConversationMessage::State::Failed:
        return QStringLiteral("failed");
    case ConversationMessage::State::Sent:
        break;
    }
    return QStringLiteral("sent");
}

ConversationMessage::State stateFromName(const QString &name)
{
    if (name == QLatin1String("sending"))
        return ConversationMessage::State::Sending;
    if (name == QLatin1String("failed"))
        return ConversationMessage::State::Failed;
    return ConversationMessage::State::Sent;
}

QString suggestionsJson(const QList<Suggestion> &suggestions)
{
    QJsonArray array;
    for (const Suggestion &s : suggestions)
        array.append(s.toJson());
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

/// The stored suggestions; one that no longer decodes is left out rather than hiding the message.
QList<Suggestion> suggestionsFrom(const QString &json)
{
    QList<Suggestion> out;
    for (const QJsonValue &value : QJsonDocument::fromJson(json.toUtf8()).array()) {
        if (std::optional<Suggestion> s = Suggestion::fromJson(value.toObject()))
            out.append(std::move(*s));
    }
    return out;
}

/// SQLite binds a null QString as NULL; the text columns are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

bool failed(const QSqlQuery &q, const char *what, QString *error)
{
    if (error)
        *error = QStringLiteral("cache %1 failed: %2").arg(QLatin1String(what), q.lastError().text());
    return false;
}

bool insertMessage(QSqlDatabase &db, const ConversationMessage &m, qint64 *id, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO assistant_messages (session_id, role, content, suggestions, state, error, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(text(m.sessionId));
    q.addBindValue(text(m.role));
    q.addBindValue(text(m.content));
    q.addBindValue(suggestionsJson(m.suggestions));
    q.addBindValue(stateName(m.state));
    q.addBindValue(text(m.state == ConversationMessage::State::Failed ? m.error : QString()));
    q.addBindValue(m.createdAt > 0 ? m.createdAt : nowMicros());
    if (!q.exec())
        return failed(q, "write", error);
    *id = q.lastInsertId().toLongLong();
    return true;
}
} // namespace

AssistantStore::AssistantStore(CacheDatabase &database)
    : m_database(database)
{
}

QList<ConversationMessage> AssistantStore::messages(const QString &sessionId, QString *error)
{
    QList<ConversationMessage> out;
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return out;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, role, content, suggestions, state, error, created_at FROM assistant_messages "
                             "WHERE session_id = ? ORDER BY id"));
    q.addBindValue(sessionId);
    if (!q.exec()) {
        failed(q, "read", error);
        return out;
    }
    while (q.next()) {
        ConversationMessage m;
        m.id = q.value(0).toLongLong();
        m.sessionId = sessionId;
        m.role = q.value(1).toString();
        m.content = q.value(2).toString();
        m.suggestions = suggestionsFrom(q.value(3).toString());
        m.state = stateFromName(q.value(4).toString());
        m.error = q.value(5).toString();
        m.createdAt = q.value(6).toLongLong();
        out.append(std::move(m));
    }
    return out;
}

qint64 AssistantStore::append(const ConversationMessage &message, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    qint64 id = 0;
    if (!db.isOpen() || !insertMessage(db, message, &id, error))
        return 0;
    return id;
}

bool AssistantStore::setState(qint64 id, ConversationMessage::State state, const QString &reason, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE assistant_messages SET state = ?, error = ? WHERE id = ?"));
    q.addBindValue(stateName(state));
    q.addBindValue(text(state == ConversationMessage::State::Failed ? reason : QString()));
    q.addBindValue(id);
    return q.exec() || failed(q, "write", error);
}

qint64 AssistantStore::recordReply(qint64 userMessageId, const ConversationMessage &reply, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return 0;
    CacheTransaction tx(db);
    if (!tx.begin(error))
        return 0;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE assistant_messages SET state = 'sent', error = '' WHERE id = ?"));
    q.addBindValue(userMessageId);
    if (!q.exec()) {
        failed(q, "write", error);
        return 0;
    }
    qint64 id = 0;
    if (!insertMessage(db, reply, &id, error) || !tx.commit(error))
        return 0;
    return id;
}

int AssistantStore::failInterrupted(const QString &sessionId, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return 0;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE assistant_messages SET state = 'failed', error = ? WHERE session_id = ? AND state = 'sending'"));
    q.addBindValue(QStringLiteral("The answer was cut off (the app closed or another session was opened); Retry sends it again."));
    q.addBindValue(sessionId);
    if (!q.exec()) {
        failed(q, "write", error);
        return 0;
    }
    return q.numRowsAffected();
}

bool AssistantStore::remove(qint64 id, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM assistant_messages WHERE id = ?"));
    q.addBindValue(id);
    return q.exec() || failed(q, "write", error);
}

bool AssistantStore::clearSession(const QString &sessionId, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM assistant_messages WHERE session_id = ?"));
    q.addBindValue(sessionId);
    return q.exec() || failed(q, "write", error);
}

QList<SkillSummary> AssistantStore::skills(QString *error)
{
    QList<SkillSummary> out;
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return out;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT data FROM assistant_skills ORDER BY position"))) {
        failed(q, "read", error);
        return out;
    }
    while (q.next()) {
        if (std::optional<SkillSummary> skill = SkillSummary::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object()))
            out.append(std::move(*skill));
    }
    return out;
}

bool AssistantStore::saveSkills(const QList<SkillSummary> &skills, QString *error)
{
    QSqlDatabase db = m_database.connection(error);
    if (!db.isOpen())
        return false;
    CacheTransaction tx(db);
    if (!tx.begin(error))
        return false;
    QSqlQuery clear(db);
    if (!clear.exec(QStringLiteral("DELETE FROM assistant_skills")))
        return failed(clear, "write", error);
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO assistant_skills (position, data) VALUES (?, ?)"));
    for (qsizetype i = 0; i < skills.size(); ++i) {
        insert.addBindValue(qint64(i));
        insert.addBindValue(QString::fromUtf8(QJsonDocument(skills.at(i).toJson()).toJson(QJsonDocument::Compact)));
        if (!insert.exec())
            return failed(insert, "write", error);
    }
    return tx.commit(error);
}

} // namespace vesper::client
