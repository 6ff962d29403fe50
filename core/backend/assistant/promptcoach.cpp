#include "backend/assistant/promptcoach.h"
#include "backend/assistant/checklistitem.h"
#include "backend/assistant/prompttext.h"
#include "backend/assistant/promptvocabulary.h"

#include <algorithm>

namespace vesper::backend {
namespace {

struct BuiltIn {
    PromptAspect aspect;
    const char *guidance;
    const char *addition;
    const char *alternative;
};

// Generic craft words only: none of them names a product, a brand, a place or a claim.
const QList<BuiltIn> &builtIns()
{
    static const QList<BuiltIn> list{
        {PromptAspect::Subject, "Give the subject one or two concrete, visible details.", "with fine, specific surface detail", "with crisp textures and clean edges"},
        {PromptAspect::Style, "Name a medium or style so the model does not guess.", "editorial photograph", "muted cinematic film still"},
        {PromptAspect::Composition, "Say how the subject is framed and where it sits.", "balanced composition with the subject clearly framed", "off-centre composition with generous negative space"},
        {PromptAspect::Lighting, "Say where the light comes from and how soft it is.", "soft directional light with gentle shadows", "low-key light with a subtle rim light"},
        {PromptAspect::Camera, "Give a lens, distance or angle.", "50mm lens at eye level, shallow depth of field", "35mm lens from a slightly low angle"},
        {PromptAspect::Mood, "Name the feeling in a word or two.", "calm, considered mood", "quiet, intimate atmosphere"},
        {PromptAspect::Aspect, "Say the format the image is for.", "wide 16:9 frame", "square 1:1 frame"},
        {PromptAspect::Motion, "Say what moves, and how fast.", "subtle, slow natural motion", "gentle continuous movement"},
        {PromptAspect::Reference, "Say what to keep from the reference and what to change.", "keeping the subject, colours and proportions of the reference image", "matching the reference image's palette and framing"},
    };
    return list;
}

const BuiltIn &builtIn(PromptAspect aspect)
{
    for (const BuiltIn &entry : builtIns()) {
        if (entry.aspect == aspect)
            return entry;
    }
    return builtIns().first();
}

QList<PromptAspect> defaultChecklist(const QString &generationType)
{
    if (generationType == QLatin1String("video"))
        return {PromptAspect::Subject, PromptAspect::Motion, PromptAspect::Camera, PromptAspect::Style, PromptAspect::Lighting, PromptAspect::Mood};
    return {PromptAspect::Subject, PromptAspect::Style, PromptAspect::Composition, PromptAspect::Lighting, PromptAspect::Camera, PromptAspect::Mood};
}

bool applies(PromptAspect aspect, const PromptContext &context)
{
    if (aspect == PromptAspect::Motion)
        return context.generationType == QLatin1String("video");
    if (aspect == PromptAspect::Reference)
        return context.referenceCount > 0;
    return true;
}

QString trimmedEnd(const QString &text)
{
    qsizetype end = text.size();
    while (end > 0 && text.at(end - 1).isSpace())
        --end;
    return text.left(end);
}

bool endsSentence(const QString &text)
{
    static const QString enders = QStringLiteral(".!?\u3002\uFF01\uFF1F");
    return !text.isEmpty() && enders.contains(text.back());
}

QString formatWords(const QString &ratio)
{
    if (ratio == QLatin1String("16:9"))
        return QStringLiteral("wide 16:9 frame");
    if (ratio == QLatin1String("9:16"))
        return QStringLiteral("tall 9:16 vertical frame");
    if (ratio == QLatin1String("1:1"))
        return QStringLiteral("square 1:1 frame");
    return ratio + QStringLiteral(" frame");
}

} // namespace

CoachPlan planPrompt(const QString &prompt, const PromptContext &context, const QList<SkillText> &skills)
{
    CoachPlan plan;
    plan.prompt = trimmedEnd(prompt);
    QList<CoachStep> steps; // one per checked aspect, in checklist order
    for (const SkillText &skill : skills) {
        plan.skillNames.append(skill.summary.name);
        for (const QString &line : skill.checklist) {
            const ChecklistItem item = parseChecklistItem(line);
            if (!item.aspect) {
                if (plan.reminders.size() < 3 && !item.guidance.isEmpty() && !plan.reminders.contains(item.guidance))
                    plan.reminders.append(item.guidance);
                continue;
            }
            if (!applies(*item.aspect, context))
                continue;
            const qsizetype at = plan.checked.indexOf(*item.aspect);
            if (at >= 0) {
                // A later skill fills in the words an earlier one's line did not give.
                CoachStep &step = steps[at];
                if (step.addition.isEmpty() && !item.additions.isEmpty()) {
                    step.addition = item.additions.value(0);
                    step.alternative = item.additions.value(1);
                }
                continue;
            }
            plan.checked.append(*item.aspect);
            steps.append(CoachStep{*item.aspect, item.additions.value(0), item.additions.value(1), item.guidance, skill.summary.name});
        }
    }
    if (plan.checked.isEmpty()) {
        for (const PromptAspect aspect : defaultChecklist(context.generationType)) {
            plan.checked.append(aspect);
            steps.append(CoachStep{aspect, {}, {}, {}, {}});
        }
        if (applies(PromptAspect::Reference, context)) {
            plan.checked.append(PromptAspect::Reference);
            steps.append(CoachStep{PromptAspect::Reference, {}, {}, {}, {}});
        }
    }
    // What the prompt says, and then what each addition says: a later step is dropped when an
    // earlier addition already covers its aspect, so nothing is said twice.
    const PromptText original(plan.prompt);
    QString added; // the additions so far (the prompt itself is checked once, above)
    for (CoachStep &step : steps) {
        const BuiltIn &fallback = builtIn(step.aspect);
        if (step.addition.isEmpty()) {
            step.addition = QLatin1String(fallback.addition);
            step.alternative = QLatin1String(fallback.alternative);
        }
        if (step.alternative.isEmpty())
            step.alternative = step.addition;
        if (step.guidance.isEmpty())
            step.guidance = QLatin1String(fallback.guidance);
        if (mentionsAspect(original, step.aspect)) {
            plan.present.append(step.aspect);
            continue;
        }
        if (!added.isEmpty() && step.aspect != PromptAspect::Subject && mentionsAspect(PromptText(added), step.aspect))
            continue;
        added += QLatin1Char(' ') + step.addition;
        plan.missing.append(step);
    }
    return plan;
}

void focusPlan(CoachPlan &plan, const CoachRequest &request, const PromptContext &context)
{
    QList<CoachStep> first;
    for (const PromptAspect aspect : request.aspects) {
        if (!applies(aspect, context) || plan.asked.contains(aspect))
            continue;
        plan.asked.append(aspect);
        const auto existing = std::find_if(plan.missing.begin(), plan.missing.end(), [aspect](const CoachStep &s) { return s.aspect == aspect; });
        CoachStep step;
        if (existing != plan.missing.end()) {
            step = *existing;
            plan.missing.erase(existing);
        } else {
            const BuiltIn &fallback = builtIn(aspect);
            step = CoachStep{aspect, QLatin1String(fallback.addition), QLatin1String(fallback.alternative), QLatin1String(fallback.guidance), {}};
        }
        const bool darker = request.tone == CoachRequest::Tone::Darker;
        if (aspect == PromptAspect::Aspect && !request.aspectRatio.isEmpty()) {
            // The words say the format the user asked for; the suggestion sets the same ratio.
            step.addition = formatWords(request.aspectRatio);
            step.alternative = step.addition;
        } else if (request.tone != CoachRequest::Tone::Neutral && aspect == PromptAspect::Mood) {
            step.addition = darker ? QStringLiteral("moody, brooding atmosphere") : QStringLiteral("bright, uplifting mood");
            step.alternative = darker ? QStringLiteral("dark, dramatic atmosphere") : QStringLiteral("airy, cheerful atmosphere");
        } else if (request.tone != CoachRequest::Tone::Neutral && aspect == PromptAspect::Lighting) {
            step.addition = darker ? QStringLiteral("low-key light with deep, soft shadows") : QStringLiteral("bright, even daylight");
            step.alternative = darker ? QStringLiteral("a single hard light from the side, deep shadows") : QStringLiteral("high-key light with soft shadows");
        }
        first.append(step);
    }
    plan.missing = first + plan.missing;
}

EnhanceResult applySteps(const QString &prompt, const QList<CoachStep> &steps, bool useAlternatives)
{
    EnhanceResult result;
    const QString base = trimmedEnd(prompt);
    result.enhancedPrompt = base;
    QStringList added;
    qsizetype length = base.size();
    int left = 0;
    for (const CoachStep &step : steps) {
        const QString words = useAlternatives && !step.alternative.isEmpty() ? step.alternative : step.addition;
        if (words.isEmpty() || added.contains(words))
            continue;
        if (length + 2 + words.size() + 1 > kCoachMaxPromptLength) {
            ++left;
            continue;
        }
        length += 2 + words.size();
        added.append(words);
        result.changes.append(PromptChange{aspectName(step.aspect), words,
                                           QStringLiteral("Added %1: %2").arg(aspectLabel(step.aspect), step.guidance)});
    }
    if (left > 0)
        result.changes.append(PromptChange{QStringLiteral("other"), QString(),
                                           QStringLiteral("Left out %1 addition(s): the prompt would pass the %2 characters a generation takes.")
                                               .arg(left).arg(kCoachMaxPromptLength)});
    if (added.isEmpty())
        return result;
    QString tail = added.join(QStringLiteral(", "));
    if (base.isEmpty()) {
        result.enhancedPrompt = tail;
    } else if (endsSentence(base)) {
        if (tail.at(0).isLower() && tail.at(0).unicode() < 128)
            tail[0] = tail.at(0).toUpper();
        result.enhancedPrompt = base + QLatin1Char(' ') + tail + QLatin1Char('.');
    } else if (base.endsWith(QLatin1Char(',')) || base.endsWith(QLatin1Char(';')) || base.endsWith(QLatin1Char(':'))) {
        result.enhancedPrompt = base + QLatin1Char(' ') + tail;
    } else {
        result.enhancedPrompt = base + QStringLiteral(", ") + tail;
    }
    return result;
}

EnhanceResult enhancePrompt(const QString &prompt, const PromptContext &context, const QList<SkillText> &skills)
{
    if (prompt.trimmed().isEmpty()) {
        EnhanceResult empty;
        empty.changes.append(PromptChange{QStringLiteral("other"), QString(),
                                          QStringLiteral("The prompt is empty: write the subject first, then enhance it.")});
        return empty;
    }
    const CoachPlan plan = planPrompt(prompt, context, skills);
    return applySteps(plan.prompt, plan.missing);
}

} // namespace vesper::backend
