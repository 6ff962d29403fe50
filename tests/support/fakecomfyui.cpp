#include "fakecomfyui.h"

#include <QUrlQuery>

#include <QBuffer>
#include <QDateTime>
#include <QImage>
#include <QJsonDocument>
#include <QUuid>

namespace vesper::test {
namespace {
const QString kSubfolder = QStringLiteral("run 1&2"); // a space and an ampersand: the adapter must encode them

QString text(const QJsonObject &data)
{
    return QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
}

QByteArray png(int width, int height, int index)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((index * 70) % 360, 160, 200));
    // ComfyUI writes the workflow into the PNG; the adapter must not store it.
    image.setText(QStringLiteral("prompt"), QStringLiteral("{\"3\": {\"class_type\": \"KSampler\"}}"));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

// A PREVIEW_IMAGE binary frame as ComfyUI sends it: event type 1, image type 1 (JPEG), the JPEG.
QByteArray previewFrame(int step)
{
    QImage image(64, 64, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((step * 30) % 360, 120, 180));
    QByteArray bytes("\0\0\0\1\0\0\0\1", 8);
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::Append);
    image.save(&buffer, "JPEG", 75);
    return bytes;
}

QJsonObject event(const QString &promptId, QJsonObject data = {})
{
    data.insert(QStringLiteral("prompt_id"), promptId);
    data.insert(QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch());
    return data;
}
} // namespace

FakeComfyUi::FakeComfyUi()
    : m_http(std::make_unique<FakeHttpServer>([this](const FakeRequest &r) { return handle(r); }))
{
    // As ComfyUI's server.py does on every new websocket: the queue status, with the client's sid.
    m_http->setWebSocketGreeting([](const QUrl &url) {
        const QString sid = QUrlQuery(url).queryItemValue(QStringLiteral("clientId"));
        const QJsonObject status{{QStringLiteral("status"), QJsonObject{{QStringLiteral("exec_info"), QJsonObject{{QStringLiteral("queue_remaining"), 0}}}}},
                                 {QStringLiteral("sid"), sid}};
        return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("status")}, {QStringLiteral("data"), status}})
                                     .toJson(QJsonDocument::Compact));
    });
}

int FakeComfyUi::statusGreetings() const
{
    return m_http->greetingsSent();
}

FakeComfyUi::~FakeComfyUi() = default;

bool FakeComfyUi::start(QString *error)
{
    return m_http->start(error);
}

void FakeComfyUi::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
    m_rateLimited = false;
    m_historyBlips = 0;
    m_http->setWebSocketsRefused(scenario == Scenario::WebSocketRefused);
}

QList<FakeComfyUi::Prompt> FakeComfyUi::prompts() const
{
    QMutexLocker lock(&m_mutex);
    return m_prompts;
}

QStringList FakeComfyUi::interrupted() const
{
    QMutexLocker lock(&m_mutex);
    return m_interrupted;
}

QStringList FakeComfyUi::dequeued() const
{
    QMutexLocker lock(&m_mutex);
    return m_dequeued;
}

