#pragma once
// One line of a skill's "## Checklist" as the coach reads it:
//   [lighting] Say where the light comes from and how soft it is. Add: "soft window light" | "warm rim light"
// The [tag] names the aspect it checks (promptaspect.h), the prose is the one-line reason shown to
// the user, and the quoted phrases after "Add:" are what the coach appends when the aspect is missing
// (the first for the fuller prompt, the second for the variant). Untagged lines are reminders.
#include "backend/assistant/promptaspect.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace vesper::backend {

struct ChecklistItem {
    std::optional<PromptAspect> aspect; // empty: a reminder the coach only mentions
    QString guidance;                   // the prose, without the tag and the Add: part
    QStringList additions;              // the quoted phrases after Add:, in order
};

ChecklistItem parseChecklistItem(const QString &line);

} // namespace vesper::backend
