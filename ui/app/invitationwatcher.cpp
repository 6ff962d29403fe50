#include "ui/app/invitationwatcher.h"

#include "client/net/apiclient.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {
constexpr qint64 kMinimumIntervalMs = 60 * 1000;
}

InvitationWatcher::InvitationWatcher(UiContext *context, QObject *parent) : QObject(parent), m_context(context)
{
    connect(m_context, &UiContext::workspaceChanged, this, &InvitationWatcher::rewire);
    rewire();
}

void InvitationWatcher::rewire()
{
    disconnect(m_syncConnection);
    m_shown.clear();
    client::Workspace *workspace = m_context->workspace();
    // The local library has one profile: nobody can invite it.
    if (!workspace || !workspace->isOpen() || m_context->isLocalLibrary() || workspace->options().offline)
        return;
    m_syncConnection = connect(&workspace->sync(), &client::SyncEngine::finished, this, [this](const client::SyncReport &report) {
        if (report.ok())
            check();
    });
    check(true);
}

void InvitationWatcher::check(bool force)
{
    client::Workspace *workspace = m_context->workspace();
    if (m_checking || !workspace || !workspace->isOpen() || m_context->isLocalLibrary())
        return;
    if (!force && m_lastCheck.isValid() && m_lastCheck.elapsed() < kMinimumIntervalMs)
        return;
    m_lastCheck.start();
    m_checking = true;
    client::ApiClient *api = &workspace->api();
    auto *watcher = new QFutureWatcher<client::ApiResult<QJsonArray>>(this);
    QPointer<client::Workspace> asked = workspace;
    connect(watcher, &QFutureWatcher<client::ApiResult<QJsonArray>>::finished, this, [this, watcher, asked] {
        watcher->deleteLater();
        m_checking = false;
        const client::ApiResult<QJsonArray> answer = watcher->result();
        if (asked != m_context->workspace() || !answer.ok())
            return; // offline or another account now: the next sync asks again
        for (const QJsonValue &value : answer.value) {
            const QJsonObject invitation = value.toObject();
            const QString id = invitation.value(QStringLiteral("id")).toString();
            if (id.isEmpty() || m_shown.contains(id))
                continue;
            m_shown.insert(id);
            const QString project = invitation.value(QStringLiteral("projectName")).toString();
            const QString inviter = invitation.value(QStringLiteral("invitedBy")).toObject().value(QStringLiteral("displayName")).toString();
            const QString role = invitation.value(QStringLiteral("role")).toString();
            m_context->reportWithAction(UiContext::Severity::Info,
                                        tr("%1 invited you to “%2” as %3.").arg(inviter.isEmpty() ? tr("Someone") : inviter, project, role),
                                        tr("Accept"), [this, id, project] { accept(id, project); });
        }
    });
    watcher->setFuture(QtConcurrent::run([api] { return api->invitations(); }));
}

void InvitationWatcher::accept(const QString &invitationId, const QString &projectName)
{
    client::Workspace *workspace = m_context->workspace();
    if (!workspace || !workspace->isOpen())
        return;
    client::ApiClient *api = &workspace->api();
    auto *watcher = new QFutureWatcher<client::ApiResult<QJsonObject>>(this);
    QPointer<client::Workspace> asked = workspace;
    connect(watcher, &QFutureWatcher<client::ApiResult<QJsonObject>>::finished, this, [this, watcher, asked, projectName] {
        watcher->deleteLater();
        const client::ApiResult<QJsonObject> answer = watcher->result();
        if (!answer.ok()) {
            m_context->reportError(tr("The invitation to “%1” could not be accepted.").arg(projectName), answer.error.message);
            return;
        }
        m_context->reportInfo(tr("You joined “%1”.").arg(projectName));
        if (asked == m_context->workspace())
            asked->sync().requestSync();
    });
    watcher->setFuture(QtConcurrent::run([api, invitationId] { return api->acceptInvitation(invitationId); }));
}

} // namespace vesper::ui
