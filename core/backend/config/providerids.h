#pragma once
// The providers and the models they run, written once: the registry, the catalogue, the worker
// metrics and the settings all read this table instead of repeating the ids.
#include <QList>
#include <QString>

namespace vesper::backend {

namespace providerid {
inline QString sketch() { return QStringLiteral("sketch"); }
inline QString a1111() { return QStringLiteral("a1111"); }
inline QString comfyUi() { return QStringLiteral("comfyui"); }
inline QString gemini() { return QStringLiteral("gemini"); }
inline QString replicate() { return QStringLiteral("replicate"); }
/// Every provider, the built-in one first.
QList<QString> all();
} // namespace providerid

/// One model of the catalogue and the provider that runs it.
struct ModelEntry {
    QString modelId;
    QString providerId;
    QString name;
    QString description;
    QString setting;          // the setting that configures its provider (named when it is not); empty for sketch
    QList<QString> resolutions;
    int defaultCost = 0;      // credits per image unless the server's model costs say otherwise
    int maxReferenceImages = 0;
};

/// The catalogue's models in the order they are listed.
const QList<ModelEntry> &modelEntries();
/// The provider id behind a model id; empty for an unknown model.
QString providerOfModel(const QString &modelId);

} // namespace vesper::backend
