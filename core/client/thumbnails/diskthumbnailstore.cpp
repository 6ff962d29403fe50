#include "client/thumbnails/diskthumbnailstore.h"

#include "client/clientlogging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLockFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QSaveFile>
#include <QUrl>

namespace vesper::client {

namespace {

const QString kJournalName = QStringLiteral("index.journal");

QByteArray encodePart(const QString &text)
{
    return QUrl::toPercentEncoding(text);
}

QString decodePart(const QByteArray &bytes)
{
    // Ids and variants are plain ASCII almost always: skip the percent decoder then (index replay).
    return bytes.contains('%') ? QUrl::fromPercentEncoding(bytes) : QString::fromLatin1(bytes);
}

QByteArray keyPart(const ThumbnailKey &key)
{
    return encodePart(key.variant) + ' ' + encodePart(key.outputId);
}

} // namespace

DiskThumbnailStore::DiskThumbnailStore(QString dir, qint64 budgetBytes)
    : m_dir(std::move(dir)), m_budget(budgetBytes)
{
}

namespace {
// The folder locks this process holds, shared by its stores of one folder.
QMutex lockRegistryMutex;
QHash<QString, std::weak_ptr<QLockFile>> lockRegistry;
} // namespace

std::shared_ptr<QLockFile> DiskThumbnailStore::folderLock(const QString &dir, QString *error)
{
    const QString path = QDir(dir).absoluteFilePath(QStringLiteral("store.lock"));
    QMutexLocker registry(&lockRegistryMutex);
    if (std::shared_ptr<QLockFile> held = lockRegistry.value(path).lock())
        return held;
    auto lock = std::make_shared<QLockFile>(path);
    lock->setStaleLockTime(0); // stale only when its process is gone (a crash), never by age
    if (!lock->tryLock(0)) {
        if (error)
            *error = lock->error() == QLockFile::LockFailedError
                ? QStringLiteral("The thumbnail folder %1 is in use by another Vesper program.").arg(dir)
                : QStringLiteral("The thumbnail folder %1 cannot be locked.").arg(dir);
        return nullptr;
    }
    lockRegistry.insert(path, lock);
    return lock;
}

DiskThumbnailStore::~DiskThumbnailStore()
{
    // The journal is closed before the lock goes, so the next opener replays all of it.
    QMutexLocker lock(&m_mutex);
    m_journal.close();
    m_lock.reset();
}

bool DiskThumbnailStore::open(QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (!QDir().mkpath(m_dir + QStringLiteral("/objects"))) {
        if (error)
            *error = QStringLiteral("The thumbnail folder %1 cannot be created.").arg(m_dir);
        return false;
    }
    m_lock = folderLock(m_dir, error);
    if (!m_lock)
        return false;
    replayJournal();
    // A journal much longer than the index (use marks, replaced and dropped entries) is rewritten.
    if (m_journalLines > 2 * qint64(m_entries.size()) + 1024)
        compactJournalLocked();
    m_journal.setFileName(m_dir + QLatin1Char('/') + kJournalName);
    if (!m_journal.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = QStringLiteral("The thumbnail index %1 cannot be written: %2.").arg(m_journal.fileName(), m_journal.errorString());
        return false;
    }
    evictLocked({});
    return true;
}

void DiskThumbnailStore::replayJournal()
{
    QFile file(m_dir + QLatin1Char('/') + kJournalName);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QByteArray all = file.readAll();
    qsizetype start = 0;
    while (start < all.size()) {
        const qsizetype end = all.indexOf('\n', start);
        if (end < 0)
            break; // a torn last line (a crash mid-append) is ignored
        const QList<QByteArray> f = all.mid(start, end - start).split(' ');
        start = end + 1;
        ++m_journalLines;
        if (f.value(0) == "P" && f.size() == 6) {
            const ThumbnailKey key{decodePart(f[5]), decodePart(f[4])};
            eraseLocked(key, false);
            insertLocked(key, Entry{f[2], f[3].toLongLong(), f[1].toULongLong()}, false);
        } else if (f.value(0) == "T" && f.size() == 4) {
            const ThumbnailKey key{decodePart(f[3]), decodePart(f[2])};
            auto it = m_entries.find(key);
            if (it != m_entries.end()) {
                m_lru.erase(it->tick);
                it->tick = f[1].toULongLong();
                m_lru[it->tick] = key;
            }
        } else if (f.value(0) == "D" && f.size() == 3) {
            eraseLocked(ThumbnailKey{decodePart(f[2]), decodePart(f[1])}, false);
        }
    }
    for (const Entry &entry : std::as_const(m_entries))
        m_tick = qMax(m_tick, entry.tick);
    qCDebug(lcClientThumbs) << "thumbnail index:" << m_entries.size() << "entries," << m_total << "bytes";
}

void DiskThumbnailStore::compactJournalLocked()
{
    if (m_journal.isOpen())
        m_journal.close();
    QSaveFile out(m_dir + QLatin1Char('/') + kJournalName); // a temp name renamed over the old journal
    if (!out.open(QIODevice::WriteOnly))
        return;
    for (auto it = m_lru.begin(); it != m_lru.end(); ++it) {
        const Entry &e = m_entries[it->second];
        out.write("P " + QByteArray::number(e.tick) + ' ' + e.hash + ' ' + QByteArray::number(e.size) + ' ' + keyPart(it->second) + '\n');
    }
    if (out.commit())
        m_journalLines = qint64(m_entries.size());
    if (!m_journal.fileName().isEmpty())
        m_journal.open(QIODevice::WriteOnly | QIODevice::Append);
}

void DiskThumbnailStore::appendLocked(const QByteArray &line)
{
    if (!m_journal.isOpen())
        return;
    m_journal.write(line);
    m_journal.flush();
    if (++m_journalLines > 4 * qint64(m_entries.size()) + 4096)
        compactJournalLocked();
}

QString DiskThumbnailStore::objectPath(const QByteArray &hash) const
{
    return m_dir + QStringLiteral("/objects/") + QLatin1String(hash.left(2)) + QLatin1Char('/') + QLatin1String(hash);
}

void DiskThumbnailStore::touchLocked(const ThumbnailKey &key, Entry &entry)
{
    m_lru.erase(entry.tick);
    entry.tick = ++m_tick;
    m_lru[entry.tick] = key;
    appendLocked("T " + QByteArray::number(entry.tick) + ' ' + keyPart(key) + '\n');
}

void DiskThumbnailStore::insertLocked(const ThumbnailKey &key, const Entry &entry, bool journal)
{
    m_entries.insert(key, entry);
    m_lru[entry.tick] = key;
    if (m_refs[entry.hash]++ == 0)
        m_total += entry.size;
    if (journal)
        appendLocked("P " + QByteArray::number(entry.tick) + ' ' + entry.hash + ' ' + QByteArray::number(entry.size) + ' ' + keyPart(key) + '\n');
}

void DiskThumbnailStore::eraseLocked(const ThumbnailKey &key, bool journal)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    const Entry entry = *it;
    m_entries.erase(it);
    m_lru.erase(entry.tick);
    if (--m_refs[entry.hash] == 0) {
        m_refs.remove(entry.hash);
        m_total -= entry.size;
        if (journal) // during replay the files stay: a later line may point at them again
            QFile::remove(objectPath(entry.hash));
    }
    if (journal)
        appendLocked("D " + keyPart(key) + '\n');
}

