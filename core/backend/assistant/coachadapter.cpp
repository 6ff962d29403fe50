#include "backend/assistant/coachadapter.h"
#include "backend/assistant/promptcoach.h"

#include <QRegularExpression>

namespace vesper::backend {
namespace {

QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

QString labels(const QList<PromptAspect> &aspects)
{
    QStringList names;
    for (const PromptAspect aspect : aspects)
        names.append(aspectLabel(aspect));
    return names.join(QStringLiteral(", "));
}

QString labels(const QList<CoachStep> &steps)
{
    QList<PromptAspect> aspects;
    for (const CoachStep &step : steps)
        aspects.append(step.aspect);
    return labels(aspects);
}

/// The prompt the user means: the bar's, or with an empty bar their latest message.
QString promptOf(const AssistantRequest &request, bool *fromMessage)
{
    *fromMessage = false;
    if (!request.context.currentPrompt.trimmed().isEmpty())
        return request.context.currentPrompt;
    for (auto it = request.messages.crbegin(); it != request.messages.crend(); ++it) {
        if (it->role == QLatin1String("user") && !it->content.trimmed().isEmpty()) {
            *fromMessage = true;
            return it->content;
        }
    }
    return {};
}

QString latestUserMessage(const AssistantRequest &request)
{
    for (auto it = request.messages.crbegin(); it != request.messages.crend(); ++it) {
        if (it->role == QLatin1String("user"))
            return it->content;
    }
    return {};
}

QString emptyPromptMessage(const QString &generationType)
{
    const bool video = generationType == QLatin1String("video");
    return QStringLiteral(
               "There is no prompt to work on yet. Start with the subject — what or who, with one or two visible "
               "details — then add, in a few words each, %1.\n\n"
               "A template to fill in (replace each bracket; it is not a prompt yet):\n\n"
               "`%2`")
        .arg(video ? QStringLiteral("what moves, how the camera moves, the style, the light and the mood")
                   : QStringLiteral("the style, the framing, the light, the lens and the mood"),
             video ? QStringLiteral("[subject with a detail], [what moves and how], [camera movement], [style], [light], [mood]")
                   : QStringLiteral("[subject with a detail], [style], [framing], [light], [lens or angle], [mood]"));
}

QString planMessage(const CoachPlan &plan, bool fromMessage)
{
    QStringList parts;
    if (!plan.skillNames.isEmpty())
        parts.append(QStringLiteral("**Checked against:** %1.").arg(plan.skillNames.join(QStringLiteral(", "))));
    if (fromMessage)
        parts.append(QStringLiteral("The prompt bar is empty, so I read your last message as the prompt."));
    if (!plan.asked.isEmpty())
        parts.append(QStringLiteral("**You asked about:** %1 — those come first in every suggestion.").arg(labels(plan.asked)));
    if (!plan.present.isEmpty())
        parts.append(QStringLiteral("**Already there:** %1.").arg(labels(plan.present)));
    if (plan.missing.isEmpty()) {
        parts.append(QStringLiteral("Nothing on the checklist is missing, so there is nothing to add. If a result still misses, "
                                    "say what is wrong with it (too dark, framed too tight) and change one thing at a time."));
    } else {
        QStringList lines{QStringLiteral("**Missing:**")};
        for (const CoachStep &step : plan.missing)
            lines.append(QStringLiteral("- **%1** — %2 Adds: *%3*").arg(capitalised(aspectLabel(step.aspect)), step.guidance, step.addition));
        parts.append(lines.join(QLatin1Char('\n')));
    }
    if (!plan.reminders.isEmpty())
        parts.append(QStringLiteral("**Also check:** %1").arg(plan.reminders.join(QStringLiteral(" "))));
    if (!plan.missing.isEmpty())
        parts.append(QStringLiteral("Each suggestion keeps your words exactly as written and only adds to the end."));
    return parts.join(QStringLiteral("\n\n"));
}

QList<Suggestion> suggestionsFor(const CoachPlan &plan)
{
    QList<Suggestion> suggestions;
    if (plan.missing.isEmpty())
        return suggestions;
    const auto add = [&](const EnhanceResult &result, const QString &rationale) {
        if (result.enhancedPrompt == plan.prompt)
            return;
        for (const Suggestion &existing : std::as_const(suggestions)) {
            if (existing.prompt == result.enhancedPrompt)
                return;
        }
        Suggestion s;
        s.prompt = result.enhancedPrompt;
        s.rationale = rationale;
        // Words that name a format ("wide 16:9 frame") come with that ratio set in the bar too,
        // so the prompt and the image's shape never disagree.
        for (const PromptChange &change : result.changes) {
            if (change.kind != aspectName(PromptAspect::Aspect))
                continue;
            static const QRegularExpression ratio(QStringLiteral(R"((?<![0-9])(1:1|4:3|3:4|16:9|9:16)(?![0-9]))"));
            if (const QRegularExpressionMatch m = ratio.match(change.added); m.hasMatch()) {
                s.parameters.insert(QStringLiteral("aspectRatio"), m.captured(1));
                s.rationale += QStringLiteral(" Sets the format to %1.").arg(m.captured(1));
            }
        }
        suggestions.append(s);
    };
    add(applySteps(plan.prompt, plan.missing), QStringLiteral("Fuller: adds %1.").arg(labels(plan.missing)));
    if (!plan.asked.isEmpty() && plan.missing.size() > plan.asked.size()) {
        const QList<CoachStep> asked = plan.missing.mid(0, plan.asked.size());
        add(applySteps(plan.prompt, asked), QStringLiteral("Just what you asked: %1.").arg(labels(asked)));
    } else if (plan.missing.size() > 2) {
        const QList<CoachStep> firstTwo = plan.missing.mid(0, 2);
        add(applySteps(plan.prompt, firstTwo), QStringLiteral("Minimal fix: only the two biggest gaps, %1.").arg(labels(firstTwo)));
    }
    add(applySteps(plan.prompt, plan.missing, true), QStringLiteral("Variant: the same gaps filled with a different look."));
    return suggestions;
}

} // namespace

AssistantReply CoachAdapter::answer(const AssistantRequest &request)
{
    AssistantReply reply;
    reply.message.role = QStringLiteral("assistant");
    bool fromMessage = false;
    const QString prompt = promptOf(request, &fromMessage);
    if (prompt.trimmed().isEmpty()) {
        reply.message.content = emptyPromptMessage(request.context.generationType);
        return reply;
    }
    CoachPlan plan = planPrompt(prompt, request.context, request.skills);
    if (!fromMessage) // the prompt is in the bar: the message says what to work on
        focusPlan(plan, readCoachRequest(latestUserMessage(request)), request.context);
    if (plan.prompt.size() > kCoachMaxPromptLength) {
        reply.message.content = QStringLiteral("This prompt is %1 characters, past the %2 a generation takes, so I have not added to it. "
                                               "Put the subject and the look first and cut repeated or vague words; most models weigh "
                                               "the start of a prompt most.")
                                    .arg(plan.prompt.size()).arg(kCoachMaxPromptLength);
        return reply;
    }
    reply.message.content = planMessage(plan, fromMessage);
    reply.suggestions = suggestionsFor(plan);
    for (const Suggestion &suggestion : std::as_const(reply.suggestions)) {
        const QString ratio = suggestion.parameters.value(QStringLiteral("aspectRatio")).toString();
        if (!ratio.isEmpty()) {
            reply.message.content += QStringLiteral("\n\nApply also sets the aspect ratio to %1, so the image's shape matches the words.").arg(ratio);
            break;
        }
    }
    return reply;
}

AssistantResult CoachAdapter::reply(const AssistantRequest &request, const std::function<void(const QString &delta)> &onDelta,
                                    const std::atomic_bool &cancelled)
{
    AssistantResult result;
    AssistantReply reply = answer(request);
    if (onDelta) {
        // Paragraph by paragraph, as a model's stream would arrive.
        const QStringList paragraphs = reply.message.content.split(QStringLiteral("\n\n"));
        for (qsizetype i = 0; i < paragraphs.size() && !cancelled.load(); ++i)
            onDelta(i + 1 < paragraphs.size() ? paragraphs.at(i) + QStringLiteral("\n\n") : paragraphs.at(i));
    }
    if (cancelled.load()) {
        result.failure = AssistantFailure{ErrorCode::ProviderError, QStringLiteral("the request was cancelled"), 0};
        return result;
    }
    result.reply = std::move(reply);
    return result;
}

} // namespace vesper::backend
