#include "backend/catalog/modelcatalog.h"
#include "backend/generation/remote/remotesettings.h"
#include "common/circuitbreaker.h"
#include "common/clock.h"

#include <QHash>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace vesper::backend {
namespace {
QJsonObject model(const QString &id, const QString &name, const QString &provider, const QStringList &aspectRatios,
                  const QStringList &resolutions, int maxOutputs, int cost, bool available, const QString &description,
                  int maxReferenceImages = 0)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("provider"), provider},
                       {QStringLiteral("type"), QStringLiteral("image")},
                       {QStringLiteral("aspectRatios"), QJsonArray::fromStringList(aspectRatios)},
                       {QStringLiteral("resolutions"), QJsonArray::fromStringList(resolutions)},
                       {QStringLiteral("maxOutputs"), maxOutputs},
                       {QStringLiteral("cost"), cost},
                       {QStringLiteral("available"), available},
                       {QStringLiteral("maxReferenceImages"), maxReferenceImages},
                       {QStringLiteral("description"), description}};
}
} // namespace

QJsonArray ModelCatalog::models()
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const RemoteSettings &remote = RemoteSettings::fromEnvironment();
    const QStringList ratios{QStringLiteral("1:1"), QStringLiteral("4:3"), QStringLiteral("3:4"), QStringLiteral("16:9"), QStringLiteral("9:16")};
    const QStringList sizes{QStringLiteral("512"), QStringLiteral("1024")};
    // A remote model is available when its provider is configured; its description says how.
    const auto remoteModel = [&](const QString &id, const QString &name, const QString &provider, const QStringList &resolutions,
                                 int cost, const QString &description, const QString &setting, int maxReferenceImages = 0) {
        const bool configured = remote.configured(provider);
        return model(id, name, provider, ratios, resolutions, 4, cost, configured,
                     configured ? description : description + QStringLiteral(" Not configured on this server: set %1.").arg(setting),
                     maxReferenceImages);
    };
    QJsonArray catalogue{
        model(QStringLiteral("sketch"), QStringLiteral("Sketch (procedural, offline)"), QStringLiteral("sketch"), ratios, sizes, 4, 0, true,
              QStringLiteral("Built-in deterministic procedural images from the prompt and seed. Not a generative model: "
                             "it makes a fresh install work offline.")),
        remoteModel(QStringLiteral("a1111-sd"), QStringLiteral("Stable Diffusion (web UI)"), QStringLiteral("a1111"), sizes, 1,
                    QStringLiteral("Stable Diffusion through a local AUTOMATIC1111 web UI started with --api."), QStringLiteral("VESPER_A1111_URL")),
        remoteModel(QStringLiteral("comfyui"), QStringLiteral("ComfyUI workflow"), QStringLiteral("comfyui"), sizes, 1,
                    QStringLiteral("A text-to-image workflow on a local ComfyUI server."), QStringLiteral("VESPER_COMFYUI_URL")),
        remoteModel(QStringLiteral("gemini-image"), QStringLiteral("Gemini image"), QStringLiteral("gemini"), {QStringLiteral("1024")}, 4,
                    QStringLiteral("Google Gemini image generation; takes up to 3 reference images."), QStringLiteral("GEMINI_API_KEY"), 3),
        remoteModel(QStringLiteral("replicate-flux"), QStringLiteral("FLUX on Replicate"), QStringLiteral("replicate"), sizes, 3,
                    QStringLiteral("FLUX predictions on Replicate."), QStringLiteral("REPLICATE_API_TOKEN")),
    };
    // VESPER_MODEL_COSTS="sketch=2,a1111-sd=1": this server's prices, shown and charged alike.
    QHash<QString, qint64> costs;
    for (const QString &pair : env.value(QStringLiteral("VESPER_MODEL_COSTS")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        bool ok = false;
        const qint64 cost = eq > 0 ? pair.mid(eq + 1).trimmed().toLongLong(&ok) : -1;
        if (eq > 0 && ok && cost >= 0)
            costs.insert(pair.left(eq).trimmed(), cost);
    }
    const qint64 now = nowMicros();
    for (qsizetype i = 0; i < catalogue.size(); ++i) {
        QJsonObject entry = catalogue.at(i).toObject();
        const QString id = entry.value(QStringLiteral("id")).toString();
        if (costs.contains(id))
            entry.insert(QStringLiteral("cost"), costs.value(id));
        // A provider whose breaker is open shows its models unavailable until a probe succeeds.
        if (!CircuitBreakers::providers().available(entry.value(QStringLiteral("provider")).toString(), now))
            entry.insert(QStringLiteral("available"), false);
        catalogue.replace(i, entry);
    }
    return catalogue;
}

} // namespace vesper::backend
