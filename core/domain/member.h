#pragma once
// A member of a project (GET/POST /api/projects/{id}/members): who, with which role, since when.
// The owner is not a member and is never listed.
#include "domain/memberrole.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper {

struct Member {
    QString userId;
    QString email;
    QString displayName;
    MemberRole role = MemberRole::Viewer; // editor or viewer
    qint64 joinedAt = 0;                  // microseconds since the epoch, UTC

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<Member> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for every object the backend writes.
    QJsonObject toJson() const;

    friend bool operator==(const Member &, const Member &) = default;
};

} // namespace vesper
