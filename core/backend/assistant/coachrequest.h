#pragma once
// What the user asked the offline coach for in words ("make it moodier, and suggest the lighting"),
// read from their latest message when the prompt is in the bar: the aspects they named, and a tone
// (darker or brighter). Deterministic keyword matching, English only; a message in another language
// is read as "improve it" and the checklist alone decides.
#include "backend/assistant/promptaspect.h"

#include <QList>
#include <QString>

namespace vesper::backend {

struct CoachRequest {
    enum class Tone { Neutral, Darker, Brighter };
    QList<PromptAspect> aspects; // in the order the message names them, each once
    Tone tone = Tone::Neutral;
    /// The format asked for in words ("make it vertical", "a 16:9 banner", "square"): one of the
    /// ratios generations take (1:1, 4:3, 3:4, 16:9, 9:16), or empty.
    QString aspectRatio;
};

/// Reads one message for the aspects it names (lighting, mood, composition, camera, style, detail,
/// format, motion) and its tone ("moodier", "darker", "dramatic" / "brighter", "cheerful"); a tone
/// alone also names mood and lighting. A format in words also names the format aspect.
CoachRequest readCoachRequest(const QString &message);

} // namespace vesper::backend
