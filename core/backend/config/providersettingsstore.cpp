#include "backend/config/providersettingsstore.h"

namespace vesper::backend {

ProviderSettingsStore::ProviderSettingsStore(const ProviderSettings &initial)
    : m_current(std::make_shared<const ProviderSettings>(initial.normalized()))
{
}

std::shared_ptr<const ProviderSettings> ProviderSettingsStore::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_current;
}

void ProviderSettingsStore::replace(const ProviderSettings &settings)
{
    auto next = std::make_shared<const ProviderSettings>(settings.normalized());
    QMutexLocker lock(&m_mutex);
    m_current = std::move(next);
    ++m_revision;
}

quint64 ProviderSettingsStore::revision() const
{
    QMutexLocker lock(&m_mutex);
    return m_revision;
}

} // namespace vesper::backend
