#pragma once
// The prompt bar's model choice: every model the server offers with its cost per image ("free" at
// 0); the ones that cannot run now are greyed out, and their tooltip says why and where to fix it,
// rather than being hidden (a user looking for a model should learn it needs a provider set up).
// Where to fix it depends on whose server it is: the local library's Settings ▸ Providers, or a team
// server's administrator.
#include "domain/modelinfo.h"

#include <QComboBox>
#include <optional>

namespace vesper::ui {

class ModelPicker : public QComboBox {
    Q_OBJECT
public:
    explicit ModelPicker(QWidget *parent = nullptr);

    /// Replaces the list, keeping the chosen model when it is still offered. No-op when unchanged.
    void setModels(const QList<ModelInfo> &models);
    QList<ModelInfo> models() const { return m_models; }
    /// Chooses a model by id (unavailable ones too, e.g. from "reuse all settings"); false when unknown.
    bool selectModel(const QString &modelId);
    QString currentModelId() const;
    std::optional<ModelInfo> currentModel() const;
    /// "free" or "N credits per image".
    static QString costText(qint64 cost);
    /// Whether the models come from a team server (their providers are its administrator's to set
    /// up) rather than the local library (Settings ▸ Providers). Updates the tooltips.
    void setOnTeamServer(bool team);
    bool isOnTeamServer() const { return m_teamServer; }
    /// Why a model cannot be used now, and who can change that.
    static QString unavailableReason(const ModelInfo &model, bool onTeamServer);

Q_SIGNALS:
    void modelChanged(const QString &modelId);

private:
    void updateToolTips();
    QList<ModelInfo> m_models;
    bool m_teamServer = false;
};

} // namespace vesper::ui
