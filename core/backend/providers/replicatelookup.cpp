#include "backend/providers/replicatelookup.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::backend::replicate {
namespace {
constexpr qint64 kSkewMs = 120 * 1000; // Replicate's clock and ours may differ by this much

qint64 createdMs(const QString &createdAt)
{
    // "2023-09-08T16:19:34.765994Z": seconds are precise enough next to the skew margin.
    const QDateTime at = QDateTime::fromString(createdAt.left(19), Qt::ISODate);
    if (!at.isValid())
        return 0;
    QDateTime utc = at;
    utc.setTimeSpec(Qt::UTC);
    return utc.toMSecsSinceEpoch();
}
} // namespace

QString predictionTask(const QString &predictionId)
{
    return QStringLiteral("prediction:") + predictionId;
}

QString unansweredTask(qint64 atMs)
{
    return QStringLiteral("unanswered:") + QString::number(atMs);
}

QString taskPrediction(const QString &task)
{
    return task.startsWith(QLatin1String("prediction:")) ? task.mid(11) : QString();
}

qint64 taskUnansweredSince(const QString &task)
{
    return task.startsWith(QLatin1String("unanswered:")) ? task.mid(11).toLongLong() : 0;
}

Prediction findCreated(const QByteArray &listBody, const QJsonObject &input, const QString &model, qint64 sinceMs)
{
    const qsizetype colon = model.indexOf(QLatin1Char(':'));
    const QString name = colon < 0 ? model : model.left(colon);
    const QString version = colon < 0 ? QString() : model.mid(colon + 1);
    // Newest first: the first match is the latest create with this input.
    const QJsonArray results = QJsonDocument::fromJson(listBody).object().value(QStringLiteral("results")).toArray();
    for (const QJsonValue &value : results) {
        Prediction p = parsePrediction(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        if (!p.valid || p.input != input || p.status == QLatin1String("canceled"))
            continue;
        if (version.isEmpty() ? p.model != name : p.version != version)
            continue;
        if (createdMs(p.createdAt) < sinceMs - kSkewMs)
            continue;
        return p;
    }
    return {};
}

} // namespace vesper::backend::replicate
