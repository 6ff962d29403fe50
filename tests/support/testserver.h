#pragma once
// Starts a real vesper-server process on a loopback port for a test, on a fresh database of the
// dialect the test run asks for (VESPER_TEST_DIALECT=sqlite|postgres), and stops it afterwards.
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace vesper::test {

class TestServer {
public:
    TestServer();
    ~TestServer();

    /// The dialect under test; postgres needs VESPER_TEST_PG_URL (an admin URL to a scratch cluster).
    static QString dialect();
    /// Whether the requested dialect can run here; otherwise the reason (for QSKIP).
    static bool available(QString *reason);

    /// Extra environment for the server (VESPER_ALLOW_SIGNUP=1 is set by default).
    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }
    /// Creates the database (once) and starts the server; false with a message on failure.
    bool start(QString *error, const QStringList &extraArgs = {});
    /// start() in two halves, so several instances can be started at once (launch each, then wait
    /// for each): launch() starts the process, waitListening() waits for its "listening on" line.
    bool launch(QString *error, const QStringList &extraArgs = {});
    bool waitListening(QString *error, int timeoutMs = 30000);
    /// Whether the process is running (false once it exited, e.g. refused to start).
    bool running() const { return m_process && m_process->state() != QProcess::NotRunning; }
    /// The process's exit code once it has exited on its own (waits up to timeoutMs); -1 otherwise.
    int exitCode(int timeoutMs = 30000);
    /// SIGKILL, for crash tests.
    void kill();
    /// SIGTERM and wait.
    void stop();

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }
    /// The server process's id (0 when not running), e.g. to read its resident memory.
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    QString dbUrl() const { return m_dbUrl; }
    QString dataDir() const { return m_dir.path(); }
    QString serverBinary() const;
    /// Runs `vesper-server <args>` against the same database and settings; returns exit code.
    int runCommand(const QStringList &args, QByteArray *output = nullptr, int timeoutMs = 120000);
    QString stdoutText() const { return m_stdout; }
    /// Creates this test's database without starting a server (in-process tests use dbUrl()).
    bool prepareDatabase(QString *error);
    /// Makes this server another instance of `primary`: the same database and the same object store
    /// folder (a team behind a load balancer). Call before start(); `primary` must outlive this server,
    /// prepares the database if it has not yet, and alone drops it. Its own data dir and log stay apart.
    bool shareDatabaseOf(TestServer &primary, QString *error);
    /// The object store folder (VESPER_STORAGE, unless setEnv gave one) this server uses.
    QString storageDir() const;

private:
    QProcessEnvironment environment() const;

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    std::unique_ptr<QProcess> m_process;
    QString m_dbUrl;
    QString m_pgDatabase;
    QString m_storageDir;
    quint16 m_port = 0;
    QString m_stdout;
};

} // namespace vesper::test
