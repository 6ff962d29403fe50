#pragma once
// One session's conversation with the assistant, as the drawer uses it: the messages from the cache
// (so it is there offline and after a restart), sending a message with the prompt bar's context on a
// worker thread while the reply streams in, and a message that could not go kept with its reason
// for Retry — never lost. The GUI thread owns it; its signals arrive there.
//
//     AssistantConversation chat(workspace.api(), workspace.assistant(), sessionId);
//     connect(&chat, &AssistantConversation::streamed, view, &View::showPartial);
//     chat.send(text, context, skillIds);
#include "client/cache/assistantstore.h"
#include "client/net/apierror.h"

#include <QObject>
#include <QStringList>
#include <memory>

namespace vesper::client {

class ApiClient;

class AssistantConversation : public QObject {
    Q_OBJECT
public:
    /// api and store must outlive this. Messages a previous run left on their way become Failed.
    AssistantConversation(ApiClient &api, AssistantStore &store, QString sessionId, QObject *parent = nullptr);
    /// Stops a reply still streaming (its result is dropped).
    ~AssistantConversation() override;

    QString sessionId() const { return m_sessionId; }
    /// Oldest first, as stored.
    const QList<ConversationMessage> &messages() const { return m_messages; }
    /// A message is on its way.
    bool isBusy() const { return m_busyId != 0; }
    /// The reply's text so far while it streams in (empty otherwise).
    QString streamingText() const { return m_partial; }
    /// Offline, a message is stored as failed (with why) instead of being sent.
    void setOffline(bool offline) { m_offline = offline; }

    /// Stores text as the user's message and sends it with the conversation so far, the prompt bar's
    /// context and the chosen skills. False (nothing stored) when text is blank, a message is already
    /// on its way, or the cache refuses it (failed() says why).
    bool send(const QString &text, const PromptContext &context, const QStringList &skillIds);
    /// Sends a failed message again (moved to the end of the conversation, its text unchanged).
    bool retry(qint64 messageId, const PromptContext &context, const QStringList &skillIds);
    /// Forgets a failed message; its text, for the input field.
    QString discard(qint64 messageId);
    /// Adds an answer made without the chat (the Enhance button's result) as the assistant's message.
    bool addLocalReply(const QString &content, const QList<Suggestion> &suggestions);
    /// Stops the reply streaming in; the user's message stays, failed, for Retry.
    void stop();
    /// Forgets the whole conversation (not while a message is on its way).
    bool clear(QString *error = nullptr);

Q_SIGNALS:
    /// The stored messages changed (added, sent, failed, removed).
    void messagesChanged();
    /// More of the reply's text arrived; textSoFar is all of it until now.
    void streamed(const QString &textSoFar);
    /// The reply arrived complete and is stored.
    void replied(const vesper::AssistantReply &reply);
    /// Sending failed; the user's message is kept, failed, with error's message as the reason.
    void failed(const vesper::client::ApiError &error);
    void busyChanged(bool busy);

private:
    void reload();
    void start(qint64 messageId, const PromptContext &context, const QStringList &skillIds);
    void finish(qint64 messageId, const ApiResult<AssistantReply> &result);
    void fail(qint64 messageId, const ApiError &error);
    const ConversationMessage *find(qint64 id) const;

    ApiClient &m_api;
    AssistantStore &m_store;
    QString m_sessionId;
    QList<ConversationMessage> m_messages;
    QString m_partial;
    qint64 m_busyId = 0;
    bool m_offline = false;
    struct Relay;
    std::shared_ptr<Relay> m_relay; // how the running call's worker reaches this (and is told to stop)
};

} // namespace vesper::client
