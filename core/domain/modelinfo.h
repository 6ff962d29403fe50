#pragma once
// One entry of the model catalogue (GET /api/models, the bootstrap's "models"): what a model
// offers, what an image costs and whether this server can run it now.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper {

struct ModelInfo {
    QString id;
    QString name;
    QString provider;
    QString type;              // "image"
    QStringList aspectRatios;  // "1:1", "16:9", ...
    QStringList resolutions;   // strings: "512", "1024"
    qint64 maxOutputs = 1;
    qint64 cost = 0;           // credits per image
    bool available = false;    // configured here and its provider's breaker closed
    qint64 maxReferenceImages = 0;
    QString description;

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<ModelInfo> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for every entry the backend writes.
    QJsonObject toJson() const;

    friend bool operator==(const ModelInfo &, const ModelInfo &) = default;
};

} // namespace vesper
