#include "backend/providers/replicateprotocol.h"
#include "backend/providers/providerhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace vesper::backend::replicate {

QString providerName()
{
    return QStringLiteral("Replicate");
}

Create createCall(const QString &model, const GenerationRequest &request)
{
    Create create;
    const qsizetype colon = model.indexOf(QLatin1Char(':'));
    const QString name = colon < 0 ? model : model.left(colon);
    const QStringList parts = name.split(QLatin1Char('/'));
    if (parts.size() != 2 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return create;
    // FLUX takes a ratio and a size class rather than pixels: 0.25 MP for the 512 setting, 1 MP above.
    const QJsonObject input{{QStringLiteral("prompt"), request.prompt},
                            {QStringLiteral("aspect_ratio"), request.aspectRatio},
                            {QStringLiteral("num_outputs"), request.numOutputs},
                            {QStringLiteral("seed"), double(request.seed)},
                            {QStringLiteral("megapixels"), request.resolution <= 512 ? QStringLiteral("0.25") : QStringLiteral("1")},
                            {QStringLiteral("output_format"), QStringLiteral("png")}};
    QJsonObject body{{QStringLiteral("input"), input}};
    if (colon < 0) {
        create.path = QStringLiteral("/v1/models/%1/%2/predictions").arg(parts.at(0), parts.at(1));
    } else {
        create.path = QStringLiteral("/v1/predictions"); // a pinned version goes to the generic endpoint
        body.insert(QStringLiteral("version"), model.mid(colon + 1));
    }
    create.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    create.valid = true;
    return create;
}

bool isFinal(const QString &status)
{
    // "aborted": a Cancel-After deadline passed before the prediction ended; it will not run again.
    static const QStringList final{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("canceled"),
                                   QStringLiteral("aborted")};
    return final.contains(status);
}

QJsonObject createdInput(const QByteArray &createBody)
{
    return QJsonDocument::fromJson(createBody).object().value(QStringLiteral("input")).toObject();
}

int lastLogPercent(const QString &logs)
{
    // tqdm: " 50%|█████     | 2/4 [00:01<00:01,  1.9it/s]". Only a bar that starts its line (tqdm
    // redraws with \r) counts: a described one ("Loading checkpoint shards: 100%|") is setting up
    // the model, not drawing, and would pin the bar at 99 for the whole run.
    static const QRegularExpression bar(QStringLiteral("(?:^|[\\r\\n])[ \\t]*(\\d{1,3})%\\|"));
    int percent = -1;
    for (auto it = bar.globalMatch(logs.right(4000)); it.hasNext();)
        percent = it.next().captured(1).toInt();
    return percent > 100 ? -1 : percent;
}

Prediction parsePrediction(const QByteArray &body)
{
    Prediction p;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return p;
    const QJsonObject o = doc.object();
    p.id = o.value(QStringLiteral("id")).toString();
    p.status = o.value(QStringLiteral("status")).toString();
    p.valid = !p.id.isEmpty() && !p.status.isEmpty();
    const QJsonValue output = o.value(QStringLiteral("output"));
    if (output.isString()) {
        p.outputs << output.toString();
    } else {
        for (const QJsonValue &url : output.toArray())
            if (url.isString())
                p.outputs << url.toString();
    }
    p.input = o.value(QStringLiteral("input")).toObject();
    p.model = o.value(QStringLiteral("model")).toString();
    p.version = o.value(QStringLiteral("version")).toString();
    p.createdAt = o.value(QStringLiteral("created_at")).toString();
    const QJsonValue count = o.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("image_count"));
    if (count.isDouble())
        p.imageCount = count.toInt();
    // FLUX drops each NSFW image and says so only in its logs: "Total safe images: 1 out of 2".
    static const QRegularExpression safe(QStringLiteral("Total safe images: (\\d+) out of (\\d+)"));
    const QRegularExpressionMatch match = safe.match(o.value(QStringLiteral("logs")).toString());
    if (match.hasMatch())
        p.safeOf = match.captured(2).toInt();
    if (o.value(QStringLiteral("error")).isString())
        p.error = providerMessage(body); // bounded and printable
    p.logPercent = lastLogPercent(o.value(QStringLiteral("logs")).toString());
    return p;
}

} // namespace vesper::backend::replicate
