#include "backend/generation/providers/geminiprovider.h"

namespace vesper::backend {

ProviderResult GeminiProvider::generate(const GenerationRequest &, ProgressSink &)
{
    ProviderResult result;
    result.errorCode = QStringLiteral("UNAVAILABLE");
    result.errorMessage = QStringLiteral("the gemini adapter is not built yet");
    return result;
}

} // namespace vesper::backend
