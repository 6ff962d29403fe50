#pragma once
// One skill file read and checked (DESIGN §7): `<id>.skill.md` is YAML front matter, parsed by
// yaml-cpp, then a Markdown body. Every fault becomes a SkillProblem naming the file and line;
// errors skip the file, warnings keep it. Sizes are capped before anything is read whole.
#include "backend/assistant/assistantadapter.h"
#include "backend/skills/skillproblem.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace vesper::backend {

struct SkillLimits {
    qint64 maxFileBytes = 256 << 10; // a skill is a page of prose; a bigger file is refused unread
    int maxNameLength = 80;
    int maxDescriptionLength = 500;
    int maxIdLength = 64;
    int maxListItems = 32;    // tags, models, applies_to
    int maxItemLength = 64;
    int maxVersionLength = 32;
};

struct ParsedSkill {
    std::optional<SkillText> skill; // empty when an error skipped the file
    QList<SkillProblem> problems;   // errors and warnings, in file order
};

/// The id a file name gives ("image-prompting.skill.md" → "image-prompting"), or empty when the
/// name does not end in .skill.md.
QString skillIdFromFileName(const QString &fileName);
/// Ids are lowercase ASCII letters, digits and dashes, 1 to maxIdLength long.
bool isValidSkillId(const QString &id, const SkillLimits &limits = {});

/// Checks and parses a skill's bytes. file and source only label problems and the summary.
ParsedSkill parseSkill(const QByteArray &content, const QString &file, const QString &source, const SkillLimits &limits = {});
/// Reads path (at most limits.maxFileBytes + 1 bytes) and parses it; file is its name relative to
/// its folder, for the problems.
ParsedSkill readSkillFile(const QString &path, const QString &file, const QString &source, const SkillLimits &limits = {});

} // namespace vesper::backend
