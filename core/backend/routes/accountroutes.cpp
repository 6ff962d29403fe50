// DELETE /api/account: a user ends their own account. GoTrue has no self-service delete (only its
// admin API), so this is ours, under /api like the rest of the data it removes.
#include "backend/auth/tokenauthenticator.h"
#include "backend/context/servercontext.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/accountrepository.h"
#include "backend/routes/routes.h"
#include "backend/storage/objectstore.h"
#include "common/logging.h"
#include "domain/domainerror.h"

namespace vesper::backend {

void addAccountRoutes(Router &router, ServerContext &context)
{
    router.add("DELETE", QStringLiteral("/api/account"), [&context](RequestContext &request) {
        if (!context.embeddedUserId.isEmpty() && request.userId == context.embeddedUserId)
            throw DomainError::forbidden(QStringLiteral("the local profile cannot be deleted"));
        bool found = false;
        const AccountFiles files = AccountRepository(context.db).remove(request.userId, &found);
        if (!found)
            throw DomainError::notFound(QStringLiteral("user"));
        // Every token of the account stops working now: on this instance at once, on the others when
        // they hear the notice (at worst within the session check interval: the tokens are gone).
        context.auth->userEnded(request.userId);
        ObjectStore store(context.config.storagePath);
        // Files after the commit: a crash in between leaves stray files, never a row without its file.
        GenerationSettlement::removeFolders(store, files.generationFolders);
        for (const UploadRef &upload : files.uploads) {
            store.remove(upload.storageKey);
            store.remove(UploadRepository::thumbnailKey(upload));
        }
        qCInfo(lcAuth).noquote() << "deleted the account of user" << request.userId;
        return noContent();
    });
}

} // namespace vesper::backend
