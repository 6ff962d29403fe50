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
        {PromptAspect::Aspect, R"(\b(format|aspect ratio|ratio|portrait|landscape|square|thumbnail|cover|vertical|horizontal|wide|widescreen|banner|[0-9]+:[0-9]+)(?![0-9a-z]))"},
        {PromptAspect::Motion, R"(\b(motion|movement|moves?|moving|animate\w*|pan|dolly)\b)"},
    };
    return list;
}

/// The ratio a (lower-cased) message asks for: written out, or in words; empty when none.
QString askedRatio(const QString &text)
{
    static const QStringList offered{QStringLiteral("1:1"), QStringLiteral("4:3"), QStringLiteral("3:4"), QStringLiteral("16:9"),
                                     QStringLiteral("9:16")};
    static const QRegularExpression written(QStringLiteral(R"((?<![0-9])([0-9]{1,2}) ?: ?([0-9]{1,2})(?![0-9]))"));
    const QRegularExpressionMatch ratio = written.match(text);
    if (ratio.hasMatch()) {
        const QString asked = ratio.captured(1) + QLatin1Char(':') + ratio.captured(2);
        if (offered.contains(asked))
            return asked;
    }
    static const QRegularExpression tall(QStringLiteral(
        R"(\b(vertical|portrait (format|orientation|ratio|mode)|phone wallpaper|instagram story|story format|tall format)\b)"));
    static const QRegularExpression wide(QStringLiteral(
        R"(\b(widescreen|wide format|wide frame|horizontal|landscape (format|orientation|ratio|mode)|banner|cinematic format|youtube)\b)"));
    static const QRegularExpression square(QStringLiteral(R"(\b(square|instagram post|album cover)\b)"));
    if (tall.match(text).hasMatch())
        return QStringLiteral("9:16");
    if (wide.match(text).hasMatch())
        return QStringLiteral("16:9");
    if (square.match(text).hasMatch())
        return QStringLiteral("1:1");
    return {};
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

    request.aspectRatio = askedRatio(text);
    if (!request.aspectRatio.isEmpty() && !request.aspects.contains(PromptAspect::Aspect))
        request.aspects.append(PromptAspect::Aspect);

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
