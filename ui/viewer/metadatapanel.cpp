#include "ui/viewer/metadatapanel.h"

#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>

namespace vesper::ui {

MetadataPanel::MetadataPanel(QWidget *parent) : QWidget(parent)
{
    m_form = new QFormLayout(this);
    m_form->setRowWrapPolicy(QFormLayout::WrapAllRows);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignLeft);
    addField(QStringLiteral("prompt"), tr("Prompt"));
    addField(QStringLiteral("negative"), tr("Negative prompt"));
    addField(QStringLiteral("model"), tr("Model"));
    addField(QStringLiteral("seed"), tr("Seed"));
    addField(QStringLiteral("parameters"), tr("Parameters"));
    addField(QStringLiteral("size"), tr("Image size"));
    addField(QStringLiteral("created"), tr("Created"));
    setMinimumWidth(220);
}

QLabel *MetadataPanel::addField(const QString &name, const QString &title)
{
    auto *label = new QLabel(this);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setTextFormat(Qt::PlainText);
    auto *caption = new QLabel(title, this);
    caption->setForegroundRole(QPalette::PlaceholderText);
    QFont small = caption->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    caption->setFont(small);
    m_form->addRow(caption, label);
    m_fields.insert(name, label);
    return label;
}

void MetadataPanel::showGeneration(const Generation &g, const QString &outputId, const QString &modelName)
{
    const QJsonObject p = g.parameters;
    m_fields.value(QStringLiteral("prompt"))->setText(g.prompt);
    m_fields.value(QStringLiteral("negative"))->setText(g.negativePrompt.isEmpty() ? tr("—") : g.negativePrompt);
    m_fields.value(QStringLiteral("model"))->setText(modelName.isEmpty() ? g.modelId : modelName);
    const QJsonValue seed = p.value(QStringLiteral("seed"));
    m_fields.value(QStringLiteral("seed"))->setText(seed.isDouble() ? QString::number(qint64(seed.toDouble())) : tr("random"));
    const QString resolution = p.value(QStringLiteral("resolution")).isDouble()
        ? QString::number(p.value(QStringLiteral("resolution")).toInt())
        : p.value(QStringLiteral("resolution")).toString();
    const int count = p.value(QStringLiteral("numOutputs")).toInt(1);
    m_fields.value(QStringLiteral("parameters"))->setText(tr("Aspect %1 · resolution %2 · %3")
                                                              .arg(p.value(QStringLiteral("aspectRatio")).toString(QStringLiteral("1:1")), resolution,
                                                                   count == 1 ? tr("1 image") : tr("%1 images").arg(count)));
    QString size = tr("unknown");
    qint64 createdAt = g.createdAt;
    if (g.outputs) {
        for (const Output &o : *g.outputs) {
            if (o.id != outputId)
                continue;
            if (o.width && o.height)
                size = tr("%1 × %2 px").arg(*o.width).arg(*o.height);
            createdAt = o.createdAt ? o.createdAt : createdAt;
        }
    }
    m_fields.value(QStringLiteral("size"))->setText(size);
    const QDateTime created = QDateTime::fromMSecsSinceEpoch(createdAt / 1000, Qt::UTC).toLocalTime();
    m_fields.value(QStringLiteral("created"))->setText(QLocale().toString(created, QLocale::ShortFormat));
}

void MetadataPanel::clear()
{
    for (QLabel *label : std::as_const(m_fields))
        label->clear();
}

QString MetadataPanel::field(const QString &name) const
{
    const QLabel *label = m_fields.value(name);
    return label ? label->text() : QString();
}

} // namespace vesper::ui
