// The assistant's routes (DESIGN §7): the skills list, the one-click enhancer (always the offline
// coach) and the chat (the adapter the settings choose). Chat and enhance share one per-user rate
// limit. Logs carry sizes and timings, never the prompt or the messages.
#include "backend/assistant/assistantrequest.h"
#include "backend/assistant/promptcoach.h"
#include "backend/catalog/modelcatalog.h"
#include "backend/context/adapterfactory.h"
#include "backend/context/servercontext.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/assistantstream.h"
#include "backend/routes/routes.h"
#include "backend/skills/skillregistry.h"
#include "common/logging.h"
#include "common/ratelimiter.h"
#include "domain/domainerror.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace vesper::backend {
namespace {

/// One hit on the user's assistant budget (chat and enhance together); 429 + Retry-After past it.
void admit(ServerContext &context, const QString &userId)
{
    const int limit = context.config.assistantRateLimitPerMinute;
    if (limit <= 0)
        return;
    const RateDecision decision = context.rateLimits.hit(QStringLiteral("assistant:") + userId, limit, 60);
    if (!decision.allowed)
        throw DomainError::rateLimited(decision.retryAfterSeconds);
}

qsizetype messageChars(const AssistantRequest &request)
{
    qsizetype chars = request.context.currentPrompt.size();
    for (const ChatMessage &message : request.messages)
        chars += message.content.size();
    return chars;
}

QJsonObject skillsJson(SkillRegistry &registry)
{
    QJsonArray skills;
    for (const SkillSummary &skill : registry.summaries())
        skills.append(skill.toJson());
    QJsonArray problems;
    for (const SkillProblem &problem : registry.problems())
        problems.append(problem.toJson());
    return QJsonObject{{QStringLiteral("skills"), skills}, {QStringLiteral("problems"), problems}};
}

} // namespace

void addAssistantRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/skills"), [&context](RequestContext &) {
        return jsonResponse(200, skillsJson(*context.skills));
    });

    router.add("POST", QStringLiteral("/api/prompts/enhance"), [&context](RequestContext &rc) {
        const EnhanceRequest request = parseEnhanceRequest(jsonbody::object(rc.request), *context.skills, context.catalog);
        admit(context, rc.userId);
        QElapsedTimer took;
        took.start();
        const EnhanceResult result = enhancePrompt(request.prompt, request.context, request.skills);
        qCInfo(lcAssistant).noquote() << QStringLiteral("enhance: prompt %1 chars -> %2 chars, %3 changes, %4 skills, %5 us")
                                             .arg(request.prompt.size()).arg(result.enhancedPrompt.size()).arg(result.changes.size())
                                             .arg(request.skills.size()).arg(took.nsecsElapsed() / 1000);
        return jsonResponse(200, result.toJson());
    });

    // The JSON answer, or with Accept: text/event-stream the streamed one (assistantstream.h): the
    // same body, the same checks and limit, the same adapter.
    router.add("POST", QStringLiteral("/api/assistant/chat"), [&context](RequestContext &rc) {
        AssistantRequest request = parseChatRequest(jsonbody::object(rc.request), *context.skills, context.catalog);
        admit(context, rc.userId);
        std::unique_ptr<AssistantAdapter> adapter = makeAssistantAdapter(context);
        if (wantsEventStream(rc.request))
            return streamChat(context, std::move(request), std::move(adapter));
        // A remote model answering as JSON holds this HTTP thread for its whole reply: at most a
        // quarter of them do at once; past that, 503 and the hint to stream.
        const bool blocking = adapter->name() != QLatin1String("coach");
        const int blockingLimit = std::max(1, context.config.threads / 4);
        if (blocking && context.blockingChats.fetch_add(1) >= blockingLimit) {
            context.blockingChats.fetch_sub(1);
            throw DomainError(ErrorCode::Unavailable,
                              QStringLiteral("too many unstreamed assistant replies at once; ask with Accept: text/event-stream"), 5);
        }
        const std::shared_ptr<void> release(nullptr, [&context, blocking](void *) {
            if (blocking)
                context.blockingChats.fetch_sub(1);
        });
        QElapsedTimer took;
        took.start();
        const std::atomic_bool cancelled{false};
        const AssistantResult result = adapter->reply(request, {}, cancelled);
        const qint64 micros = took.nsecsElapsed() / 1000;
        if (!result.reply) {
            qCWarning(lcAssistant).noquote() << QStringLiteral("chat via %1 failed after %2 us: %3")
                                                    .arg(adapter->name()).arg(micros).arg(errorCodeName(result.failure.code));
            throw DomainError(result.failure.code, result.failure.message, result.failure.retryAfterSeconds);
        }
        qCInfo(lcAssistant).noquote() << QStringLiteral("chat via %1: %2 messages, %3 chars in, %4 chars out, %5 suggestions, %6 skills, %7 us")
                                             .arg(adapter->name()).arg(request.messages.size()).arg(messageChars(request))
                                             .arg(result.reply->message.content.size()).arg(result.reply->suggestions.size())
                                             .arg(request.skills.size()).arg(micros);
        return jsonResponse(200, result.reply->toJson());
    });
}

} // namespace vesper::backend
