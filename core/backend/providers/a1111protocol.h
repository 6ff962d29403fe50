#pragma once
// The AUTOMATIC1111 web UI API as data: the txt2img body, the progress answer, the images answer.
// Kept apart from the threads and calls in A1111Provider so each side stays short.
#include "backend/providers/provider.h"

#include <QByteArray>
#include <QString>

namespace vesper::backend::a1111 {

/// The name used in messages the user reads.
QString providerName();
/// POST /sdapi/v1/txt2img body for request at width x height.
QByteArray txt2imgBody(const GenerationRequest &request, const ImageSize &size);
/// Percent done from a GET /sdapi/v1/progress answer; -1 when it says nothing usable.
int progressPercent(const QByteArray &body);
/// The generated images from a txt2img answer: the grid (if any) skipped, at most numOutputs kept,
/// every image decoded; a BAD_RESPONSE result when the answer cannot be used.
ProviderResult imagesFrom(const QByteArray &body, int numOutputs);
/// One encoded image checked by decoding it (PNG, JPEG or WebP); false when it is none of them.
bool checkedImage(const QByteArray &bytes, GeneratedImage *image);

} // namespace vesper::backend::a1111
