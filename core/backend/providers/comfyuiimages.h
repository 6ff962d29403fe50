#pragma once
// ComfyUI's saved images, fetched with GET /view and checked by decoding. Its PNGs carry the whole
// workflow (prompt, checkpoint, server paths) in text chunks; those are dropped before storing.
#include "backend/providers/provider.h"
#include "backend/providers/comfyuihistory.h"

namespace vesper::backend {

class ProviderHttp;

/// Downloads and checks the images of a finished prompt.
class ComfyUiImages {
public:
    /// GET {baseUrl}/view?filename=&subfolder=&type= for each ref; ok with the images, or the failure.
    static ProviderResult fetch(ProviderHttp &http, const QString &baseUrl, const QList<ComfyUiImageRef> &refs);
    /// The PNG without its tEXt, zTXt and iTXt chunks; other bytes unchanged, non-PNG returned as is.
};

} // namespace vesper::backend
