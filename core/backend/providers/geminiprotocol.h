#pragma once
// The generateContent wire format of the Gemini image models: the request body (prompt text, the
// reference images as inline data, aspect ratio and seed) and the reading of one answer into an
// image or a classified refusal. Kept apart from the call scheduling in GeminiProvider.
#include "backend/providers/provider.h"
#include "backend/providers/providerhttp.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace vesper::backend {

/// Request bodies and answers of Gemini's models/{model}:generateContent.
namespace gemini {


/// The request's "contents": the prompt (with "Avoid: …" for the negative prompt) and one
/// inline_data part per reference image. Built once, shared by every output's call.
QJsonObject contents(const GenerationRequest &request);

/// The whole body for one output: contents plus a generationConfig asking for an image with
/// the aspect ratio and this output's seed.
QByteArray body(const QJsonObject &contents, const QString &aspectRatio, qint64 seed);

/// Gemini's seed is an int32: seed + index folded into 0..2^31-1.
qint64 seedFor(qint64 seed, int index);

/// Reads a 200 answer. True with the decoded image; false with a permanent error in *failure
/// (a declined prompt, a text-only answer, or something unusable).
bool readImage(const QByteArray &answer, GeneratedImage *image, ProviderResult *failure);

/// Seconds from a google.rpc.RetryInfo in an error body's details; -1 when there is none.
int retryDelaySeconds(const QByteArray &errorBody);

/// A failed call as the job's result. A 429 is RATE_LIMITED and waits what RetryInfo (or Retry-After)
/// says; a wait beyond budgetSeconds (what the job may take) fails at once with "retry in N s".
ProviderResult failed(const ProviderResponse &response, int budgetSeconds);

} // namespace gemini
} // namespace vesper::backend
