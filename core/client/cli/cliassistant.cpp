// The assistant's command: `enhance PROMPT [--skill ID]... [--model ID]` asks the server's offline
// coach for a fuller prompt and prints it alone on stdout (so it pipes into `generate`); --json
// prints the whole result with each change and its reason.
#include "client/cli/clicontext.h"
#include "client/net/apiclient.h"
#include "client/workspace/workspace.h"

namespace vesper::client::cli {

int runEnhance(CliContext &c)
{
    const ApiResult<EnhanceResult> result = c.workspace.api().enhancePrompt(c.options.args.at(0), c.options.model, c.options.skills);
    if (!result.ok())
        return c.fail(result.error);
    c.out.line(result.value.enhancedPrompt);
    c.out.document(result.value.toJson());
    return int(ExitCode::Done);
}

} // namespace vesper::client::cli
