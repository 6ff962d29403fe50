#include "backend/providers/a1111errors.h"
#include "backend/providers/a1111protocol.h"
#include "backend/repositories/generationsettlement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace vesper::backend::a1111 {
namespace {
// Long enough for the web UI's longest own messages (the NaN check's advice is ~420 characters),
// and short enough that, with our words before it, the generation stores the message whole.
constexpr int kMessageLimit = GenerationSettlement::kMessageLimit - 200;

/// pydantic's 422 list ({"detail":[{"loc":["body","steps"],"msg":"..."}]}) as "steps: msg; ...".
QString validationText(const QJsonArray &errors)
{
    QStringList parts;
    for (const QJsonValue &error : errors) {
        const QJsonObject o = error.toObject();
        QStringList where;
        for (const QJsonValue &part : o.value(QStringLiteral("loc")).toArray()) {
            if (part.toString() != QLatin1String("body"))
                where.append(part.isDouble() ? QString::number(part.toInt()) : part.toString());
        }
        parts.append(where.isEmpty() ? o.value(QStringLiteral("msg")).toString()
                                     : where.join(QLatin1Char('.')) + QStringLiteral(": ") + o.value(QStringLiteral("msg")).toString());
    }
    return parts.join(QStringLiteral("; "));
}
} // namespace

bool transientException(const QString &type)
{
    // Memory freed by another job, a download or a connection that may work next time; an empty
    // type is a 500 from something in front of the web UI (a proxy), not from it.
    static const QStringList transient{QStringLiteral("OutOfMemoryError"), QStringLiteral("ConnectionError"),
                                       QStringLiteral("TimeoutError"), QStringLiteral("ReadTimeout"),
                                       QStringLiteral("ConnectTimeout"), QStringLiteral("HTTPError")};
    return type.isEmpty() || transient.contains(type);
}

ProviderResult failedTxt2Img(const ProviderResponse &response)
{
    ProviderResult result = failedCall(response, providerName());
    if (response.failure != ProviderResponse::Failure::None)
        return result;
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    if (response.status == 422 && body.value(QStringLiteral("detail")).isArray()) {
        result.errorMessage = QStringLiteral("%1 refused the request (HTTP 422): %2")
                                  .arg(providerName(), boundedText(validationText(body.value(QStringLiteral("detail")).toArray()), kMessageLimit));
        return result;
    }
    // The web UI's exception handler: {"error": type name, "detail", "body", "errors": str(exception)}.
    const QString type = body.value(QStringLiteral("error")).toString();
    const QString text = boundedText(body.value(QStringLiteral("errors")).toString(), kMessageLimit);
    if (response.status < 500 || (type.isEmpty() && text.isEmpty()))
        return result;
    result.transient = transientException(type);
    const QString what = type.isEmpty() ? text : text.isEmpty() ? type : type + QStringLiteral(": ") + text;
    result.errorMessage = QStringLiteral("%1 failed with HTTP %2: %3").arg(providerName()).arg(response.status).arg(what);
    return result;
}

} // namespace vesper::backend::a1111
