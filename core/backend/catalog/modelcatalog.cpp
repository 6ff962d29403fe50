#include "backend/catalog/modelcatalog.h"
#include "backend/config/providerids.h"
#include "backend/config/providersettingsstore.h"
#include "common/circuitbreaker.h"
#include "common/clock.h"

namespace vesper::backend {
namespace {
QJsonObject entryJson(const ModelEntry &m, qint64 cost, bool configured, bool breakerClosed)
{
    static const QStringList ratios{QStringLiteral("1:1"), QStringLiteral("4:3"), QStringLiteral("3:4"), QStringLiteral("16:9"),
                                    QStringLiteral("9:16")};
    // An unconfigured model's description names the setting that would enable it.
    const QString description = configured || m.setting.isEmpty()
                                    ? m.description
                                    : m.description + QStringLiteral(" Not configured on this server: set %1.").arg(m.setting);
    return QJsonObject{{QStringLiteral("id"), m.modelId},
                       {QStringLiteral("name"), m.name},
                       {QStringLiteral("provider"), m.providerId},
                       {QStringLiteral("type"), QStringLiteral("image")},
                       {QStringLiteral("aspectRatios"), QJsonArray::fromStringList(ratios)},
                       {QStringLiteral("resolutions"), QJsonArray::fromStringList(m.resolutions)},
                       {QStringLiteral("maxOutputs"), 4},
                       {QStringLiteral("cost"), cost},
                       {QStringLiteral("available"), configured && breakerClosed},
                       {QStringLiteral("maxReferenceImages"), m.maxReferenceImages},
                       {QStringLiteral("description"), description}};
}
} // namespace

ModelCatalog::ModelCatalog(const ProviderSettingsStore &providers, const CircuitBreakers &breakers, QHash<QString, qint64> costs)
    : m_providers(providers), m_breakers(breakers), m_costs(std::move(costs))
{
}

QJsonArray ModelCatalog::models() const
{
    const auto settings = m_providers.snapshot();
    const qint64 now = nowMicros();
    QJsonArray catalogue;
    for (const ModelEntry &m : modelEntries()) {
        // A provider whose breaker is open shows its models unavailable until a probe succeeds.
        catalogue.append(entryJson(m, m_costs.value(m.modelId, m.defaultCost), settings->configured(m.providerId),
                                   m_breakers.available(m.providerId, now)));
    }
    return catalogue;
}

std::optional<QJsonObject> ModelCatalog::find(const QString &modelId) const
{
    for (const ModelEntry &m : modelEntries()) {
        if (m.modelId == modelId)
            return entryJson(m, m_costs.value(m.modelId, m.defaultCost), m_providers.snapshot()->configured(m.providerId),
                             m_breakers.available(m.providerId, nowMicros()));
    }
    return std::nullopt;
}

} // namespace vesper::backend
