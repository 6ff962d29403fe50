#include "backend/repositories/profilerepository.h"
#include "backend/db/writegate.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "common/clock.h"
#include "common/uuid.h"

namespace vesper::backend {

QJsonObject Profile::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("email"), email},
                       {QStringLiteral("displayName"), displayName},
                       {QStringLiteral("username"), username.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(username)},
                       {QStringLiteral("credits"), credits}};
}

ProfileRepository::ProfileRepository(Database &database)
    : m_database(database)
{
}

std::optional<Profile> ProfileRepository::findWhere(const QString &column, const QString &value)
{
    const Database &d = m_database;
    SqlQuery q(m_database.connection(),
               QStringLiteral("SELECT id, email, display_name, username, password_hash, credits, %1, %2 FROM profiles WHERE %3 = :v")
                   .arg(d.timeColumn(QStringLiteral("created_at")), d.timeColumn(QStringLiteral("updated_at")), column));
    q.bind(QStringLiteral(":v"), value).exec();
    if (!q.next())
        return std::nullopt;
    return Profile{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.int64(5), q.int64(6), q.int64(7)};
}

std::optional<Profile> ProfileRepository::findById(const QString &id)
{
    return findWhere(QStringLiteral("id"), id);
}

std::optional<Profile> ProfileRepository::findByEmail(const QString &email)
{
    return findWhere(QStringLiteral("email"), email.trimmed().toLower());
}

Profile ProfileRepository::create(const QString &email, const QString &displayName, const QString &passwordHash, qint64 credits)
{
    return createWithId(newUuidV7(), email, displayName, passwordHash, credits);
}

Profile ProfileRepository::createWithId(const QString &id, const QString &email, const QString &displayName,
                                        const QString &passwordHash, qint64 credits)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    Profile profile{id, email.trimmed().toLower(), displayName, {}, passwordHash, credits, nowMicros(), 0};
    profile.updatedAt = profile.createdAt;
    const qint64 rev = tx.allocateRevs(1);
    SqlQuery insert(db, QStringLiteral("INSERT INTO profiles (id, email, display_name, password_hash, credits, created_at, updated_at, rev) "
                                       "VALUES (:id, :email, :name, :hash, :credits, %1, %1, :rev)")
                            .arg(d.timeParam(QStringLiteral(":now"))));
    insert.bind(QStringLiteral(":id"), profile.id).bind(QStringLiteral(":email"), profile.email)
        .bind(QStringLiteral(":name"), displayName)
        .bind(QStringLiteral(":hash"), passwordHash.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(passwordHash))
        .bind(QStringLiteral(":credits"), credits).bind(QStringLiteral(":now"), profile.createdAt)
        .bind(QStringLiteral(":rev"), rev).exec();
    if (credits != 0) {
        SqlQuery ledger(db, QStringLiteral("INSERT INTO credit_ledger (user_id, amount, reason, created_at) VALUES (:u, :a, 'grant', %1)")
                                .arg(d.timeParam(QStringLiteral(":now"))));
        ledger.bind(QStringLiteral(":u"), profile.id).bind(QStringLiteral(":a"), credits).bind(QStringLiteral(":now"), profile.createdAt).exec();
    }
    tx.commit();
    return profile;
}

QString ProfileRepository::ensureLocalProfile(qint64 credits)
{
    static const QString localEmail = QStringLiteral("local@vesper.invalid");
    if (const auto existing = findByEmail(localEmail))
        return existing->id;
    return create(localEmail, QStringLiteral("Local creator"), QString(), credits).id;
}

bool ProfileRepository::replacePasswordHash(const QString &id, const QString &previousHash, const QString &newHash)
{
    const WriteGate gate(m_database);
    SqlQuery update(m_database.connection(),
                    QStringLiteral("UPDATE profiles SET password_hash = :new WHERE id = :id AND password_hash = :old"));
    update.bind(QStringLiteral(":new"), newHash).bind(QStringLiteral(":id"), id).bind(QStringLiteral(":old"), previousHash).exec();
    return update.numRowsAffected() == 1;
}

} // namespace vesper::backend
