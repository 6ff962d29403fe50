#pragma once
// How a failed AUTOMATIC1111 txt2img is classified. The web UI answers 500 for every Python
// exception, so the status alone cannot say "try again": the exception's name in the body can
// (a NaN check fails again on the same input; running out of GPU memory may not).
#include "backend/providers/providerhttp.h"
#include "backend/providers/provider.h"

namespace vesper::backend::a1111 {

/// The failed call as a result: 500s naming an exception that recurs are permanent PROVIDER_ERRORs
/// (no retry, no breaker failure); 422 lists pydantic's field errors; the web UI's text is whole.
ProviderResult failedTxt2Img(const ProviderResponse &response);
/// True when an exception of this Python type can succeed when the same request is sent again.
bool transientException(const QString &type);

} // namespace vesper::backend::a1111
