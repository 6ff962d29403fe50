#pragma once
// Project memberships, rows of the changes feed (kind "member"). Adding a member to a shared project
// regrants its rows in the feed; removing one leaves a member tombstone to all who saw it and a
// project tombstone to that member.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

class MemberRepository {
public:
    explicit MemberRepository(Database &database);

    QJsonArray list(const QString &projectId);
    std::optional<QJsonObject> fetch(const QString &projectId, const QString &userId);
    /// The membership's rev (what its "member" change in the feed carries); nullopt when there is none.
    std::optional<qint64> rev(const QString &projectId, const QString &userId);
    /// Adds the member or changes their role; returns true when the membership is new.
    bool upsert(const QString &projectId, bool projectShared, const QString &userId, const QString &role);
    /// Removes the membership; false when there was none.
    bool remove(const QString &projectId, bool projectShared, const QString &userId);

private:
    Database &m_database;
};

} // namespace vesper::backend
