#include "clirun.h"

#include <QDir>
#include <QProcess>

namespace vesper::test {

CliRunner::CliRunner(QString root)
    : m_root(std::move(root))
{
    QDir().mkpath(m_root);
}

std::unique_ptr<QProcess> CliRunner::start(const QStringList &args, const QByteArray &input) const
{
    auto process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_root + QStringLiteral("/xdg-cache"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_root + QStringLiteral("/xdg-config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_root + QStringLiteral("/xdg-data"));
    env.remove(QStringLiteral("VESPER_SERVER"));
    process->setProcessEnvironment(env);
    QStringList full{QStringLiteral("--cache-dir"), cacheDir(), QStringLiteral("--config-dir"), configDir(),
                     QStringLiteral("--data-dir"), dataDir()};
    if (!m_server.isEmpty())
        full << QStringLiteral("--server") << m_server;
    process->start(QStringLiteral(VESPER_CLI_BIN), full + args);
    if (process->waitForStarted(10000)) {
        // The caller may block (sleep, then kill): write now rather than from an event loop.
        if (!input.isEmpty()) {
            process->write(input);
            process->waitForBytesWritten(5000);
        }
        process->closeWriteChannel();
    }
    return process;
}

CliRun CliRunner::run(const QStringList &args, const QByteArray &input, int timeoutMs) const
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_root + QStringLiteral("/xdg-cache"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_root + QStringLiteral("/xdg-config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_root + QStringLiteral("/xdg-data"));
    env.remove(QStringLiteral("VESPER_SERVER"));
    process.setProcessEnvironment(env);
    QStringList full{QStringLiteral("--cache-dir"), cacheDir(), QStringLiteral("--config-dir"), configDir(),
                     QStringLiteral("--data-dir"), dataDir()};
    if (!m_server.isEmpty())
        full << QStringLiteral("--server") << m_server;
    process.start(QStringLiteral(VESPER_CLI_BIN), full + args);
    CliRun result;
    if (!process.waitForStarted(10000))
        return result;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace vesper::test
