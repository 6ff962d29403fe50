// vesper-cli on the local library (no --server): it starts the embedded backend on the data folder
// itself, or attaches to the one another program runs there; creates, generates with --wait, lists,
// searches and exports (resumably); and answers bad command lines with exit 2, unknown names with 5.
#include "backend/config/backendsettings.h"
#include "backend/server/embeddedbackend.h"
#include "clirun.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::test;

class TestCliLocal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void usageErrorsExitTwo();
    void createGenerateListSearchExport();
    void attachesToTheRunningBackend();
};

void TestCliLocal::usageErrorsExitTwo()
{
    QTemporaryDir dir;
    CliRunner cli(dir.path());
    QCOMPARE(cli.run({QStringLiteral("bogus")}).exitCode, 2);
    QCOMPARE(cli.run({}).exitCode, 2);
    QCOMPARE(cli.run({QStringLiteral("generate"), QStringLiteral("only-a-session")}).exitCode, 2);
    QCOMPARE(cli.run({QStringLiteral("projects"), QStringLiteral("--model"), QStringLiteral("x")}).exitCode, 2);
    QCOMPARE(cli.run({QStringLiteral("generate"), QStringLiteral("s"), QStringLiteral("p"), QStringLiteral("--count"), QStringLiteral("zero")}).exitCode, 2);
    const CliRun password = cli.run({QStringLiteral("login"), QStringLiteral("--email"), QStringLiteral("a@b.c"), QStringLiteral("--password"), QStringLiteral("hunter2")});
    QCOMPARE(password.exitCode, 2);
    QVERIFY2(password.err.contains("never taken on the command line"), password.err.constData());
    QVERIFY(!QDir(cli.dataDir()).exists()); // nothing was started for a usage error
}

void TestCliLocal::createGenerateListSearchExport()
{
    QTemporaryDir dir;
    CliRunner cli(dir.path());
    const CliRun created = cli.run({QStringLiteral("--json"), QStringLiteral("new-project"), QStringLiteral("Posters")});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const QString projectId = created.json().object().value(QStringLiteral("id")).toString();
    QVERIFY(!projectId.isEmpty());

    const CliRun projects = cli.run({QStringLiteral("--json"), QStringLiteral("projects")});
    QCOMPARE(projects.exitCode, 0);
    QCOMPARE(projects.json().array().size(), 1);
    QCOMPARE(projects.json().array().first()[QStringLiteral("name")].toString(), QStringLiteral("Posters"));

    const CliRun sessions = cli.run({QStringLiteral("--json"), QStringLiteral("sessions"), QStringLiteral("Posters")});
    QCOMPARE(sessions.exitCode, 0);
    QCOMPARE(sessions.json().array().first()[QStringLiteral("name")].toString(), QStringLiteral("Session 1"));

    const CliRun generated = cli.run({QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("Posters/Session 1"),
                                      QStringLiteral("a lighthouse at dusk"), QStringLiteral("--count"), QStringLiteral("2"),
                                      QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--wait")});
    QVERIFY2(generated.exitCode == 0, QByteArray(QByteArray::number(generated.exitCode) + " " + generated.out + generated.err).constData());
    const QJsonObject result = generated.json().object();
    QCOMPARE(result.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    QCOMPARE(result.value(QStringLiteral("outputs")).toArray().size(), 2);

    const CliRun found = cli.run({QStringLiteral("--json"), QStringLiteral("search"), QStringLiteral("lighthouse")});
    QCOMPARE(found.exitCode, 0);
    QCOMPARE(found.json().array().size(), 1);
    QCOMPARE(found.json().array().first()[QStringLiteral("status")].toString(), QStringLiteral("completed"));
    QCOMPARE(cli.run({QStringLiteral("--json"), QStringLiteral("search"), QStringLiteral("zeppelin")}).json().array().size(), 0);

    // --offline reads the cache without starting the backend.
    const CliRun offline = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("generations"), QStringLiteral("Posters/Session 1")});
    QVERIFY2(offline.exitCode == 0, offline.err.constData());
    QCOMPARE(offline.json().array().size(), 1);

    const QString out = dir.path() + QStringLiteral("/export");
    const CliRun exported = cli.run({QStringLiteral("--json"), QStringLiteral("export"), QStringLiteral("Posters"), out});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    QCOMPARE(exported.json().object().value(QStringLiteral("written")).toInt(), 2);
    const QStringList sidecars = QDir(out).entryList({QStringLiteral("*.json")});
    QCOMPARE(sidecars.size(), 2);
    QFile sidecar(QDir(out).filePath(sidecars.first()));
    QVERIFY(sidecar.open(QIODevice::ReadOnly));
    const QJsonObject meta = QJsonDocument::fromJson(sidecar.readAll()).object();
    QCOMPARE(meta.value(QStringLiteral("prompt")).toString(), QStringLiteral("a lighthouse at dusk"));
    QVERIFY(QFileInfo(QDir(out).filePath(meta.value(QStringLiteral("file")).toString())).size() > 100);
    // Resumable: a second run writes nothing new; a lost sidecar is fetched again.
    QVERIFY(QFile::remove(QDir(out).filePath(sidecars.first())));
    const CliRun again = cli.run({QStringLiteral("--json"), QStringLiteral("export"), QStringLiteral("Posters"), out});
    QCOMPARE(again.json().object().value(QStringLiteral("written")).toInt(), 1);
    QCOMPARE(again.json().object().value(QStringLiteral("skipped")).toInt(), 1);

    QCOMPARE(cli.run({QStringLiteral("sessions"), QStringLiteral("No such project")}).exitCode, 5);
}

void TestCliLocal::attachesToTheRunningBackend()
{
    QTemporaryDir dir;
    CliRunner cli(dir.path());
    vesper::backend::BackendSettings settings = vesper::backend::BackendSettings::forDataDir(cli.dataDir());
    settings.accessLog = false;
    vesper::backend::EmbeddedBackend app(settings); // stands in for the desktop app
    QString error;
    QVERIFY2(app.start(&error), qPrintable(error));
    const CliRun created = cli.run({QStringLiteral("--json"), QStringLiteral("new-project"), QStringLiteral("Shared library")});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const CliRun whoami = cli.run({QStringLiteral("--json"), QStringLiteral("whoami")});
    QCOMPARE(whoami.exitCode, 0);
    QCOMPARE(whoami.json().object().value(QStringLiteral("id")).toString(), app.localUserId());
    app.stop();
    // With the app gone, the CLI starts its own backend on the same files and sees the same project.
    const CliRun projects = cli.run({QStringLiteral("--json"), QStringLiteral("projects")});
    QCOMPARE(projects.exitCode, 0);
    QCOMPARE(projects.json().array().first()[QStringLiteral("name")].toString(), QStringLiteral("Shared library"));
}

QTEST_GUILESS_MAIN(TestCliLocal)
#include "tst_cli_local.moc"
