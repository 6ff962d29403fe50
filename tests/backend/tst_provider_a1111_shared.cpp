// The a1111 adapter in-process on a web UI shared with a person, against the fake AUTOMATIC1111:
// the fake's shared state and per-task answers as the real one gives them (current_task always
// null, or absent as in Forge; /internal/progress, 404 under --nowebui); a person's job holding the
// lock never shown or interrupted as ours; a cancel while ours waits interrupting ours when it
// starts; Skip seen even in a job shorter than a poll; one lock per web UI however its URL is spelt.
#include "fakea1111.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QThread>
#include <atomic>
#include <thread>

#include "backend/providers/a1111provider.h"
#include "backend/providers/providerhttp.h"

using namespace vesper::backend;
using namespace vesper::test;

namespace {
/// A job's sink for calling the adapter in-process: records progress, stops when told.
class RecordingSink : public ProgressSink {
public:
    void progress(int percent, bool estimate) override
    {
        seen.append({percent, estimate});
        at.append(QDateTime::currentMSecsSinceEpoch());
    }
    bool cancelled() const override { return stop.load(); }
    QList<QPair<int, bool>> seen;
    QList<qint64> at; // when each progress came
    std::atomic<bool> stop{false};
};

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace

class TestProviderA1111Shared : public QObject {
    Q_OBJECT

private:
    FakeA1111 m_fake;

    /// The provider on the fake, called in-process.
    A1111Provider inProcessProvider() const;

private Q_SLOTS:
    void initTestCase();
    void init();
    void fakeFollowsWebUi();
    void foreignJobProgressIsNotOurs();
    void cancelWhileWaitingForLock();
    void skippedByOther();
    void noWebUiFallsBack();
    void lockKeyIsNormalised();
};

void TestProviderA1111Shared::initTestCase()
{
    QString reason;
    QVERIFY2(m_fake.start(&reason), qPrintable(reason));
}

void TestProviderA1111Shared::init()
{
    m_fake.reset();
}

A1111Provider TestProviderA1111Shared::inProcessProvider() const
{
    ProviderSettings settings;
    settings.a1111Url = m_fake.url();
    settings.pollMs = 50;
    settings.timeoutSeconds = 10;
    return A1111Provider(settings);
}

namespace {
/// GET /sdapi/v1/progress on the fake, as JSON.
QJsonObject fakeProgress(const FakeA1111 &fake)
{
    const ProviderResponse answer = ProviderHttp(nullptr, 5).get(fake.url() + QStringLiteral("/sdapi/v1/progress"));
    return QJsonDocument::fromJson(answer.body).object();
}

/// The request's task id (force_task_id) of the fake's last txt2img.
QString lastTaskId(const FakeA1111 &fake)
{
    return fake.lastTxt2Img().value(QStringLiteral("force_task_id")).toString();
}

GenerationRequest smallRequest()
{
    GenerationRequest request;
    request.generationId = QStringLiteral("gen-1");
    request.prompt = QStringLiteral("a red fox");
    request.resolution = 256;
    return request;
}

/// POST /internal/progress on the fake for taskId, as JSON; its status in *status.
QJsonObject fakeTaskProgress(const FakeA1111 &fake, const QString &taskId, int *status = nullptr)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("id_task"), taskId}, {QStringLiteral("id_live_preview"), -1}})
                                .toJson(QJsonDocument::Compact);
    const ProviderResponse answer = ProviderHttp(nullptr, 5).post(fake.url() + QStringLiteral("/internal/progress"), body);
    if (status)
        *status = answer.status;
    return QJsonDocument::fromJson(answer.body).object();
}
} // namespace