void DiskThumbnailStore::evictLocked(const ThumbnailKey &keep)
{
    while (m_total > m_budget && !m_lru.empty()) {
        const ThumbnailKey oldest = m_lru.begin()->second;
        if (oldest == keep && m_lru.size() == 1)
            break; // one picture larger than the whole budget stays until the next one arrives
        eraseLocked(oldest, true);
    }
}

std::optional<QByteArray> DiskThumbnailStore::read(const ThumbnailKey &key, QString *problem)
{
    Entry entry;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_entries.find(key);
        if (it == m_entries.end())
            return std::nullopt;
        touchLocked(key, *it);
        entry = *it;
    }
    QFile file(objectPath(entry.hash));
    QByteArray bytes;
    if (file.open(QIODevice::ReadOnly))
        bytes = file.readAll();
    if (bytes.size() != entry.size
        || QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex() != entry.hash) {
        if (problem)
            *problem = file.exists() ? QStringLiteral("The cached file of %1 is damaged.").arg(key.outputId)
                                     : QStringLiteral("The cached file of %1 is missing.").arg(key.outputId);
        qCWarning(lcClientThumbs).noquote() << "dropping a damaged thumbnail file:" << file.fileName();
        dropIfHash(key, entry.hash);
        return std::nullopt;
    }
    return bytes;
}

