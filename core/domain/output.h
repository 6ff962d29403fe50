#pragma once
// One image (or later video) a generation made, as the API lists it: in a generation's outputs,
// a project's images, a star toggle's answer and the changes feed.
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper {

struct Output {
    QString id;
    QString generationId;
    QString sessionId;
    QString fileType; // "image"
    std::optional<qint64> width;  // null until known
    std::optional<qint64> height;
    bool isStarred = false;
    qint64 createdAt = 0;      // microseconds since the epoch, UTC
    QString thumbnailUrl;      // "/api/outputs/{id}/file?variant=thumb"
    QString url;               // "/api/outputs/{id}/file?variant=full"
    std::optional<qint64> rev; // the sync feed's revision, when the JSON carries one

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<Output> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for every object the backend writes.
    QJsonObject toJson() const;

    friend bool operator==(const Output &, const Output &) = default;
};

} // namespace vesper
