#pragma once
// The assistant's conversations in the client cache (migration 0004): one per session, each message
// with its role, text, the suggestions that came with it and whether it was sent — so the drawer
// shows the conversation offline and after a restart, and a message that failed to go is kept for
// Retry. Also the skills the server lists, for the picker when offline. Any thread (its connection).
#include "domain/assistant.h"

#include <QList>
#include <QString>

namespace vesper::client {

class CacheDatabase;

/// One stored message of a conversation.
struct ConversationMessage {
    enum class State { Sent, Sending, Failed };
    qint64 id = 0; // assigned by append
    QString sessionId;
    QString role; // "user" or "assistant"
    QString content;
    QList<Suggestion> suggestions; // an assistant message's; empty for the user's
    State state = State::Sent;
    QString error;       // why a Failed message did not go
    qint64 createdAt = 0; // microseconds since the epoch; append fills it when 0

    ChatMessage chatMessage() const { return {role, content}; }
};

class AssistantStore {
public:
    explicit AssistantStore(CacheDatabase &database);

    /// The session's messages, oldest first (empty with *error on a failed read).
    QList<ConversationMessage> messages(const QString &sessionId, QString *error = nullptr);
    /// Stores a message; its id (> 0), or 0 with *error.
    qint64 append(const ConversationMessage &message, QString *error);
    /// Sets a message's state and the reason it failed (kept for Failed only).
    bool setState(qint64 id, ConversationMessage::State state, const QString &reason, QString *error);
    /// The reply to userMessageId arrived: the user's message becomes Sent and the assistant's is
    /// appended, in one transaction. The new message's id, or 0 with *error.
    qint64 recordReply(qint64 userMessageId, const ConversationMessage &reply, QString *error);
    /// Messages left Sending by a run that ended mid-call become Failed ("interrupted"), so they
    /// offer Retry. Returns how many.
    int failInterrupted(const QString &sessionId, QString *error = nullptr);
    /// Deletes one message (a failed one the user retries or discards).
    bool remove(qint64 id, QString *error);
    /// Forgets a session's conversation.
    bool clearSession(const QString &sessionId, QString *error);

    /// The skills last listed by the server, in its order.
    QList<SkillSummary> skills(QString *error = nullptr);
    /// Replaces the stored skills in one transaction.
    bool saveSkills(const QList<SkillSummary> &skills, QString *error);

private:
    CacheDatabase &m_database;
};

} // namespace vesper::client
