#include "backend/assistant/promptaspect.h"

#include <array>

namespace vesper::backend {
namespace {
struct AspectNames {
    PromptAspect aspect;
    const char *name;
    const char *label;
};
constexpr std::array<AspectNames, 9> kNames{{
    {PromptAspect::Subject, "subject", "subject detail"},
    {PromptAspect::Style, "style", "style"},
    {PromptAspect::Composition, "composition", "composition"},
    {PromptAspect::Lighting, "lighting", "lighting"},
    {PromptAspect::Camera, "camera", "camera and lens"},
    {PromptAspect::Mood, "mood", "mood"},
    {PromptAspect::Aspect, "aspect", "aspect ratio"},
    {PromptAspect::Motion, "motion", "motion"},
    {PromptAspect::Reference, "reference", "what to keep from the reference"},
}};
} // namespace

QString aspectName(PromptAspect aspect)
{
    for (const AspectNames &names : kNames) {
        if (names.aspect == aspect)
            return QLatin1String(names.name);
    }
    return QStringLiteral("other");
}

QString aspectLabel(PromptAspect aspect)
{
    for (const AspectNames &names : kNames) {
        if (names.aspect == aspect)
            return QLatin1String(names.label);
    }
    return QStringLiteral("other");
}

std::optional<PromptAspect> aspectFromName(const QString &name)
{
    for (const AspectNames &names : kNames) {
        if (name.compare(QLatin1String(names.name), Qt::CaseInsensitive) == 0)
            return names.aspect;
    }
    return std::nullopt;
}

} // namespace vesper::backend
