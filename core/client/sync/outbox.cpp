#include "client/sync/outbox.h"
#include "client/clientlogging.h"
#include "client/net/apiclient.h"
#include "client/sync/outboxsendlock.h"
#include "common/clock.h"

#include "domain/memberrole.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QUuid>

namespace vesper::client {

namespace {

// How long a flush waits for another one (the app's, or the CLI's) to finish sending its entry: one
// send with its retries and a Retry-After, with room to spare.
constexpr int kClaimWaitMs = 180000;

QString newKey()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QByteArray compact(const QJsonObject &body)
{
    return body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
}


bool isCreate(const OutboxEntry &entry)
{
    return entry.kind.endsWith(QLatin1String(".create"));
}

/// The kind of row a create entry makes ("project.create" -> "project").
QString rowKindOf(const OutboxEntry &entry)
{
    return entry.kind.section(QLatin1Char('.'), 0, 0);
}

} // namespace

Outbox::Outbox(ApiClient &api, CacheStore &cache, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_cache(cache)
    , m_sendLock(std::make_unique<OutboxSendLock>(cache.directory()))
{
    qRegisterMetaType<vesper::client::CacheChanges>();
}

Outbox::~Outbox() = default;

OutboxWrite Outbox::queue(OutboxEntry entry, const QString &pendingKind, const QJsonObject &pendingRow, const QString &localId)
{
    OutboxWrite write;
    write.localId = localId;
    // An entry naming a row made offline waits for the entry that creates it.
    for (const OutboxEntry &earlier : m_cache.pendingOutbox()) {
        if (isCreate(earlier) && !earlier.idempotencyKey.isEmpty()
            && (entry.path.contains(earlier.idempotencyKey) || entry.body.contains(earlier.idempotencyKey.toUtf8())))
            entry.dependsOn = earlier.id;
    }
    QString error;
    write.entryId = m_cache.enqueueOutbox(entry, &error);
    if (write.entryId <= 0) {
        write.error = error;
        return write;
    }
    if (!pendingKind.isEmpty()) {
        CacheChanges changes;
        if (m_cache.storePending(pendingKind, pendingRow, &changes, &error))
            Q_EMIT changed(changes);
        else
            qCWarning(lcClientSync) << "queued, but the pending row could not be shown:" << error;
    }
    return write;
}

OutboxWrite Outbox::createProject(const QString &name, const QString &description, bool withFirstSession)
{
    const QString localId = newKey();
    OutboxEntry entry;
    entry.kind = QStringLiteral("project.create");
    entry.method = "POST";
    entry.path = QStringLiteral("/api/projects");
    QJsonObject body{{QStringLiteral("name"), name}, {QStringLiteral("description"), description}};
    if (!withFirstSession)
        body.insert(QStringLiteral("firstSession"), false);
    entry.body = compact(body);
    entry.idempotencyKey = localId;
    Project row;
    row.id = localId;
    row.name = name;
    row.description = description;
    row.createdAt = row.updatedAt = nowMicros();
    row.role = MemberRole::Owner;
    return queue(entry, QStringLiteral("project"), row.toJson(), localId);
}

OutboxWrite Outbox::createSession(const QString &projectId, const QString &name)
{
    const QString localId = newKey();
    OutboxEntry entry;
    entry.kind = QStringLiteral("session.create");
    entry.method = "POST";
    entry.path = QStringLiteral("/api/sessions");
    entry.body = compact(QJsonObject{{QStringLiteral("projectId"), projectId}, {QStringLiteral("name"), name}});
    entry.idempotencyKey = localId;
    Session row;
    row.id = localId;
    row.projectId = projectId;
    row.name = name;
    row.createdAt = row.updatedAt = nowMicros();
    return queue(entry, QStringLiteral("session"), row.toJson(), localId);
}

OutboxWrite Outbox::requestGeneration(GenerateParams params)
{
    if (params.clientId.isEmpty())
        params.clientId = newKey();
    OutboxEntry entry;
    entry.kind = QStringLiteral("generation.create");
    entry.method = "POST";
    entry.path = QStringLiteral("/api/generate");
    const QJsonObject body = params.toJson();
    entry.body = compact(body);
    entry.idempotencyKey = params.clientId; // the body's clientId is what the server keys on
    Generation row;
    row.id = params.clientId;
    row.clientId = params.clientId;
    row.sessionId = params.sessionId;
    row.modelId = params.modelId;
    row.prompt = params.prompt;
    row.negativePrompt = params.negativePrompt;
    row.parameters = body.value(QStringLiteral("parameters")).toObject();
    row.createdAt = nowMicros();
    row.outputs = QList<Output>();
    return queue(entry, QStringLiteral("generation"), row.toJson(), params.clientId);
}

OutboxWrite Outbox::updateProject(const QString &projectId, const QJsonObject &changes, const QString &ifMatchRev)
{
    OutboxEntry entry;
    entry.kind = QStringLiteral("project.update");
    entry.method = "PATCH";
    entry.path = QStringLiteral("/api/projects/") + projectId;
    entry.body = compact(changes);
    entry.ifMatch = ifMatchRev;
    return queue(entry, {}, {}, {});
}

OutboxWrite Outbox::updateSession(const QString &sessionId, const QJsonObject &changes, const QString &ifMatchRev)
{
    OutboxEntry entry;
    entry.kind = QStringLiteral("session.update");
    entry.method = "PATCH";
    entry.path = QStringLiteral("/api/sessions/") + sessionId;
    entry.body = compact(changes);
    entry.ifMatch = ifMatchRev;
    return queue(entry, {}, {}, {});
}

OutboxWrite Outbox::setStarred(const QString &outputId, bool starred, const QString &ifMatchRev)
{
    OutboxEntry entry;
    entry.kind = QStringLiteral("output.star");
    entry.method = "PATCH";
    entry.path = QStringLiteral("/api/outputs/") + outputId;
    entry.body = compact(QJsonObject{{QStringLiteral("isStarred"), starred}});
    entry.ifMatch = ifMatchRev;
    return queue(entry, {}, {}, {});
}

OutboxWrite Outbox::addMember(const QString &projectId, const QString &email, const QString &role)
{
    OutboxEntry entry;
    entry.kind = QStringLiteral("member.add");
    entry.method = "POST";
    entry.path = QStringLiteral("/api/projects/%1/members").arg(projectId);
    entry.body = compact(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("role"), role}});
    entry.idempotencyKey = newKey();
    return queue(entry, {}, {}, {});
}

