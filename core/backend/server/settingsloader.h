#pragma once
// The one place vesper-server's settings are read: the environment (DESIGN §8), then flags, into a
// BackendSettings value. Nothing else in the backend reads the environment.
#include "backend/config/backendsettings.h"

#include <QProcessEnvironment>
#include <optional>

class QCommandLineParser;

namespace vesper::backend {

class SettingsLoader {
public:
    /// Adds the shared flags (--db, --listen, --storage, ...) to a parser.
    static void addOptions(QCommandLineParser &parser);
    /// Environment first, then flags. On a bad setting returns nullopt and one readable line
    /// naming the setting and what was expected.
    static std::optional<BackendSettings> load(const QCommandLineParser &parser, QString *error);
    /// The same from an environment alone (no flags), for tools and tests that start a backend.
    static std::optional<BackendSettings> fromEnvironment(const QProcessEnvironment &env, QString *error);

private:
    SettingsLoader(const QProcessEnvironment &env, const QCommandLineParser *parser) : m_env(env), m_parser(parser) {}
    QString value(const char *option, const char *variable) const;
    std::optional<BackendSettings> read(QString *error) const;
    bool readPlaces(BackendSettings &s, QString *error) const;
    bool readSwitches(BackendSettings &s, QString *error) const;
    bool readNumbers(BackendSettings &s, QString *error) const;
    /// Refuses a costly-work pool whose threads and queue together could hold every HTTP thread.
    bool checkCostlyWork(const BackendSettings &s, QString *error) const;
    bool readProviders(ProviderSettings &p, QString *error) const;
    bool readModelCosts(BackendSettings &s, QString *error) const;

    const QProcessEnvironment &m_env;
    const QCommandLineParser *m_parser;
};

} // namespace vesper::backend
