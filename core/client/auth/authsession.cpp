#include "client/auth/authsession.h"
#include "client/clientlogging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::client {
namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString trimmedBase(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

/// A refused grant: the refresh token is unknown, used, revoked or expired; signing in again is the only way.
bool isRefusedGrant(const ApiError &error)
{
    return error.kind == ApiError::Kind::Http && (error.status == 400 || error.status == 401 || error.status == 403);
}
} // namespace

AuthSession::AuthSession(HttpClient *http, const QString &serverUrl, QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_serverUrl(trimmedBase(serverUrl))
    , m_authBase(m_serverUrl)
    , m_keychain(std::make_unique<KeychainStore>())
{
}

AuthSession::~AuthSession() = default;

void AuthSession::setAuthBaseUrl(const QString &url)
{
    // A Supabase project's auth URL is often given whole ("…/auth/v1"); the calls add that path.
    m_authBase = trimmedBase(url.trimmed());
    if (m_authBase.endsWith(QLatin1String("/auth/v1")))
        m_authBase = trimmedBase(m_authBase.chopped(8));
}

void AuthSession::setApiKey(const QByteArray &key)
{
    m_apiKey = key;
}

void AuthSession::setKeychainService(const QString &service)
{
    m_keychain = std::make_unique<KeychainStore>(service);
}

QString AuthSession::keychainKey(const QString &email) const
{
    return KeychainStore::accountKey(m_serverUrl, email);
}

QString AuthSession::keychainUnavailableReason()
{
    return m_keychain->unavailableReason();
}

ApiError AuthSession::grant(const QByteArray &grantType, const QJsonObject &body, Tokens *tokens)
{
    HttpRequest request;
    request.method = "POST";
    request.url = m_authBase + QStringLiteral("/auth/v1/token?grant_type=") + QString::fromLatin1(grantType);
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.contentType = "application/json";
    request.idempotent = false; // a refresh rotates the token: never sent twice
    request.timeoutSeconds = 20;
    request.maxResponseBytes = 1 << 20;
    if (!m_apiKey.isEmpty())
        request.headers.append({"apikey", m_apiKey});
    const HttpResponse response = m_http->call(request);
    ApiError error = ApiError::fromResponse(response);
    if (!error.ok())
        return error;
    const QJsonObject answer = QJsonDocument::fromJson(response.body).object();
    const QJsonObject user = answer.value(QStringLiteral("user")).toObject();
    const QJsonValue expiresIn = answer.value(QStringLiteral("expires_in"));
    tokens->access = answer.value(QStringLiteral("access_token")).toString();
    tokens->refresh = answer.value(QStringLiteral("refresh_token")).toString();
    tokens->userId = user.value(QStringLiteral("id")).toString();
    tokens->email = user.value(QStringLiteral("email")).toString();
    if (tokens->access.isEmpty() || tokens->refresh.isEmpty() || !expiresIn.isDouble() || expiresIn.toDouble() <= 0)
        return ApiError::badResponse(QStringLiteral("a sign-in answer needs access_token, refresh_token and expires_in"));
    // From the local clock: a skewed server clock does not make the token look expired.
    tokens->lifetimeMs = qint64(expiresIn.toDouble() * 1000);
    tokens->expiresAtMs = nowMs() + tokens->lifetimeMs;
    return {};
}

bool AuthSession::saveRefreshToken(const QString &email, const QString &refreshToken)
{
    if (!m_keychain->available())
        return false;
    const KeychainStore::Result saved = m_keychain->write(keychainKey(email), refreshToken);
    if (!saved.ok())
        qCWarning(lcClientAuth).noquote() << "the session could not be saved to the keychain:" << saved.error;
    return saved.ok();
}

ApiError AuthSession::signIn(const QString &email, const QString &password)
{
    Tokens tokens;
    const ApiError error = grant("password", QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}}, &tokens);
    if (!error.ok()) {
        qCInfo(lcClientAuth).noquote() << "sign-in failed:" << describe(error);
        return error;
    }
    if (tokens.email.isEmpty())
        tokens.email = email.trimmed().toLower();
    const bool persisted = saveRefreshToken(tokens.email, tokens.refresh); // saved before use
    {
        QMutexLocker lock(&m_mutex);
        m_tokens = tokens;
        m_fixed = false;
        m_persisted = persisted;
        m_signOutReason.clear();
    }
    qCInfo(lcClientAuth).noquote() << "signed in as user" << tokens.userId << (persisted ? "(saved in the keychain)" : "(memory only)");
    Q_EMIT signedIn(tokens.userId);
    return {};
}

