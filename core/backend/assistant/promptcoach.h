#pragma once
// The offline coach's reasoning (DESIGN §7), apart from how its answer is worded: read a prompt
// against the chosen skills' checklists, find the aspects it does not mention yet and the words to
// add for each. Deterministic (no clock, no randomness, no network), and it only ever appends: the
// user's subject and wording stay exactly as typed. What it adds comes from the skills' "Add:"
// phrases or a built-in set of generic craft words — never names, brands or claims.
#include "backend/assistant/assistantadapter.h"
#include "backend/assistant/coachrequest.h"
#include "backend/assistant/promptaspect.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vesper::backend {

/// The longest prompt the coach will add to: what POST /api/generate takes.
constexpr int kCoachMaxPromptLength = 4000;

struct CoachStep {
    PromptAspect aspect;
    QString addition;    // appended for the fuller prompt
    QString alternative; // appended for the variant; empty: none
    QString guidance;    // the checklist line, shown as the reason
    QString skillName;   // the skill it came from; empty: built in
};

struct CoachPlan {
    QString prompt;              // the user's text without trailing white space
    QList<PromptAspect> checked; // the aspects the skills check, in checklist order
    QList<PromptAspect> present; // of those, the ones the prompt already mentions
    QList<CoachStep> missing;    // what to add, in checklist order, nothing the prompt already says
    QStringList reminders;       // untagged checklist lines, at most three
    QStringList skillNames;      // the skills read, in order
    QList<PromptAspect> asked;   // what the user's message asked about (focusPlan), first in missing
};

/// Reads prompt against the skills' checklists (a built-in checklist when they have none) for the
/// context's generation type; motion is checked for video only, reference only with references.
CoachPlan planPrompt(const QString &prompt, const PromptContext &context, const QList<SkillText> &skills);

/// Puts what the user asked about first: an asked aspect the prompt (or the checklist) does not
/// bring up yet gets a step too — an aspect already in the prompt gets more words, since the user
/// asked — and a darker or brighter tone picks the words for mood and lighting.
void focusPlan(CoachPlan &plan, const CoachRequest &request, const PromptContext &context);

/// The prompt with steps' additions appended (each step's alternative where asked for and given)
/// and one change per step. Steps that would take it past kCoachMaxPromptLength are left out and
/// said so in an "other" change.
EnhanceResult applySteps(const QString &prompt, const QList<CoachStep> &steps, bool useAlternatives = false);

/// POST /api/prompts/enhance: the fuller prompt, or for an empty one an explanation and no text.
EnhanceResult enhancePrompt(const QString &prompt, const PromptContext &context, const QList<SkillText> &skills);

} // namespace vesper::backend
