#pragma once
// The built-in "sketch" provider: offline, deterministic procedural pictures (gradients, glows,
// waves, shapes) from the prompt and seed. Not a generative model: the prompt only picks colours and
// the seed picks the composition, so a fresh install can exercise the whole pipeline.
#include "backend/config/providerids.h"
#include "backend/providers/provider.h"

#include <QImage>
#include <functional>

namespace vesper::backend {

/// Procedural image provider; the same request always gives byte-identical PNGs.
class SketchProvider : public Provider {
public:
    /// Painting passes per image (progress is reported after each, plus one for encoding).
    static constexpr int RenderPasses = 6;
    static constexpr int MaxOutputs = 8;

    QString id() const override { return providerid::sketch(); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

    /// Paints image `index` of a request; `afterPass(pass)` is called after each pass and stops
    /// the rendering (null image) when it returns false.
    static QImage render(const QString &prompt, qint64 seed, int index, ImageSize size,
                         const std::function<bool(int pass)> &afterPass = {});
    /// PNG bytes of an image (no metadata, so identical pixels give identical bytes).
    static QByteArray encodePng(const QImage &image);
};

} // namespace vesper::backend
