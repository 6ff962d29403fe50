#pragma once
// Provider keys, tokens and URLs of the local library (and its assistant's), kept in the OS keychain (service
// "vesper-providers") and nowhere else — not in settings files, not in logs. Blocking calls: run them
// off the GUI thread. loadAndApplyAsync() is what the app does at start.
#include "ui/app/locallibrary.h"

#include <QHash>
#include <QString>
#include <QStringList>

class QObject;

namespace vesper::ui {

class ProviderKeyStore {
public:
    explicit ProviderKeyStore(QString service = QStringLiteral("vesper-providers"));

    /// a1111Url, comfyUiUrl, geminiKey, geminiUrl, replicateToken, replicateUrl, and the assistant's
    /// assistantAdapter, anthropicKey, anthropicModel, anthropicUrl, openaiUrl, openaiKey, openaiModel.
    static QStringList fieldNames();

    /// The stored values (missing ones absent); false with *error when no keychain answers.
    bool load(QHash<QString, QString> *values, QString *error) const;
    /// Stores every field of values (an empty value removes its entry); false with *error.
    bool save(const QHash<QString, QString> &values, QString *error) const;

    /// Loads on a worker thread and hands the values to library.applyProviderSettings on the
    /// thread of receiver (nothing happens when nothing is stored or no keychain answers).
    static void loadAndApplyAsync(const LocalLibrary &library, QObject *receiver,
                                  const QString &service = QStringLiteral("vesper-providers"));

private:
    QString m_service;
};

} // namespace vesper::ui
