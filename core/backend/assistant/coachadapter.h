#pragma once
// The built-in assistant (DESIGN §7): offline, deterministic, no key. It reads the prompt in the bar
// (or, with none, the user's last message) against the chosen skills' checklists and answers with a
// short Markdown note of what is there and what is missing, plus up to three suggestions that only
// append to the user's words: the fuller prompt, a minimal fix, and a variant.
#include "backend/assistant/assistantadapter.h"

namespace vesper::backend {

class CoachAdapter : public AssistantAdapter {
public:
    QString name() const override { return QStringLiteral("coach"); }
    AssistantResult reply(const AssistantRequest &request, const std::function<void(const QString &delta)> &onDelta,
                          const std::atomic_bool &cancelled) override;
    /// The whole reply at once (what reply() streams).
    static AssistantReply answer(const AssistantRequest &request);
};

} // namespace vesper::backend
