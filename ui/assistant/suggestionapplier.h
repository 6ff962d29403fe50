#pragma once
// What Apply, Insert and Undo do to the prompt bar, and nothing else does: Apply replaces the prompt
// (and the negative prompt and settings the suggestion names) and offers Undo in the banner; Undo
// puts back what Apply or Insert changed; Insert appends the words the suggestion adds to the
// prompt (client::mergeAdditions), never the ones both share a second time. Each prompt change is one
// edit on the bar's own undo stack, so Ctrl+Z in the prompt works too.
#include "domain/assistant.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <optional>

namespace vesper::ui {

class PromptBar;
class UiContext;

class SuggestionApplier : public QObject {
    Q_OBJECT
public:
    SuggestionApplier(UiContext *ctx, PromptBar *bar, QObject *parent = nullptr);

    /// Replaces the prompt with the suggestion's, and takes its negative prompt and settings.
    void apply(const Suggestion &suggestion);
    /// Adds the suggestion's prompt at the end of the bar's (on a new line when there is text).
    void insert(const Suggestion &suggestion);
    /// Puts back the prompt, negative prompt and settings the last Apply replaced; false when none.
    bool undo();
    bool canUndo() const { return m_before.has_value(); }

Q_SIGNALS:
    void applied();
    void undone();

private:
    struct Snapshot {
        QString prompt;
        QString negativePrompt;
        QJsonObject parameters;
    };
    UiContext *m_ctx;
    QPointer<PromptBar> m_bar;
    std::optional<Snapshot> m_before;
};

} // namespace vesper::ui
