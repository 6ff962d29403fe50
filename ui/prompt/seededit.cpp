#include "ui/prompt/seededit.h"

#include <QHBoxLayout>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QToolButton>

namespace vesper::ui {

SeedEdit::SeedEdit(QWidget *parent) : QWidget(parent)
{
    m_spin = new QSpinBox(this);
    m_spin->setRange(-1, 2147483647);
    m_spin->setSpecialValueText(tr("random"));
    m_spin->setValue(-1);
    m_spin->setToolTip(tr("Seed: the same seed, prompt and settings paint the same image; \"random\" lets the server pick one"));
    m_spin->setMinimumWidth(m_spin->fontMetrics().horizontalAdvance(QStringLiteral("2147483647")) + 30);
    m_reroll = new QToolButton(this);
    m_reroll->setText(QStringLiteral("⟳"));
    m_reroll->setToolTip(tr("New random seed"));
    m_reroll->setAutoRaise(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_spin);
    layout->addWidget(m_reroll);
    connect(m_reroll, &QToolButton::clicked, this, &SeedEdit::reroll);
}

std::optional<qint64> SeedEdit::seed() const
{
    return m_spin->value() < 0 ? std::nullopt : std::optional<qint64>(m_spin->value());
}

void SeedEdit::setSeed(std::optional<qint64> seed)
{
    m_spin->setValue(seed ? int(std::clamp<qint64>(*seed, 0, m_spin->maximum())) : -1);
}

void SeedEdit::reroll()
{
    m_spin->setValue(int(QRandomGenerator::global()->bounded(m_spin->maximum())));
}

} // namespace vesper::ui
