#include "backend/providers/comfyuihistory.h"
#include "backend/providers/providerhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace vesper::backend {
namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

// Node ids are usually numbers; order them as numbers so "10" comes after "9".
bool nodeIdLess(const QString &a, const QString &b)
{
    bool aNum = false, bNum = false;
    const qlonglong x = a.toLongLong(&aNum), y = b.toLongLong(&bNum);
    if (aNum && bNum)
        return x < y;
    if (aNum != bNum)
        return aNum;
    return a < b;
}

ComfyUiOutcome unreadable(const QString &what)
{
    ComfyUiOutcome outcome;
    outcome.state = ComfyUiOutcome::State::Unreadable;
    outcome.message = what;
    return outcome;
}
} // namespace

ComfyUiOutcome parseHistory(const QByteArray &body, const QString &promptId)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return unreadable(QStringLiteral("the history is not JSON"));
    const QJsonValue entryValue = doc.object().value(promptId);
    if (entryValue.isUndefined() || entryValue.isNull())
        return {}; // not finished yet: ComfyUI writes the entry when the prompt ends
    if (!entryValue.isObject())
        return unreadable(QStringLiteral("the history entry is not an object"));
    const QJsonObject entry = entryValue.toObject();
    const QJsonObject status = entry.value(QStringLiteral("status")).toObject();

    if (str(status, "status_str") == QLatin1String("error")) {
        ComfyUiOutcome outcome;
        outcome.state = ComfyUiOutcome::State::Failed;
        outcome.message = QStringLiteral("ComfyUI failed to run the workflow");
        // messages: [[event name, data], ...] as sent on the websocket while it ran.
        for (const QJsonValue &m : status.value(QStringLiteral("messages")).toArray()) {
            const QJsonArray pair = m.toArray();
            const QString event = pair.at(0).toString();
            if (event == QLatin1String("execution_error")) {
                outcome.message = executionErrorMessage(pair.at(1).toObject());
            } else if (event == QLatin1String("execution_interrupted")) {
                outcome.state = ComfyUiOutcome::State::Interrupted;
                outcome.message = QStringLiteral("ComfyUI's run was interrupted");
            }
        }
        return outcome;
    }
    // Older ComfyUI has no status at all; an entry with outputs is a finished run there.
    if (!status.isEmpty() && !status.value(QStringLiteral("completed")).toBool()
        && str(status, "status_str") != QLatin1String("success"))
        return {};

    const QJsonValue outputsValue = entry.value(QStringLiteral("outputs"));
    if (!outputsValue.isObject())
        return unreadable(QStringLiteral("the history entry has no outputs"));
    return outcomeOfOutputs(outputsValue.toObject());
}

ComfyUiOutcome outcomeOfOutputs(const QJsonObject &outputs)
{
    QStringList nodes = outputs.keys();
    std::sort(nodes.begin(), nodes.end(), nodeIdLess);
    ComfyUiOutcome outcome;
    outcome.state = ComfyUiOutcome::State::Succeeded;
    QList<ComfyUiImageRef> previews;
    for (const QString &node : std::as_const(nodes)) {
        for (const QJsonValue &v : outputs.value(node).toObject().value(QStringLiteral("images")).toArray()) {
            const QJsonObject image = v.toObject();
            ComfyUiImageRef ref{str(image, "filename"), str(image, "subfolder"), str(image, "type")};
            if (ref.filename.isEmpty())
                return unreadable(QStringLiteral("an image in the history has no file name"));
            // Saved images are the results; previews are only kept when a workflow saves nothing.
            (ref.type == QLatin1String("temp") ? previews : outcome.images).append(ref);
        }
    }
    if (outcome.images.isEmpty())
        outcome.images = previews;
    if (outcome.images.isEmpty())
        return unreadable(QStringLiteral("the workflow finished without any image"));
    return outcome;
}

QString refusalMessage(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonValue error = o.value(QStringLiteral("error"));
    QString message = error.isObject() ? str(error.toObject(), "message") : error.toString();
    if (error.isObject() && !str(error.toObject(), "details").isEmpty())
        message += QStringLiteral(" (%1)").arg(str(error.toObject(), "details"));
    // node_errors: {node id: {errors: [{message, details}], class_type}}; the first names the culprit.
    const QJsonObject nodeErrors = o.value(QStringLiteral("node_errors")).toObject();
    for (auto it = nodeErrors.begin(); it != nodeErrors.end(); ++it) {
        const QJsonObject nodeError = it.value().toObject();
        const QJsonObject first = nodeError.value(QStringLiteral("errors")).toArray().at(0).toObject();
        if (first.isEmpty())
            continue;
        message += QStringLiteral("; %1: %2").arg(str(nodeError, "class_type"), str(first, "message"));
        if (!str(first, "details").isEmpty())
            message += QStringLiteral(": ") + str(first, "details");
        break;
    }
    if (message.isEmpty() && !body.trimmed().startsWith('<')) // plain text, not a proxy's HTML page
        message = QString::fromUtf8(body.left(300));
    return boundedText(message);
}

QString executionErrorMessage(const QJsonObject &data)
{
    const QString nodeType = str(data, "node_type");
    const QString exception = str(data, "exception_message");
    QString message = exception.isEmpty() ? QStringLiteral("the workflow failed") : exception;
    if (!nodeType.isEmpty())
        message = QStringLiteral("%1 failed: %2").arg(nodeType, message);
    return boundedText(message);
}

} // namespace vesper::backend
