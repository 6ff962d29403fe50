#include "client/cli/clioptions.h"

#include <QHash>
#include <QSet>

namespace vesper::client::cli {

namespace {

struct CommandSpec {
    int minArgs;
    int maxArgs;
    QSet<QString> options; // the command's own options
};

const QHash<QString, CommandSpec> &commands()
{
    static const QHash<QString, CommandSpec> specs{
        {QStringLiteral("login"), {0, 0, {}}},
        {QStringLiteral("logout"), {0, 0, {QStringLiteral("clear-cache")}}},
        {QStringLiteral("whoami"), {0, 0, {}}},
        {QStringLiteral("status"), {0, 0, {}}},
        {QStringLiteral("sync"), {0, 0, {}}},
        {QStringLiteral("projects"), {0, 0, {}}},
        {QStringLiteral("sessions"), {1, 1, {}}},
        {QStringLiteral("generations"), {1, 1, {}}},
        {QStringLiteral("search"), {1, 1, {}}},
        {QStringLiteral("new-project"), {1, 1, {}}},
        {QStringLiteral("new-session"), {2, 2, {}}},
        {QStringLiteral("generate"), {2, 2, {QStringLiteral("model"), QStringLiteral("aspect"), QStringLiteral("resolution"),
                                             QStringLiteral("count"), QStringLiteral("seed"), QStringLiteral("wait")}}},
        {QStringLiteral("export"), {2, 2, {}}},
        {QStringLiteral("enhance"), {1, 1, {QStringLiteral("skill"), QStringLiteral("model")}}},
    };
    return specs;
}

const QSet<QString> &valueOptions()
{
    static const QSet<QString> names{QStringLiteral("server"), QStringLiteral("cache-dir"), QStringLiteral("data-dir"),
                                     QStringLiteral("config-dir"), QStringLiteral("email"), QStringLiteral("model"),
                                     QStringLiteral("aspect"), QStringLiteral("resolution"), QStringLiteral("count"),
                                     QStringLiteral("seed"), QStringLiteral("skill"), QStringLiteral("auth-url"),
                                     QStringLiteral("auth-key")};
    return names;
}

const QSet<QString> &globalOptions()
{
    static const QSet<QString> names{QStringLiteral("server"), QStringLiteral("offline"), QStringLiteral("json"),
                                     QStringLiteral("cache-dir"), QStringLiteral("data-dir"), QStringLiteral("config-dir"),
                                     QStringLiteral("email"), QStringLiteral("password-stdin"), QStringLiteral("auth-url"),
                                     QStringLiteral("auth-key")};
    return names;
}

bool positiveInt(const QString &text, int *out)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value <= 0)
        return false;
    *out = value;
    return true;
}

} // namespace

QString cliUsage()
{
    return QStringLiteral(
        "usage: vesper-cli [--server URL] [--offline] [--json] [--cache-dir DIR] [--data-dir DIR] COMMAND [ARGS]\n"
        "\n"
        "Signed in with `login`, the session is kept in the OS keychain. Without a keychain, pass\n"
        "--email E --password-stdin to any command: that run signs in and forgets the session at exit.\n"
        "\n"
        "A server whose accounts live in a Supabase project: --auth-url https://PROJECT.supabase.co and\n"
        "--auth-key ANON_KEY (or VESPER_AUTH_URL, VESPER_AUTH_KEY) on login; later runs remember them.\n"
        "\n"
        "Without --server (or VESPER_SERVER) the CLI works on the local library: the desktop app's running\n"
        "backend if there is one, otherwise one it starts on the data folder itself.\n"
        "\n"
        "commands:\n"
        "  login --email E [--password-stdin]   sign in (the password is read from the terminal or stdin)\n"
        "  logout [--clear-cache]               sign out on the server and forget the session\n"
        "  whoami                               the signed-in account and its credits\n"
        "  status                               online, last sync, pending writes\n"
        "  sync                                 bring the local cache up to date and send pending writes\n"
        "  projects                             list projects\n"
        "  sessions PROJECT                     list a project's sessions\n"
        "  generations SESSION                  list a session's generations\n"
        "  search TEXT                          search prompts in the local cache\n"
        "  new-project NAME                     create a project\n"
        "  new-session PROJECT NAME             create a session\n"
        "  generate SESSION PROMPT [--model ID] [--aspect R] [--resolution N] [--count N] [--seed N] [--wait]\n"
        "  export PROJECT DIR                   originals plus a JSON sidecar per image (resumable)\n"
        "  enhance PROMPT [--skill ID]... [--model ID]   a fuller prompt from the offline coach (--json: with its changes)\n"
        "\n"
        "exit codes: 0 done, 1 failed, 2 usage, 3 not signed in, 4 server unreachable, 5 not found\n");
}

