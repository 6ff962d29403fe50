#include "ui/assistant/contextchips.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QVBoxLayout>

namespace vesper::ui {

namespace {
QLabel *chip(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText);
    // A rounded chip in the palette's own colours (light and dark alike).
    label->setStyleSheet(QStringLiteral("QLabel { border: 1px solid palette(mid); border-radius: 9px; padding: 1px 8px; }"));
    return label;
}
} // namespace

ContextChips::ContextChips(QWidget *parent) : QWidget(parent)
{
    m_model = chip(this, QStringLiteral("modelChip"));
    m_type = chip(this, QStringLiteral("typeChip"));
    m_references = chip(this, QStringLiteral("referencesChip"));
    m_promptChip = chip(this, QStringLiteral("promptChip"));
    m_promptChip->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    row->addWidget(m_model);
    row->addWidget(m_type);
    row->addWidget(m_references);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(row);
    layout->addWidget(m_promptChip);
    setToolTip(tr("Sent with your next message: the prompt in the bar, its model and type"));
}

void ContextChips::setContext(const PromptContext &context, const QString &modelName)
{
    m_model->setText(context.modelId.isEmpty() ? tr("no model") : (modelName.isEmpty() ? context.modelId : modelName));
    m_type->setText(context.generationType == QLatin1String("video") ? tr("video") : tr("image"));
    m_references->setText(tr("%n reference(s)", nullptr, context.referenceCount));
    m_references->setVisible(context.referenceCount > 0);
    m_prompt = context.currentPrompt;
    m_promptChip->setToolTip(m_prompt.isEmpty() ? QString() : m_prompt);
    elidePrompt();
}

QString ContextChips::modelText() const
{
    return m_model->text();
}

QString ContextChips::typeText() const
{
    return m_type->text();
}

void ContextChips::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    elidePrompt();
}

void ContextChips::elidePrompt()
{
    const QString simplified = m_prompt.simplified();
    if (simplified.isEmpty()) {
        m_promptChip->setText(tr("empty prompt"));
        return;
    }
    const int room = qMax(40, width() - 24);
    m_promptChip->setText(m_promptChip->fontMetrics().elidedText(QStringLiteral("“%1”").arg(simplified), Qt::ElideRight, room));
}

} // namespace vesper::ui
