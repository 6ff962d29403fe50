#pragma once
// The disk tier of the thumbnail cache: files named by the SHA-256 of their bytes in sharded folders
// (so equal pictures are stored once and a damaged file is detected on read), an index from
// (output, variant) to hash, size and last use kept in an append-only journal that is replayed at
// start, and a byte budget enforced by dropping the least recently used entries. Thread-safe. One
// process at a time: the app and vesper-cli share a cache folder, and a second index over the same
// journal would lose the first's entries when either rewrote it (files nobody evicts), so open()
// takes a lock file and another process's opener keeps its thumbnails in memory. Stores of one
// process share the lock (a workspace shares one store; tests open a second to look inside).
#include "client/thumbnails/thumbnailtypes.h"

#include <QFile>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>
#include <map>
#include <memory>
#include <optional>

class QLockFile;

namespace vesper::client {

class DiskThumbnailStore {
public:
    /// A store under dir (created when missing) holding at most budgetBytes of files.
    DiskThumbnailStore(QString dir, qint64 budgetBytes);
    ~DiskThumbnailStore();
    DiskThumbnailStore(const DiskThumbnailStore &) = delete;
    DiskThumbnailStore &operator=(const DiskThumbnailStore &) = delete;

    /// Creates the folders, takes the folder's lock and replays the journal; false with a reason
    /// when the folder is unusable or another store (in this or another process) has it open.
    bool open(QString *error);

    /// The stored bytes of key, checked against their hash, marking them recently used; nullopt when
    /// absent. A damaged or missing file drops the entry and sets *problem (then fetch again).
    std::optional<QByteArray> read(const ThumbnailKey &key, QString *problem = nullptr);
    /// Whether key has an entry (no file access, no use mark): what a prefetch skips.
    bool contains(const ThumbnailKey &key) const;
    /// Stores bytes under key (temp file, then rename), evicting least recently used entries past
    /// the budget; false with a reason on a write failure.
    bool put(const ThumbnailKey &key, const QByteArray &bytes, QString *error = nullptr);
    /// Drops key's entry (its bytes did not decode, say).
    void remove(const ThumbnailKey &key);
    /// Drops every variant of these outputs (tombstones); how many entries went.
    int removeOutputs(const QSet<QString> &outputIds);

    /// Bytes of the distinct files the index holds.
    qint64 totalBytes() const;
    int entryCount() const;
    qint64 budgetBytes() const;
    /// The file that holds key's bytes now; empty when key has no entry (tests damage it on purpose).
    QString filePathOf(const ThumbnailKey &key) const;

private:
    struct Entry {
        QByteArray hash;  // hex SHA-256 of the bytes, the file's name
        qint64 size = 0;
        quint64 tick = 0; // last use; larger is newer
    };

    QString objectPath(const QByteArray &hash) const;
    void touchLocked(const ThumbnailKey &key, Entry &entry);
    void insertLocked(const ThumbnailKey &key, const Entry &entry, bool journal);
    void eraseLocked(const ThumbnailKey &key, bool journal);
    void evictLocked(const ThumbnailKey &keep);
    void replayJournal();
    void compactJournalLocked();
    void appendLocked(const QByteArray &line);
    void dropIfHash(const ThumbnailKey &key, const QByteArray &hash);
    /// This process's lock of dir: shared when one of its stores holds it, else taken now; null
    /// with *error when another process holds it.
    static std::shared_ptr<QLockFile> folderLock(const QString &dir, QString *error);

    const QString m_dir;
    const qint64 m_budget;
    std::shared_ptr<QLockFile> m_lock;
    mutable QMutex m_mutex;
    QHash<ThumbnailKey, Entry> m_entries;
    std::map<quint64, ThumbnailKey> m_lru;  // tick -> key, oldest first
    QHash<QByteArray, int> m_refs;          // hash -> entries sharing that file
    qint64 m_total = 0;
    quint64 m_tick = 0;
    QFile m_journal;
    qint64 m_journalLines = 0;
    quint64 m_tempCounter = 0;
};

} // namespace vesper::client