void TestProviderA1111Shared::fakeFollowsWebUi()
{
    // The web UI's shared state while a person's job holds the lock: job_count -1 while it sets up,
    // then n_iter; its job name and timestamp; current_task null throughout (api.py's copy of None);
    // after it, idle with the flags and timestamp kept. Per task, /internal/progress knows it.
    m_fake.startForeignJob(700);
    m_fake.startForeignJob(300, QStringLiteral("task(ui-person-2)"));
    QJsonObject now = fakeProgress(m_fake);
    QJsonObject state = now.value(QStringLiteral("state")).toObject();
    QCOMPARE(state.value(QStringLiteral("job_count")).toInt(), -1);
    QCOMPARE(state.value(QStringLiteral("job")).toString(), QStringLiteral("txt2img"));
    QVERIFY2(now.contains(QStringLiteral("current_task")) && now.value(QStringLiteral("current_task")).isNull(), qPrintable(json(now)));
    const QString timestamp = state.value(QStringLiteral("job_timestamp")).toString();
    QCOMPARE(timestamp.size(), 14); // yyyyMMddHHmmss: two jobs in one second share it
    QJsonObject task = fakeTaskProgress(m_fake, FakeA1111::foreignTaskId());
    QVERIFY2(task.value(QStringLiteral("active")).toBool() && !task.value(QStringLiteral("queued")).toBool(), qPrintable(json(task)));
    if (fakeProgress(m_fake).value(QStringLiteral("state")).toObject().value(QStringLiteral("job_count")).toInt() == -1)
        QCOMPARE(task.value(QStringLiteral("progress")).toDouble(-1), 0.0); // still setting up: nothing yet, no 0.01
    task = fakeTaskProgress(m_fake, QStringLiteral("task(ui-person-2)"));
    QVERIFY2(!task.value(QStringLiteral("active")).toBool() && task.value(QStringLiteral("queued")).toBool(), qPrintable(json(task)));
    QCOMPARE(task.value(QStringLiteral("textinfo")).toString(), QStringLiteral("In queue: 1/1"));
    task = fakeTaskProgress(m_fake, QStringLiteral("vesper-unknown"));
    QVERIFY2(!task.value(QStringLiteral("active")).toBool() && !task.value(QStringLiteral("queued")).toBool()
                 && !task.value(QStringLiteral("completed")).toBool() && task.value(QStringLiteral("progress")).isNull(),
             qPrintable(json(task)));
    QThread::msleep(350);
    now = fakeProgress(m_fake);
    state = now.value(QStringLiteral("state")).toObject();
    QCOMPARE(state.value(QStringLiteral("job_count")).toInt(), 1);
    QVERIFY(state.value(QStringLiteral("sampling_step")).toInt() > 0);
    QVERIFY(now.value(QStringLiteral("current_task")).isNull());
    task = fakeTaskProgress(m_fake, FakeA1111::foreignTaskId());
    QVERIFY2(task.value(QStringLiteral("progress")).toDouble() > 0.1 && task.value(QStringLiteral("eta")).isDouble(), qPrintable(json(task)));
    QThread::msleep(750);
    now = fakeProgress(m_fake);
    QCOMPARE(now.value(QStringLiteral("state")).toObject().value(QStringLiteral("job_count")).toInt(), 0);
    QVERIFY(now.value(QStringLiteral("current_task")).isNull());
    QVERIFY(now.value(QStringLiteral("state")).toObject().value(QStringLiteral("job_timestamp")).toString() >= timestamp);
    task = fakeTaskProgress(m_fake, FakeA1111::foreignTaskId());
    QVERIFY2(!task.value(QStringLiteral("active")).toBool() && task.value(QStringLiteral("completed")).toBool(), qPrintable(json(task)));

    // job_no counts the n_iter batches of a running job: 0 for the first half, then 1.
    ProviderHttp http(nullptr, 5);
    m_fake.setDelayMs(2000);
    std::thread caller([url = m_fake.url()] {
        ProviderHttp(nullptr, 5).post(url + QStringLiteral("/sdapi/v1/txt2img"),
                                      R"J({"prompt":"x","width":8,"height":8,"n_iter":2,"force_task_id":"task(api-two)"})J");
    });
    QList<int> jobNos; // job_no in each reading with job_count 2, in order
    QElapsedTimer watching;
    watching.start();
    while (watching.elapsed() < 5000 && (jobNos.isEmpty() || jobNos.last() < 1)) {
        state = fakeProgress(m_fake).value(QStringLiteral("state")).toObject();
        if (state.value(QStringLiteral("job_count")).toInt() == 2) {
            QCOMPARE(state.value(QStringLiteral("job")).toString(), QStringLiteral("scripts_txt2img"));
            jobNos.append(state.value(QStringLiteral("job_no")).toInt());
        }
        QThread::msleep(20);
    }
    QVERIFY2(jobNos.size() >= 2 && jobNos.first() == 0 && jobNos.last() == 1, qPrintable(QString::number(jobNos.size())));
    QVERIFY(fakeTaskProgress(m_fake, QStringLiteral("task(api-two)")).value(QStringLiteral("progress")).toDouble() >= 0.5);
    caller.join();

    // Forge names no task at all; --nowebui has no /internal/progress.
    m_fake.setLaunch(FakeA1111::Launch::Forge);
    QVERIFY(!fakeProgress(m_fake).contains(QStringLiteral("current_task")));
    QTRY_VERIFY_WITH_TIMEOUT(fakeTaskProgress(m_fake, QStringLiteral("task(api-two)")).value(QStringLiteral("completed")).toBool(), 2000);
    m_fake.setLaunch(FakeA1111::Launch::NoWebUi);
    int status = 0;
    fakeTaskProgress(m_fake, QStringLiteral("task(api-two)"), &status);
    QCOMPARE(status, 404);
    QVERIFY(fakeProgress(m_fake).contains(QStringLiteral("current_task")));

    // pydantic's 422 for a mistyped field, and PNGs that carry the infotext.
    const ProviderResponse refused = http.post(m_fake.url() + QStringLiteral("/sdapi/v1/txt2img"), R"({"prompt":"x","width":"wide"})");
    QCOMPARE(refused.status, 422);
    QVERIFY2(refused.body.contains(R"("loc":["body","width"])"), refused.body.constData());
    m_fake.setDelayMs(50);
    const ProviderResponse made = http.post(m_fake.url() + QStringLiteral("/sdapi/v1/txt2img"), R"({"prompt":"a red fox","width":64,"height":64})");
    QCOMPARE(made.status, 200);
    const QByteArray png = QByteArray::fromBase64(QJsonDocument::fromJson(made.body).object().value(QStringLiteral("images")).toArray().at(0).toString().toLatin1());
    QVERIFY(png.startsWith("\x89PNG") && png.contains("parameters"));
}