std::optional<CliOptions> parseCliOptions(const QStringList &arguments, const QString &envServer, QString *error)
{
    CliOptions options;
    options.server = envServer;
    QSet<QString> seenOptions;
    QStringList positional;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (!arg.startsWith(QLatin1String("--")) || arg == QLatin1String("--")) {
            positional.append(arg);
            continue;
        }
        QString name = arg.mid(2);
        QString value;
        const qsizetype eq = name.indexOf(QLatin1Char('='));
        const bool inlineValue = eq >= 0;
        if (inlineValue) {
            value = name.mid(eq + 1);
            name = name.left(eq);
        }
        if (name == QLatin1String("password")) {
            *error = QStringLiteral("passwords are never taken on the command line; use --password-stdin or type it when asked");
            return std::nullopt;
        }
        if (valueOptions().contains(name) && !inlineValue) {
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("--%1 needs a value").arg(name);
                return std::nullopt;
            }
            value = arguments.at(++i);
        }
        seenOptions.insert(name);
        if (name == QLatin1String("server")) options.server = value;
        else if (name == QLatin1String("offline")) options.offline = true;
        else if (name == QLatin1String("json")) options.json = true;
        else if (name == QLatin1String("cache-dir")) options.cacheDir = value;
        else if (name == QLatin1String("data-dir")) options.dataDir = value;
        else if (name == QLatin1String("config-dir")) options.configDir = value;
        else if (name == QLatin1String("auth-url")) options.authUrl = value;
        else if (name == QLatin1String("auth-key")) options.authKey = value;
        else if (name == QLatin1String("email")) options.email = value;
        else if (name == QLatin1String("password-stdin")) options.passwordStdin = true;
        else if (name == QLatin1String("clear-cache")) options.clearCache = true;
        else if (name == QLatin1String("model")) options.model = value;
        else if (name == QLatin1String("aspect")) options.aspect = value;
        else if (name == QLatin1String("wait")) options.wait = true;
        else if (name == QLatin1String("skill")) options.skills.append(value);
        else if (name == QLatin1String("resolution") || name == QLatin1String("count")) {
            if (!positiveInt(value, name == QLatin1String("count") ? &options.count : &options.resolution)) {
                *error = QStringLiteral("--%1 takes a positive whole number, not \"%2\"").arg(name, value);
                return std::nullopt;
            }
        } else if (name == QLatin1String("seed")) {
            bool ok = false;
            const qint64 seed = value.toLongLong(&ok);
            if (!ok || seed < 0) {
                *error = QStringLiteral("--seed takes a whole number of zero or more, not \"%1\"").arg(value);
                return std::nullopt;
            }
            options.seed = seed;
        } else {
            *error = QStringLiteral("unknown option --%1 (see vesper-cli --help)").arg(name);
            return std::nullopt;
        }
    }
    if (positional.isEmpty()) {
        *error = QStringLiteral("no command given (see vesper-cli --help)");
        return std::nullopt;
    }
    options.command = positional.takeFirst();
    options.args = positional;
    const auto spec = commands().constFind(options.command);
    if (spec == commands().constEnd()) {
        *error = QStringLiteral("unknown command \"%1\" (see vesper-cli --help)").arg(options.command);
        return std::nullopt;
    }
    if (options.args.size() < spec->minArgs || options.args.size() > spec->maxArgs) {
        *error = QStringLiteral("%1 takes %2 argument(s), %3 given (see vesper-cli --help)")
                     .arg(options.command).arg(spec->minArgs).arg(options.args.size());
        return std::nullopt;
    }
    for (const QString &name : std::as_const(seenOptions)) {
        if (!globalOptions().contains(name) && !spec->options.contains(name)) {
            *error = QStringLiteral("--%1 does not apply to %2").arg(name, options.command);
            return std::nullopt;
        }
    }
    if (options.command == QLatin1String("enhance") && options.offline) {
        *error = QStringLiteral("enhance asks the coach on the server or the local library; it cannot run with --offline");
        return std::nullopt;
    }
    if ((options.command == QLatin1String("login") || options.passwordStdin) && options.email.isEmpty()) {
        *error = QStringLiteral("%1 needs --email").arg(options.command == QLatin1String("login") ? options.command : QStringLiteral("--password-stdin"));
        return std::nullopt;
    }
    return options;
}

} // namespace vesper::client::cli
