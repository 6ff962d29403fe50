// The subset of the Supabase Auth (GoTrue) protocol a client needs: sign-up, the password and
// refresh_token grants, the current user and logout, with the same request and response shapes.
#include "backend/auth/passwordhasher.h"
#include "backend/auth/refreshtokens.h"
#include "backend/auth/tokenauthenticator.h"
#include "backend/db/dberror.h"
#include "domain/domainerror.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/profilerepository.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/clock.h"
#include "common/logging.h"
#include "domain/textrules.h"

namespace vesper::backend {
namespace {
const QString kAuthenticated = QStringLiteral("authenticated");

QJsonObject userObject(const Profile &profile, const QString &audience)
{
    return QJsonObject{{QStringLiteral("id"), profile.id},
                       {QStringLiteral("aud"), audience},
                       {QStringLiteral("role"), kAuthenticated},
                       {QStringLiteral("email"), profile.email},
                       {QStringLiteral("app_metadata"), QJsonObject{{QStringLiteral("provider"), QStringLiteral("email")},
                                                                    {QStringLiteral("providers"), QJsonArray{QStringLiteral("email")}}}},
                       {QStringLiteral("user_metadata"), QJsonObject{{QStringLiteral("display_name"), profile.displayName}}},
                       {QStringLiteral("created_at"), formatTime(profile.createdAt)},
                       {QStringLiteral("updated_at"), formatTime(profile.updatedAt)}};
}

/// A failed grant in GoTrue's shape (error, error_description, error_code) plus our stable `code`.
RefreshTokenStore refreshTokens(ServerContext &context)
{
    return RefreshTokenStore(context.db, context.config.refreshReuseSeconds, context.config.sessionIdleDays, context.config.jwtSecret);
}

HttpResponse grantError(const QString &error, const QString &description, const QString &errorCode)
{
    return jsonResponse(400, QJsonObject{{QStringLiteral("error"), error},
                                         {QStringLiteral("error_description"), description},
                                         {QStringLiteral("error_code"), errorCode},
                                         {QStringLiteral("code"), errorCodeName(ErrorCode::Validation)}});
}

HttpResponse invalidCredentials()
{
    return grantError(QStringLiteral("invalid_grant"), QStringLiteral("Invalid login credentials"), QStringLiteral("invalid_credentials"));
}

HttpResponse sessionResponse(const ServerContext &context, const Profile &profile, const IssuedRefreshToken &refresh)
{
    const qint64 issuedAt = nowMicros() / 1000000;
    const qint64 expiresAt = issuedAt + context.config.accessTokenSeconds;
    const QJsonObject claims{{QStringLiteral("iss"), TokenAuthenticator::localIssuer()},
                             {QStringLiteral("sub"), profile.id},
                             {QStringLiteral("aud"), context.config.jwtAudience},
                             {QStringLiteral("role"), kAuthenticated},
                             {QStringLiteral("email"), profile.email},
                             {QStringLiteral("iat"), issuedAt},
                             {QStringLiteral("exp"), expiresAt},
                             {QStringLiteral("session_id"), refresh.familyId},
                             {QStringLiteral("aal"), QStringLiteral("aal1")},
                             {QStringLiteral("is_anonymous"), false}};
    return jsonResponse(200, QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(context.jwt.sign(claims))},
                                         {QStringLiteral("token_type"), QStringLiteral("bearer")},
                                         {QStringLiteral("expires_in"), context.config.accessTokenSeconds},
                                         {QStringLiteral("expires_at"), expiresAt},
                                         {QStringLiteral("refresh_token"), refresh.token},
                                         {QStringLiteral("user"), userObject(profile, context.config.jwtAudience)}});
}

/// A required string taken verbatim: passwords and tokens are never trimmed.
QString verbatimString(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (value.isUndefined() || value.isNull())
        throw DomainError::validation(QStringLiteral("%1 is required").arg(key));
    if (!value.isString())
        throw DomainError::validation(QStringLiteral("%1 must be a string").arg(key));
    return value.toString();
}

