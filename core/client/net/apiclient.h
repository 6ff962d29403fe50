#pragma once
// Typed, blocking calls over the whole Vesper API (DESIGN §4) with errors as values: the domain
// types come back decoded by their codecs, a malformed or mistyped answer is a BadResponse (never a
// crash), the server's {error, code} becomes an ApiError, and a 401 triggers one shared token
// refresh and one retry. Thread-safe; call it from worker threads.
#include "client/net/apierror.h"
#include "client/net/apitypes.h"
#include "client/net/httpclient.h"
#include "client/net/tokensource.h"
#include "domain/assistant.h"
#include "domain/generation.h"
#include "domain/member.h"
#include "domain/modelinfo.h"
#include "domain/output.h"
#include "domain/project.h"
#include "domain/session.h"

#include <QJsonArray>
#include <QJsonObject>
#include <functional>
#include <memory>

namespace vesper::client {

class ApiClient {
public:
    /// baseUrl like "http://127.0.0.1:8787" (no trailing slash needed); http must outlive this.
    ApiClient(HttpClient *http, QString baseUrl);

    /// The session to take tokens from (not owned; must outlive this). Replaces a fixed token.
    void setTokenSource(TokenSource *source);
    /// A token that never changes (embedded backend).
    void setFixedToken(const QString &token);
    QString baseUrl() const { return m_baseUrl; }
    HttpClient *http() const { return m_http; }
    /// Per-call timeout in seconds (default 30).
    void setTimeoutSeconds(int seconds) { m_timeoutSeconds = seconds; }

    // Generic
    /// Any JSON call (outbox replays): the answer's object ({} for 204). headers go as given; the call
    /// counts as idempotent for GET/PUT/DELETE, PATCH with If-Match, and anything with Idempotency-Key.
    ApiResult<QJsonObject> send(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                                const HttpHeaders &headers = {});
    ApiResult<QJsonObject> bootstrap();
    /// One page of the changes feed, raw; since is opaque ("0" to start).
    ApiResult<QJsonObject> changes(const QString &since, int limit = 1000);
    /// GET /api/changes/stream from `since` (sent as Last-Event-ID), blocking until the stream ends:
    /// its bytes go to onChunk as they arrive. A 401 refreshes the token once and reconnects. The
    /// error is Http 404 when the server has no stream (poll instead).
    ApiResult<HttpResponse> changeStream(const QString &since, const std::function<bool(QByteArrayView chunk)> &onChunk,
                                         const std::function<bool()> &cancelled, int readIdleSeconds = 45);
    ApiResult<QList<ModelInfo>> models();

    // Projects
    ApiResult<Page<Project>> projects(int limit = 20, const QString &cursor = {}, const QString &scope = QStringLiteral("all"));
    ApiResult<Project> project(const QString &id, bool includeSessions = false);
    ApiResult<Project> createProject(const QString &name, const QString &description = {}, bool isShared = false,
                                     const WriteGuards &guards = {});
    /// changes: any of name, description, isShared.
    ApiResult<Project> updateProject(const QString &id, const QJsonObject &changes, const WriteGuards &guards = {});
    ApiResult<bool> deleteProject(const QString &id, const WriteGuards &guards = {});
    ApiResult<Page<Output>> projectImages(const QString &projectId, int limit = 40, const QString &cursor = {});

    // Members
    ApiResult<QList<Member>> members(const QString &projectId);
    /// role "viewer" or "editor"; by email. The server answers with an invitation ({id, projectId,
    /// role, status: "pending"}), the same whether or not the email has an account: the person
    /// becomes a member when they accept.
    ApiResult<QJsonObject> addMember(const QString &projectId, const QString &email, const QString &role, const WriteGuards &guards = {});
    /// Invitations to the caller: [{id, projectId, projectName, role, invitedBy{displayName}, createdAt}].
    ApiResult<QJsonArray> invitations();
    /// A project's unanswered invitations, for its owner: [{id, role, createdAt, email | userId}].
    ApiResult<QJsonArray> projectInvitations(const QString &projectId);
    /// The owner takes back an unanswered invitation.
    ApiResult<bool> withdrawInvitation(const QString &projectId, const QString &invitationId);
    /// Accepts an invitation: the project joins the caller's lists (the next sync brings it).
    ApiResult<QJsonObject> acceptInvitation(const QString &invitationId);
    ApiResult<bool> declineInvitation(const QString &invitationId);
    ApiResult<bool> removeMember(const QString &projectId, const QString &userId, const WriteGuards &guards = {});