FakeResponse FakeComfyUi::handle(const FakeRequest &r)
{
    if (r.method == "POST" && r.path == QLatin1String("/prompt"))
        return queuePrompt(r);
    if (r.method == "GET" && r.path.startsWith(QLatin1String("/history/")))
        return history(r.path.mid(9));
    if (r.method == "GET" && r.path == QLatin1String("/view"))
        return view(r);
    if (r.method == "POST" && r.path == QLatin1String("/interrupt")) {
        // Current ComfyUI: {"prompt_id"} interrupts that prompt only if it runs; no body, whatever runs.
        const QString id = r.json().value(QStringLiteral("prompt_id")).toString();
        QStringList targets;
        {
            QMutexLocker lock(&m_mutex);
            m_interrupted << id;
            for (auto it = m_runs.begin(); it != m_runs.end(); ++it) {
                if (it->running && (id.isEmpty() || it.key() == id))
                    targets << it.key();
            }
        }
        for (const QString &target : std::as_const(targets))
            interrupt(target);
        return FakeResponse::bytes(200, {}, "text/plain");
    }
    if (r.method == "POST" && r.path == QLatin1String("/queue")) {
        QMutexLocker lock(&m_mutex);
        for (const QJsonValue &id : r.json().value(QStringLiteral("delete")).toArray()) {
            m_dequeued << id.toString();
            auto run = m_runs.find(id.toString());
            if (run != m_runs.end() && !run->running && !run->done)
                run->stopped = true; // removed before it started
        }
        return FakeResponse::bytes(200, {}, "text/plain");
    }
    if (r.method == "GET" && r.path == QLatin1String("/queue")) {
        QMutexLocker lock(&m_mutex);
        QJsonArray running, pending;
        for (auto it = m_runs.begin(); it != m_runs.end(); ++it) {
            const QJsonArray item{it->number, it.key(), QJsonObject{}, QJsonObject{}, QJsonArray{QStringLiteral("9")}};
            if (it->running)
                running.append(item);
            else if (!it->done && !it->stopped && !it->failed)
                pending.append(item);
        }
        return FakeResponse::json(200, {{QStringLiteral("queue_running"), running}, {QStringLiteral("queue_pending"), pending}});
    }
    return FakeResponse::json(404, {{QStringLiteral("error"), QStringLiteral("not found")}});
}

FakeResponse FakeComfyUi::queuePrompt(const FakeRequest &r)
{
    const QJsonObject body = r.json();
    const QString clientId = body.value(QStringLiteral("client_id")).toString();
    Prompt prompt{body, QDateTime::currentMSecsSinceEpoch(), 200, {}, !clientId.isEmpty() && m_http->webSocketCount(clientId) > 0};
    QMutexLocker lock(&m_mutex);
    const Scenario scenario = m_scenario;
    FakeResponse response;
    if (!body.value(QStringLiteral("prompt")).isObject()) {
        prompt.status = 400;
        response = FakeResponse::json(400, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), QStringLiteral("no_prompt")},
                                                                                   {QStringLiteral("message"), QStringLiteral("No prompt provided")}}}});
    } else if (scenario == Scenario::NodeError) {
        prompt.status = 400;
        const QJsonObject nodeError{{QStringLiteral("errors"), QJsonArray{QJsonObject{
                                         {QStringLiteral("type"), QStringLiteral("value_not_in_list")},
                                         {QStringLiteral("message"), QStringLiteral("Value not in list")},
                                         {QStringLiteral("details"), QStringLiteral("ckpt_name: 'missing.safetensors' not in []")}}}},
                                    {QStringLiteral("dependent_outputs"), QJsonArray{QStringLiteral("9")}},
                                    {QStringLiteral("class_type"), QStringLiteral("CheckpointLoaderSimple")}};
        response = FakeResponse::json(400, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), QStringLiteral("prompt_outputs_failed_validation")},
                                                                                   {QStringLiteral("message"), QStringLiteral("Prompt outputs failed validation")},
                                                                                   {QStringLiteral("details"), QString()}}},
                                            {QStringLiteral("node_errors"), QJsonObject{{QStringLiteral("4"), nodeError}}}});
    } else if (scenario == Scenario::RateLimitOnce && !m_rateLimited) {
        m_rateLimited = true;
        prompt.status = 429;
        response = FakeResponse::json(429, {{QStringLiteral("error"), QStringLiteral("too many prompts")}}).header("Retry-After", "1");
    } else {
        Run run;
        run.clientId = clientId;
        run.number = m_number++;
        // The size and count come from the graph's latent image, as ComfyUI's own would.
        const QJsonObject graph = body.value(QStringLiteral("prompt")).toObject();
        for (const QJsonValue &node : graph) {
            const QJsonObject inputs = node.toObject().value(QStringLiteral("inputs")).toObject();
            if (node.toObject().value(QStringLiteral("class_type")).toString() == QLatin1String("EmptyLatentImage")) {
                run.width = inputs.value(QStringLiteral("width")).toInt();
                run.height = inputs.value(QStringLiteral("height")).toInt();
                run.batch = inputs.value(QStringLiteral("batch_size")).toInt(1);
            }
        }
        prompt.promptId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_runs.insert(prompt.promptId, run);
        response = FakeResponse::json(200, {{QStringLiteral("prompt_id"), prompt.promptId}, {QStringLiteral("number"), run.number},
                                            {QStringLiteral("node_errors"), QJsonObject{}}});
    }
    m_prompts.append(prompt);
    if (!prompt.promptId.isEmpty()) {
        m_runs[prompt.promptId].legacy = scenario == Scenario::Legacy;
        m_runs[prompt.promptId].lateHistory = scenario == Scenario::LateHistory;
        m_runs[prompt.promptId].cached = scenario == Scenario::Cached;
    }
    lock.unlock();
    if (!prompt.promptId.isEmpty())
        play(prompt.promptId, scenario == Scenario::RateLimitOnce ? Scenario::Success : scenario);
    return response;
}