ApiError AuthSession::restore(const QString &email)
{
    if (!m_keychain->available())
        return ApiError::notSignedIn(m_keychain->unavailableReason());
    const KeychainStore::Result saved = m_keychain->read(keychainKey(email));
    if (saved.status == KeychainStore::Status::NotFound)
        return ApiError::notSignedIn(QStringLiteral("No saved session for %1 on this server; please sign in.").arg(email));
    if (!saved.ok())
        return ApiError::notSignedIn(saved.status == KeychainStore::Status::Unavailable ? m_keychain->unavailableReason()
                                                                                        : QStringLiteral("The keychain could not be read: %1.").arg(saved.error));
    {
        QMutexLocker lock(&m_mutex);
        m_tokens = Tokens();
        m_tokens.refresh = saved.secret;
        m_tokens.email = email.trimmed().toLower();
        m_fixed = false;
        m_persisted = true;
    }
    const ApiError error = refreshShared(QString());
    if (error.ok())
        Q_EMIT signedIn(userId());
    return error;
}

void AuthSession::useFixedToken(const QString &token)
{
    QMutexLocker lock(&m_mutex);
    m_tokens = Tokens();
    m_tokens.access = token;
    m_fixed = true;
    m_persisted = false;
}

ApiError AuthSession::refreshNow()
{
    return refreshShared(QString());
}

bool AuthSession::needsRefresh(const Tokens &tokens) const
{
    const qint64 margin = qMin<qint64>(qint64(m_marginSeconds) * 1000, tokens.lifetimeMs / 2);
    return tokens.expiresAtMs - nowMs() <= margin;
}

QString AuthSession::accessToken()
{
    QString seen;
    {
        QMutexLocker lock(&m_mutex);
        if (m_fixed || m_tokens.access.isEmpty() || !needsRefresh(m_tokens))
            return m_tokens.access;
        seen = m_tokens.access;
    }
    refreshShared(seen);
    QMutexLocker lock(&m_mutex);
    return m_tokens.access; // still the old one after a transient failure; empty once signed out
}

QString AuthSession::refreshAfterRejection(const QString &rejected)
{
    refreshShared(rejected);
    QMutexLocker lock(&m_mutex);
    return m_tokens.access;
}

ApiError AuthSession::refreshShared(const QString &seenAccess)
{
    QString refreshToken;
    {
        QMutexLocker lock(&m_mutex);
        if (m_fixed)
            return {};
        if (m_refreshing) {
            while (m_refreshing)
                m_refreshDone.wait(&m_mutex);
            return m_lastRefreshError;
        }
        if (m_tokens.refresh.isEmpty())
            return ApiError::notSignedIn(m_signOutReason.isEmpty() ? QStringLiteral("You are not signed in.") : m_signOutReason);
        if (!seenAccess.isNull() && m_tokens.access != seenAccess)
            return {}; // another caller refreshed since this one looked
        m_refreshing = true;
        refreshToken = m_tokens.refresh;
    }
    const ApiError error = doRefresh(refreshToken);
    QMutexLocker lock(&m_mutex);
    m_refreshing = false;
    m_lastRefreshError = error;
    m_refreshDone.wakeAll();
    return error;
}

