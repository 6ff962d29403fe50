#pragma once
// Every skill this backend offers (DESIGN §7): the shipped folder and the user's folder, parsed
// once and cached. On access, at most once per check interval, the folders are stat'ed and reloaded
// if any file changed (so an edit shows up without a restart, and a burst of requests costs one
// scan). A user skill overrides a shipped one with the same id; broken files are reported, skipped.
// Thread-safe: routes on every HTTP thread read it.
#include "backend/assistant/assistantadapter.h"
#include "backend/skills/skillfile.h"
#include "backend/skills/skillproblem.h"

#include <QElapsedTimer>
#include <QMap>
#include <QMutex>
#include <memory>
#include <optional>

namespace vesper::backend {

struct SkillRegistryOptions {
    QString shippedDir;          // installed with the program; may be missing
    QString userDir;             // <dataDir>/skills; may be missing or empty
    int checkIntervalMs = 1000;  // the folders are stat'ed at most this often; 0: on every access
    int maxFilesPerFolder = 1000;
    SkillLimits limits;
};

class SkillRegistry {
public:
    explicit SkillRegistry(SkillRegistryOptions options);

    /// The skills by id, user skills over shipped ones, sorted by id.
    QList<SkillSummary> summaries();
    /// The problems of the last load, errors and warnings, shipped folder first.
    QList<SkillProblem> problems();
    /// One skill with its body and checklist, or nullopt.
    std::optional<SkillText> find(const QString &id);
    /// What a request that names no skills uses: the skills tagged "default" that apply to this
    /// generation type and model (no applies_to or models: any), by id.
    QList<SkillText> defaultsFor(const QString &generationType, const QString &modelId);
    /// Loads both folders now, whatever changed.
    void reload();
    /// How many times the folders were parsed (a reload seen, for tests and the benchmark).
    int loadCount() const;

private:
    struct SkillSet {
        QMap<QString, SkillText> byId;
        QList<SkillProblem> problems;
    };
    std::shared_ptr<const SkillSet> current();
    /// Names, sizes and times of every skill file in both folders: a change in it means reload.
    QByteArray fingerprint() const;
    std::shared_ptr<const SkillSet> load() const;
    void loadFolder(const QString &dir, const QString &source, SkillSet &set, QMap<QString, SkillText> &folderSkills) const;

    const SkillRegistryOptions m_options;
    mutable QMutex m_mutex;
    std::shared_ptr<const SkillSet> m_set;
    QByteArray m_fingerprint;
    QElapsedTimer m_sinceCheck;
    int m_loads = 0;
};

/// True when a skill written for `models` suits modelId: empty is any; an entry matches the model id
/// exactly or is its provider prefix ("gemini" matches "gemini-2.5-flash-image").
bool skillSuitsModel(const SkillSummary &skill, const QString &modelId);
/// True when applies_to is empty or names the generation type.
bool skillSuitsType(const SkillSummary &skill, const QString &generationType);

} // namespace vesper::backend
