#include "ui/assistant/suggestionapplier.h"

#include "client/assistant/worddiff.h"
#include "ui/app/uicontext.h"
#include "ui/prompt/promptbar.h"

namespace vesper::ui {

SuggestionApplier::SuggestionApplier(UiContext *ctx, PromptBar *bar, QObject *parent)
    : QObject(parent)
    , m_ctx(ctx)
    , m_bar(bar)
{
}

void SuggestionApplier::apply(const Suggestion &suggestion)
{
    if (!m_bar)
        return;
    m_before = Snapshot{m_bar->prompt(), m_bar->negativePrompt(), m_bar->parameters()};
    m_bar->setPrompt(suggestion.prompt);
    if (suggestion.negativePrompt)
        m_bar->setNegativePrompt(*suggestion.negativePrompt);
    const QStringList refused = suggestion.parameters.isEmpty() ? QStringList() : m_bar->applyParameters(suggestion.parameters);
    const QString text = refused.isEmpty()
        ? tr("The suggestion is in the prompt bar.")
        : tr("The suggestion is in the prompt bar; %1 stayed as it was (not offered by this model).").arg(refused.join(QStringLiteral(", ")));
    m_ctx->reportWithAction(refused.isEmpty() ? UiContext::Severity::Info : UiContext::Severity::Warning, text, tr("Undo"), [this] { undo(); });
    Q_EMIT applied();
}

void SuggestionApplier::insert(const Suggestion &suggestion)
{
    if (!m_bar)
        return;
    // Only what the suggestion adds: a rewrite of the prompt appended whole would say it all twice.
    const QString current = m_bar->prompt();
    const QString merged = client::mergeAdditions(current, suggestion.prompt);
    if (merged == current) {
        m_ctx->report(UiContext::Severity::Info, tr("The prompt already says everything this suggestion adds."));
        return;
    }
    m_before = Snapshot{current, m_bar->negativePrompt(), m_bar->parameters()};
    m_bar->setPrompt(merged);
    m_ctx->reportWithAction(UiContext::Severity::Info, tr("The suggestion's new words are in the prompt bar."), tr("Undo"), [this] { undo(); });
    Q_EMIT applied();
}

bool SuggestionApplier::undo()
{
    if (!m_bar || !m_before)
        return false;
    const Snapshot before = *m_before;
    m_before.reset();
    m_bar->applyParameters(before.parameters);
    m_bar->setNegativePrompt(before.negativePrompt);
    m_bar->setPrompt(before.prompt);
    Q_EMIT undone();
    return true;
}

} // namespace vesper::ui