void FakeComfyUi::play(const QString &id, Scenario scenario)
{
    if (scenario == Scenario::HistoryBlip || scenario == Scenario::LateHistory)
        scenario = Scenario::Success;
    const bool legacy = scenario == Scenario::Legacy;
    if (legacy)
        scenario = Scenario::Slow;
    if (scenario == Scenario::OneImage) {
        QMutexLocker lock(&m_mutex);
        m_runs[id].batch = 1;
        scenario = Scenario::Success;
    }
    if (scenario == Scenario::WebSocketRefused) {
        m_http->later(30, [this, id] {
            QMutexLocker lock(&m_mutex);
            m_runs[id].running = true;
        });
        m_http->later(1500, [this, id] { finish(id); });
        return;
    }
    if (scenario == Scenario::Queued)
        return;
    if (scenario == Scenario::Cached) {
        // The same graph ran before: nothing executes, the cached output node still reports its images.
        m_http->later(20, [this, id] {
            {
                QMutexLocker lock(&m_mutex);
                m_runs[id].running = true;
            }
            send(id, QStringLiteral("execution_start"), event(id));
            send(id, QStringLiteral("execution_cached"),
                 event(id, {{QStringLiteral("nodes"), QJsonArray{QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6"),
                                                                 QStringLiteral("7"), QStringLiteral("8"), QStringLiteral("9")}}}));
        });
        m_http->later(60, [this, id] { finish(id); });
        return;
    }
    const bool slow = scenario == Scenario::Slow || scenario == Scenario::WebSocketDrops;
    const int steps = slow ? 10 : 4;
    const int gap = slow ? 200 : 30;
    m_http->later(20, [this, id] {
        {
            QMutexLocker lock(&m_mutex);
            m_runs[id].running = true;
        }
        broadcastStatus(1);
        send(id, QStringLiteral("execution_start"), event(id));
        send(id, QStringLiteral("execution_cached"), event(id, {{QStringLiteral("nodes"), QJsonArray{}}}));
        send(id, QStringLiteral("executing"), event(id, {{QStringLiteral("node"), QStringLiteral("3")}}));
    });
    const int lastStep = scenario == Scenario::Hang ? 1 : scenario == Scenario::ExecutionError ? 2 : steps;
    for (int i = 1; i <= lastStep; ++i) {
        m_http->later(20 + i * gap, [this, id, i, steps, scenario, legacy] {
            if (legacy) // before 2024: {"value", "max"} and nothing else
                send(id, QStringLiteral("progress"), {{QStringLiteral("value"), i}, {QStringLiteral("max"), steps}});
            else
                send(id, QStringLiteral("progress"), event(id, {{QStringLiteral("value"), i}, {QStringLiteral("max"), steps},
                                                                {QStringLiteral("node"), QStringLiteral("3")}}));
            QString clientId;
            {
                QMutexLocker lock(&m_mutex);
                clientId = m_runs.value(id).clientId;
            }
            m_http->sendWebSocketBinary(QStringLiteral("clientId=") + clientId, previewFrame(i)); // to the queuing client only
            if (scenario == Scenario::WebSocketDrops && i == 2) {
                QMutexLocker lock(&m_mutex);
                m_http->closeWebSockets(QStringLiteral("clientId=") + m_runs.value(id).clientId);
            }
        });
    }
    if (scenario == Scenario::Hang)
        return;
    const int end = 20 + (lastStep + 1) * gap;
    m_http->later(end, [this, id, scenario] { scenario == Scenario::ExecutionError ? fail(id) : finish(id); });
}

