#pragma once
// Profiles (users) and their credit grant. A new profile and the ledger row of its grant are
// written in one transaction, so the balance always equals the ledger's sum.
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

struct Profile {
    QString id;
    QString email;
    QString displayName;
    QString username;
    QString passwordHash; // empty for externally authenticated users
    qint64 credits = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QJsonObject toJson() const;
};

class ProfileRepository {
public:
    explicit ProfileRepository(Database &database);

    std::optional<Profile> findById(const QString &id);
    std::optional<Profile> findByEmail(const QString &email);
    /// Creates a profile with a credit grant; throws DbError (isConstraint) when the email is taken.
    Profile create(const QString &email, const QString &displayName, const QString &passwordHash, qint64 credits);
    /// The same with a given id: a user authenticated elsewhere (a Supabase project's auth).
    Profile createWithId(const QString &id, const QString &email, const QString &displayName, const QString &passwordHash,
                         qint64 credits);
    /// Embedded mode's single local profile, created on first use; returns its id.
    QString ensureLocalProfile(qint64 credits);
    /// Replaces the password hash if it is still previousHash (a concurrent change wins); true when
    /// it was replaced. Not synced, so no rev.
    bool replacePasswordHash(const QString &id, const QString &previousHash, const QString &newHash);

private:
    std::optional<Profile> findWhere(const QString &column, const QString &value);
    Database &m_database;
};

} // namespace vesper::backend
