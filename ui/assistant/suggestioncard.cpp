#include "ui/assistant/suggestioncard.h"

#include "client/assistant/worddiff.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QJsonValue>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace vesper::ui {

namespace {
/// The settings a suggestion brings, in one line: "16:9 · 1024 · ×2 · seed 42".
QString parametersLine(const QJsonObject &p)
{
    QStringList parts;
    const auto text = [](const QJsonValue &v) { return v.isDouble() ? QString::number(qint64(v.toDouble())) : v.toString(); };
    if (p.contains(QStringLiteral("modelId")))
        parts << text(p.value(QStringLiteral("modelId")));
    if (p.contains(QStringLiteral("aspectRatio")))
        parts << text(p.value(QStringLiteral("aspectRatio")));
    if (p.contains(QStringLiteral("resolution")))
        parts << text(p.value(QStringLiteral("resolution")));
    if (p.contains(QStringLiteral("numOutputs")))
        parts << QStringLiteral("×") + text(p.value(QStringLiteral("numOutputs")));
    if (p.contains(QStringLiteral("seed")))
        parts << (p.value(QStringLiteral("seed")).isDouble() ? QObject::tr("seed %1").arg(text(p.value(QStringLiteral("seed")))) : QObject::tr("random seed"));
    return parts.join(QStringLiteral(" · "));
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}
} // namespace

SuggestionCard::SuggestionCard(const Suggestion &suggestion, QWidget *parent)
    : QFrame(parent)
    , m_suggestion(suggestion)
{
    setObjectName(QStringLiteral("suggestionCard"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(6);
    if (!suggestion.rationale.isEmpty())
        layout->addWidget(mutedLabel(suggestion.rationale, this));
    m_diff = new QLabel(this);
    m_diff->setObjectName(QStringLiteral("suggestionDiff"));
    m_diff->setWordWrap(true);
    m_diff->setTextFormat(Qt::RichText);
    m_diff->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_diff);
    if (suggestion.negativePrompt && !suggestion.negativePrompt->isEmpty())
        layout->addWidget(mutedLabel(tr("Negative: %1").arg(*suggestion.negativePrompt), this));
    if (const QString line = parametersLine(suggestion.parameters); !line.isEmpty())
        layout->addWidget(mutedLabel(tr("Settings: %1").arg(line), this));

    m_apply = new QPushButton(tr("Apply"), this);
    m_apply->setToolTip(tr("Replace the prompt (and the settings it names) with this suggestion; Undo brings the old one back"));
    m_insert = new QPushButton(tr("Insert"), this);
    m_insert->setToolTip(tr("Add the words this suggestion adds to your prompt, keeping yours"));
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setToolTip(tr("Copy this prompt to the clipboard"));
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    buttons->addWidget(m_apply);
    buttons->addWidget(m_insert);
    buttons->addWidget(m_copy);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_apply, &QPushButton::clicked, this, [this] { Q_EMIT applyClicked(m_suggestion); });
    connect(m_insert, &QPushButton::clicked, this, [this] { Q_EMIT insertClicked(m_suggestion); });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_suggestion.prompt);
        m_copy->setText(tr("Copied"));
    });
    setCurrentPrompt({});
}

void SuggestionCard::setCurrentPrompt(const QString &prompt)
{
    if (!m_diff->text().isEmpty() && prompt == m_shownAgainst)
        return;
    m_shownAgainst = prompt;
    m_diff->setText(diffToHtml(prompt, m_suggestion.prompt, palette()));
    const bool same = prompt.trimmed() == m_suggestion.prompt.trimmed();
    m_apply->setToolTip(same ? tr("The prompt already reads like this") : tr("Replace the prompt (and the settings it names) with this suggestion; Undo brings the old one back"));
}

QString SuggestionCard::diffHtml() const
{
    return m_diff->text();
}

QString SuggestionCard::diffToHtml(const QString &before, const QString &after, const QPalette &palette)
{
    // The accent at low strength marks what is new; removed words are struck and dimmed. Both read
    // on light and dark palettes since they are mixed from the palette's own colours.
    const QColor accent = palette.color(QPalette::Highlight);
    const QColor base = palette.color(QPalette::Base);
    const auto mix = [&](int a, int b) { return int(a * 0.35 + b * 0.65); };
    const QColor added(mix(accent.red(), base.red()), mix(accent.green(), base.green()), mix(accent.blue(), base.blue()));
    const QColor removed = palette.color(QPalette::PlaceholderText);
    const QString addedStyle = QStringLiteral("background-color: %1;").arg(added.name());
    QString html;
    for (const client::DiffSegment &segment : client::diffPrompts(before, after)) {
        const QString text = segment.text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
        switch (segment.kind) {
        case client::DiffSegment::Kind::Same:
            html += text;
            break;
        case client::DiffSegment::Kind::Added:
            html += QStringLiteral("<span style=\"%1\">%2</span>").arg(addedStyle, text);
            break;
        case client::DiffSegment::Kind::Removed:
            html += QStringLiteral("<s style=\"color: %1;\">%2</s>").arg(removed.name(), text);
            break;
        }
    }
    return html;
}

} // namespace vesper::ui
