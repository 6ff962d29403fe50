#include "domain/modelinfo.h"
#include "domain/jsonreader.h"

#include <QJsonArray>

namespace vesper {

std::optional<ModelInfo> ModelInfo::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    ModelInfo m;
    m.id = r.string("id");
    m.name = r.string("name");
    m.provider = r.string("provider");
    m.type = r.string("type");
    m.aspectRatios = r.stringList("aspectRatios");
    m.resolutions = r.stringList("resolutions");
    m.maxOutputs = r.integer("maxOutputs");
    m.cost = r.integer("cost");
    m.available = r.boolean("available");
    m.maxReferenceImages = r.integer("maxReferenceImages");
    m.description = r.string("description");
    if (!r.finish(error))
        return std::nullopt;
    return m;
}

QJsonObject ModelInfo::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("provider"), provider},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("aspectRatios"), QJsonArray::fromStringList(aspectRatios)},
                       {QStringLiteral("resolutions"), QJsonArray::fromStringList(resolutions)},
                       {QStringLiteral("maxOutputs"), maxOutputs},
                       {QStringLiteral("cost"), cost},
                       {QStringLiteral("available"), available},
                       {QStringLiteral("maxReferenceImages"), maxReferenceImages},
                       {QStringLiteral("description"), description}};
}

} // namespace vesper
