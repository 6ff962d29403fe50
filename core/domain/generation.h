#pragma once
// One generate request and its state: prompt, parameters, status and progress, error, cost and
// (in lists, details and status polls) its outputs. As the API writes it.
#include "domain/generationerror.h"
#include "domain/generationstatus.h"
#include "domain/output.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace vesper {

struct Generation {
    QString id;
    QString sessionId;
    QString userId;
    QString modelId;
    QString prompt;
    QString negativePrompt;
    /// As submitted and stored: aspectRatio, resolution, numOutputs, seed, referenceUploadIds?.
    QJsonObject parameters;
    GenerationStatus status = GenerationStatus::Queued;
    qint64 progress = 0; // 0..100
    bool progressIsEstimate = false;
    std::optional<GenerationError> error; // null unless it failed
    qint64 cost = 0;                      // credits charged
    qint64 createdAt = 0;                 // microseconds since the epoch, UTC
    std::optional<qint64> startedAt;
    std::optional<qint64> finishedAt;
    /// Lists, details and status polls carry outputs; the changes feed does not (nullopt).
    std::optional<QList<Output>> outputs;
    /// The submitter's idempotency key, when the JSON carries it (the generation JSON does not today).
    std::optional<QString> clientId;
    std::optional<qint64> rev; // the sync feed's revision, when the JSON carries one

    bool isFinished() const { return vesper::isFinished(status); }

    /// Reads the API's JSON; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<Generation> fromJson(const QJsonObject &json, QString *error = nullptr);
    /// The API's JSON: fromJson(x).toJson() == x for every object the backend writes.
    QJsonObject toJson() const;

    friend bool operator==(const Generation &, const Generation &) = default;
};

} // namespace vesper
