// ApiClient's typed calls, one per route of DESIGN §4; the plumbing (tokens, retries, JSON) is in
// apiclient.cpp.
#include "client/net/apiclient.h"
#include "client/net/apidecode.h"
#include "common/uuid.h"

#include <QUrl>

namespace vesper::client {
namespace {
QString enc(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

ApiResult<bool> done(const ApiResult<QJsonObject> &answer)
{
    return ApiResult<bool>{answer.ok(), answer.error};
}

/// A required string field of a reply object, or a BadResponse naming it.
bool readString(const QJsonObject &object, const char *key, QString *out, ApiError *error)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (!value.isString()) {
        *error = ApiError::badResponse(QStringLiteral("%1: expected a string").arg(QLatin1String(key)));
        return false;
    }
    *out = value.toString();
    return true;
}

std::optional<qint64> optionalWhole(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    return value.isDouble() ? std::optional<qint64>(qint64(value.toDouble())) : std::nullopt;
}
} // namespace

QJsonObject GenerateParams::toJson() const
{
    QJsonObject parameters{{QStringLiteral("aspectRatio"), aspectRatio},
                           {QStringLiteral("resolution"), resolution},
                           {QStringLiteral("numOutputs"), numOutputs}};
    if (seed)
        parameters.insert(QStringLiteral("seed"), double(*seed));
    if (!referenceUploadIds.isEmpty())
        parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray::fromStringList(referenceUploadIds));
    QJsonObject body{{QStringLiteral("sessionId"), sessionId}, {QStringLiteral("modelId"), modelId},
                     {QStringLiteral("prompt"), prompt}, {QStringLiteral("parameters"), parameters},
                     {QStringLiteral("clientId"), clientId}};
    if (!negativePrompt.isEmpty())
        body.insert(QStringLiteral("negativePrompt"), negativePrompt);
    return body;
}

ApiResult<QJsonObject> ApiClient::bootstrap()
{
    return send("GET", QStringLiteral("/api/bootstrap"));
}

ApiResult<QJsonObject> ApiClient::changes(const QString &since, int limit)
{
    ApiResult<QJsonObject> page = send("GET", QStringLiteral("/api/changes?since=%1&limit=%2").arg(enc(since)).arg(limit));
    if (page.ok() && (!page.value.value(QStringLiteral("changes")).isArray() || !page.value.value(QStringLiteral("hasMore")).isBool()))
        page.error = ApiError::badResponse(QStringLiteral("a changes page needs a changes array and hasMore"));
    return page;
}

ApiResult<QList<ModelInfo>> ApiClient::models()
{
    return apidecode::list<ModelInfo>(send("GET", QStringLiteral("/api/models")), QStringLiteral("models"));
}

ApiResult<Page<Project>> ApiClient::projects(int limit, const QString &cursor, const QString &scope)
{
    QString path = QStringLiteral("/api/projects/with-thumbnails?limit=%1&scope=%2").arg(limit).arg(enc(scope));
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + enc(cursor);
    return apidecode::page<Project>(send("GET", path));
}

ApiResult<Project> ApiClient::project(const QString &id, bool includeSessions)
{
    return apidecode::one<Project>(
        send("GET", QStringLiteral("/api/projects/%1%2").arg(enc(id), includeSessions ? QStringLiteral("?includeSessions=1") : QString())));
}

ApiResult<Project> ApiClient::createProject(const QString &name, const QString &description, bool isShared, const WriteGuards &guards)
{
    QJsonObject body{{QStringLiteral("name"), name}, {QStringLiteral("isShared"), isShared}};
    if (!description.isEmpty())
        body.insert(QStringLiteral("description"), description);
    return apidecode::one<Project>(jsonCall("POST", QStringLiteral("/api/projects"), body, guards, true));
}

ApiResult<Project> ApiClient::updateProject(const QString &id, const QJsonObject &changes, const WriteGuards &guards)
{
    return apidecode::one<Project>(jsonCall("PATCH", QStringLiteral("/api/projects/") + enc(id), changes, guards, true));
}

ApiResult<bool> ApiClient::deleteProject(const QString &id, const WriteGuards &guards)
{
    return done(jsonCall("DELETE", QStringLiteral("/api/projects/") + enc(id), {}, guards, false));
}

ApiResult<Page<Output>> ApiClient::projectImages(const QString &projectId, int limit, const QString &cursor)
{
    QString path = QStringLiteral("/api/projects/%1/images?limit=%2").arg(enc(projectId)).arg(limit);
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + enc(cursor);
    return apidecode::page<Output>(send("GET", path));
}

ApiResult<QList<Member>> ApiClient::members(const QString &projectId)
{
    return apidecode::list<Member>(send("GET", QStringLiteral("/api/projects/%1/members").arg(enc(projectId))), QStringLiteral("data"));
}

ApiResult<QJsonObject> ApiClient::addMember(const QString &projectId, const QString &email, const QString &role, const WriteGuards &guards)
{
    const QJsonObject body{{QStringLiteral("email"), email}, {QStringLiteral("role"), role}};
    return jsonCall("POST", QStringLiteral("/api/projects/%1/members").arg(enc(projectId)), body, guards, true);
}

ApiResult<QJsonArray> ApiClient::invitations()
{
    return dataList(send("GET", QStringLiteral("/api/invitations")));
}

ApiResult<QJsonArray> ApiClient::projectInvitations(const QString &projectId)
{
    return dataList(send("GET", QStringLiteral("/api/projects/%1/invitations").arg(enc(projectId))));
}

ApiResult<bool> ApiClient::withdrawInvitation(const QString &projectId, const QString &invitationId)
{
    return done(jsonCall("DELETE", QStringLiteral("/api/projects/%1/invitations/%2").arg(enc(projectId), enc(invitationId)), {}, {}, false));
}

