#include "backend/generation/providers/a1111provider.h"

namespace vesper::backend {

ProviderResult A1111Provider::generate(const GenerationRequest &, ProgressSink &)
{
    ProviderResult result;
    result.errorCode = QStringLiteral("UNAVAILABLE");
    result.errorMessage = QStringLiteral("the a1111 adapter is not built yet");
    return result;
}

} // namespace vesper::backend
