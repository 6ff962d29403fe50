#pragma once
// Replicate predictions: create (never twice for one generation when an answer was lost), poll
// (waiting as long as a throttled poll is told to), cancel, and download what the model kept.
#include "backend/config/providerids.h"
#include "backend/providers/provider.h"
#include "backend/providers/replicateprotocol.h"
#include "backend/config/providersettings.h"

namespace vesper::backend {

class ProviderHttp;

/// The "replicate" provider.
class ReplicateProvider : public Provider {
public:
    explicit ReplicateProvider(const ProviderSettings &settings) : m_settings(settings) {}

    QString id() const override { return providerid::replicate(); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    /// The prediction this generation follows: one an earlier attempt started (the job's provider
    /// task), one an unanswered earlier create made, else a new one. False with `failure` set when
    /// there is none to follow.
    bool start(const replicate::Create &create, const GenerationRequest &request, ProviderHttp &api, ProgressSink &sink,
               replicate::Prediction *prediction, ProviderResult *failure);
    /// Asks for a prediction an earlier attempt started; *follow when it still runs or succeeded.
    /// False with `failure` set when the answer leaves that unknown (nothing may be created then).
    bool followEarlier(const QString &predictionId, ProviderHttp &api, replicate::Prediction *prediction, ProviderResult *failure,
                       bool *follow);
    QString predictionUrl(const QString &predictionId) const;
    /// Looks for the prediction an unanswered create made at sinceMs. False with `failure` set when
    /// the list could not be read; false with `failure` untouched when it shows none.
    bool findUnanswered(const replicate::Create &create, qint64 sinceMs, ProviderHttp &api, replicate::Prediction *prediction,
                        ProviderResult *failure);
    /// The images of a succeeded prediction; fewer than asked when the model withheld some (said why).
    ProviderResult download(const replicate::Prediction &prediction, int wanted, ProviderHttp &api, ProgressSink &sink);

    const ProviderSettings m_settings; // a copy: the job keeps what it started with
};

} // namespace vesper::backend
