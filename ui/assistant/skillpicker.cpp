#include "ui/assistant/skillpicker.h"

#include "client/cache/assistantstore.h"
#include "client/net/apiclient.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

#include <QFutureWatcher>
#include <QListWidget>
#include <QPointer>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {
const QString kChosenKey = QStringLiteral("assistant/skills");
constexpr int kIdRole = Qt::UserRole;
} // namespace

SkillPicker::SkillPicker(UiContext *ctx, QWidget *parent) : QWidget(parent), m_ctx(ctx)
{
    m_toggle = new QToolButton(this);
    m_toggle->setObjectName(QStringLiteral("skillsToggle"));
    m_toggle->setCheckable(true);
    m_toggle->setAutoRaise(true);
    m_toggle->setArrowType(Qt::RightArrow);
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toggle->setToolTip(tr("Choose the skills that shape the assistant's answers"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("skillList"));
    m_list->setVisible(false);
    m_list->setMaximumHeight(150);
    m_list->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_toggle);
    layout->addWidget(m_list);
    connect(m_toggle, &QToolButton::toggled, this, [this](bool open) {
        m_list->setVisible(open);
        m_toggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    connect(m_list, &QListWidget::itemChanged, this, [this] {
        if (m_filling)
            return;
        QSettings().setValue(kChosenKey, chosenIds());
        updateToggle();
        Q_EMIT choiceChanged();
    });
    updateToggle();
}

void SkillPicker::reload()
{
    client::Workspace *workspace = m_ctx->workspace();
    if (!workspace || !workspace->isOpen()) {
        show({});
        return;
    }
    show(workspace->assistant().skills());
    if (m_loading || workspace->options().offline)
        return;
    m_loading = true;
    client::ApiClient *api = &workspace->api();
    QPointer<client::Workspace> asked = workspace;
    auto *watcher = new QFutureWatcher<client::ApiResult<QList<SkillSummary>>>(this);
    connect(watcher, &QFutureWatcher<client::ApiResult<QList<SkillSummary>>>::finished, this, [this, watcher, asked] {
        watcher->deleteLater();
        m_loading = false;
        const client::ApiResult<QList<SkillSummary>> answer = watcher->result();
        if (!asked || asked != m_ctx->workspace() || !answer.ok())
            return; // the cached list stays; the next reload asks again
        QString error;
        asked->assistant().saveSkills(answer.value, &error);
        show(answer.value);
    });
    watcher->setFuture(QtConcurrent::run([api] { return api->skills(); }));
}

void SkillPicker::show(const QList<SkillSummary> &skills)
{
    const QStringList chosen = QSettings().value(kChosenKey).toStringList();
    m_filling = true;
    m_skills = skills;
    m_list->clear();
    for (const SkillSummary &skill : skills) {
        auto *item = new QListWidgetItem(skill.name, m_list);
        item->setData(kIdRole, skill.id);
        item->setToolTip(skill.description);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(chosen.contains(skill.id) ? Qt::Checked : Qt::Unchecked);
    }
    m_filling = false;
    updateToggle();
}

QStringList SkillPicker::chosenIds() const
{
    QStringList ids;
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->checkState() == Qt::Checked)
            ids << m_list->item(row)->data(kIdRole).toString();
    }
    return ids;
}

void SkillPicker::choose(const QStringList &ids)
{
    m_filling = true;
    for (int row = 0; row < m_list->count(); ++row)
        m_list->item(row)->setCheckState(ids.contains(m_list->item(row)->data(kIdRole).toString()) ? Qt::Checked : Qt::Unchecked);
    m_filling = false;
    QSettings().setValue(kChosenKey, chosenIds());
    updateToggle();
    Q_EMIT choiceChanged();
}

void SkillPicker::updateToggle()
{
    QStringList names;
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->checkState() == Qt::Checked)
            names << m_list->item(row)->text();
    }
    if (m_list->count() == 0)
        m_toggle->setText(tr("Skills: none offered yet"));
    else if (names.isEmpty())
        m_toggle->setText(tr("Skills: chosen by type"));
    else
        m_toggle->setText(tr("Skills: %1").arg(names.join(QStringLiteral(", "))));
}

} // namespace vesper::ui
