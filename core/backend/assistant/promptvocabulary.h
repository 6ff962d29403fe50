#pragma once
// The words that show a prompt already covers an aspect: "golden hour" is lighting, "85mm" is
// camera, "close-up" is composition. The coach adds nothing for an aspect the prompt mentions, so
// these lists decide what is "already there". English only; other scripts pass through unchecked.
#include "backend/assistant/promptaspect.h"
#include "backend/assistant/prompttext.h"

namespace vesper::backend {

/// True when text already says something about aspect.
bool mentionsAspect(const PromptText &text, PromptAspect aspect);
/// The phrases mentionsAspect looks for (lowercase; a trailing '*' is a word prefix).
const QStringList &aspectVocabulary(PromptAspect aspect);

} // namespace vesper::backend
