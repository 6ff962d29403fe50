#include "domain/generationstatus.h"

#include <array>
#include <utility>

namespace vesper {
namespace {
constexpr std::array<std::pair<GenerationStatus, const char *>, 5> kNames{{
    {GenerationStatus::Queued, "queued"},
    {GenerationStatus::Processing, "processing"},
    {GenerationStatus::Completed, "completed"},
    {GenerationStatus::Failed, "failed"},
    {GenerationStatus::Cancelled, "cancelled"},
}};
} // namespace

QString generationStatusName(GenerationStatus status)
{
    for (const auto &[value, name] : kNames) {
        if (value == status)
            return QLatin1String(name);
    }
    return QStringLiteral("failed");
}

std::optional<GenerationStatus> generationStatusFromName(const QString &name)
{
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

bool isFinished(GenerationStatus status)
{
    return status == GenerationStatus::Completed || status == GenerationStatus::Failed || status == GenerationStatus::Cancelled;
}

} // namespace vesper
