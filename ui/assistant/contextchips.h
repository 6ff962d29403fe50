#pragma once
// What the assistant will be sent with the next message, shown as chips above the conversation:
// the model, the generation type and the prompt in the bar (elided; the whole of it on hover), and
// the reference count when there are some. Read from the same PromptContext the message carries.
#include "domain/assistant.h"

#include <QWidget>

class QLabel;

namespace vesper::ui {

class ContextChips : public QWidget {
    Q_OBJECT
public:
    explicit ContextChips(QWidget *parent = nullptr);

    /// Shows context; modelName is the model's display name (its id when empty).
    void setContext(const PromptContext &context, const QString &modelName);
    QString modelText() const;
    QString typeText() const;
    /// The prompt as sent (not elided).
    QString promptText() const { return m_prompt; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void elidePrompt();
    QLabel *m_model;
    QLabel *m_type;
    QLabel *m_references;
    QLabel *m_promptChip;
    QString m_prompt;
};

} // namespace vesper::ui
