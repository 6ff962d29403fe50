#include "backend/skills/skillregistry.h"
#include "common/logging.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace vesper::backend {
namespace {
const QString kSkillPattern = QStringLiteral("*.skill.md");

/// The folder's skill files, relative paths sorted so loads are deterministic.
QStringList skillFiles(const QString &dir, int max, bool *truncated)
{
    QStringList files;
    *truncated = false;
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        return files;
    QDirIterator it(dir, {kSkillPattern}, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
    const QDir root(dir);
    while (it.hasNext()) {
        const QString path = it.next();
        if (files.size() >= max) {
            *truncated = true;
            break;
        }
        files.append(root.relativeFilePath(path));
    }
    files.sort();
    return files;
}
} // namespace

bool skillSuitsModel(const SkillSummary &skill, const QString &modelId)
{
    if (skill.models.isEmpty() || modelId.isEmpty())
        return true;
    for (const QString &model : skill.models) {
        if (model == modelId || modelId.startsWith(model + QLatin1Char('-')) || modelId.startsWith(model + QLatin1Char('/')))
            return true;
    }
    return false;
}

bool skillSuitsType(const SkillSummary &skill, const QString &generationType)
{
    return skill.appliesTo.isEmpty() || generationType.isEmpty() || skill.appliesTo.contains(generationType);
}

SkillRegistry::SkillRegistry(SkillRegistryOptions options)
    : m_options(std::move(options))
{
}

QList<SkillSummary> SkillRegistry::summaries()
{
    const auto set = current();
    QList<SkillSummary> list;
    list.reserve(set->byId.size());
    for (const SkillText &skill : set->byId)
        list.append(skill.summary);
    return list;
}

QList<SkillProblem> SkillRegistry::problems()
{
    return current()->problems;
}

std::optional<SkillText> SkillRegistry::find(const QString &id)
{
    const auto set = current();
    const auto it = set->byId.constFind(id);
    return it == set->byId.constEnd() ? std::nullopt : std::optional<SkillText>(*it);
}

QList<SkillText> SkillRegistry::defaultsFor(const QString &generationType, const QString &modelId)
{
    const auto set = current();
    QList<SkillText> chosen;
    for (const SkillText &skill : set->byId) {
        if (skill.summary.tags.contains(QStringLiteral("default")) && skillSuitsType(skill.summary, generationType)
            && skillSuitsModel(skill.summary, modelId))
            chosen.append(skill);
    }
    return chosen;
}

void SkillRegistry::reload()
{
    QByteArray print = fingerprint();
    auto set = load();
    const QMutexLocker lock(&m_mutex);
    m_set = std::move(set);
    m_fingerprint = std::move(print);
    m_sinceCheck.start();
    ++m_loads;
}

int SkillRegistry::loadCount() const
{
    const QMutexLocker lock(&m_mutex);
    return m_loads;
}

std::shared_ptr<const SkillRegistry::SkillSet> SkillRegistry::current()
{
    const QMutexLocker lock(&m_mutex);
    if (m_set && m_sinceCheck.isValid() && m_sinceCheck.elapsed() < m_options.checkIntervalMs)
        return m_set;
    // One scan per interval however many requests arrive (the debounce), and a parse only when a
    // file's name, size or time changed. Readers keep the set they took while a new one is built.
    m_sinceCheck.start();
    QByteArray print = fingerprint();
    if (!m_set || print != m_fingerprint) {
        QElapsedTimer took;
        took.start();
        m_set = load();
        m_fingerprint = std::move(print);
        ++m_loads;
        qCInfo(lcAssistant).noquote() << QStringLiteral("skills loaded: %1 skills, %2 problems in %3 ms")
                                             .arg(m_set->byId.size()).arg(m_set->problems.size()).arg(took.elapsed());
    }
    return m_set;
}

QByteArray SkillRegistry::fingerprint() const
{
    QByteArray print;
    for (const QString &dir : {m_options.shippedDir, m_options.userDir}) {
        bool truncated = false;
        print += dir.toUtf8() + '\n';
        for (const QString &file : skillFiles(dir, m_options.maxFilesPerFolder, &truncated)) {
            const QFileInfo info(dir + QLatin1Char('/') + file);
            print += file.toUtf8() + ' ' + QByteArray::number(info.size()) + ' '
                     + QByteArray::number(info.lastModified().toMSecsSinceEpoch()) + ' '
                     + QByteArray::number(info.metadataChangeTime().toMSecsSinceEpoch()) + '\n';
        }
    }
    return print;
}

std::shared_ptr<const SkillRegistry::SkillSet> SkillRegistry::load() const
{
    auto set = std::make_shared<SkillSet>();
    QMap<QString, SkillText> shipped;
    QMap<QString, SkillText> user;
    loadFolder(m_options.shippedDir, QStringLiteral("shipped"), *set, shipped);
    if (m_options.userDir != m_options.shippedDir)
        loadFolder(m_options.userDir, QStringLiteral("user"), *set, user);
    set->byId = shipped;
    for (auto it = user.cbegin(); it != user.cend(); ++it)
        set->byId.insert(it.key(), it.value()); // a user skill overrides the shipped one with its id
    return set;
}

void SkillRegistry::loadFolder(const QString &dir, const QString &source, SkillSet &set, QMap<QString, SkillText> &folderSkills) const
{
    bool truncated = false;
    QHash<QString, QString> fileOfId;
    for (const QString &file : skillFiles(dir, m_options.maxFilesPerFolder, &truncated)) {
        ParsedSkill parsed = readSkillFile(dir + QLatin1Char('/') + file, file, source, m_options.limits);
        for (const SkillProblem &problem : std::as_const(parsed.problems))
            qCWarning(lcAssistant).noquote() << QStringLiteral("skill %1").arg(problem.describe());
        set.problems.append(parsed.problems);
        if (!parsed.skill)
            continue;
        const QString id = parsed.skill->summary.id;
        if (fileOfId.contains(id)) {
            SkillProblem duplicate{file, source, 0,
                                   QStringLiteral("duplicate id \"%1\": %2 already defines it; this file is skipped").arg(id, fileOfId.value(id)),
                                   false};
            qCWarning(lcAssistant).noquote() << QStringLiteral("skill %1").arg(duplicate.describe());
            set.problems.append(duplicate);
            continue;
        }
        fileOfId.insert(id, file);
        folderSkills.insert(id, std::move(*parsed.skill));
    }
    if (truncated)
        set.problems.append(SkillProblem{QString(), source, 0,
                                         QStringLiteral("more than %1 skill files; the rest are not loaded").arg(m_options.maxFilesPerFolder), false});
}

} // namespace vesper::backend
