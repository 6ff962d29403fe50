#include "client/assistant/assistantconversation.h"
#include "client/clientlogging.h"
#include "client/net/apiclient.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QMutex>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>

namespace vesper::client {

/// Shared by the conversation and its worker: the worker posts deltas only while the conversation
/// lives (the destructor clears target under the lock), and stops when cancelled is set.
struct AssistantConversation::Relay {
    QMutex mutex;
    AssistantConversation *target = nullptr;
    std::atomic<bool> cancelled{false};
};

namespace {
ApiError problem(ApiError::Kind kind, const QString &message)
{
    ApiError error;
    error.kind = kind;
    error.message = message;
    return error;
}

/// What the server is sent: the sent messages and the new one, oldest first; the conversation
/// starts with the user and consecutive messages of one role are joined (an Enhance result after a
/// reply), as chat APIs that want alternating turns expect.
QList<ChatMessage> historyFor(const QList<ConversationMessage> &stored, qint64 newId)
{
    QList<ChatMessage> out;
    for (const ConversationMessage &m : stored) {
        if (m.id != newId && m.state != ConversationMessage::State::Sent)
            continue;
        if (out.isEmpty() && m.role != QLatin1String("user"))
            continue;
        if (!out.isEmpty() && out.last().role == m.role)
            out.last().content += QStringLiteral("\n\n") + m.content;
        else
            out.append(m.chatMessage());
    }
    return out;
}
} // namespace

AssistantConversation::AssistantConversation(ApiClient &api, AssistantStore &store, QString sessionId, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_store(store)
    , m_sessionId(std::move(sessionId))
{
    m_store.failInterrupted(m_sessionId);
    reload();
}

AssistantConversation::~AssistantConversation()
{
    if (m_relay) {
        const QMutexLocker lock(&m_relay->mutex);
        m_relay->target = nullptr;
        m_relay->cancelled = true;
    }
}

void AssistantConversation::reload()
{
    QString error;
    const QList<ConversationMessage> loaded = m_store.messages(m_sessionId, &error);
    if (!error.isEmpty())
        qCWarning(lcClientAssistant).noquote() << "conversation not read:" << error;
    else
        m_messages = loaded;
    Q_EMIT messagesChanged();
}

const ConversationMessage *AssistantConversation::find(qint64 id) const
{
    for (const ConversationMessage &m : m_messages) {
        if (m.id == id)
            return &m;
    }
    return nullptr;
}

bool AssistantConversation::send(const QString &text, const PromptContext &context, const QStringList &skillIds)
{
    if (text.trimmed().isEmpty() || isBusy())
        return false;
    ConversationMessage message;
    message.sessionId = m_sessionId;
    message.role = QStringLiteral("user");
    message.content = text.trimmed();
    message.state = m_offline ? ConversationMessage::State::Failed : ConversationMessage::State::Sending;
    const ApiError offline = problem(ApiError::Kind::Offline, tr("You are offline: the message is kept here; Retry sends it once you are online."));
    message.error = offline.message;
    QString error;
    const qint64 id = m_store.append(message, &error);
    if (id == 0) {
        Q_EMIT failed(problem(ApiError::Kind::BadResponse, tr("The message could not be kept: %1").arg(error)));
        return false;
    }
    reload();
    if (m_offline) {
        Q_EMIT failed(offline);
        return true;
    }
    start(id, context, skillIds);
    return true;
}

bool AssistantConversation::retry(qint64 messageId, const PromptContext &context, const QStringList &skillIds)
{
    const ConversationMessage *message = find(messageId);
    if (!message || message->state != ConversationMessage::State::Failed || isBusy())
        return false;
    const QString text = message->content;
    QString error;
    if (!m_store.remove(messageId, &error)) {
        Q_EMIT failed(problem(ApiError::Kind::BadResponse, tr("The message could not be resent: %1").arg(error)));
        return false;
    }
    return send(text, context, skillIds);
}

QString AssistantConversation::discard(qint64 messageId)
{
    const ConversationMessage *message = find(messageId);
    if (!message || message->state != ConversationMessage::State::Failed)
        return {};
    const QString text = message->content;
    QString error;
    if (!m_store.remove(messageId, &error))
        return {};
    reload();
    return text;
}

bool AssistantConversation::addLocalReply(const QString &content, const QList<Suggestion> &suggestions)
{
    ConversationMessage message;
    message.sessionId = m_sessionId;
    message.role = QStringLiteral("assistant");
    message.content = content;
    message.suggestions = suggestions;
    QString error;
    if (m_store.append(message, &error) == 0) {
        qCWarning(lcClientAssistant).noquote() << "reply not kept:" << error;
        return false;
    }
    reload();
    return true;
}

void AssistantConversation::stop()
{
    if (!m_relay || !isBusy())
        return;
    m_relay->cancelled = true;
}

bool AssistantConversation::clear(QString *error)
{
    if (isBusy())
        return false;
    if (!m_store.clearSession(m_sessionId, error))
        return false;
    reload();
    return true;
}

void AssistantConversation::start(qint64 messageId, const PromptContext &context, const QStringList &skillIds)
{
    if (m_relay) {
        const QMutexLocker lock(&m_relay->mutex);
        m_relay->target = nullptr; // a previous worker finishing late reports nowhere
    }
    m_relay = std::make_shared<Relay>();
    m_relay->target = this;
    m_busyId = messageId;
    m_partial.clear();
    Q_EMIT busyChanged(true);

    const QList<ChatMessage> history = historyFor(m_messages, messageId);
    ApiClient *api = &m_api;
    std::shared_ptr<Relay> relay = m_relay;
    auto *watcher = new QFutureWatcher<ApiResult<AssistantReply>>(this);
    connect(watcher, &QFutureWatcher<ApiResult<AssistantReply>>::finished, this, [this, watcher, messageId] {
        watcher->deleteLater();
        finish(messageId, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([api, relay, history, context, skillIds, messageId] {
        QElapsedTimer timer;
        timer.start();
        const auto onDelta = [&relay, messageId](const QString &delta) {
            const QMutexLocker lock(&relay->mutex);
            if (AssistantConversation *target = relay->target) {
                QMetaObject::invokeMethod(target, [target, delta, messageId] {
                    if (target->m_busyId != messageId)
                        return;
                    target->m_partial += delta;
                    Q_EMIT target->streamed(target->m_partial);
                }, Qt::QueuedConnection);
            }
        };
        ApiResult<AssistantReply> result = api->chatStreamed(history, context, skillIds, onDelta, [&relay] { return relay->cancelled.load(); });
        qCDebug(lcClientAssistant) << "chat:" << history.size() << "messages," << result.value.suggestions.size()
                                   << "suggestions in" << timer.elapsed() << "ms" << (result.ok() ? "" : "(failed)");
        return result;
    }));
}

void AssistantConversation::finish(qint64 messageId, const ApiResult<AssistantReply> &result)
{
    if (m_busyId != messageId)
        return;
    m_busyId = 0;
    m_partial.clear();
    if (!result.ok()) {
        ApiError error = result.error;
        if (error.kind == ApiError::Kind::Cancelled)
            error.message = tr("Stopped: the message is kept; Retry sends it again.");
        fail(messageId, error);
    } else {
        ConversationMessage reply;
        reply.sessionId = m_sessionId;
        reply.role = QStringLiteral("assistant");
        reply.content = result.value.message.content;
        reply.suggestions = result.value.suggestions;
        QString error;
        if (m_store.recordReply(messageId, reply, &error) == 0)
            qCWarning(lcClientAssistant).noquote() << "reply not kept:" << error;
        reload();
        Q_EMIT replied(result.value);
    }
    Q_EMIT busyChanged(false);
}

void AssistantConversation::fail(qint64 messageId, const ApiError &error)
{
    QString why;
    if (!m_store.setState(messageId, ConversationMessage::State::Failed, error.message, &why))
        qCWarning(lcClientAssistant).noquote() << "failure not kept:" << why;
    reload();
    Q_EMIT failed(error);
}

} // namespace vesper::client
