#pragma once
// The provider settings of one running backend, replaceable while it runs (the desktop app's settings
// dialog). A job takes a snapshot when it starts, so a change applies from the next job on and never
// half-way through one; the catalogue reads the same snapshot. Thread-safe.
#include "backend/config/providersettings.h"

#include <QMutex>
#include <memory>

namespace vesper::backend {

class ProviderSettingsStore {
public:
    explicit ProviderSettingsStore(const ProviderSettings &initial);

    /// The settings now; the pointer stays valid for as long as the caller keeps it.
    std::shared_ptr<const ProviderSettings> snapshot() const;
    /// Replaces every provider setting at once; the next job and the next catalogue read see them.
    void replace(const ProviderSettings &settings);
    /// Counts replacements, so a reader can tell that a cached view is stale.
    quint64 revision() const;

private:
    mutable QMutex m_mutex;
    std::shared_ptr<const ProviderSettings> m_current;
    quint64 m_revision = 0;
};

} // namespace vesper::backend
