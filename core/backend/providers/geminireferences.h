#pragma once
// Reference images as Gemini is sent them: photos straight off a camera are 4000×3000 and several
// megabytes, which Gemini scales down anyway; sending them whole made 45 MB requests that are slow,
// hit the 20 MB inline limit and cost upload time on every output's call.
#include <QByteArray>
#include <QString>

namespace vesper::backend::gemini {

constexpr int kReferenceLongestSide = 2048;         // Gemini's own working size is smaller
constexpr int kReferenceMaxBytes = 3 * 1024 * 1024; // a reference this small and small enough is sent as is

/// The bytes to send for one reference and their mime type: unchanged when the image is at most
/// kReferenceLongestSide on its longest side and kReferenceMaxBytes long; otherwise scaled down
/// (EXIF orientation applied) and re-encoded as JPEG, or PNG when it has transparency.
QByteArray referenceForUpload(const QByteArray &bytes, QString *mime);

} // namespace vesper::backend::gemini
