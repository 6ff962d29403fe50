#include "backend/config/backendsettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>

namespace vesper::backend {

BackendSettings BackendSettings::forDataDir(const QString &dataDir)
{
    BackendSettings settings;
    settings.dataDir = dataDir;
    settings.db.dialect = Dialect::Sqlite;
    settings.db.sqlitePath = dataDir + QStringLiteral("/vesper.db");
    settings.storagePath = dataDir + QStringLiteral("/storage");
    return settings;
}

QString BackendSettings::shippedSkillsDir() const
{
    return skillsDir.isEmpty() ? defaultSkillsDir() : skillsDir;
}

QString BackendSettings::userSkillsDir() const
{
    return dataDir.isEmpty() ? QString() : dataDir + QStringLiteral("/skills");
}

QString BackendSettings::defaultSkillsDir()
{
    // Installed: cmake --install puts them in share/vesper/skills beside bin/. Run from a build
    // tree there is no such folder, and the sources' skills/ (a compile definition) is used.
    const QString installed = QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/vesper/skills"));
    if (QCoreApplication::instance() && QFileInfo(installed).isDir())
        return installed;
#ifdef VESPER_SOURCE_SKILLS_DIR
    return QStringLiteral(VESPER_SOURCE_SKILLS_DIR);
#else
    return installed;
#endif
}

bool BackendSettings::ensureJwtSecret(QString *error)
{
    if (!jwtSecret.isEmpty())
        return true;
    // No secret configured: keep one beside the data so tokens survive a restart. It is created
    // owner-readable only and never printed.
    const QString path = dataDir + QStringLiteral("/jwt-secret");
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly)) {
        jwtSecret = existing.readAll().trimmed();
        if (jwtSecret.size() >= 32) {
            jwtSecretFromFile = true;
            return true;
        }
    }
    QDir().mkpath(dataDir);
    QByteArray random(48, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + random.size()));
    jwtSecret = random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(jwtSecret + '\n');
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    jwtSecretFromFile = true;
    return true;
}

int BackendSettings::costlyThreadCount() const
{
    // Half the HTTP threads at most, so a burst of uploads leaves the other half answering.
    return costlyThreads > 0 ? costlyThreads : qMax(1, threads / 2);
}

int BackendSettings::costlyQueueLength() const
{
    // Waiting callers hold an HTTP thread each: running + waiting stays below the HTTP threads.
    return costlyQueue >= 0 ? costlyQueue : qMax(0, threads - costlyThreadCount() - 1);
}

} // namespace vesper::backend