void FakeComfyUi::broadcastStatus(int queueRemaining)
{
    // server.py's queue_updated: send_sync("status", ..., sid=None) goes to every websocket.
    const QJsonObject status{{QStringLiteral("status"), QJsonObject{{QStringLiteral("exec_info"),
                                                                     QJsonObject{{QStringLiteral("queue_remaining"), queueRemaining}}}}}};
    m_http->sendWebSocketText(QString(), text({{QStringLiteral("type"), QStringLiteral("status")}, {QStringLiteral("data"), status}}));
}

void FakeComfyUi::send(const QString &promptId, const QString &type, QJsonObject data)
{
    QString clientId;
    {
        QMutexLocker lock(&m_mutex);
        const Run run = m_runs.value(promptId);
        if (run.stopped || run.clientId.isEmpty())
            return;
        clientId = run.clientId;
        if (data.contains(QStringLiteral("prompt_id")) && type != QLatin1String("progress") && type != QLatin1String("executing"))
            m_runs[promptId].messages.append(QJsonArray{type, data});
    }
    m_http->sendWebSocketText(QStringLiteral("clientId=") + clientId,
                              text({{QStringLiteral("type"), type}, {QStringLiteral("data"), data}}));
}

void FakeComfyUi::finish(const QString &id)
{
    {
        QMutexLocker lock(&m_mutex);
        Run &run = m_runs[id];
        if (run.stopped)
            return;
        for (int i = 0; i < run.batch; ++i) {
            const QString filename = QStringLiteral("vesper_%1_.png").arg(m_files.size() + 1, 5, 10, QLatin1Char('0'));
            m_files.insert(kSubfolder + QLatin1Char('/') + filename, png(run.width, run.height, i));
            run.images.append(QJsonObject{{QStringLiteral("filename"), filename}, {QStringLiteral("subfolder"), kSubfolder},
                                          {QStringLiteral("type"), QStringLiteral("output")}});
        }
    }
    QJsonArray images;
    {
        QMutexLocker lock(&m_mutex);
        images = m_runs[id].images;
    }
    bool cached = false;
    {
        QMutexLocker lock(&m_mutex);
        cached = m_runs[id].cached;
    }
    if (!cached) // a cached node does not execute; its executed event still comes
        send(id, QStringLiteral("executing"), event(id, {{QStringLiteral("node"), QStringLiteral("9")}}));
    send(id, QStringLiteral("executed"), event(id, {{QStringLiteral("node"), QStringLiteral("9")}, {QStringLiteral("display_node"), QStringLiteral("9")},
                                                    {QStringLiteral("output"), QJsonObject{{QStringLiteral("images"), images}}}}));
    bool legacy = false, late = false;
    {
        QMutexLocker lock(&m_mutex);
        legacy = m_runs[id].legacy;
        late = m_runs[id].lateHistory;
    }
    if (!legacy)
        send(id, QStringLiteral("execution_success"), event(id));
    {
        QMutexLocker lock(&m_mutex);
        m_runs[id].running = false;
        m_runs[id].done = !late; // in the history before the final event, as ComfyUI does
    }
    if (late) {
        m_http->later(6500, [this, id] {
            QMutexLocker lock(&m_mutex);
            m_runs[id].done = true;
        });
    }
    send(id, QStringLiteral("executing"), {{QStringLiteral("node"), QJsonValue::Null}, {QStringLiteral("prompt_id"), id}});
    broadcastStatus(0);
}

