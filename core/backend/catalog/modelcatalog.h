#pragma once
// The model catalogue served by GET /api/models and the bootstrap: what each provider offers,
// what it costs per image, and whether it can run now (configured on this server).
#include <QJsonArray>

namespace vesper::backend {

class ModelCatalog {
public:
    /// The catalogue as JSON; `available` reflects the provider settings in the environment.
    static QJsonArray models();
};

} // namespace vesper::backend