void DiskThumbnailStore::dropIfHash(const ThumbnailKey &key, const QByteArray &hash)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->hash != hash)
        return; // replaced meanwhile by a fresh download
    // The file is damaged for every entry sharing it: remove it whatever the other references.
    QFile::remove(objectPath(hash));
    eraseLocked(key, true);
}

bool DiskThumbnailStore::contains(const ThumbnailKey &key) const
{
    QMutexLocker lock(&m_mutex);
    return m_entries.contains(key);
}

bool DiskThumbnailStore::put(const ThumbnailKey &key, const QByteArray &bytes, QString *error)
{
    const QByteArray hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    const QString path = objectPath(hash);
    QString temp;
    bool needFile = false;
    {
        QMutexLocker lock(&m_mutex);
        needFile = !m_refs.contains(hash);
        temp = path + QStringLiteral(".tmp") + QString::number(++m_tempCounter);
    }
    if (needFile) {
        // Written outside the lock; renamed into place under it, so an eviction never races it.
        QDir().mkpath(QFileInfo(path).path());
        QFile out(temp);
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.flush()) {
            if (error)
                *error = QStringLiteral("A thumbnail cannot be written to %1: %2.").arg(temp, out.errorString());
            out.remove();
            return false;
        }
        out.close();
    }
    QMutexLocker lock(&m_mutex);
    if (needFile) {
        if (m_refs.contains(hash) || !QFile::rename(temp, path)) {
            QFile::remove(temp); // another thread stored the same bytes first
            if (!m_refs.contains(hash) && !QFile::exists(path)) {
                if (error)
                    *error = QStringLiteral("A thumbnail cannot be renamed into %1.").arg(path);
                return false;
            }
        }
    } else if (!QFile::exists(path)) {
        if (error) // dropped as damaged meanwhile; the next fetch stores it again
            *error = QStringLiteral("The thumbnail file %1 vanished while it was stored.").arg(path);
        return false;
    }
    auto existing = m_entries.find(key);
    if (existing != m_entries.end() && existing->hash == hash) {
        touchLocked(key, *existing);
        return true;
    }
    eraseLocked(key, existing != m_entries.end());
    insertLocked(key, Entry{hash, bytes.size(), ++m_tick}, true);
    evictLocked(key);
    return true;
}

void DiskThumbnailStore::remove(const ThumbnailKey &key)
{
    QMutexLocker lock(&m_mutex);
    eraseLocked(key, true);
}

int DiskThumbnailStore::removeOutputs(const QSet<QString> &outputIds)
{
    QMutexLocker lock(&m_mutex);
    QList<ThumbnailKey> doomed;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (outputIds.contains(it.key().outputId))
            doomed << it.key();
    }
    for (const ThumbnailKey &key : std::as_const(doomed))
        eraseLocked(key, true);
    return int(doomed.size());
}

qint64 DiskThumbnailStore::totalBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_total;
}

int DiskThumbnailStore::entryCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_entries.size());
}

qint64 DiskThumbnailStore::budgetBytes() const
{
    return m_budget;
}

QString DiskThumbnailStore::filePathOf(const ThumbnailKey &key) const
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? QString() : objectPath(it->hash);
}

} // namespace vesper::client