    // Sessions
    ApiResult<QList<Session>> sessions(const QString &projectId);
    ApiResult<Session> createSession(const QString &projectId, const QString &name, bool isPrivate = false,
                                     const QString &type = QStringLiteral("image"), const WriteGuards &guards = {});
    /// changes: any of name, isPrivate.
    ApiResult<Session> updateSession(const QString &id, const QJsonObject &changes, const WriteGuards &guards = {});
    ApiResult<bool> deleteSession(const QString &id, const WriteGuards &guards = {});

    // Generations
    ApiResult<Page<Generation>> generations(const QString &sessionId, int limit = 20, const QString &cursor = {});
    ApiResult<GenerateReply> generate(const GenerateParams &params);
    /// POST /api/generations/status for up to 100 ids.
    ApiResult<QList<Generation>> generationStatus(const QStringList &ids);
    ApiResult<Generation> generation(const QString &id);
    ApiResult<Generation> cancelGeneration(const QString &id);
    ApiResult<bool> deleteGeneration(const QString &id, const WriteGuards &guards = {});

    // Outputs and files
    ApiResult<Output> setStarred(const QString &outputId, bool starred, const WriteGuards &guards = {});
    ApiResult<bool> deleteOutput(const QString &outputId, const WriteGuards &guards = {});
    /// variant "thumb" or "full"; ifNoneMatch (an ETag) answers notModified without bytes.
    ApiResult<FileBytes> downloadFile(const QString &outputId, const QString &variant = QStringLiteral("thumb"),
                                      const QByteArray &ifNoneMatch = {});
    ApiResult<FileBytes> downloadUpload(const QString &uploadId, const QString &variant = QStringLiteral("thumb"));
    /// A reference image (PNG/JPEG/WebP bytes); the answer's {id, mime, bytes, width, height, sha256, createdAt}.
    ApiResult<QJsonObject> upload(const QByteArray &image, const QByteArray &contentType, const WriteGuards &guards = {});

    // Assistant (DESIGN §7; apiclientassistant.cpp)
    /// GET /api/skills: the skills this server offers (shipped and the user's), by id.
    ApiResult<QList<SkillSummary>> skills();
    /// POST /api/prompts/enhance: the offline coach's fuller prompt and its changes, one line each.
    /// skillIds empty: the server picks the skills that apply to the model's generation type.
    ApiResult<EnhanceResult> enhancePrompt(const QString &prompt, const QString &modelId, const QStringList &skillIds = {});
    /// POST /api/assistant/chat as JSON: the conversation so far (the user's new message last), the
    /// prompt bar's context and the chosen skills; the whole reply at once. Never retried (not idempotent).
    ApiResult<AssistantReply> chat(const QList<ChatMessage> &messages, const PromptContext &context,
                                   const QStringList &skillIds = {});
    /// The same call asking for text/event-stream: onDelta gets each piece of the reply's text as it
    /// arrives (on the calling thread), and the complete reply comes back at the end. A server that
    /// answers JSON instead is read as chat() does (onDelta then gets the whole text once). cancelled
    /// is polled while bytes move; true ends the call with ApiError::Kind::Cancelled.
    ApiResult<AssistantReply> chatStreamed(const QList<ChatMessage> &messages, const PromptContext &context,
                                           const QStringList &skillIds, const std::function<void(const QString &delta)> &onDelta,
                                           const std::function<bool()> &cancelled = {});

private:
    /// One authorised call with the 401 → refresh → retry rule; the raw response or an error. With
    /// onChunk, a streamed call (HttpClient::stream): a 2xx body goes to onChunk, not the response.
    ApiResult<HttpResponse> exchange(HttpRequest request, const std::function<bool(QByteArrayView)> &onChunk = {});
    ApiResult<QJsonObject> jsonCall(const QByteArray &method, const QString &path, const QJsonObject &body,
                                    const WriteGuards &guards, bool hasBody);
    ApiResult<FileBytes> download(const QString &path, const QByteArray &ifNoneMatch);
    /// The "data" array of a list answer.
    static ApiResult<QJsonArray> dataList(const ApiResult<QJsonObject> &answer);
    QString url(const QString &path) const;

    HttpClient *m_http;
    QString m_baseUrl;
    TokenSource *m_tokens = nullptr;
    std::shared_ptr<FixedTokenSource> m_fixed;
    int m_timeoutSeconds = 30;
};

} // namespace vesper::client
