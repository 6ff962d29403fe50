#include "common/logging.h"
#include "common/clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

Q_LOGGING_CATEGORY(lcHttp, "vesper.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDb, "vesper.db", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "vesper.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "vesper.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSeed, "vesper.seed", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServer, "vesper.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvider, "vesper.provider", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNet, "vesper.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAssistant, "vesper.assistant", QtInfoMsg) // skills, the coach and the assistant routes

namespace vesper {
namespace {
const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "error";
    case QtFatalMsg: return "fatal";
    }
    return "info";
}

void jsonHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QJsonObject line;
    line.insert(QStringLiteral("ts"), formatTime(nowMicros()));
    line.insert(QStringLiteral("level"), QString::fromLatin1(levelName(type)));
    if (context.category)
        line.insert(QStringLiteral("cat"), QString::fromLatin1(context.category));
    // A message that is itself a JSON object is merged, so call sites can log fields, not prose.
    if (message.startsWith(QLatin1Char('{'))) {
        const QJsonObject fields = QJsonDocument::fromJson(message.toUtf8()).object();
        for (auto it = fields.begin(); it != fields.end(); ++it)
            line.insert(it.key(), it.value());
    }
    if (!line.contains(QStringLiteral("msg")))
        line.insert(QStringLiteral("msg"), message);
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}
} // namespace

void installJsonLogHandler()
{
    qInstallMessageHandler(jsonHandler);
}
} // namespace vesper
