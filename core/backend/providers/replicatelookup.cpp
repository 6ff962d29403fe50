#include "backend/providers/replicatelookup.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>

namespace vesper::backend::replicate {
namespace {
constexpr qint64 kSkewMs = 120 * 1000; // Replicate's clock and ours may differ by this much

QMutex &unansweredMutex()
{
    static QMutex mutex;
    return mutex;
}

QHash<QString, qint64> &unanswered()
{
    static QHash<QString, qint64> creates;
    return creates;
}

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

void rememberUnanswered(const QString &generationId, qint64 atMs)
{
    QMutexLocker lock(&unansweredMutex());
    if (!unanswered().contains(generationId))
        unanswered().insert(generationId, atMs);
}

qint64 unansweredSince(const QString &generationId)
{
    QMutexLocker lock(&unansweredMutex());
    return unanswered().value(generationId, 0);
}

void forgetUnanswered(const QString &generationId)
{
    QMutexLocker lock(&unansweredMutex());
    unanswered().remove(generationId);
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
