#pragma once
// Where a generation is in its life, with the wire names the API uses ("queued", ...).
#include <QString>
#include <optional>

namespace vesper {

enum class GenerationStatus {
    Queued,     // queued
    Processing, // processing
    Completed,  // completed
    Failed,     // failed
    Cancelled,  // cancelled
};

/// "queued", "processing", ... as on the wire.
QString generationStatusName(GenerationStatus status);
/// The status for a wire name; nullopt for a name this build does not know.
std::optional<GenerationStatus> generationStatusFromName(const QString &name);
/// Completed, failed and cancelled are final: such a generation never changes status again.
bool isFinished(GenerationStatus status);

} // namespace vesper
