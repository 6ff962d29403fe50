#pragma once
// Route groups, one file each. Every group registers its handlers on the shared router.
namespace vesper::backend {

class Router;
struct ServerContext;

void addHealthRoutes(Router &router, ServerContext &context);
void addAuthRoutes(Router &router, ServerContext &context);
void addBootstrapRoutes(Router &router, ServerContext &context);
void addModelRoutes(Router &router, ServerContext &context);
void addProjectRoutes(Router &router, ServerContext &context);
void addMemberRoutes(Router &router, ServerContext &context);
void addInvitationRoutes(Router &router, ServerContext &context);
void addSessionRoutes(Router &router, ServerContext &context);
void addGenerationRoutes(Router &router, ServerContext &context);
void addChangesRoutes(Router &router, ServerContext &context);
void addGenerateRoutes(Router &router, ServerContext &context);
void addUploadRoutes(Router &router, ServerContext &context);
void addAccountRoutes(Router &router, ServerContext &context);
void addAssistantRoutes(Router &router, ServerContext &context);

} // namespace vesper::backend
