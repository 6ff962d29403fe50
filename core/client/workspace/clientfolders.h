#pragma once
// Where the client keeps its files on this machine — one answer for the desktop app and vesper-cli,
// so both open the same cache per server and account ($XDG_CACHE_HOME/vesper/<server>-<user>/) and
// read the same known accounts ($XDG_CONFIG_HOME/vesper/accounts.ini). Also adopts the folders older
// app versions kept under the organisation's name, whose outbox may hold writes not sent yet.
#include <QString>
#include <QStringList>

namespace vesper::client::folders {

/// $XDG_CACHE_HOME/vesper (~/.cache/vesper): the root of every account's cache folder.
QString cacheRoot();
/// $XDG_CONFIG_HOME/vesper (~/.config/vesper): accounts.ini (no secrets).
QString configDir();

/// What adoptOldFolders did: folders moved into the new places, and old ones left where they were
/// because the new place already had one of that name (the new one is kept; nothing is merged).
struct AdoptReport {
    QStringList moved;
    QStringList kept;
};

/// Moves each account folder under oldCacheRoot to cacheRoot unless one of that name is there
/// already (a rename: the cache, its outbox and thumbnails arrive whole), and copies the known
/// accounts of oldConfigDir that configDir lacks. Nothing happens when the old places are the new
/// ones or do not exist; an emptied old root is removed. Call before any workspace opens.
AdoptReport adoptOldFolders(const QString &oldCacheRoot, const QString &oldConfigDir, const QString &cacheRoot,
                            const QString &configDir);

} // namespace vesper::client::folders
