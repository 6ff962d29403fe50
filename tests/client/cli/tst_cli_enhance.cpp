// `vesper-cli enhance` as a user runs it: against a real vesper-server (signed in for the run with
// --password-stdin) and against the local library, plain output that pipes, --json with the
// changes, --skill choosing skills, and an unknown skill refused with the server's reason.
#include "clirun.h"
#include "testclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::test;

class TestCliEnhance : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void againstServer();
    void onTheLocalLibrary();
    void usage();
};

void TestCliEnhance::againstServer()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("cli@enhance.example.com"));
    QVERIFY(!user.id.isEmpty());
    QTemporaryDir dir;
    CliRunner cli(dir.path());
    cli.setServer(server.baseUrl());
    const QStringList signIn{QStringLiteral("--email"), user.email, QStringLiteral("--password-stdin")};
    const QByteArray password = user.password.toUtf8() + '\n';

    const CliRun plain = cli.run(signIn + QStringList{QStringLiteral("enhance"), QStringLiteral("a paper boat on a puddle")}, password);
    QVERIFY2(plain.exitCode == 0, plain.err.constData());
    const QByteArray printed = plain.out.trimmed();
    QVERIFY2(printed.startsWith("a paper boat on a puddle, "), printed.constData());
    QVERIFY(!printed.contains('\n')); // one line: it pipes into `generate`

    const CliRun json = cli.run(signIn + QStringList{QStringLiteral("--json"), QStringLiteral("enhance"), QStringLiteral("a paper boat on a puddle"),
                                                     QStringLiteral("--skill"), QStringLiteral("cover-design"), QStringLiteral("--skill"),
                                                     QStringLiteral("photo-lighting"), QStringLiteral("--model"), QStringLiteral("sketch")},
                                password);
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject result = json.json().object();
    const QString enhanced = result.value(QStringLiteral("enhancedPrompt")).toString();
    QVERIFY(enhanced.startsWith(QStringLiteral("a paper boat on a puddle, ")));
    QVERIFY2(enhanced.contains(QStringLiteral("title")), qPrintable(enhanced)); // the cover skill's composition
    QVERIFY(enhanced != QString::fromUtf8(printed));
    const QJsonArray changes = result.value(QStringLiteral("changes")).toArray();
    QVERIFY(!changes.isEmpty());
    for (const QJsonValue &change : changes)
        QVERIFY(!change.toObject().value(QStringLiteral("reason")).toString().isEmpty());

    const CliRun unknown = cli.run(signIn + QStringList{QStringLiteral("enhance"), QStringLiteral("x"), QStringLiteral("--skill"), QStringLiteral("ghost")},
                                   password);
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains("ghost"), unknown.err.constData());
}

void TestCliEnhance::onTheLocalLibrary()
{
    QTemporaryDir dir;
    CliRunner cli(dir.path());
    const CliRun run = cli.run({QStringLiteral("--json"), QStringLiteral("enhance"), QStringLiteral("夕焼けの海辺を歩く黒猫")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.json().object().value(QStringLiteral("enhancedPrompt")).toString().startsWith(QStringLiteral("夕焼けの海辺を歩く黒猫, ")));
}

void TestCliEnhance::usage()
{
    QTemporaryDir dir;
    CliRunner cli(dir.path());
    QCOMPARE(cli.run({QStringLiteral("enhance")}).exitCode, 2);
    QCOMPARE(cli.run({QStringLiteral("enhance"), QStringLiteral("a"), QStringLiteral("b")}).exitCode, 2);
    QCOMPARE(cli.run({QStringLiteral("enhance"), QStringLiteral("a"), QStringLiteral("--skill")}).exitCode, 2);
    QCOMPARE(cli.run({QStringLiteral("projects"), QStringLiteral("--skill"), QStringLiteral("x")}).exitCode, 2);
    const CliRun offline = cli.run({QStringLiteral("--offline"), QStringLiteral("enhance"), QStringLiteral("a")});
    QCOMPARE(offline.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestCliEnhance)
#include "tst_cli_enhance.moc"
