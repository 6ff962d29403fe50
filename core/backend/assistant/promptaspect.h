#pragma once
// The parts of a prompt the coach checks (DESIGN §7): subject detail, style, composition, lighting,
// camera, mood, and for some skills aspect (format), motion (video) and reference (iterating on an
// image). Their names are the `kind` of a PromptChange and the [tag] of a skill's checklist item.
#include <QString>
#include <optional>

namespace vesper::backend {

enum class PromptAspect { Subject, Style, Composition, Lighting, Camera, Mood, Aspect, Motion, Reference };

/// "subject", "style", … as PromptChange.kind and checklist tags spell them.
QString aspectName(PromptAspect aspect);
/// The aspect a checklist tag names (case-insensitive), or nullopt.
std::optional<PromptAspect> aspectFromName(const QString &name);
/// The words a person reads: "subject detail", "camera and lens", "aspect ratio", …
QString aspectLabel(PromptAspect aspect);

} // namespace vesper::backend
