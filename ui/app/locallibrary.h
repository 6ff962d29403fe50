#pragma once
// What the app's main hands the UI about the local library it serves: where the embedded backend
// listens, the local profile's token and id, the data folder, and a way to replace provider keys and
// URLs on the running backend. The UI never links the backend; this value is the whole interface.
#include <QHash>
#include <QString>
#include <functional>

namespace vesper::ui {

struct LocalLibrary {
    QString baseUrl;     // "http://127.0.0.1:<port>"
    QString accessToken; // the local profile's bearer token
    QString userId;      // the local profile's id
    QString dataDir;     // the library's folder (SQLite, pictures)
    /// Applies provider settings at once (no restart). Keys: a1111Url, comfyUiUrl, geminiKey,
    /// geminiUrl, replicateToken, replicateUrl; a missing key leaves that setting empty.
    std::function<void(const QHash<QString, QString> &)> applyProviderSettings;

    bool isValid() const { return !baseUrl.isEmpty(); }
};

} // namespace vesper::ui
