#pragma once
// One interface for every image provider (sketch, a1111, comfyui, gemini, replicate). A provider
// runs on a worker thread, reports progress through the sink, checks the sink for cancellation, and
// returns its images or a classified error as a value (no exceptions cross it).
#include "domain/errorcode.h"
#include "domain/failurecode.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QString>

namespace vesper::backend {

struct GenerationRequest {
    // keptIndexes: outputs an earlier attempt already made and kept (see KeptImages); a provider that
    // makes images one at a time asks only for the others. Providers that make all at once ignore it.
    QString generationId;
    QString userId;
    QString modelId;
    QString prompt;
    QString negativePrompt;
    QString aspectRatio = QStringLiteral("1:1"); // "W:H"
    int resolution = 1024;                       // the longest side in pixels
    int numOutputs = 1;
    qint64 seed = 0;
    QList<QByteArray> referenceImages;           // encoded PNG/JPEG/WebP bytes
    QList<int> keptIndexes;                      // sorted; every one below numOutputs
};

struct GeneratedImage {
    QByteArray bytes; // encoded, normally PNG
    QString mime = QStringLiteral("image/png");
    int width = 0;
    int height = 0;
    int index = -1;   // which output of the generation this is; -1: its place in ProviderResult::images
    QImage image;     // the decoded picture when the provider has it anyway (sketch), else null:
                      // a thumbnail from it skips a ~15 ms PNG decode (makeThumbnail(QImage))
};

struct ProviderResult {
    bool ok = false;
    QList<GeneratedImage> images;
    QString errorCode;     // an ErrorCode name (PROVIDER_ERROR, RATE_LIMITED) or a FailureCode one (TIMEOUT, BAD_RESPONSE)
    QString errorMessage;  // readable, safe to show the user; never contains the prompt or keys
    bool transient = false;
    int retryAfterSeconds = 0;
    /// Nothing was asked: the provider is busy with another job of ours and takes one at a time.
    /// The job goes back to the queue without spending an attempt or touching the breaker.
    bool busy = false;
};

/// Where a running provider reports to.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    /// percent in 0..100; estimate is true when the protocol gives no real progress.
    virtual void progress(int percent, bool estimate) = 0;
    virtual bool cancelled() const = 0;
    /// A provider that makes images one at a time hands each over as soon as it exists, so a later
    /// failure of the job does not lose (and pay again for) the ones already made.
    virtual void imageReady(const GeneratedImage &image) { Q_UNUSED(image); }
    /// What an earlier attempt of this generation started on the provider's side (a prediction id),
    /// kept with the job: an attempt on any instance, after a crash or a lost lease, follows it
    /// rather than starting (and paying for) another. Empty when nothing was recorded.
    virtual QString providerTask() const { return {}; }
    /// Records it for later attempts; false when it could not be kept.
    virtual bool setProviderTask(const QString &task) { Q_UNUSED(task); return false; }
    /// Once cancelled() said stop: whether what the provider started must be left running, because
    /// a later attempt follows it (the server is shutting down, or another worker has the job now)
    /// rather than cancelled (the user cancelled, the attempt timed out, the job is gone).
    virtual bool leavesWorkRunning() const { return false; }
};

class Provider {
public:
    virtual ~Provider() = default;
    virtual QString id() const = 0;
    virtual ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) = 0;
    /// Non-empty for a provider that takes one job at a time per endpoint (an A1111 web UI): the
    /// runner then holds a lock named after it for the call, across every instance on the database.
    virtual QString exclusiveEndpoint() const { return {}; }
};

/// Width and height for an aspect ratio "W:H" with the longest side `resolution`; {0,0} if invalid.
struct ImageSize {
    int width = 0;
    int height = 0;
};
ImageSize imageSizeFor(const QString &aspectRatio, int resolution);

/// "image/png", "image/jpeg" or "image/webp" from the first bytes; empty for anything else.
QString imageMimeOf(const QByteArray &bytes);
/// Checks image bytes a provider sent by decoding them: a PNG, JPEG or WebP fills `image` (the bytes,
/// the mime of what they really are, the size and the decoded picture, which spares the thumbnailer a
/// second decode); anything else leaves it alone and returns false.
bool decodeProviderImage(const QByteArray &bytes, GeneratedImage *image);
/// bytes without their tEXt/zTXt/iTXt chunks when they are a well-formed PNG; otherwise unchanged.
QByteArray pngWithoutText(const QByteArray &bytes);
/// What a provider returns when the sink stopped it (cancel, timeout, shutdown): the runner knows why.
ProviderResult stoppedResult();

} // namespace vesper::backend
