#include "backend/storage/objectstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUuid>

namespace vesper::backend {

namespace {

constexpr int MaxKeyLength = 255;

bool isSafeSegment(QStringView segment)
{
    if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
        return false;
    for (const QChar c : segment) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
            || u == u'.' || u == u'_' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
}

// A single safe path segment: an id used as a folder name.
bool isSafeSingleSegment(const QString &value)
{
    return value.size() <= MaxKeyLength && isSafeSegment(value);
}

bool isInside(const QString &path, const QString &root)
{
    return path.startsWith(root + QLatin1Char('/')) && path.size() > root.size() + 1;
}

} // namespace

ObjectStore::ObjectStore(QString root)
    : m_root(QDir::cleanPath(QDir(root).absolutePath()))
{
}

bool ObjectStore::isSafeKey(const QString &key)
{
    // The segment rule already refuses "/" at the start ("" segment), "\\", NUL and anything
    // outside ASCII; the length cap keeps paths well below PATH_MAX whatever the root is.
    if (key.isEmpty() || key.size() > MaxKeyLength)
        return false;
    for (const QStringView segment : QStringView(key).split(QLatin1Char('/'))) {
        if (!isSafeSegment(segment))
            return false;
    }
    return true;
}

QString ObjectStore::originalKey(const QString &userId, const QString &generationId, int index, const QString &mime)
{
    const QLatin1String extension = mime == QLatin1String("image/jpeg") ? QLatin1String(".jpg")
                                    : mime == QLatin1String("image/webp") ? QLatin1String(".webp")
                                                                          : QLatin1String(".png");
    return userId + QLatin1Char('/') + generationId + QLatin1Char('/') + QString::number(index) + extension;
}

QString ObjectStore::thumbnailKey(const QString &userId, const QString &generationId, int index)
{
    return userId + QLatin1Char('/') + generationId + QLatin1Char('/') + QString::number(index)
        + QLatin1String(".thumb.webp");
}

QString ObjectStore::pathFor(const QString &key) const
{
    if (!isSafeKey(key))
        return {};
    const QString path = QDir::cleanPath(m_root + QLatin1Char('/') + key);
    if (!isInside(path, m_root))
        return {};
    // Second line of defence: a symbolic link somewhere below the root must not lead out of it.
    // Resolve the deepest part of the path that exists and compare canonical forms.
    const QString canonicalRoot = QFileInfo(m_root).canonicalFilePath();
    if (canonicalRoot.isEmpty())
        return path; // nothing written yet, so nothing below the root can be a link
    QString existing = path;
    while (existing.size() > m_root.size() && !QFileInfo::exists(existing))
        existing = QFileInfo(existing).path();
    if (existing.size() <= m_root.size())
        return path;
    const QString canonical = QFileInfo(existing).canonicalFilePath();
    if (canonical.isEmpty() || !isInside(canonical, canonicalRoot))
        return {};
    return path;
}

bool ObjectStore::put(const QString &key, const QByteArray &bytes, QString *error)
{
    const auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    const QString path = pathFor(key);
    if (path.isEmpty())
        return fail(QStringLiteral("unsafe storage key"));
    const QString folder = QFileInfo(path).path();
    if (!QDir().mkpath(folder))
        return fail(QStringLiteral("cannot create the storage folder"));
    // QSaveFile writes "<name>.XXXXXX" next to the target and renames it on commit; on any failure
    // (or destruction without commit) it deletes the temporary, so the key is never half written.
    QSaveFile file(path);
    file.setDirectWriteFallback(false);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot open a temporary file: ") + file.errorString());
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (file.write(bytes) != bytes.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        file.commit();
        return fail(QStringLiteral("cannot write the file: ") + reason);
    }
    if (!file.commit())
        return fail(QStringLiteral("cannot commit the file: ") + file.errorString());
    return true;
}

bool ObjectStore::probeWritable(QString *error)
{
    // A name of its own per process and moment: instances starting at once on one folder do not meet.
    const QByteArray token = QUuid::createUuid().toByteArray(QUuid::Id128);
    const QString key = QStringLiteral("write-probe-%1.tmp").arg(QString::fromLatin1(token));
    QString reason;
    if (!put(key, token, &reason)) {
        *error = QStringLiteral("the object store %1 is not writable (%2)").arg(m_root, reason);
        return false;
    }
    const std::optional<QByteArray> back = get(key);
    const bool removed = remove(key);
    if (!back || *back != token || !removed) {
        *error = QStringLiteral("the object store %1 did not give back or delete a probe file").arg(m_root);
        return false;
    }
    return true;
}

std::optional<QByteArray> ObjectStore::get(const QString &key) const
{
    const std::unique_ptr<QFile> file = open(key);
    if (!file)
        return std::nullopt;
    return file->readAll();
}

std::unique_ptr<QFile> ObjectStore::open(const QString &key) const
{
    const QString path = pathFor(key);
    if (path.isEmpty() || !QFileInfo(path).isFile())
        return nullptr;
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return nullptr;
    return file;
}

bool ObjectStore::exists(const QString &key) const
{
    const QString path = pathFor(key);
    return !path.isEmpty() && QFileInfo(path).isFile();
}

bool ObjectStore::remove(const QString &key)
{
    const QString path = pathFor(key);
    if (path.isEmpty())
        return false;
    const QFileInfo info(path);
    if (info.isDir() && !info.isSymLink())
        return false; // a key names a file; folders go with removeGeneration
    if (info.exists() || info.isSymLink())
        QFile::remove(path);
    return !QFileInfo::exists(path) && !QFileInfo(path).isSymLink();
}

QStringList ObjectStore::generationKeys(const QString &userId, const QString &generationId) const
{
    if (!isSafeSingleSegment(userId) || !isSafeSingleSegment(generationId))
        return {};
    const QString folder = userId + QLatin1Char('/') + generationId;
    const QString path = pathFor(folder);
    if (path.isEmpty() || QFileInfo(path).isSymLink())
        return {};
    QStringList keys;
    // Temporary files of writes in progress are hidden (QSaveFile) or not yet renamed; links are skipped.
    const QStringList names = QDir(path).entryList(QDir::Files | QDir::NoSymLinks, QDir::Name);
    for (const QString &name : names) {
        if (isSafeSegment(name))
            keys << folder + QLatin1Char('/') + name;
    }
    return keys;
}

bool ObjectStore::removeGeneration(const QString &userId, const QString &generationId)
{
    if (!isSafeSingleSegment(userId) || !isSafeSingleSegment(generationId))
        return false;
    const QString path = pathFor(userId + QLatin1Char('/') + generationId);
    if (path.isEmpty())
        return false;
    const QFileInfo info(path);
    if (info.isSymLink())
        return QFile::remove(path); // unlink the link itself, never what it points at
    if (!info.exists())
        return true;
    if (!info.isDir())
        return false;
    QDir(path).removeRecursively();
    return !QFileInfo::exists(path);
}

} // namespace vesper::backend
