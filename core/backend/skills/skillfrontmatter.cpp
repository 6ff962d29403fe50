#include "backend/skills/skillfrontmatter.h"

#include <yaml-cpp/yaml.h>

#include <QSet>

namespace vesper::backend {
namespace {

const QStringList &knownKeys()
{
    static const QStringList keys{QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("tags"),
                                  QStringLiteral("models"), QStringLiteral("applies_to"), QStringLiteral("version")};
    return keys;
}

class FrontMatterReader {
public:
    FrontMatterReader(int firstLine, const SkillLimits &limits, QList<SkillProblem> &problems, const SkillProblem &where)
        : m_firstLine(firstLine), m_limits(limits), m_problems(problems), m_where(where)
    {
    }

    int lineOf(const YAML::Node &node) const
    {
        const YAML::Mark mark = node.Mark();
        return mark.is_null() ? m_firstLine - 1 : m_firstLine + mark.line;
    }

    void problem(int line, const QString &message, bool warning = false)
    {
        SkillProblem p = m_where;
        p.line = line;
        p.message = message;
        p.warning = warning;
        m_problems.append(p);
        if (!warning)
            m_failed = true;
    }

    bool failed() const { return m_failed; }

    /// A scalar as trimmed text of 1..maxLength characters, or empty with a problem.
    QString text(const QString &key, const YAML::Node &node, int maxLength)
    {
        if (node.IsNull()) {
            problem(lineOf(node), QStringLiteral("%1 is empty").arg(key));
            return {};
        }
        if (!node.IsScalar()) {
            problem(lineOf(node), QStringLiteral("%1 must be text, not a list or a map").arg(key));
            return {};
        }
        const QString value = QString::fromStdString(node.Scalar()).trimmed();
        if (value.isEmpty())
            problem(lineOf(node), QStringLiteral("%1 is empty").arg(key));
        else if (value.size() > maxLength)
            problem(lineOf(node), QStringLiteral("%1 is %2 characters; at most %3").arg(key).arg(value.size()).arg(maxLength));
        else
            return value;
        return {};
    }

    /// A list of short texts (a single text is a list of one).
    QStringList list(const QString &key, const YAML::Node &node)
    {
        if (node.IsScalar())
            return QStringList{text(key, node, m_limits.maxItemLength)};
        if (!node.IsSequence()) {
            problem(lineOf(node), QStringLiteral("%1 must be a list, such as [a, b]").arg(key));
            return {};
        }
        if (int(node.size()) > m_limits.maxListItems) {
            problem(lineOf(node), QStringLiteral("%1 has %2 items; at most %3").arg(key).arg(node.size()).arg(m_limits.maxListItems));
            return {};
        }
        QStringList items;
        for (const YAML::Node &item : node) {
            const QString value = text(key + QStringLiteral(" item"), item, m_limits.maxItemLength);
            if (!value.isEmpty() && !items.contains(value))
                items.append(value);
        }
        return items;
    }

private:
    int m_firstLine;
    const SkillLimits &m_limits;
    QList<SkillProblem> &m_problems;
    const SkillProblem &m_where;
    bool m_failed = false;
};

} // namespace

bool readFrontMatter(const std::string &yaml, int firstLine, const SkillLimits &limits, SkillSummary &summary,
                     QList<SkillProblem> &problems, const SkillProblem &where)
{
    FrontMatterReader reader(firstLine, limits, problems, where);
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::ParserException &e) {
        const int line = e.mark.is_null() ? firstLine : firstLine + e.mark.line;
        reader.problem(line, QStringLiteral("the front matter is not valid YAML: %1").arg(QString::fromStdString(e.msg)));
        return false;
    } catch (const YAML::Exception &e) {
        reader.problem(firstLine, QStringLiteral("the front matter could not be read: %1").arg(QString::fromStdString(e.msg)));
        return false;
    }
    if (!root.IsMap()) {
        reader.problem(firstLine, root.IsNull() || !root.IsDefined()
                                      ? QStringLiteral("the front matter is empty; name and description are required")
                                      : QStringLiteral("the front matter must be key: value lines (a YAML map)"));
        return false;
    }
    QSet<QString> seen;
    try {
        for (auto it = root.begin(); it != root.end(); ++it) {
            const YAML::Node keyNode = it->first;
            const YAML::Node value = it->second;
            if (!keyNode.IsScalar()) {
                reader.problem(reader.lineOf(keyNode), QStringLiteral("a key must be plain text"));
                continue;
            }
            const QString key = QString::fromStdString(keyNode.Scalar());
            if (seen.contains(key)) {
                reader.problem(reader.lineOf(keyNode), QStringLiteral("%1 is given twice").arg(key));
                continue;
            }
            seen.insert(key);
            if (key == QLatin1String("name"))
                summary.name = reader.text(key, value, limits.maxNameLength);
            else if (key == QLatin1String("description"))
                summary.description = reader.text(key, value, limits.maxDescriptionLength);
            else if (key == QLatin1String("version"))
                summary.version = reader.text(key, value, limits.maxVersionLength);
            else if (key == QLatin1String("tags"))
                summary.tags = reader.list(key, value);
            else if (key == QLatin1String("models"))
                summary.models = reader.list(key, value);
            else if (key == QLatin1String("applies_to")) {
                summary.appliesTo = reader.list(key, value);
                for (const QString &type : std::as_const(summary.appliesTo)) {
                    if (type != QLatin1String("image") && type != QLatin1String("video"))
                        reader.problem(reader.lineOf(value), QStringLiteral("applies_to: \"%1\" is not a generation type (image, video)").arg(type.left(40)));
                }
            } else {
                reader.problem(reader.lineOf(keyNode),
                               QStringLiteral("unknown key \"%1\" ignored (known: %2)").arg(key.left(40), knownKeys().join(QStringLiteral(", "))),
                               true);
            }
        }
    } catch (const YAML::Exception &e) {
        reader.problem(firstLine, QStringLiteral("the front matter could not be read: %1").arg(QString::fromStdString(e.msg)));
        return false;
    }
    if (!seen.contains(QStringLiteral("name")))
        reader.problem(firstLine - 1, QStringLiteral("name is required"));
    if (!seen.contains(QStringLiteral("description")))
        reader.problem(firstLine - 1, QStringLiteral("description is required"));
    return !reader.failed();
}

} // namespace vesper::backend
