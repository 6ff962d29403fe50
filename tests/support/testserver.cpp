#include "testserver.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QUuid>
#include <csignal>
#include <sys/prctl.h>

namespace vesper::test {

TestServer::TestServer()
{
    m_env.insert(QStringLiteral("VESPER_ALLOW_SIGNUP"), QStringLiteral("1"));
    m_env.insert(QStringLiteral("VESPER_FAST_PASSWORD_HASH"), QStringLiteral("1"));
    m_env.insert(QStringLiteral("VESPER_JWT_SECRET"), QStringLiteral("test-secret-test-secret-test-secret-0123"));
    m_env.insert(QStringLiteral("VESPER_ACCESS_LOG"), QStringLiteral("0"));
    m_env.insert(QStringLiteral("VESPER_THREADS"), QStringLiteral("4"));
    // Tests sign up many users from one address; the per-IP auth limit is tested on its own.
    m_env.insert(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    // Fixtures invite many members from one owner; the invitation limit is tested on its own.
    m_env.insert(QStringLiteral("VESPER_INVITE_RATE_LIMIT"), QStringLiteral("0"));
}

TestServer::~TestServer()
{
    stop();
    if (!m_pgDatabase.isEmpty()) {
        const QString name = QStringLiteral("vesper-test-admin-drop");
        {
            QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            const QUrl url(qEnvironmentVariable("VESPER_TEST_PG_URL"));
            admin.setHostName(url.host());
            admin.setPort(url.port(5432));
            admin.setUserName(url.userName());
            admin.setPassword(url.password());
            admin.setDatabaseName(url.path().mid(1));
            if (admin.open())
                QSqlQuery(admin).exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgDatabase));
        }
        QSqlDatabase::removeDatabase(name);
    }
}

QString TestServer::dialect()
{
    const QString value = qEnvironmentVariable("VESPER_TEST_DIALECT");
    return value.isEmpty() ? QStringLiteral("sqlite") : value;
}

bool TestServer::available(QString *reason)
{
    if (dialect() == QLatin1String("postgres") && qEnvironmentVariableIsEmpty("VESPER_TEST_PG_URL")) {
        *reason = QStringLiteral("VESPER_TEST_PG_URL is not set (the README's test command creates a throwaway cluster)");
        return false;
    }
    return true;
}

QString TestServer::serverBinary() const
{
    const QString fromEnv = qEnvironmentVariable("VESPER_SERVER_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStringLiteral(VESPER_SERVER_BIN);
}

bool TestServer::prepareDatabase(QString *error)
{
    if (!m_dbUrl.isEmpty())
        return true;
    if (dialect() != QLatin1String("postgres")) {
        m_dbUrl = QStringLiteral("sqlite:") + m_dir.path() + QStringLiteral("/vesper.db");
        return true;
    }
    // A fresh database per test server on the scratch cluster, dropped in the destructor.
    m_pgDatabase = QStringLiteral("vesper_t_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    const QUrl url(qEnvironmentVariable("VESPER_TEST_PG_URL"));
    const QString name = QStringLiteral("vesper-test-admin");
    bool ok = false;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        admin.setHostName(url.host());
        admin.setPort(url.port(5432));
        admin.setUserName(url.userName());
        admin.setPassword(url.password());
        admin.setDatabaseName(url.path().mid(1));
        if (!admin.open()) {
            *error = QStringLiteral("cannot reach the test cluster: ") + admin.lastError().text();
        } else {
            QSqlQuery q(admin);
            ok = q.exec(QStringLiteral("CREATE DATABASE %1").arg(m_pgDatabase));
            if (!ok)
                *error = q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (!ok)
        return false;
    QUrl db = url;
    db.setPath(QLatin1Char('/') + m_pgDatabase);
    m_dbUrl = db.toString();
    return true;
}

QProcessEnvironment TestServer::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : m_env.keys())
        env.insert(key, m_env.value(key));
    env.insert(QStringLiteral("VESPER_DB"), m_dbUrl);
    env.insert(QStringLiteral("VESPER_DATA_DIR"), m_dir.path());
    env.insert(QStringLiteral("VESPER_STORAGE"), m_sharedStorage.isEmpty() ? m_dir.path() + QStringLiteral("/storage") : m_sharedStorage);
    return env;
}

void TestServer::shareDatabaseWith(const TestServer &first)
{
    m_dbUrl = first.m_dbUrl;
    m_sharedStorage = first.m_sharedStorage.isEmpty() ? first.m_dir.path() + QStringLiteral("/storage") : first.m_sharedStorage;
}

bool TestServer::start(QString *error, const QStringList &extraArgs)
{
    if (!prepareDatabase(error))
        return false;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment());
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    // If the test binary dies (a crash, a timeout kill), its server goes with it.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->setStandardErrorFile(m_dir.path() + QStringLiteral("/server.stderr.log"), QIODevice::Append);
    m_process->start(serverBinary(), QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + extraArgs);
    if (!m_process->waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1").arg(serverBinary());
        return false;
    }
    // Any listen address (extraArgs may give another --listen); tests reach it on loopback.
    static const QRegularExpression listening(QStringLiteral("listening on http://[^ ]+:(\\d+) "));
    QDeadlineTimer deadline(30000);
    m_stdout.clear();
    while (!deadline.hasExpired()) {
        m_process->waitForReadyRead(200);
        m_stdout += QString::fromUtf8(m_process->readAllStandardOutput());
        const auto match = listening.match(m_stdout);
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        if (m_process->state() == QProcess::NotRunning) {
            *error = QStringLiteral("server exited: ") + m_stdout;
            return false;
        }
    }
    *error = QStringLiteral("server did not start listening in time");
    return false;
}

void TestServer::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
}

void TestServer::stop()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
}

int TestServer::runCommand(const QStringList &args, QByteArray *output, int timeoutMs)
{
    QString error;
    if (!prepareDatabase(&error))
        return -1;
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(serverBinary(), args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return -1;
    }
    if (output)
        *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace vesper::test
