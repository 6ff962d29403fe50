#pragma once
// A session of a project: a named thread of generations, image or video, optionally private to
// the project's owner. As the API lists it (sessions, project detail, changes feed).
#include "domain/sessiontype.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper {

struct Session {
    QString id;
    QString projectId;
    QString creatorId;
    QString name;
    SessionType type = SessionType::Image;
    bool isPrivate = false;
    qint64 createdAt = 0; // microseconds since the epoch, UTC
    qint64 updatedAt = 0;
    std::optional<qint64> rev; // the sync feed's revision, when the JSON carries one

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<Session> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for every object the backend writes.
    QJsonObject toJson() const;

    friend bool operator==(const Session &, const Session &) = default;
};

} // namespace vesper