void FakeComfyUi::fail(const QString &id)
{
    send(id, QStringLiteral("execution_error"),
         event(id, {{QStringLiteral("node_id"), QStringLiteral("3")}, {QStringLiteral("node_type"), QStringLiteral("KSampler")},
                    {QStringLiteral("exception_message"), QStringLiteral("CUDA out of memory. Tried to allocate 2.00 GiB")},
                    {QStringLiteral("exception_type"), QStringLiteral("torch.OutOfMemoryError")},
                    {QStringLiteral("traceback"), QJsonArray{QStringLiteral("File \"execution.py\", line 1")}},
                    {QStringLiteral("executed"), QJsonArray{QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6"), QStringLiteral("7")}},
                    {QStringLiteral("current_inputs"), QJsonObject{{QStringLiteral("seed"), QJsonArray{42}}}},
                    {QStringLiteral("current_outputs"), QJsonObject{}}}));
    {
        QMutexLocker lock(&m_mutex);
        m_runs[id].running = false;
        m_runs[id].failed = true;
    }
    send(id, QStringLiteral("executing"), {{QStringLiteral("node"), QJsonValue::Null}, {QStringLiteral("prompt_id"), id}});
}

void FakeComfyUi::interrupt(const QString &id)
{
    send(id, QStringLiteral("execution_interrupted"),
         event(id, {{QStringLiteral("node_id"), QStringLiteral("3")}, {QStringLiteral("node_type"), QStringLiteral("KSampler")},
                    {QStringLiteral("executed"), QJsonArray{}}}));
    send(id, QStringLiteral("executing"), {{QStringLiteral("node"), QJsonValue::Null}, {QStringLiteral("prompt_id"), id}});
    QMutexLocker lock(&m_mutex);
    m_runs[id].running = false;
    m_runs[id].failed = true;
    m_runs[id].stopped = true;
}

FakeResponse FakeComfyUi::history(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    if (m_scenario == Scenario::GarbageHistory)
        return FakeResponse::bytes(200, "<html><body>502 upstream sleeping</body></html>", "text/html");
    if (m_scenario == Scenario::HistoryBlip && m_historyBlips < 2) {
        ++m_historyBlips;
        return FakeResponse::bytes(502, "bad gateway", "text/plain");
    }
    const auto run = m_runs.constFind(id);
    if (run == m_runs.constEnd() || (!run->done && !run->failed))
        return FakeResponse::json(200, {});
    const bool success = run->done;
    if (run->legacy) // before the history had a status
        return FakeResponse::json(200, {{id, QJsonObject{{QStringLiteral("prompt"), QJsonArray{run->number, id, QJsonObject{}, QJsonObject{}, QJsonArray{QStringLiteral("9")}}},
                                                        {QStringLiteral("outputs"), QJsonObject{{QStringLiteral("9"), QJsonObject{{QStringLiteral("images"), run->images}}}}}}}});
    const QJsonObject entry{
        {QStringLiteral("prompt"), QJsonArray{run->number, id, QJsonObject{}, QJsonObject{}, QJsonArray{QStringLiteral("9")}}},
        {QStringLiteral("outputs"), success ? QJsonObject{{QStringLiteral("9"), QJsonObject{{QStringLiteral("images"), run->images}}}} : QJsonObject{}},
        {QStringLiteral("status"), QJsonObject{{QStringLiteral("status_str"), success ? QStringLiteral("success") : QStringLiteral("error")},
                                               {QStringLiteral("completed"), success},
                                               {QStringLiteral("messages"), run->messages}}},
        {QStringLiteral("meta"), QJsonObject{}}};
    return FakeResponse::json(200, {{id, entry}});
}

FakeResponse FakeComfyUi::view(const FakeRequest &r)
{
    QMutexLocker lock(&m_mutex);
    if (m_scenario == Scenario::GarbageImage)
        return FakeResponse::bytes(200, "this is not a picture", "image/png");
    const QString filename = r.query.queryItemValue(QStringLiteral("filename"), QUrl::FullyDecoded);
    const QString subfolder = r.query.queryItemValue(QStringLiteral("subfolder"), QUrl::FullyDecoded);
    const QString type = r.query.queryItemValue(QStringLiteral("type"), QUrl::FullyDecoded);
    const auto file = m_files.constFind(subfolder + QLatin1Char('/') + filename);
    if (type != QLatin1String("output") || file == m_files.constEnd())
        return FakeResponse::json(404, {{QStringLiteral("error"), QStringLiteral("no such file")}});
    return FakeResponse::bytes(200, *file, "image/png");
}

} // namespace vesper::test