ApiResult<QJsonArray> ApiClient::dataList(const ApiResult<QJsonObject> &answer)
{
    ApiResult<QJsonArray> result;
    result.error = answer.error;
    if (answer.ok()) {
        const QJsonValue data = answer.value.value(QStringLiteral("data"));
        if (data.isArray())
            result.value = data.toArray();
        else
            result.error = ApiError::badResponse(QStringLiteral("the answer has no \"data\" list"));
    }
    return result;
}

ApiResult<QJsonObject> ApiClient::acceptInvitation(const QString &invitationId)
{
    return jsonCall("POST", QStringLiteral("/api/invitations/%1/accept").arg(enc(invitationId)), {}, {}, false);
}

ApiResult<bool> ApiClient::declineInvitation(const QString &invitationId)
{
    return done(jsonCall("POST", QStringLiteral("/api/invitations/%1/decline").arg(enc(invitationId)), {}, {}, false));
}

ApiResult<bool> ApiClient::removeMember(const QString &projectId, const QString &userId, const WriteGuards &guards)
{
    return done(jsonCall("DELETE", QStringLiteral("/api/projects/%1/members/%2").arg(enc(projectId), enc(userId)), {}, guards, false));
}

ApiResult<QList<Session>> ApiClient::sessions(const QString &projectId)
{
    return apidecode::list<Session>(send("GET", QStringLiteral("/api/sessions?projectId=") + enc(projectId)), QStringLiteral("data"));
}

ApiResult<Session> ApiClient::createSession(const QString &projectId, const QString &name, bool isPrivate, const QString &type,
                                            const WriteGuards &guards)
{
    const QJsonObject body{{QStringLiteral("projectId"), projectId}, {QStringLiteral("name"), name},
                           {QStringLiteral("type"), type}, {QStringLiteral("isPrivate"), isPrivate}};
    return apidecode::one<Session>(jsonCall("POST", QStringLiteral("/api/sessions"), body, guards, true));
}

ApiResult<Session> ApiClient::updateSession(const QString &id, const QJsonObject &changes, const WriteGuards &guards)
{
    return apidecode::one<Session>(jsonCall("PATCH", QStringLiteral("/api/sessions/") + enc(id), changes, guards, true));
}

ApiResult<bool> ApiClient::deleteSession(const QString &id, const WriteGuards &guards)
{
    return done(jsonCall("DELETE", QStringLiteral("/api/sessions/") + enc(id), {}, guards, false));
}

ApiResult<Page<Generation>> ApiClient::generations(const QString &sessionId, int limit, const QString &cursor)
{
    QString path = QStringLiteral("/api/generations?sessionId=%1&limit=%2").arg(enc(sessionId)).arg(limit);
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + enc(cursor);
    return apidecode::page<Generation>(send("GET", path));
}

ApiResult<GenerateReply> ApiClient::generate(const GenerateParams &params)
{
    GenerateParams withId = params;
    if (withId.clientId.isEmpty())
        withId.clientId = newUuidV7();
    const ApiResult<QJsonObject> answer = send("POST", QStringLiteral("/api/generate"), withId.toJson());
    ApiResult<GenerateReply> result;
    result.error = answer.error;
    if (!answer.ok())
        return result;
    GenerateReply &reply = result.value;
    if (!readString(answer.value, "id", &reply.id, &result.error) || !readString(answer.value, "clientId", &reply.clientId, &result.error)
        || !readString(answer.value, "status", &reply.status, &result.error))
        return result;
    reply.cost = optionalWhole(answer.value, "cost");
    reply.credits = optionalWhole(answer.value, "credits");
    return result;
}

ApiResult<QList<Generation>> ApiClient::generationStatus(const QStringList &ids)
{
    const QJsonObject body{{QStringLiteral("ids"), QJsonArray::fromStringList(ids)}};
    return apidecode::list<Generation>(send("POST", QStringLiteral("/api/generations/status"), body), QStringLiteral("data"));
}

ApiResult<Generation> ApiClient::generation(const QString &id)
{
    return apidecode::one<Generation>(send("GET", QStringLiteral("/api/generations/") + enc(id)));
}

ApiResult<Generation> ApiClient::cancelGeneration(const QString &id)
{
    return apidecode::one<Generation>(send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(enc(id))));
}

ApiResult<bool> ApiClient::deleteGeneration(const QString &id, const WriteGuards &guards)
{
    return done(jsonCall("DELETE", QStringLiteral("/api/generations/") + enc(id), {}, guards, false));
}

ApiResult<Output> ApiClient::setStarred(const QString &outputId, bool starred, const WriteGuards &guards)
{
    const QJsonObject body{{QStringLiteral("isStarred"), starred}};
    return apidecode::one<Output>(jsonCall("PATCH", QStringLiteral("/api/outputs/") + enc(outputId), body, guards, true));
}

ApiResult<bool> ApiClient::deleteOutput(const QString &outputId, const WriteGuards &guards)
{
    return done(jsonCall("DELETE", QStringLiteral("/api/outputs/") + enc(outputId), {}, guards, false));
}

ApiResult<FileBytes> ApiClient::downloadFile(const QString &outputId, const QString &variant, const QByteArray &ifNoneMatch)
{
    return download(QStringLiteral("/api/outputs/%1/file?variant=%2").arg(enc(outputId), enc(variant)), ifNoneMatch);
}

ApiResult<FileBytes> ApiClient::downloadUpload(const QString &uploadId, const QString &variant)
{
    return download(QStringLiteral("/api/uploads/%1/file?variant=%2").arg(enc(uploadId), enc(variant)), {});
}

} // namespace vesper::client
