#include "backend/skills/skillfile.h"
#include "backend/skills/skillbody.h"
#include "backend/skills/skillfrontmatter.h"

#include <QFile>
#include <QStringDecoder>

namespace vesper::backend {
namespace {
const QLatin1String kSuffix(".skill.md");

SkillProblem problemAt(const QString &file, const QString &source, int line, const QString &message, bool warning = false)
{
    SkillProblem p;
    p.file = file;
    p.source = source;
    p.line = line;
    p.message = message;
    p.warning = warning;
    return p;
}

QString tooBigMessage(const SkillLimits &limits)
{
    return QStringLiteral("the file is over %1 KiB, the most a skill may be").arg(limits.maxFileBytes >> 10);
}

/// The 1-based line of the first byte that is not UTF-8, or 0 when all of it is.
int firstBadUtf8Line(const QByteArray &content)
{
    int line = 1;
    qsizetype start = 0;
    while (start <= content.size()) {
        qsizetype end = content.indexOf('\n', start);
        if (end < 0)
            end = content.size();
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString ignored = decoder.decode(QByteArrayView(content).sliced(start, end - start));
        if (decoder.hasError())
            return line;
        start = end + 1;
        ++line;
    }
    return 0;
}
} // namespace

QString skillIdFromFileName(const QString &fileName)
{
    if (!fileName.endsWith(kSuffix) || fileName.size() == kSuffix.size())
        return {};
    return fileName.chopped(kSuffix.size());
}

bool isValidSkillId(const QString &id, const SkillLimits &limits)
{
    if (id.isEmpty() || id.size() > limits.maxIdLength)
        return false;
    for (const QChar c : id) {
        if (!((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-')))
            return false;
    }
    return true;
}

ParsedSkill parseSkill(const QByteArray &bytes, const QString &file, const QString &source, const SkillLimits &limits)
{
    ParsedSkill result;
    const auto fail = [&](int line, const QString &message) {
        result.problems.append(problemAt(file, source, line, message));
        return result;
    };
    const QString baseName = file.section(QLatin1Char('/'), -1);
    const QString id = skillIdFromFileName(baseName);
    if (!isValidSkillId(id, limits))
        return fail(0, QStringLiteral("the file name must be <id>.skill.md with an id of lowercase letters, digits and dashes (at most %1)").arg(limits.maxIdLength));
    if (bytes.size() > limits.maxFileBytes)
        return fail(0, tooBigMessage(limits));
    QByteArray content = bytes.startsWith("\xEF\xBB\xBF") ? bytes.mid(3) : bytes;
    if (const int badLine = firstBadUtf8Line(content))
        return fail(badLine, QStringLiteral("the file is not valid UTF-8"));
    content.replace("\r\n", "\n");
    const QList<QByteArray> lines = content.split('\n');
    if (lines.isEmpty() || lines.first().trimmed() != "---")
        return fail(1, QStringLiteral("a skill starts with a '---' line opening its YAML front matter"));
    qsizetype close = -1;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line == "---" || line == "...") {
            close = i;
            break;
        }
    }
    if (close < 0)
        return fail(1, QStringLiteral("the front matter opened on line 1 is never closed with a '---' line"));
    std::string yaml;
    for (qsizetype i = 1; i < close; ++i)
        yaml.append(lines.at(i).constData(), size_t(lines.at(i).size())).push_back('\n');

    SkillText skill;
    skill.summary.id = id;
    skill.summary.source = source;
    const SkillProblem where = problemAt(file, source, 0, {});
    if (!readFrontMatter(yaml, 2, limits, skill.summary, result.problems, where))
        return result;
    QStringList bodyLines;
    for (qsizetype i = close + 1; i < lines.size(); ++i)
        bodyLines.append(QString::fromUtf8(lines.at(i)));
    skill.body = bodyLines.join(QLatin1Char('\n')).trimmed();
    skill.checklist = checklistOf(skill.body);
    if (skill.checklist.isEmpty())
        result.problems.append(problemAt(file, source, int(close) + 1,
                                         QStringLiteral("no \"## Checklist\" list: the offline coach has nothing to check prompts against"), true));
    result.skill = std::move(skill);
    return result;
}

ParsedSkill readSkillFile(const QString &path, const QString &file, const QString &source, const SkillLimits &limits)
{
    QFile handle(path);
    ParsedSkill refused;
    if (!handle.open(QIODevice::ReadOnly))
        refused.problems.append(problemAt(file, source, 0, QStringLiteral("cannot be read: %1").arg(handle.errorString())));
    else if (handle.size() > limits.maxFileBytes) // refused by its size, unread
        refused.problems.append(problemAt(file, source, 0, tooBigMessage(limits)));
    if (!refused.problems.isEmpty())
        return refused;
    // At most one byte past the cap, in case it grew since its size was read.
    return parseSkill(handle.read(limits.maxFileBytes + 1), file, source, limits);
}

} // namespace vesper::backend
