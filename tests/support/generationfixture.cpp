#include "generationfixture.h"
#include "replycheck.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QStringList>
#include <QThread>
#include <QUuid>

namespace vesper::test {

QString newClientId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QJsonObject generateBody(const QString &sessionId, const QString &clientId, int numOutputs, const QString &aspectRatio,
                         const QString &resolution, const QString &modelId, const QString &prompt)
{
    return {{QStringLiteral("sessionId"), sessionId},
            {QStringLiteral("modelId"), modelId},
            {QStringLiteral("prompt"), prompt},
            {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("aspectRatio"), aspectRatio},
                                                       {QStringLiteral("resolution"), resolution},
                                                       {QStringLiteral("numOutputs"), numOutputs},
                                                       {QStringLiteral("seed"), 42}}},
            {QStringLiteral("clientId"), clientId}};
}

bool GenerationFixture::start(const QHash<QString, QString> &env, QString *error)
{
    server = std::make_unique<TestServer>();
    for (auto it = env.begin(); it != env.end(); ++it)
        server->setEnv(it.key(), it.value());
    if (!server->start(error))
        return false;
    client = std::make_unique<TestClient>(server->baseUrl());
    data = std::make_unique<TestData>(server->dbUrl());
    owner = newUser(QStringLiteral("owner"));
    const Reply project = client->post(QStringLiteral("/api/projects"),
                                       {{QStringLiteral("name"), QStringLiteral("Generate")}, {QStringLiteral("isShared"), true}},
                                       owner.accessToken);
    projectId = project.json.value(QStringLiteral("id")).toString();
    const Reply sessions = client->get(QStringLiteral("/api/sessions?projectId=") + projectId, owner.accessToken);
    sessionId = sessions.data().first().toObject().value(QStringLiteral("id")).toString();
    *error = describe(sessions);
    return !owner.id.isEmpty() && !sessionId.isEmpty();
}

QString GenerationFixture::sessionFor(const TestUser &user)
{
    const Reply project = client->post(QStringLiteral("/api/projects"),
                                       {{QStringLiteral("name"), QStringLiteral("Own")}, {QStringLiteral("isShared"), true}},
                                       user.accessToken);
    const QString id = project.json.value(QStringLiteral("id")).toString();
    const Reply sessions = client->get(QStringLiteral("/api/sessions?projectId=") + id, user.accessToken);
    return sessions.data().first().toObject().value(QStringLiteral("id")).toString();
}

QString GenerationFixture::serverLog() const
{
    QFile file(server->dataDir() + QStringLiteral("/server.stderr.log"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    QStringList lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.contains("\"request\"") && !line.isEmpty())
            lines << QString::fromUtf8(line.left(400));
    }
    return lines.mid(qMax(0, int(lines.size()) - 20)).join(QLatin1Char('\n'));
}

TestUser GenerationFixture::newUser(const QString &tag)
{
    return client->signUp(QStringLiteral("%1-%2@generate.example.com").arg(tag).arg(++users));
}

qint64 GenerationFixture::credits(const TestUser &user)
{
    return client->get(QStringLiteral("/auth/v1/user"), user.accessToken).json.value(QStringLiteral("credits")).toInteger(-1);
}

qint64 GenerationFixture::ledger(const TestUser &user)
{
    return data->scalar(QStringLiteral("SELECT COALESCE(SUM(amount), 0) FROM credit_ledger WHERE user_id = ?"), {user.id}).toLongLong();
}

QJsonObject GenerationFixture::status(const TestUser &user, const QString &id)
{
    const Reply reply = client->post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{id}}}, user.accessToken);
    if (reply.status != 200 || reply.data().isEmpty())
        return {};
    return reply.data().first().toObject();
}

QJsonObject GenerationFixture::waitFinished(const TestUser &user, const QString &id, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QJsonObject last;
    while (timer.elapsed() < timeoutMs) {
        const QJsonObject now = status(user, id);
        if (!now.isEmpty()) {
            last = now;
            const QString state = last.value(QStringLiteral("status")).toString();
            if (state == QLatin1String("completed") || state == QLatin1String("failed") || state == QLatin1String("cancelled"))
                return last;
        }
        QThread::msleep(50);
    }
    return last;
}

} // namespace vesper::test
