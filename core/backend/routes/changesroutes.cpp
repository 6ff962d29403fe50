#include "domain/domainerror.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/live/changestreamhub.h"
#include "backend/repositories/changefeed.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"

#include <QRegularExpression>

namespace vesper::backend {

namespace {
/// A feed position from the wire: digits only (toLongLong would also take "+5", " 5" or "0x5").
qint64 parseSince(const QString &text, const QString &what)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,18}$"));
    bool ok = false;
    qint64 since = -1;
    if (digits.match(text).hasMatch())
        since = text.toLongLong(&ok);
    if (!ok || since < 0)
        throw DomainError::validation(QStringLiteral("%1 must be a rev: a whole number, 0 or more").arg(what));
    return since;
}
} // namespace

void addChangesRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/changes"), [&context](RequestContext &rc) {
        const qint64 since = rc.request.hasQuery(QStringLiteral("since"))
            ? parseSince(rc.request.queryValue(QStringLiteral("since")), QStringLiteral("since")) : 0;
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 1000, 1, 1000);
        const ChangePage page = ChangeFeed(context.db).read(rc.userId, since, limit);
        return rawJsonResponse(200, ChangeStreamHub::pageJson(page));
    });

    // The same feed pushed as Server-Sent Events: "changes" events (a page each, id = its nextSince)
    // as writes commit on any instance, "progress" events for the caller's running generations, and
    // heartbeat comments. A reconnect's Last-Event-ID (else ?since=) resumes with no gap or repeat.
    router.add("GET", QStringLiteral("/api/changes/stream"), [&context](RequestContext &rc) {
        if (!context.changeStreams)
            throw DomainError::notFound(QStringLiteral("route"));
        const QByteArray lastEventId = rc.request.header("last-event-id").trimmed();
        qint64 since = 0;
        if (!lastEventId.isEmpty())
            since = parseSince(QString::fromLatin1(lastEventId), QStringLiteral("Last-Event-ID"));
        else if (rc.request.hasQuery(QStringLiteral("since")))
            since = parseSince(rc.request.queryValue(QStringLiteral("since")), QStringLiteral("since"));
        return context.changeStreams->open(rc.userId, since);
    });
}

} // namespace vesper::backend