ApiError AuthSession::doRefresh(const QString &refreshToken)
{
    Tokens fresh;
    ++m_refreshCount;
    ApiError error = grant("refresh_token", QJsonObject{{QStringLiteral("refresh_token"), refreshToken}}, &fresh);
    if (isRefusedGrant(error)) {
        const QString reason = QStringLiteral("Your session has ended (%1); please sign in again.")
                                   .arg(error.message.isEmpty() ? QStringLiteral("the server refused the saved sign-in") : error.message);
        qCWarning(lcClientAuth).noquote() << "refresh refused:" << error.code << "- signing out";
        endSession(reason, false, true);
        return ApiError::notSignedIn(reason);
    }
    if (!error.ok()) {
        qCInfo(lcClientAuth).noquote() << "refresh failed, keeping the current token for now:" << describe(error);
        return error;
    }
    QString email;
    {
        QMutexLocker lock(&m_mutex);
        email = m_tokens.email;
    }
    if (email.isEmpty())
        email = fresh.email;
    fresh.email = email;
    const bool persisted = saveRefreshToken(email, fresh.refresh); // the new pair is saved before it is used
    QMutexLocker lock(&m_mutex);
    m_tokens = fresh;
    m_persisted = persisted;
    qCDebug(lcClientAuth).noquote() << "session refreshed for user" << fresh.userId;
    return {};
}

ApiError AuthSession::signOut(bool clearCache)
{
    QString access;
    bool fixed = false;
    {
        QMutexLocker lock(&m_mutex);
        access = m_tokens.access;
        fixed = m_fixed;
    }
    ApiError error;
    if (!access.isEmpty() && !fixed) {
        HttpRequest request;
        request.method = "POST";
        request.url = m_authBase + QStringLiteral("/auth/v1/logout");
        request.headers.append({"Authorization", "Bearer " + access.toUtf8()});
        if (!m_apiKey.isEmpty())
            request.headers.append({"apikey", m_apiKey});
        request.idempotent = true; // revoking twice is harmless
        request.timeoutSeconds = 10;
        error = ApiError::fromResponse(m_http->call(request));
        if (!error.ok())
            qCWarning(lcClientAuth).noquote() << "the server did not confirm the sign-out:" << describe(error);
    }
    endSession(QStringLiteral("You signed out."), clearCache, true);
    return error;
}

void AuthSession::endSession(const QString &reason, bool clearCache, bool removeKeychainEntry)
{
    QString email;
    {
        QMutexLocker lock(&m_mutex);
        email = m_tokens.email;
        m_tokens = Tokens();
        m_fixed = false;
        m_persisted = false;
        m_signOutReason = reason;
    }
    if (removeKeychainEntry && !email.isEmpty() && m_keychain->available()) {
        const KeychainStore::Result removed = m_keychain->remove(keychainKey(email));
        if (!removed.ok())
            qCWarning(lcClientAuth).noquote() << "the saved session could not be removed from the keychain:" << removed.error;
    }
    qCInfo(lcClientAuth).noquote() << "signed out:" << reason;
    Q_EMIT signedOut(reason, clearCache);
}

bool AuthSession::isSignedIn() const
{
    QMutexLocker lock(&m_mutex);
    return !m_tokens.access.isEmpty();
}

QString AuthSession::email() const
{
    QMutexLocker lock(&m_mutex);
    return m_tokens.email;
}

QString AuthSession::userId() const
{
    QMutexLocker lock(&m_mutex);
    return m_tokens.userId;
}

qint64 AuthSession::secondsUntilExpiry() const
{
    QMutexLocker lock(&m_mutex);
    if (m_fixed || m_tokens.access.isEmpty())
        return 0;
    return qMax<qint64>(0, (m_tokens.expiresAtMs - nowMs()) / 1000);
}

bool AuthSession::persisted() const
{
    QMutexLocker lock(&m_mutex);
    return m_persisted;
}

QString AuthSession::lastSignOutReason() const
{
    QMutexLocker lock(&m_mutex);
    return m_signOutReason;
}

} // namespace vesper::client
