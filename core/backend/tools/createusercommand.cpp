// `vesper-server create-user`: makes a profile with a password, for servers that keep sign-up
// closed. The password comes from stdin or VESPER_NEW_PASSWORD, never from argv (visible in ps).
#include "backend/auth/passwordhasher.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/migrator.h"
#include "backend/repositories/profilerepository.h"
#include "backend/config/backendsettings.h"
#include "backend/tools/commands.h"
#include "domain/textrules.h"

#include <QCommandLineParser>
#include <cstdio>
#include <iostream>
#include <string>

namespace vesper::backend {
namespace {
int fail(const QString &message)
{
    std::fprintf(stderr, "vesper-server create-user: %s\n", qPrintable(message));
    return 1;
}

bool readPassword(const QCommandLineParser &parser, const std::optional<QString> &passwordFromEnvironment, QString *password)
{
    if (parser.isSet(QStringLiteral("password-stdin"))) {
        std::string line;
        if (!std::getline(std::cin, line))
            return false;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        *password = QString::fromStdString(line);
        return true;
    }
    if (!passwordFromEnvironment)
        return false;
    *password = *passwordFromEnvironment;
    return true;
}
} // namespace

void addCreateUserOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("email"), QStringLiteral("create-user: the new user's email."), QStringLiteral("email")});
    parser.addOption({QStringLiteral("name"), QStringLiteral("create-user: the display name (default: the email's local part)."),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("password-stdin"),
                      QStringLiteral("create-user: read the password from one line of stdin (otherwise VESPER_NEW_PASSWORD).")});
}

int runCreateUser(const BackendSettings &config, const QCommandLineParser &parser, const std::optional<QString> &passwordFromEnvironment)
{
    if (!parser.isSet(QStringLiteral("email")))
        return fail(QStringLiteral("--email is required"));
    const auto email = credentials::normalizeEmail(parser.value(QStringLiteral("email")));
    if (!email)
        return fail(QStringLiteral("--email is not a valid address"));
    if (const QString problem = textrules::emailProblem(*email); !problem.isEmpty())
        return fail(QStringLiteral("--email ") + problem);
    QString displayName = parser.value(QStringLiteral("name")).trimmed();
    if (displayName.size() > credentials::kMaxDisplayNameLength)
        return fail(QStringLiteral("--name is longer than %1 characters").arg(credentials::kMaxDisplayNameLength));
    if (const QString problem = textrules::nameProblem(displayName); !problem.isEmpty())
        return fail(QStringLiteral("--name ") + problem);
    if (displayName.isEmpty())
        displayName = credentials::defaultDisplayName(*email);
    QString password;
    if (!readPassword(parser, passwordFromEnvironment, &password))
        return fail(QStringLiteral("no password: pass --password-stdin or set VESPER_NEW_PASSWORD"));
    const QString problem = credentials::passwordProblem(password);
    if (!problem.isEmpty())
        return fail(problem);

    Database database(config.db);
    QString error;
    if (!database.check(&error))
        return fail(QStringLiteral("database %1: %2").arg(config.db.redacted(), error));
    Migrator migrator(database);
    if (!migrator.migrate(&error))
        return fail(error);
    try {
        ProfileRepository profiles(database);
        if (profiles.findByEmail(*email))
            return fail(QStringLiteral("a user with this email already exists"));
        const QString hash = PasswordHasher(config.fastPasswordHashing).hash(password);
        const Profile profile = profiles.create(*email, displayName, hash, config.defaultCredits);
        std::printf("%s\n", qPrintable(profile.id));
        return 0;
    } catch (const DbError &e) {
        if (e.isConstraint())
            return fail(QStringLiteral("a user with this email already exists"));
        return fail(e.message());
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()));
    }
}

} // namespace vesper::backend