HttpResponse passwordGrant(ServerContext &context, const PasswordHasher &hasher, const QJsonObject &body)
{
    const QString email = jsonbody::requiredString(body, QStringLiteral("email"), 1, credentials::kMaxEmailLength);
    const QString password = verbatimString(body, QStringLiteral("password"));
    const auto normalized = credentials::normalizeEmail(email);
    const bool plausible = normalized && password.size() <= credentials::kMaxPasswordLength * 2;
    auto profile = plausible ? ProfileRepository(context.db).findByEmail(*normalized) : std::nullopt;
    // An account stored before emails were put in Unicode NFC keeps the form it was stored in
    // (trimmed and lower-cased, as every stored email is): it still signs in with that form.
    if (plausible && !profile && email.trimmed().toLower() != *normalized)
        profile = ProfileRepository(context.db).findByEmail(email);
    // Every failure spends one hash verify, so timing does not reveal which emails have accounts.
    const QString checked = plausible ? password : QString();
    // argon2 runs on the costly-work pool: a burst of sign-ins cannot hold every HTTP thread.
    if (!profile) {
        context.costly->run([&] { hasher.verifyDummy(checked); });
        qCInfo(lcAuth) << "password sign-in failed: no such account";
        return invalidCredentials();
    }
    if (!context.costly->run([&] { return hasher.verify(profile->passwordHash, checked); })) {
        qCInfo(lcAuth).noquote() << "password sign-in failed for user" << profile->id;
        return invalidCredentials();
    }
    if (hasher.needsRehash(profile->passwordHash)) {
        // Stored at an older cost: the password is at hand only now, so upgrade it now.
        if (ProfileRepository(context.db).replacePasswordHash(profile->id, profile->passwordHash,
                                                                 context.costly->run([&] { return hasher.hash(checked); })))
            qCInfo(lcAuth).noquote() << "password hash upgraded to the current cost for user" << profile->id;
    }
    const IssuedRefreshToken refresh = refreshTokens(context).issue(profile->id);
    return sessionResponse(context, *profile, refresh);
}

HttpResponse refreshGrant(ServerContext &context, const QJsonObject &body)
{
    const QString token = verbatimString(body, QStringLiteral("refresh_token"));
    const auto notFound = [] {
        return grantError(QStringLiteral("invalid_grant"), QStringLiteral("Invalid Refresh Token: Refresh Token Not Found"),
                          QStringLiteral("refresh_token_not_found"));
    };
    if (token.isEmpty() || token.size() > 512)
        return notFound();
    const RefreshOutcome outcome = refreshTokens(context).rotate(token);
    switch (outcome.status) {
    case RefreshOutcome::Status::Rotated:
        break;
    case RefreshOutcome::Status::Unknown:
        return notFound();
    case RefreshOutcome::Status::Revoked:
        return grantError(QStringLiteral("invalid_grant"), QStringLiteral("Invalid Refresh Token: Revoked"),
                          QStringLiteral("refresh_token_not_found"));
    case RefreshOutcome::Status::Expired:
        return grantError(QStringLiteral("invalid_grant"), QStringLiteral("Invalid Refresh Token: Session Expired"),
                          QStringLiteral("session_expired"));
    case RefreshOutcome::Status::Reused:
        context.auth->sessionEnded(outcome.familyId); // revoked (committed): its access tokens end too
        return grantError(QStringLiteral("invalid_grant"), QStringLiteral("Invalid Refresh Token: Already Used"),
                          QStringLiteral("refresh_token_already_used"));
    }
    const auto profile = ProfileRepository(context.db).findById(outcome.userId);
    if (!profile)
        return notFound();
    return sessionResponse(context, *profile, outcome.issued);
}

HttpResponse signUp(ServerContext &context, const PasswordHasher &hasher, RequestContext &request)
{
    if (!context.config.allowSignup)
        throw DomainError::forbidden(QStringLiteral("signups are disabled"));
    const QJsonObject body = jsonbody::object(request.request);
    const QString rawEmail = jsonbody::requiredString(body, QStringLiteral("email"), 1, credentials::kMaxEmailLength);
    const auto email = credentials::normalizeEmail(rawEmail);
    if (!email)
        throw DomainError::validation(QStringLiteral("email is not a valid address"));
    if (const QString problem = textrules::emailProblem(*email); !problem.isEmpty())
        throw DomainError::validation(QStringLiteral("email ") + problem);
    const QString password = verbatimString(body, QStringLiteral("password"));
    const QString problem = credentials::passwordProblem(password);
    if (!problem.isEmpty())
        throw DomainError::validation(problem);
    QString displayName;
    const QJsonValue data = body.value(QStringLiteral("data"));
    if (!data.isUndefined() && !data.isNull()) {
        if (!data.isObject())
            throw DomainError::validation(QStringLiteral("data must be an object"));
        displayName = jsonbody::optionalName(data.toObject(), QStringLiteral("display_name"), credentials::kMaxDisplayNameLength)
                          .value_or(QString());
    }
    if (displayName.isEmpty())
        displayName = credentials::defaultDisplayName(*email);

    const QString hash = context.costly->run([&] { return hasher.hash(password); });
    Profile profile;
    try {
        profile = ProfileRepository(context.db).create(*email, displayName, hash, context.config.defaultCredits);
    } catch (const DbError &error) {
        if (error.isConstraint())
            throw DomainError::conflict(QStringLiteral("a user with this email already exists"));
        throw;
    }
    qCInfo(lcAuth).noquote() << "signed up user" << profile.id;
    const IssuedRefreshToken refresh = refreshTokens(context).issue(profile.id);
    return sessionResponse(context, profile, refresh);
}

