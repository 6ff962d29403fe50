#pragma once
// The assistant drawer (issue 12, DESIGN §7): what will be sent (context chips read from the prompt
// bar at send time), the skills to use, the session's conversation streaming in as Markdown with
// suggestion cards (Apply, Insert, Copy, Undo), Enhance, and the message input. Network calls run
// off the GUI thread; errors go to the banner and inline, with Retry. Offline, the typed message is
// kept. It only proposes: the prompt bar changes when the user applies a suggestion.
#include "domain/assistant.h"

#include <QPointer>
#include <QWidget>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace vesper::client {
class AssistantConversation;
struct ApiError;
} // namespace vesper::client

namespace vesper::ui {

class ContextChips;
class ConversationView;
class PromptBar;
class SkillPicker;
class SuggestionApplier;
class UiContext;

class AssistantDrawer : public QWidget {
    Q_OBJECT
public:
    AssistantDrawer(UiContext *ctx, PromptBar *bar, QWidget *parent = nullptr);
    ~AssistantDrawer() override;

    /// The prompt bar's context now: what the next message carries.
    PromptContext currentContext() const;
    /// Sends the input field's text (Ctrl+Return); false when there is nothing to send or a reply is coming.
    bool sendInput();
    /// Asks for an enhanced prompt and shows it as a suggestion card (the prompt stays as it is).
    void enhance();
    void focusInput();

    /// The open session's conversation (null without a session or workspace).
    client::AssistantConversation *conversation() const { return m_conversation.get(); }
    ConversationView *conversationView() const { return m_view; }
    SuggestionApplier *applier() const { return m_applier; }
    SkillPicker *skillPicker() const { return m_skills; }
    ContextChips *chips() const { return m_chips; }
    QPlainTextEdit *input() const { return m_input; }
    /// The inline error line (empty text when none).
    QString errorText() const;
    /// Whether the drawer says the workspace is offline.
    bool showsOffline() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void workspaceChanged();
    void openSession(const QString &sessionId);
    void refreshContext();
    void refreshMessages();
    void updateOnline();
    void updateButtons();
    void showError(const QString &text, bool retryable);
    void conversationFailed(const client::ApiError &error);
    bool isOffline() const;

    UiContext *m_ctx;
    QPointer<PromptBar> m_bar;
    std::unique_ptr<client::AssistantConversation> m_conversation;
    QLabel *m_offline;
    ContextChips *m_chips;
    SkillPicker *m_skills;
    ConversationView *m_view;
    QLabel *m_error;
    QPushButton *m_errorRetry;
    QPlainTextEdit *m_input;
    QPushButton *m_send;
    QPushButton *m_enhance;
    SuggestionApplier *m_applier;
    bool m_enhancing = false;
    std::function<void()> m_retryAction;
    int m_errorsShown = 0; // showError calls so far: sendInput keeps a note the send itself gave
};

} // namespace vesper::ui
