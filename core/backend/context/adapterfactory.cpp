#include "backend/context/adapterfactory.h"
#include "backend/assistant/coachadapter.h"
#include "backend/context/servercontext.h"

namespace vesper::backend {

std::unique_ptr<AssistantAdapter> makeAssistantAdapter(const ServerContext &ctx)
{
    Q_UNUSED(ctx); // the settings' adapter choice (anthropic, openai) lands here
    return std::make_unique<CoachAdapter>();
}

} // namespace vesper::backend
