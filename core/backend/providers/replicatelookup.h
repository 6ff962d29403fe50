#pragma once
// A create that ends without a clear answer (a 5xx, a timeout, a dropped connection) may still have
// made a prediction, and Replicate takes no idempotency key, so creating again could pay twice. This
// remembers such creates per generation (in this process) and finds the prediction one of them made
// in the account's prediction list, so the generation follows it instead of starting another.
#include "backend/providers/replicateprotocol.h"

#include <QJsonObject>
#include <QString>

namespace vesper::backend::replicate {

/// Notes that generationId's create went unanswered at atMs (ms since the epoch); the first time stays.
void rememberUnanswered(const QString &generationId, qint64 atMs);
/// The time of generationId's first unanswered create, or 0 when it had none.
qint64 unansweredSince(const QString &generationId);
/// Forgets generationId's unanswered create (its prediction was found, or the generation ended).
void forgetUnanswered(const QString &generationId);

/// The newest prediction on a GET /v1/predictions page made with exactly `input` for `model`
/// ("owner/name" or "owner/name:version") no earlier than sinceMs (less a clock-skew margin) and not
/// canceled; an invalid Prediction when there is none.
Prediction findCreated(const QByteArray &listBody, const QJsonObject &input, const QString &model, qint64 sinceMs);

} // namespace vesper::backend::replicate
