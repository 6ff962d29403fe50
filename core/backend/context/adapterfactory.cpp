#include "backend/context/adapterfactory.h"
#include "backend/assistant/anthropicadapter.h"
#include "backend/assistant/coachadapter.h"
#include "backend/assistant/openaiadapter.h"
#include "backend/config/providersettingsstore.h"
#include "backend/context/servercontext.h"

namespace vesper::backend {

std::unique_ptr<AssistantAdapter> makeAssistantAdapter(const ServerContext &ctx)
{
    // The settings as they are now: the desktop app may have replaced them since the last request.
    const AssistantSettings settings = ctx.providers.snapshot()->assistant.normalized();
    if (settings.adapter == QLatin1String("anthropic"))
        return std::make_unique<AnthropicAdapter>(settings);
    if (settings.adapter == QLatin1String("openai"))
        return std::make_unique<OpenAiAdapter>(settings);
    return std::make_unique<CoachAdapter>();
}

} // namespace vesper::backend
