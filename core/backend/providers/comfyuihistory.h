#pragma once
// Reading ComfyUI's answers: the /history entry of one prompt (its state, its images or its
// error), the errors of a refused /prompt, and the events on its websocket.
#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace vesper::backend {

/// One saved image as /history names it; /view serves it.
struct ComfyUiImageRef {
    QString filename;
    QString subfolder;
    QString type; // "output" (SaveImage) or "temp" (PreviewImage)
};

/// Where a prompt stands according to /history.
struct ComfyUiOutcome {
    enum class State { Pending, Succeeded, Failed, Interrupted, Unreadable };
    State state = State::Pending;
    QList<ComfyUiImageRef> images; // Succeeded: the saved images, output nodes in id order
    QString message;               // Failed: ComfyUI's reason; Unreadable: what was wrong
};

/// GET /history/{promptId}: {} while it is queued or running, then {promptId: {outputs, status}}.
ComfyUiOutcome parseHistory(const QByteArray &body, const QString &promptId);
/// A finished run's images from its outputs ({node id: {"images": [...]}}, as the history lists them
/// or the "executed" events sent them): saved images in node order, previews only without any.
ComfyUiOutcome outcomeOfOutputs(const QJsonObject &outputs);
/// The readable reason of a 400 from POST /prompt ({"error": {...}, "node_errors": {...}}).
QString refusalMessage(const QByteArray &body);
/// The readable reason of an execution_error event (its data object).
QString executionErrorMessage(const QJsonObject &data);

} // namespace vesper::backend
