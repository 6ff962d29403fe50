#include "client/workspace/knownaccounts.h"

#include <QCryptographicHash>
#include <QDir>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

namespace vesper::client {

namespace {
QString groupOf(const QString &serverUrl)
{
    // QSettings keys may not hold '/' safely: hash the normalised URL.
    const QString normal = QUrl(serverUrl).adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments).toString();
    return QString::fromLatin1(QCryptographicHash::hash(normal.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}
} // namespace

KnownAccounts::KnownAccounts(QString configDir)
    : m_file(configDir + QStringLiteral("/accounts.ini"))
{
    QDir().mkpath(configDir);
}

std::optional<KnownAccount> KnownAccounts::lastFor(const QString &serverUrl) const
{
    QSettings settings(m_file, QSettings::IniFormat);
    settings.beginGroup(groupOf(serverUrl));
    KnownAccount account{settings.value(QStringLiteral("email")).toString(), settings.value(QStringLiteral("userId")).toString(),
                         settings.value(QStringLiteral("authUrl")).toString(), settings.value(QStringLiteral("authApiKey")).toString()};
    if (account.userId.isEmpty())
        return std::nullopt;
    return account;
}

void KnownAccounts::remember(const QString &serverUrl, const KnownAccount &account)
{
    QSettings settings(m_file, QSettings::IniFormat);
    settings.beginGroup(groupOf(serverUrl));
    settings.setValue(QStringLiteral("server"), serverUrl);
    settings.setValue(QStringLiteral("email"), account.email);
    settings.setValue(QStringLiteral("userId"), account.userId);
    settings.setValue(QStringLiteral("authUrl"), account.authUrl);
    settings.setValue(QStringLiteral("authApiKey"), account.authApiKey);
    settings.sync();
}

void KnownAccounts::forget(const QString &serverUrl)
{
    QSettings settings(m_file, QSettings::IniFormat);
    settings.remove(groupOf(serverUrl));
    settings.sync();
}

int KnownAccounts::adoptMissing(const KnownAccounts &other)
{
    QSettings theirs(other.m_file, QSettings::IniFormat);
    QSettings mine(m_file, QSettings::IniFormat);
    const QStringList have = mine.childGroups();
    int adopted = 0;
    for (const QString &group : theirs.childGroups()) {
        if (have.contains(group))
            continue;
        theirs.beginGroup(group);
        mine.beginGroup(group);
        for (const QString &key : theirs.childKeys())
            mine.setValue(key, theirs.value(key));
        mine.endGroup();
        theirs.endGroup();
        ++adopted;
    }
    mine.sync();
    return adopted;
}

QString KnownAccounts::cacheFolder(const QString &cacheRoot, const QString &serverUrl, const QString &userId)
{
    const QUrl url(serverUrl);
    QString host = url.host().isEmpty() ? QStringLiteral("local") : url.host();
    if (url.port() > 0)
        host += QLatin1Char('-') + QString::number(url.port());
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    host.replace(unsafe, QStringLiteral("_"));
    QString user = userId;
    user.replace(unsafe, QStringLiteral("_"));
    return cacheRoot + QLatin1Char('/') + host + QLatin1Char('-') + user;
}

} // namespace vesper::client
