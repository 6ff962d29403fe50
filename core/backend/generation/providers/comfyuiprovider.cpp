#include "backend/generation/providers/comfyuiprovider.h"

namespace vesper::backend {

ProviderResult ComfyUiProvider::generate(const GenerationRequest &, ProgressSink &)
{
    ProviderResult result;
    result.errorCode = QStringLiteral("UNAVAILABLE");
    result.errorMessage = QStringLiteral("the comfyui adapter is not built yet");
    return result;
}

} // namespace vesper::backend
