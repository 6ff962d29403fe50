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
    /// Makes this server a second instance of `first`: the same database and object store (call
    /// before start(); `first` keeps owning the database and drops it).
    void shareDatabaseWith(const TestServer &first);
    /// Creates this test's database without starting a server (in-process tests use dbUrl()).
    bool prepareDatabase(QString *error);

private:
    QProcessEnvironment environment() const;

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    std::unique_ptr<QProcess> m_process;
    QString m_dbUrl;
    QString m_pgDatabase;
    QString m_sharedStorage; // a second instance's object store: the first one's
    quint16 m_port = 0;
    QString m_stdout;
};

} // namespace vesper::test
