#pragma once
// A project as the caller sees it: list item and detail alike, with its owner, the caller's role,
// the sessions it counts for that role, a thumbnail of its latest image and (detail) its sessions.
#include "domain/memberrole.h"
#include "domain/projectowner.h"
#include "domain/session.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace vesper {

struct Project {
    QString id;
    QString name;
    QString description;
    /// The wire's "ownerId" is owner.id (both are written from it; fromJson refuses a mismatch).
    ProjectOwner owner;
    bool isShared = false;
    qint64 createdAt = 0; // microseconds since the epoch, UTC
    qint64 updatedAt = 0;
    MemberRole role = MemberRole::Viewer; // the caller's
    qint64 sessionCount = 0;              // members count only sessions that are not private
    std::optional<QString> thumbnailUrl;  // null while the project has no image
    /// The detail with includeSessions=1 carries them; elsewhere nullopt.
    std::optional<QList<Session>> sessions;
    std::optional<qint64> rev; // the sync feed's revision, when the JSON carries one

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<Project> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for every object the backend writes.
    QJsonObject toJson() const;

    friend bool operator==(const Project &, const Project &) = default;
};

} // namespace vesper
