#pragma once
// What the viewer says about the picture beside it: prompt, negative prompt, model, seed, the
// parameters, the image's size and when it was made (local time). Selectable text, so a prompt can
// be copied piecewise.
#include "domain/generation.h"

#include <QWidget>

class QFormLayout;
class QLabel;

namespace vesper::ui {

class MetadataPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetadataPanel(QWidget *parent = nullptr);

    /// Shows generation g's details for its output outputId; modelName names g.modelId (empty: the id).
    void showGeneration(const Generation &g, const QString &outputId, const QString &modelName);
    void clear();
    /// The text shown for a field ("prompt", "negative", "model", "seed", "parameters", "size",
    /// "created"), for tests.
    QString field(const QString &name) const;

private:
    QLabel *addField(const QString &name, const QString &title);
    QFormLayout *m_form;
    QHash<QString, QLabel *> m_fields;
};

} // namespace vesper::ui
