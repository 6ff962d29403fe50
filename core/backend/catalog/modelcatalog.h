#pragma once
// The model catalogue of one backend, served by GET /api/models and the bootstrap: what each
// provider offers, what it costs per image here, and whether it can run now (its provider configured
// in the current provider settings and its circuit breaker closed).
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <optional>

namespace vesper {
class CircuitBreakers;
}

namespace vesper::backend {

class ProviderSettingsStore;

class ModelCatalog {
public:
    ModelCatalog(const ProviderSettingsStore &providers, const CircuitBreakers &breakers, QHash<QString, qint64> costs);

    /// The catalogue as JSON, read now: a provider key set a moment ago shows its models available.
    QJsonArray models() const;
    /// One model's entry as in models(); nullopt for an unknown id.
    std::optional<QJsonObject> find(const QString &modelId) const;

private:
    const ProviderSettingsStore &m_providers;
    const CircuitBreakers &m_breakers;
    QHash<QString, qint64> m_costs;
};

} // namespace vesper::backend
