#include "domain/domainerror.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/changefeed.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/jsonwriter.h"

#include <QRegularExpression>

namespace vesper::backend {

void addChangesRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/changes"), [&context](RequestContext &rc) {
        qint64 since = 0;
        if (rc.request.hasQuery(QStringLiteral("since"))) {
            bool ok = false;
            const QString text = rc.request.queryValue(QStringLiteral("since"));
            // Digits only: toLongLong would also take "+5", " 5" or "0x5".
            static const QRegularExpression digits(QStringLiteral("^[0-9]{1,18}$"));
            if (digits.match(text).hasMatch())
                since = text.toLongLong(&ok);
            if (!ok || since < 0)
                throw DomainError::validation(QStringLiteral("since must be a rev: a whole number, 0 or more"));
        }
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 1000, 1, 1000);
        const ChangePage page = ChangeFeed(context.db).read(rc.userId, since, limit);
        JsonWriter w(page.changes.size() + 64);
        // nextSince is an opaque string to clients (today a decimal rev; a client sends it back as is).
        w.beginObject().key("changes").raw(page.changes).field("nextSince", QString::number(page.nextSince))
            .field("hasMore", page.hasMore).endObject();
        return rawJsonResponse(200, w.take());
    });
}

} // namespace vesper::backend
