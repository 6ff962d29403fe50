#include "backend/generation/providers/replicateprovider.h"

namespace vesper::backend {

ProviderResult ReplicateProvider::generate(const GenerationRequest &, ProgressSink &)
{
    ProviderResult result;
    result.errorCode = QStringLiteral("UNAVAILABLE");
    result.errorMessage = QStringLiteral("the replicate adapter is not built yet");
    return result;
}

} // namespace vesper::backend