void TestProviderA1111Shared::foreignJobProgressIsNotOurs()
{
    // A person's job runs 1.5 s before ours: none of its progress may show as ours, and ours does
    // show, on the web UI (current_task null) and on Forge (no current_task).
    for (const FakeA1111::Launch launch : {FakeA1111::Launch::WebUi, FakeA1111::Launch::Forge}) {
        m_fake.reset();
        m_fake.setLaunch(launch);
        m_fake.startForeignJob(1500);
        const qint64 foreignEnds = QDateTime::currentMSecsSinceEpoch() + 1500;
        m_fake.setDelayMs(900);
        A1111Provider provider = inProcessProvider();
        RecordingSink sink;
        const ProviderResult result = provider.generate(smallRequest(), sink);
        QVERIFY2(result.ok, qPrintable(result.errorMessage));
        QVERIFY2(sink.seen.size() >= 3, qPrintable(QString::number(sink.seen.size())));
        for (int i = 0; i < sink.seen.size(); ++i) {
            QVERIFY2(sink.at.at(i) >= foreignEnds, qPrintable(QStringLiteral("%1 % shown %2 ms before our job began")
                                                                    .arg(sink.seen.at(i).first).arg(foreignEnds - sink.at.at(i))));
            if (i > 0)
                QVERIFY(sink.seen.at(i).first >= sink.seen.at(i - 1).first);
        }
        QVERIFY2(sink.seen.last().first >= 50, qPrintable(QString::number(sink.seen.last().first)));
        QVERIFY(m_fake.interruptedTasks().isEmpty());
        QVERIFY(m_fake.server().count("POST", QStringLiteral("/internal/progress")) > 3); // asked by id
    }
}

void TestProviderA1111Shared::cancelWhileWaitingForLock()
{
    // Cancelled while a person's job holds the lock: theirs runs on untouched, the cancel answers at
    // once, and ours is interrupted the moment it starts instead of running with nobody waiting.
    for (const FakeA1111::Launch launch : {FakeA1111::Launch::WebUi, FakeA1111::Launch::Forge}) {
        m_fake.reset();
        m_fake.setLaunch(launch);
        m_fake.startForeignJob(1500);
        m_fake.setDelayMs(5000);
        A1111Provider provider = inProcessProvider();
        RecordingSink sink;
        std::thread stopper([&sink] {
            QThread::msleep(500);
            sink.stop = true;
        });
        QElapsedTimer timer;
        timer.start();
        const ProviderResult result = provider.generate(smallRequest(), sink);
        stopper.join();
        QCOMPARE(result.errorCode, QStringLiteral("CANCELLED"));
        QVERIFY2(timer.elapsed() < 1400, qPrintable(QString::number(timer.elapsed())));
        QVERIFY2(m_fake.interruptedTasks().isEmpty(), qPrintable(m_fake.interruptedTasks().join(u',')));
        QTRY_COMPARE_WITH_TIMEOUT(m_fake.interruptedTasks(), QStringList{lastTaskId(m_fake)}, 5000);
        QVERIFY(lastTaskId(m_fake).startsWith(QStringLiteral("vesper-")));
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed()))); // right when ours began
    }
}

void TestProviderA1111Shared::skippedByOther()
{
    // Skip, and a short job that ends between two readings: the kept flags still tell.
    for (const int delay : {1200, 150}) {
        m_fake.reset();
        m_fake.setScenario(FakeA1111::Scenario::SkippedByOther);
        m_fake.setDelayMs(delay);
        A1111Provider provider = inProcessProvider();
        RecordingSink sink;
        const ProviderResult result = provider.generate(smallRequest(), sink);
        QVERIFY2(!result.ok && result.errorCode == QLatin1String("INTERRUPTED"), qPrintable(QString::number(delay) + result.errorMessage));
        QVERIFY2(result.errorMessage.contains(QStringLiteral("Skip")), qPrintable(result.errorMessage));
        QVERIFY(result.images.isEmpty());
    }
}

