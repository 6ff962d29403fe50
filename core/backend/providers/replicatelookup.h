#pragma once
// A create that ends without a clear answer (a 5xx, a timeout, a dropped connection) may still have
// made a prediction, and Replicate takes no idempotency key, so creating again could pay twice. What
// a generation started is kept with its job (ProgressSink::providerTask, in the database, so any
// instance's next attempt sees it): "prediction:<id>" once one is known, "unanswered:<ms>" for a
// create without an answer, whose prediction is then looked for in the account's list.
#include "backend/providers/replicateprotocol.h"

#include <QJsonObject>
#include <QString>

namespace vesper::backend::replicate {

/// The provider task that names a known prediction, and the one for a create unanswered at atMs.
QString predictionTask(const QString &predictionId);
QString unansweredTask(qint64 atMs);
/// The prediction id a task names ("" when it names none); the time of its unanswered create (0 when none).
QString taskPrediction(const QString &task);
qint64 taskUnansweredSince(const QString &task);

/// The newest prediction on a GET /v1/predictions page made with exactly `input` for `model`
/// ("owner/name" or "owner/name:version") no earlier than sinceMs (less a clock-skew margin) and not
/// canceled; an invalid Prediction when there is none.
Prediction findCreated(const QByteArray &listBody, const QJsonObject &input, const QString &model, qint64 sinceMs);

} // namespace vesper::backend::replicate
