#pragma once
// Where the remote providers are and how to reach them (DESIGN §5). A provider without its address
// or key is not configured and its models show unavailable. These are the settings an app may
// replace on a running backend (ProviderSettingsStore); keys stay in memory, never logged or written.
#include "backend/config/assistantsettings.h"

#include <QString>

namespace vesper::backend {

struct ProviderSettings {
    QString a1111Url;                 // VESPER_A1111_URL, e.g. http://127.0.0.1:7860
    QString comfyUiUrl;               // VESPER_COMFYUI_URL, e.g. http://127.0.0.1:8188
    QString comfyUiWorkflow;          // VESPER_COMFYUI_WORKFLOW: an API-format workflow file (optional)
    QString comfyUiCheckpoint = QStringLiteral("sd_xl_base_1.0.safetensors"); // VESPER_COMFYUI_CHECKPOINT
    QString geminiKey;                // GEMINI_API_KEY
    QString geminiUrl = QStringLiteral("https://generativelanguage.googleapis.com"); // VESPER_GEMINI_URL
    QString geminiModel = QStringLiteral("gemini-2.5-flash-image");                  // VESPER_GEMINI_MODEL
    double geminiExpectedSeconds = 12; // VESPER_GEMINI_EXPECTED_SECONDS: shapes the estimated progress
    QString replicateToken;           // REPLICATE_API_TOKEN
    QString replicateUrl = QStringLiteral("https://api.replicate.com");              // VESPER_REPLICATE_URL
    QString replicateModel = QStringLiteral("black-forest-labs/flux-schnell");       // VESPER_REPLICATE_MODEL
    int pollMs = 1000;                // VESPER_PROVIDER_POLL_MS: how often progress is asked for
    int timeoutSeconds = 300;         // VESPER_PROVIDER_TIMEOUT_SECONDS: each call, and the whole job
    int referenceFetchLimit = 4;      // VESPER_REFERENCE_FETCH_LIMIT: reference images read at once
    AssistantSettings assistant;      // the prompt assistant (coach, anthropic or openai)

    /// Whether provider (a providerid:: value) has what it needs to run.
    bool configured(const QString &provider) const;
    /// The same settings with trailing slashes taken off the URLs (how they are compared and joined).
    ProviderSettings normalized() const;
};

} // namespace vesper::backend
