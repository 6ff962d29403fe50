#pragma once
// Which skills shape the assistant's answers: a checkable list of the skills the server offers,
// filled from the cache at once (so it works offline) and refreshed from GET /api/skills off the
// GUI thread. The choice is remembered across runs. Collapsed to one line that names the choice.
#include "domain/assistant.h"

#include <QStringList>
#include <QWidget>

class QListWidget;
class QToolButton;

namespace vesper::ui {

class UiContext;

class SkillPicker : public QWidget {
    Q_OBJECT
public:
    explicit SkillPicker(UiContext *ctx, QWidget *parent = nullptr);

    /// Shows the cached skills, then asks the server for the current list (when online).
    void reload();
    /// The checked skills' ids, in list order (empty: the server picks for the generation type).
    QStringList chosenIds() const;
    /// Checks exactly these (unknown ids are ignored).
    void choose(const QStringList &ids);
    QListWidget *list() const { return m_list; }
    QList<SkillSummary> skills() const { return m_skills; }

Q_SIGNALS:
    void choiceChanged();

private:
    void show(const QList<SkillSummary> &skills);
    void updateToggle();

    UiContext *m_ctx;
    QToolButton *m_toggle;
    QListWidget *m_list;
    QList<SkillSummary> m_skills;
    bool m_filling = false;
    bool m_loading = false;
};

} // namespace vesper::ui
