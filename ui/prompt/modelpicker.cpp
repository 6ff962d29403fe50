#include "ui/prompt/modelpicker.h"

#include <QStandardItemModel>

namespace vesper::ui {

ModelPicker::ModelPicker(QWidget *parent) : QComboBox(parent)
{
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setToolTip(tr("Model"));
    connect(this, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT modelChanged(currentModelId()); });
}

QString ModelPicker::costText(qint64 cost)
{
    if (cost <= 0)
        return tr("free");
    return cost == 1 ? tr("1 credit per image") : tr("%1 credits per image").arg(cost);
}

QString ModelPicker::unavailableReason(const ModelInfo &model, bool onTeamServer)
{
    // Settings ▸ Providers sets up the embedded backend only: on a team server it changes nothing.
    if (onTeamServer)
        return tr("%1 is unavailable: the server's administrator has not configured its provider, or the provider is failing.").arg(model.name);
    return tr("%1 is unavailable: its provider is not configured or is failing; see Settings ▸ Providers.").arg(model.name);
}

void ModelPicker::setOnTeamServer(bool team)
{
    if (team == m_teamServer)
        return;
    m_teamServer = team;
    updateToolTips();
}

void ModelPicker::updateToolTips()
{
    auto *items = qobject_cast<QStandardItemModel *>(model());
    for (int i = 0; items && i < m_models.size() && i < count(); ++i) {
        const ModelInfo &info = m_models.at(i);
        if (QStandardItem *item = items->item(i))
            item->setToolTip(info.available ? info.description : unavailableReason(info, m_teamServer));
    }
}

void ModelPicker::setModels(const QList<ModelInfo> &models)
{
    if (models == m_models)
        return;
    const QString chosen = currentModelId();
    m_models = models;
    QSignalBlocker blocker(this);
    clear();
    auto *items = qobject_cast<QStandardItemModel *>(model());
    for (const ModelInfo &info : models) {
        addItem(tr("%1 — %2").arg(info.name, costText(info.cost)), info.id);
        QStandardItem *item = items ? items->item(count() - 1) : nullptr;
        if (!item)
            continue;
        if (!info.available)
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    updateToolTips();
    int index = findData(chosen);
    if (index < 0) { // the first model that can run
        for (int i = 0; i < m_models.size() && index < 0; ++i)
            index = m_models.at(i).available ? i : -1;
    }
    setCurrentIndex(index >= 0 ? index : (count() > 0 ? 0 : -1));
    blocker.unblock();
    if (currentModelId() != chosen)
        Q_EMIT modelChanged(currentModelId());
}

bool ModelPicker::selectModel(const QString &modelId)
{
    const int index = findData(modelId);
    if (index < 0)
        return false;
    setCurrentIndex(index);
    return true;
}

QString ModelPicker::currentModelId() const
{
    return currentData().toString();
}

std::optional<ModelInfo> ModelPicker::currentModel() const
{
    const int index = currentIndex();
    if (index < 0 || index >= m_models.size())
        return std::nullopt;
    return m_models.at(index);
}

} // namespace vesper::ui
