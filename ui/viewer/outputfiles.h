#pragma once
// Getting a picture out of the viewer as a file: Save as… writes the original's bytes (downloaded
// off the GUI thread) to a temporary name beside the target and renames it into place, so a failed
// save never leaves half a file; a drag to the file manager needs a real file to point at, written
// when the drag starts.
#include "client/net/apierror.h"

#include <QImage>
#include <QString>

namespace vesper::client {
class ApiClient;
}

namespace vesper::ui::outputfiles {

/// Downloads outputId's full file and writes it to path atomically. Blocking: call it on a worker
/// thread. Empty on success, else a sentence saying what failed.
QString saveFullImage(client::ApiClient &api, const QString &outputId, const QString &path);
/// The file extension for a picture's bytes ("png", "jpg", "webp"), from its content type.
QString extensionFor(const QByteArray &contentType);
/// Writes image as PNG to dir/vesper-<outputId>.png for a drag; the path, or empty when it failed.
QString writeDragFile(const QImage &image, const QString &dir, const QString &outputId);

} // namespace vesper::ui::outputfiles
