#pragma once
// Replicate's prediction API as data: the create body, and what a prediction object says
// (status, output URLs, error, progress from the model's tqdm logs, images a safety filter withheld).
#include "backend/providers/provider.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace vesper::backend::replicate {

QString providerName();

/// Where to create a prediction for model ("owner/name", or "owner/name:version" pinned) and the body.
struct Create {
    QString path;    // e.g. /v1/models/black-forest-labs/flux-schnell/predictions
    QByteArray body; // {"input": {...}} (with "version" when pinned)
    bool valid = false;
};
Create createCall(const QString &model, const GenerationRequest &request);

/// One poll's view of a prediction.
struct Prediction {
    QString id;
    QString status;      // starting, processing, succeeded, failed, canceled, aborted
    QStringList outputs; // image URLs once succeeded
    QJsonObject input;   // what the prediction was created with
    QString model;       // "owner/name"
    QString version;
    QString createdAt;   // ISO 8601, UTC
    int imageCount = -1; // metrics.image_count: the images the model kept, -1 when not said
    int safeOf = -1;     // Y of "Total safe images: X out of Y" in logs (FLUX's NSFW filter), else -1
    QString error;       // the model's error text when failed (bounded, printable)
    int logPercent = -1; // the last tqdm percentage in "logs", -1 when there is none
    bool valid = false;  // a JSON object with an id and a status
};
Prediction parsePrediction(const QByteArray &body);

/// True for a status after which the prediction never changes (succeeded, failed, canceled, aborted).
bool isFinal(const QString &status);

/// The input a create body carries, to recognise the prediction it made in a list.
QJsonObject createdInput(const QByteArray &createBody);

/// The last "NN%|" progress bar percentage in a log, or -1.
int lastLogPercent(const QString &logs);

} // namespace vesper::backend::replicate
