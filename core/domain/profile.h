#pragma once
// The signed-in user as the bootstrap's "profile" shows it: id, email, display name and credits.
// (GET /auth/v1/user answers in GoTrue's own snake_case shape instead; this type does not read it.)
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper {

struct Profile {
    QString id;
    QString email;
    QString displayName;
    qint64 credits = 0;

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<Profile> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for the bootstrap's profile.
    QJsonObject toJson() const;

    friend bool operator==(const Profile &, const Profile &) = default;
};

} // namespace vesper
