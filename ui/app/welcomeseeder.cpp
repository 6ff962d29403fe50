#include "ui/app/welcomeseeder.h"

#include "client/cache/cachestore.h"
#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QSettings>

namespace vesper::ui {

namespace {

QString doneKey(const QString &dataDir)
{
    const QByteArray hash = QCryptographicHash::hash(QDir::cleanPath(QDir(dataDir).absolutePath()).toUtf8(),
                                                     QCryptographicHash::Sha1).toHex().left(16);
    return QStringLiteral("welcome/%1").arg(QString::fromLatin1(hash));
}

} // namespace

bool WelcomeSeeder::isDone(const QString &dataDir)
{
    return QSettings().value(doneKey(dataDir), false).toBool();
}

bool WelcomeSeeder::seedIfFirstRun(client::Workspace &workspace, const QString &dataDir, QString *error)
{
    QSettings settings;
    if (settings.value(doneKey(dataDir), false).toBool() || !workspace.isOpen())
        return false;
    settings.setValue(doneKey(dataDir), true); // once, even if a write below fails: never two welcomes
    if (!settings.contains(QStringLiteral("promptBar/model")))
        settings.setValue(QStringLiteral("promptBar/model"), defaultModelId());
    if (workspace.cache().counts().projects > 0)
        return false;

    client::Outbox &outbox = workspace.outbox();
    const client::OutboxWrite project = outbox.createProject(QObject::tr("Welcome"),
                                                             QObject::tr("A few pictures to start with."),
                                                             false); // "First steps" is its only session
    if (!project.ok()) {
        *error = project.error;
        return false;
    }
    const client::OutboxWrite session = outbox.createSession(project.localId, QObject::tr("First steps"));
    if (!session.ok()) {
        *error = session.error;
        return false;
    }
    const QStringList prompts = {
        QStringLiteral("a quiet lake at dusk, violet sky, soft mist"),
        QStringLiteral("warm sunrise over desert dunes, golden light"),
        QStringLiteral("deep ocean blues with a glowing teal jellyfish"),
    };
    for (const QString &prompt : prompts) {
        client::GenerateParams params;
        params.sessionId = session.localId;
        params.modelId = defaultModelId();
        params.prompt = prompt;
        params.resolution = QStringLiteral("512");
        const client::OutboxWrite generation = outbox.requestGeneration(params);
        if (!generation.ok()) {
            *error = generation.error;
            return true;
        }
    }
    return true;
}

} // namespace vesper::ui
