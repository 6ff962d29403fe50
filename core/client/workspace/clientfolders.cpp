#include "client/workspace/clientfolders.h"
#include "client/clientlogging.h"
#include "client/workspace/knownaccounts.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace vesper::client::folders {

QString cacheRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/vesper");
}

QString configDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/vesper");
}

AdoptReport adoptOldFolders(const QString &oldCacheRoot, const QString &oldConfigDir, const QString &cacheRoot,
                            const QString &configDir)
{
    AdoptReport report;
    const QString oldCache = QFileInfo(oldCacheRoot).absoluteFilePath();
    const QString newCache = QFileInfo(cacheRoot).absoluteFilePath();
    if (!oldCacheRoot.isEmpty() && oldCache != newCache && QFileInfo(oldCache).isDir()) {
        QDir().mkpath(newCache);
        const QDir old(oldCache);
        for (const QString &name : old.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QString from = old.filePath(name);
            const QString to = QDir(newCache).filePath(name);
            if (QFileInfo::exists(to)) {
                report.kept << from;
                qCWarning(lcClientCache) << "kept the old cache" << from << "since" << to << "exists; its unsent writes stay there";
                continue;
            }
            if (!QDir().rename(from, to)) {
                report.kept << from;
                qCWarning(lcClientCache) << "could not move the old cache" << from << "to" << to;
                continue;
            }
            report.moved << to;
            qCInfo(lcClientCache) << "moved the cache" << from << "to" << to;
        }
        QDir().rmdir(oldCache); // only when nothing is left
    }
    if (!oldConfigDir.isEmpty() && QFileInfo(oldConfigDir).absoluteFilePath() != QFileInfo(configDir).absoluteFilePath()
        && QFileInfo::exists(oldConfigDir + QStringLiteral("/accounts.ini"))) {
        if (KnownAccounts(configDir).adoptMissing(KnownAccounts(oldConfigDir)) > 0)
            report.moved << configDir + QStringLiteral("/accounts.ini");
    }
    return report;
}

} // namespace vesper::client::folders
