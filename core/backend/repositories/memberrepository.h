#pragma once
// Project memberships. Adding a member to a shared project regrants its rows in the feed;
// removing one leaves that member a tombstone.
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
    /// Adds the member or changes their role; returns true when the membership is new.
    bool upsert(const QString &projectId, bool projectShared, const QString &userId, const QString &role);
    /// Removes the membership; false when there was none.
    bool remove(const QString &projectId, bool projectShared, const QString &userId);

private:
    Database &m_database;
};

} // namespace vesper::backend
