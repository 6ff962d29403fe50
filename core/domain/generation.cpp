#include "domain/generation.h"
#include "domain/jsonreader.h"
#include "domain/wiretime.h"

#include <QJsonArray>

namespace vesper {

std::optional<Generation> Generation::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Generation g;
    g.id = r.string("id");
    g.sessionId = r.string("sessionId");
    g.userId = r.string("userId");
    g.modelId = r.string("modelId");
    g.prompt = r.string("prompt");
    g.negativePrompt = r.string("negativePrompt");
    g.parameters = r.object("parameters");
    const QString status = r.string("status");
    if (r.ok()) {
        if (const auto known = generationStatusFromName(status))
            g.status = *known;
        else
            r.fail("status", QStringLiteral("unknown generation status \"%1\"").arg(status));
    }
    g.progress = r.integer("progress");
    g.progressIsEstimate = r.boolean("progressIsEstimate");
    g.error = r.nullableNested<GenerationError>("error");
    g.cost = r.integer("cost");
    g.createdAt = r.time("createdAt");
    g.startedAt = r.nullableTime("startedAt");
    g.finishedAt = r.nullableTime("finishedAt");
    g.outputs = r.optionalList<Output>("outputs");
    g.clientId = r.optionalString("clientId");
    g.rev = r.optionalInteger("rev");
    if (!r.finish(error))
        return std::nullopt;
    return g;
}

QJsonObject Generation::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id},
                     {QStringLiteral("sessionId"), sessionId},
                     {QStringLiteral("userId"), userId},
                     {QStringLiteral("modelId"), modelId},
                     {QStringLiteral("prompt"), prompt},
                     {QStringLiteral("negativePrompt"), negativePrompt},
                     {QStringLiteral("parameters"), parameters},
                     {QStringLiteral("status"), generationStatusName(status)},
                     {QStringLiteral("progress"), progress},
                     {QStringLiteral("progressIsEstimate"), progressIsEstimate},
                     {QStringLiteral("error"), error ? QJsonValue(error->toJson()) : QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("cost"), cost},
                     {QStringLiteral("createdAt"), timeValue(createdAt)},
                     {QStringLiteral("startedAt"), nullableTimeValue(startedAt)},
                     {QStringLiteral("finishedAt"), nullableTimeValue(finishedAt)}};
    if (outputs) {
        QJsonArray array;
        for (const Output &output : *outputs)
            array.append(output.toJson());
        json.insert(QStringLiteral("outputs"), array);
    }
    if (clientId)
        json.insert(QStringLiteral("clientId"), *clientId);
    if (rev)
        json.insert(QStringLiteral("rev"), *rev);
    return json;
}

} // namespace vesper
