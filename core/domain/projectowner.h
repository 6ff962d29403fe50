#pragma once
// The owner of a project as a project item shows it: id, display name and username (null when
// the profile has none).
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper {

struct ProjectOwner {
    QString id;
    QString displayName;
    std::optional<QString> username; // null on the wire when unset

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<ProjectOwner> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    friend bool operator==(const ProjectOwner &, const ProjectOwner &) = default;
};

} // namespace vesper
