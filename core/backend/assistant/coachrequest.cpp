#include "backend/assistant/coachrequest.h"

#include <QRegularExpression>

namespace vesper::backend {
namespace {

struct Cue {
    PromptAspect aspect;
    const char *pattern; // whole words, case-insensitive
};

const QList<Cue> &cues()
{
    static const QList<Cue> list{
        {PromptAspect::Lighting, R"(\b(light|lights|lighting|lit|shadows?|glow|backlit|illuminat\w*)\b)"},
        {PromptAspect::Mood, R"(\b(mood|moody|moodier|atmosphere|atmospheric|feel|feeling|emotion\w*|vibe)\b)"},
        {PromptAspect::Composition, R"(\b(composition|compose|framing|frame|framed|crop|layout)\b)"},
        {PromptAspect::Camera, R"(\b(camera|lens|angle|shot|close-?up|wide-?angle|focal|depth of field)\b)"},
        {PromptAspect::Style, R"(\b(style|styles|look|aesthetic|medium|painterly|photographic)\b)"},
        {PromptAspect::Subject, R"(\b(detail|details|detailed|subject|texture|textures)\b)"},
        {PromptAspect::Aspect, R"(\b(format|aspect ratio|ratio|portrait|landscape|square|thumbnail|cover)\b)"},
        {PromptAspect::Motion, R"(\b(motion|movement|moves?|moving|animate\w*|pan|dolly)\b)"},
    };
    return list;
}

} // namespace

CoachRequest readCoachRequest(const QString &message)
{
    CoachRequest request;
    const QString text = message.toLower();
    QList<QPair<qsizetype, PromptAspect>> found;
    for (const Cue &cue : cues()) {
        static thread_local QHash<const char *, QRegularExpression> compiled;
        auto it = compiled.find(cue.pattern);
        if (it == compiled.end())
            it = compiled.insert(cue.pattern, QRegularExpression(QString::fromLatin1(cue.pattern)));
        const QRegularExpressionMatch match = it->match(text);
        if (match.hasMatch())
            found.append({match.capturedStart(), cue.aspect});
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[at, aspect] : found)
        request.aspects.append(aspect);

    static const QRegularExpression darker(QStringLiteral(R"(\b(moodier|moody|darker|dark|dramatic|brooding|gloomy|ominous|noir|sombre|somber)\b)"));
    static const QRegularExpression brighter(QStringLiteral(R"(\b(brighter|bright|cheerful|happier|happy|lighter|airy|sunny|uplifting)\b)"));
    if (darker.match(text).hasMatch())
        request.tone = CoachRequest::Tone::Darker;
    else if (brighter.match(text).hasMatch())
        request.tone = CoachRequest::Tone::Brighter;
    if (request.tone != CoachRequest::Tone::Neutral) {
        for (const PromptAspect aspect : {PromptAspect::Mood, PromptAspect::Lighting}) {
            if (!request.aspects.contains(aspect))
                request.aspects.append(aspect);
        }
    }
    return request;
}

} // namespace vesper::backend
