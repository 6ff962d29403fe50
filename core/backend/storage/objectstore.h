#pragma once
// Images as files under one root (VESPER_STORAGE), never in the database. Keys are
// "{userId}/{generationId}/{i}.png" and "{userId}/{generationId}/{i}.thumb.webp"; a write goes to a
// temporary name and is renamed into place, so a crash never leaves half a file under a real key,
// and no key, whatever an id holds, resolves outside the root.
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

class QFile;

namespace vesper::backend {

class ObjectStore {
public:
    explicit ObjectStore(QString root);

    /// Whether key is made of safe segments ([A-Za-z0-9._-], no "." or ".." segment, no leading "/").
    static bool isSafeKey(const QString &key);
    /// "{user}/{generation}/{index}.png", or .jpg / .webp for those types, so the file is served as what it is.
    static QString originalKey(const QString &userId, const QString &generationId, int index,
                               const QString &mime = QStringLiteral("image/png"));
    static QString thumbnailKey(const QString &userId, const QString &generationId, int index);

    /// Writes bytes under key atomically (temporary file, flush, rename); false with a reason.
    bool put(const QString &key, const QByteArray &bytes, QString *error);
    std::optional<QByteArray> get(const QString &key) const;
    /// The stored file under key, opened for reading (for streaming it out); nullptr when missing.
    std::unique_ptr<QFile> open(const QString &key) const;
    /// The absolute file path of a safe key inside the root; empty for an unsafe key.
    QString pathFor(const QString &key) const;
    bool exists(const QString &key) const;
    /// Removes the file; true when it is gone afterwards.
    bool remove(const QString &key);
    /// The keys of the regular files directly below "{userId}/{generationId}/", sorted; empty when none.
    QStringList generationKeys(const QString &userId, const QString &generationId) const;
    /// Removes every key below "{userId}/{generationId}/" (a deleted generation).
    bool removeGeneration(const QString &userId, const QString &generationId);
    QString root() const { return m_root; }
    /// Writes a probe file (temporary name, renamed into place), reads it back and deletes it: false
    /// with a reason when this process cannot write the store, so a server refuses to start on a
    /// folder that is missing, read-only or not mounted instead of failing every generation later.
    bool probeWritable(QString *error);

private:
    QString m_root;
};

} // namespace vesper::backend
