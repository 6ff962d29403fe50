#pragma once
// What is wrong with a skill file, in a line a person can act on: the file (relative to its folder),
// the line (1-based; 0 when the whole file is meant) and the message. Errors skip the file;
// warnings (an unknown key, no checklist) keep it. GET /api/skills lists them.
#include <QJsonObject>
#include <QString>

namespace vesper::backend {

struct SkillProblem {
    QString file;   // relative to its folder, e.g. "image-prompting.skill.md"
    QString source; // "shipped" or "user"
    int line = 0;
    QString message;
    bool warning = false;

    QJsonObject toJson() const
    {
        return QJsonObject{{QStringLiteral("file"), file},
                           {QStringLiteral("source"), source},
                           {QStringLiteral("line"), line},
                           {QStringLiteral("message"), message},
                           {QStringLiteral("severity"), warning ? QStringLiteral("warning") : QStringLiteral("error")}};
    }
    /// "user/foo.skill.md:3: message" for logs and the CLI.
    QString describe() const { return QStringLiteral("%1/%2:%3: %4").arg(source, file).arg(line).arg(message); }
};

} // namespace vesper::backend
