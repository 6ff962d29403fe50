#pragma once
// A skill's YAML front matter read with yaml-cpp into its summary's fields. Kept apart from the file
// framing (skillfile.cpp) so the YAML rules — known keys, types, lengths — are in one place.
#include "backend/skills/skillfile.h"

namespace vesper::backend {

/// Parses yaml (the text between the '---' lines) into summary's name, description, tags, models,
/// appliesTo and version. firstLine is the file line yaml starts on, so problems name file lines.
/// Returns false when an error was added to problems (the skill is then skipped).
bool readFrontMatter(const std::string &yaml, int firstLine, const SkillLimits &limits, SkillSummary &summary,
                     QList<SkillProblem> &problems, const SkillProblem &where);

} // namespace vesper::backend