HttpResponse logout(ServerContext &context, RequestContext &request)
{
    const QString scope = request.request.hasQuery(QStringLiteral("scope")) ? request.request.queryValue(QStringLiteral("scope"))
                                                                             : QStringLiteral("local");
    if (scope != QLatin1String("local") && scope != QLatin1String("global") && scope != QLatin1String("others"))
        throw DomainError::validation(QStringLiteral("scope must be local, global or others"));
    // The dispatcher checked the token but hands over only the user id; the session is a claim.
    QString sessionId;
    QString reason;
    const auto verified = context.auth->verify(request.request.header("authorization").mid(7).trimmed(), &reason);
    if (verified && !verified->external)
        sessionId = verified->sessionId;
    RefreshTokenStore store = refreshTokens(context);
    // The access tokens of every session ended here stop working now, not at their expiry.
    if (scope == QLatin1String("global")) {
        store.revokeUser(request.userId);
        context.auth->userEnded(request.userId);
        context.auth->sessionEnded(sessionId);
    } else if (!sessionId.isEmpty() && scope == QLatin1String("local")) {
        store.revokeFamily(sessionId, request.userId);
        context.auth->sessionEnded(sessionId);
    } else if (!sessionId.isEmpty()) {
        store.revokeUser(request.userId, sessionId);
        context.auth->userEnded(request.userId);
    }
    qCInfo(lcAuth).noquote() << "logout" << scope << "for user" << request.userId;
    return noContent();
}
} // namespace

void addAuthRoutes(Router &router, ServerContext &context)
{
    const PasswordHasher hasher(context.config.fastPasswordHashing);
    hasher.prepare();

    router.add("POST", QStringLiteral("/auth/v1/signup"), [&context, hasher](RequestContext &request) {
        return signUp(context, hasher, request);
    }, false);

    router.add("POST", QStringLiteral("/auth/v1/token"), [&context, hasher](RequestContext &request) {
        const QString grantType = request.request.queryValue(QStringLiteral("grant_type"));
        if (grantType != QLatin1String("password") && grantType != QLatin1String("refresh_token"))
            return grantError(QStringLiteral("unsupported_grant_type"), QStringLiteral("grant_type must be password or refresh_token"),
                              QStringLiteral("validation_failed"));
        const QJsonObject body = jsonbody::object(request.request);
        return grantType == QLatin1String("password") ? passwordGrant(context, hasher, body) : refreshGrant(context, body);
    }, false);

    // GoTrue's public settings, so a client knows whether to offer sign-up (email and password only).
    router.add("GET", QStringLiteral("/auth/v1/settings"), [&context](RequestContext &) {
        QJsonObject external;
        for (const char *provider : {"anonymous_users", "apple", "azure", "bitbucket", "discord", "facebook", "figma", "github",
                                     "gitlab", "google", "keycloak", "linkedin_oidc", "notion", "phone", "slack_oidc",
                                     "spotify", "twitch", "twitter", "workos", "zoom"})
            external.insert(QLatin1String(provider), false);
        external.insert(QStringLiteral("email"), true);
        return jsonResponse(200, QJsonObject{{QStringLiteral("external"), external},
                                             {QStringLiteral("disable_signup"), !context.config.allowSignup},
                                             {QStringLiteral("mailer_autoconfirm"), true}, // sign-up signs in at once
                                             {QStringLiteral("phone_autoconfirm"), false},
                                             {QStringLiteral("sms_provider"), QString()},
                                             {QStringLiteral("saml_enabled"), false}});
    }, false);

    router.add("GET", QStringLiteral("/auth/v1/user"), [&context](RequestContext &request) {
        const auto profile = ProfileRepository(context.db).findById(request.userId);
        if (!profile)
            throw DomainError::notFound(QStringLiteral("user"));
        QJsonObject user = userObject(*profile, context.config.jwtAudience);
        user.insert(QStringLiteral("credits"), profile->credits);
        return jsonResponse(200, user);
    });

    router.add("POST", QStringLiteral("/auth/v1/logout"), [&context](RequestContext &request) {
        return logout(context, request);
    });
}

} // namespace vesper::backend
