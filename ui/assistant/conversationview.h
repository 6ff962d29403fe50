#pragma once
// The assistant's conversation as the drawer shows it: each message as Markdown under who said it,
// the assistant's suggestions as cards under its message, a message that did not go with its reason
// and Retry / Discard, and the reply streaming in at the end. It follows the bottom while the user
// has not scrolled up. Rebuilt from the stored messages; only the streaming reply updates in place.
#include "client/cache/assistantstore.h"

#include <QScrollArea>

class QLabel;
class QVBoxLayout;

namespace vesper::ui {

class MarkdownView;
class SuggestionCard;

class ConversationView : public QScrollArea {
    Q_OBJECT
public:
    explicit ConversationView(QWidget *parent = nullptr);

    /// Shows messages (oldest first), replacing what is shown; the streaming reply is dropped.
    void setMessages(const QList<client::ConversationMessage> &messages);
    /// Shows textSoFar as the reply arriving (Markdown, re-rendered at most every 50 ms).
    void showStreaming(const QString &textSoFar);
    /// Cards diff against this prompt (the bar's text now).
    void setCurrentPrompt(const QString &prompt);
    /// The cards shown, oldest first.
    QList<SuggestionCard *> cards() const { return m_cards; }
    /// The streaming reply's view (null when none), for tests.
    MarkdownView *streamingView() const { return m_streaming; }

Q_SIGNALS:
    void applyClicked(const vesper::Suggestion &suggestion);
    void insertClicked(const vesper::Suggestion &suggestion);
    void retryClicked(qint64 messageId);
    void discardClicked(qint64 messageId);

private:
    QWidget *messageWidget(const client::ConversationMessage &message);
    QWidget *bubble(const QString &who, const QString &markdown, MarkdownView **view = nullptr);
    void addAtEnd(QWidget *widget);
    void followBottom();

    QWidget *m_column;
    QVBoxLayout *m_layout;
    QLabel *m_empty;
    QList<SuggestionCard *> m_cards;
    MarkdownView *m_streaming = nullptr;
    QWidget *m_streamingBubble = nullptr;
    QString m_prompt;
    bool m_atBottom = true;
};

} // namespace vesper::ui