OutboxWrite Outbox::removeMember(const QString &projectId, const QString &userId)
{
    OutboxEntry entry;
    entry.kind = QStringLiteral("member.remove");
    entry.method = "DELETE";
    entry.path = QStringLiteral("/api/projects/%1/members/%2").arg(projectId, userId);
    return queue(entry, {}, {}, {});
}

OutboxWrite Outbox::remove(const QString &kind, const QString &id, const QString &ifMatchRev)
{
    static const QHash<QString, QString> paths{{QStringLiteral("project"), QStringLiteral("/api/projects/")},
                                               {QStringLiteral("session"), QStringLiteral("/api/sessions/")},
                                               {QStringLiteral("generation"), QStringLiteral("/api/generations/")},
                                               {QStringLiteral("output"), QStringLiteral("/api/outputs/")}};
    if (!paths.contains(kind))
        return OutboxWrite{0, {}, QStringLiteral("nothing of kind \"%1\" can be deleted").arg(kind)};
    OutboxEntry entry;
    entry.kind = kind + QStringLiteral(".delete");
    entry.method = "DELETE";
    entry.path = paths.value(kind) + id;
    entry.ifMatch = ifMatchRev;
    return queue(entry, {}, {}, {});
}

QList<OutboxEntry> Outbox::pending()
{
    return m_cache.pendingOutbox();
}

bool Outbox::dismiss(qint64 entryId, QString *error)
{
    QString reason;
    if (!m_cache.removeOutbox(entryId, &reason)) {
        if (error)
            *error = reason;
        return false;
    }
    Q_EMIT changed(CacheChanges{}); // the counts moved: the status bar reads them again
    return true;
}

