#pragma once
// The OpenAI-compatible adapter's fallback for servers that ignore tools (many local ones): the model
// is asked to end its reply with one fenced ```json block of the suggest_prompts schema, and only THAT
// final block is read (through the domain codec), never the prose. While text streams, anything from
// a ```json fence on is held back so the user does not watch raw JSON scroll by.
#include "domain/assistant.h"

#include <QList>
#include <QString>
#include <optional>

namespace vesper::backend {

class FencedSuggestions {
public:
    /// Takes the next piece of text; returns what may be shown now (may be empty).
    QString accept(const QString &delta);

    struct Outcome {
        QString tail;       // text held back that should still be shown (the block itself excluded)
        QString content;    // the whole reply without the suggestions block
        std::optional<QList<Suggestion>> suggestions; // set when the final block held valid suggestions
    };
    /// The reply has ended: reads its final ```json block.
    Outcome finish() const;

private:
    QString m_text;
    qsizetype m_shown = 0;
    bool m_fenceSeen = false;
};

} // namespace vesper::backend
