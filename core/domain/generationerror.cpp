#include "domain/generationerror.h"
#include "domain/jsonreader.h"

namespace vesper {

std::optional<GenerationError> GenerationError::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    GenerationError e;
    e.code = r.string("code");
    e.message = r.string("message");
    if (!r.finish(error))
        return std::nullopt;
    return e;
}

QJsonObject GenerationError::toJson() const
{
    return QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
}

} // namespace vesper