ApiResult<QJsonObject> Outbox::sendEntry(const OutboxEntry &entry)
{
    HttpHeaders headers;
    if (!entry.idempotencyKey.isEmpty() && entry.kind != QLatin1String("generation.create"))
        headers.append({QByteArrayLiteral("Idempotency-Key"), entry.idempotencyKey.toUtf8()});
    if (!entry.ifMatch.isEmpty())
        headers.append({QByteArrayLiteral("If-Match"), entry.ifMatch.toUtf8()});
    const QJsonObject body = entry.body.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(entry.body).object();
    return m_api.send(entry.method, entry.path, body, headers);
}

FlushReport Outbox::flush(const std::function<bool()> &cancelled)
{
    QMutexLocker locker(&m_flushLock);
    FlushReport report;
    QString error;
    while (!(cancelled && cancelled())) {
        // The claim covers picking, sending and marking: a flush elsewhere then sees it sent.
        if (!m_sendLock->acquire(kClaimWaitMs, cancelled, &error)) {
            if (!(cancelled && cancelled())) {
                report.stoppedBy.kind = ApiError::Kind::Timeout;
                report.stoppedBy.message = error;
            }
            break;
        }
        const auto releaseClaim = qScopeGuard([this] { m_sendLock->release(); });
        const std::optional<OutboxEntry> next = m_cache.nextQueuedOutbox(&error);
        if (!next)
            break;
        const OutboxEntry &entry = *next;
        const ApiResult<QJsonObject> answer = sendEntry(entry);
        if (answer.ok()) {
            if (isCreate(entry) && !entry.idempotencyKey.isEmpty()) {
                const QString serverId = answer.value.value(QStringLiteral("id")).toString();
                report.createdIds.insert(entry.idempotencyKey, serverId);
                report.answers.insert(entry.idempotencyKey, answer.value);
                // Later writes that named the offline row now name the server's.
                if (!serverId.isEmpty() && serverId != entry.idempotencyKey
                    && !m_cache.rewriteOutboxId(entry.idempotencyKey, serverId, &error))
                    qCWarning(lcClientSync) << "could not point queued writes at the new row:" << error;
                if (rowKindOf(entry) != QLatin1String("generation")) {
                    CacheChanges changes; // the feed brings the server's row; the placeholder goes now
                    if (m_cache.dropPending(rowKindOf(entry), entry.idempotencyKey, &changes, &error) && !changes.isEmpty())
                        Q_EMIT changed(changes);
                }
            }
            m_cache.markOutbox(entry.id, OutboxState::Sent, {}, &error);
            ++report.sent;
            Q_EMIT entrySent(entry.id, entry.kind);
            continue;
        }
        const ApiError &failure = answer.error;
        if (failure.isTransient() || failure.kind == ApiError::Kind::NotSignedIn) {
            report.stoppedBy = failure; // try again when the server is back or the user signed in
            break;
        }
        QString reason;
        OutboxState state = OutboxState::Failed;
        if (failure.status == 412) {
            state = OutboxState::Conflict;
            reason = QStringLiteral("changed on the server after your offline edit; your change was not applied");
            ++report.conflicts;
        } else {
            reason = failure.message.isEmpty() ? describe(failure) : failure.message;
            ++report.failed;
        }
        m_cache.markOutbox(entry.id, state, reason, &error);
        qCInfo(lcClientSync) << "outbox entry" << entry.id << entry.kind << "refused:" << reason;
        Q_EMIT entryRefused(entry.id, entry.kind, reason);
        // Writes that needed this one (a session in a project the server refused) cannot go either.
        for (const OutboxEntry &later : m_cache.pendingOutbox()) {
            if (later.dependsOn == entry.id && later.state == OutboxState::Queued) {
                const QString why = QStringLiteral("depends on a write that was refused (%1)").arg(reason);
                m_cache.markOutbox(later.id, OutboxState::Failed, why, &error);
                ++report.failed;
                Q_EMIT entryRefused(later.id, later.kind, why);
            }
        }
    }
    return report;
}

} // namespace vesper::client
