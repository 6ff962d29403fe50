#pragma once
// vesper-cli's command line, read once into a value: the global options, the command and its own
// options. Unknown commands, missing arguments and options that do not belong to the command are
// usage errors (exit 2) with one line saying what is wrong. Passwords are never taken from here.
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper::client::cli {

struct CliOptions {
    QString server;    // --server or VESPER_SERVER; empty = the local library
    bool offline = false;
    bool json = false;
    QString cacheDir;  // --cache-dir: the root under which each server/account gets a folder
    QString dataDir;   // --data-dir: the local library (embedded backend) folder
    QString configDir; // --config-dir: where the last account per server is remembered
    QString authUrl;   // --auth-url or VESPER_AUTH_URL: a Supabase project's URL for sign-in (empty: the server)
    QString authKey;   // --auth-key or VESPER_AUTH_KEY: that project's anon key, sent as `apikey`
    QString command;
    QStringList args;  // the command's positional arguments

    QString email;
    bool passwordStdin = false;
    bool clearCache = false; // logout --clear-cache
    QString model;
    QString aspect;
    int resolution = 0;
    int count = 0;
    std::optional<qint64> seed;
    bool wait = false;
    QStringList skills; // enhance --skill, repeatable, in order
};

/// The options, or nullopt with *error one usage line. env is VESPER_SERVER's value.
std::optional<CliOptions> parseCliOptions(const QStringList &arguments, const QString &envServer, QString *error);
/// The --help text.
QString cliUsage();

} // namespace vesper::client::cli