void TestProviderA1111Shared::noWebUiFallsBack()
{
    // --nowebui: /internal/progress answers 404 (asked once), so the job is told apart by its API
    // job name and start: a person's job is still not shown as ours, ours is, and ours is
    // interrupted while it runs. One waiting for the lock cannot be told apart and is left alone.
    m_fake.setLaunch(FakeA1111::Launch::NoWebUi);
    m_fake.startForeignJob(1000);
    const qint64 foreignEnds = QDateTime::currentMSecsSinceEpoch() + 1000;
    m_fake.setDelayMs(900);
    A1111Provider provider = inProcessProvider();
    RecordingSink sink;
    ProviderResult result = provider.generate(smallRequest(), sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QVERIFY(!sink.seen.isEmpty());
    for (const qint64 at : std::as_const(sink.at))
        QVERIFY2(at >= foreignEnds, qPrintable(QStringLiteral("shown %1 ms before our job began").arg(foreignEnds - at)));
    QCOMPARE(m_fake.server().count("POST", QStringLiteral("/internal/progress")), 1);

    // Cancelled while it runs: interrupted.
    m_fake.reset();
    m_fake.setLaunch(FakeA1111::Launch::NoWebUi);
    m_fake.setDelayMs(5000);
    RecordingSink running;
    std::thread stopper([&running] {
        QThread::msleep(700);
        running.stop = true;
    });
    result = provider.generate(smallRequest(), running);
    stopper.join();
    QCOMPARE(result.errorCode, QStringLiteral("CANCELLED"));
    QCOMPARE(m_fake.interruptedTasks(), QStringList{lastTaskId(m_fake)});

    // Cancelled while a person's job holds the lock: theirs is never interrupted.
    m_fake.reset();
    m_fake.setLaunch(FakeA1111::Launch::NoWebUi);
    m_fake.startForeignJob(1200);
    m_fake.setDelayMs(300);
    RecordingSink waiting;
    std::thread canceller([&waiting] {
        QThread::msleep(400);
        waiting.stop = true;
    });
    result = provider.generate(smallRequest(), waiting);
    canceller.join();
    QCOMPARE(result.errorCode, QStringLiteral("CANCELLED"));
    QThread::msleep(1400); // the person's job and ours have both ended
    QVERIFY2(m_fake.interruptedTasks().isEmpty(), qPrintable(m_fake.interruptedTasks().join(u',')));
}

void TestProviderA1111Shared::lockKeyIsNormalised()
{
    // One web UI spelt two ways is one lock, here and across instances (the advisory lock's key).
    QCOMPARE(A1111Provider::endpointKey(QStringLiteral("http://h:7860/")), A1111Provider::endpointKey(QStringLiteral("http://h:7860")));
    QCOMPARE(A1111Provider::endpointKey(QStringLiteral("HTTP://H:7860//")), QStringLiteral("http://h:7860"));
    QCOMPARE(A1111Provider::endpointKey(QStringLiteral("http://h")), QStringLiteral("http://h:80"));
    QCOMPARE(A1111Provider::endpointKey(QStringLiteral("https://h/sd/")), QStringLiteral("https://h:443/sd"));
    QVERIFY(A1111Provider::endpointKey(QStringLiteral("http://h:7861")) != A1111Provider::endpointKey(QStringLiteral("http://h:7860")));

    m_fake.setDelayMs(1500);
    A1111Provider plain = inProcessProvider();
    ProviderSettings slashed;
    slashed.a1111Url = m_fake.url() + QStringLiteral("/");
    slashed.pollMs = 50;
    slashed.timeoutSeconds = 10;
    A1111Provider other(slashed);
    QCOMPARE(other.exclusiveEndpoint(), plain.exclusiveEndpoint());
    RecordingSink first;
    ProviderResult firstResult;
    std::thread running([&] { firstResult = plain.generate(smallRequest(), first); });
    QTRY_VERIFY_WITH_TIMEOUT(!m_fake.txt2imgTimes().isEmpty(), 3000);
    RecordingSink second;
    const ProviderResult busy = other.generate(smallRequest(), second);
    running.join();
    QVERIFY2(busy.busy && busy.errorCode == QLatin1String("PROVIDER_BUSY"), qPrintable(busy.errorCode));
    QVERIFY2(firstResult.ok, qPrintable(firstResult.errorMessage));
    QCOMPARE(m_fake.txt2imgTimes().size(), 1);
}

QTEST_GUILESS_MAIN(TestProviderA1111Shared)
#include "tst_provider_a1111_shared.moc"
