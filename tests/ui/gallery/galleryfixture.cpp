#include "galleryfixture.h"

#include "client/cache/cachestore.h"
#include "client/workspace/knownaccounts.h"
#include "synthfeed.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QThread>
#include <QThreadPool>

namespace vesper::test {

namespace {
const QString Server = QStringLiteral("http://127.0.0.1:9");
const QString UserId = QStringLiteral("0190a000-0000-7000-8000-000000000001");
} // namespace

GalleryFixture::GalleryFixture()
{
    client::KnownAccounts(m_dir.filePath(QStringLiteral("config"))).remember(Server, client::KnownAccount{QStringLiteral("me@example.com"), UserId});
    m_workspace = std::make_unique<client::Workspace>(options());
    if (!m_workspace->open().ok())
        return;
    m_ctx.setWorkspace(m_workspace.get(), false);
}

client::WorkspaceOptions GalleryFixture::options() const
{
    client::WorkspaceOptions options;
    options.serverUrl = Server;
    options.offline = true;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.configDir = m_dir.filePath(QStringLiteral("config"));
    options.backgroundSync = false;
    options.diskThumbnails = false;
    return options;
}

std::unique_ptr<client::Workspace> GalleryFixture::openTwin() const
{
    auto twin = std::make_unique<client::Workspace>(options());
    if (!twin->open().ok())
        return nullptr;
    return twin;
}

GalleryFixture::~GalleryFixture()
{
    QThreadPool::globalInstance()->waitForDone();
    m_ctx.setWorkspace(nullptr, false);
}

bool GalleryFixture::apply(const QJsonArray &changes)
{
    client::CacheChanges changed;
    QString error;
    if (!m_workspace->cache().applyChangesPage(changes, QString::number(++m_rev), &changed, &error)) {
        qWarning().noquote() << "page refused:" << error;
        return false;
    }
    Q_EMIT m_ctx.cacheChanged(changed);
    return true;
}

Session GalleryFixture::addProjectAndSession(const QString &projectName, bool shared)
{
    Project p = synthProject(projectName, 1000);
    p.owner.id = UserId;
    p.owner.displayName = QStringLiteral("Me");
    p.isShared = shared;
    const Session s = synthSession(p.id, QStringLiteral("Session 1"), 1000);
    apply({upsertChange(nextRev(), QStringLiteral("project"), p.toJson()), upsertChange(nextRev(), QStringLiteral("session"), s.toJson())});
    return s;
}

QList<Generation> GalleryFixture::addGenerations(const Session &session, int count, qint64 firstCreatedAt, int outputs)
{
    QList<Generation> made;
    QJsonArray page;
    for (int i = 0; i < count; ++i) {
        Generation g = synthGeneration(session.id, QStringLiteral("a lighthouse at dusk, study %1").arg(i), firstCreatedAt + i);
        page << upsertChange(nextRev(), QStringLiteral("generation"), g.toJson());
        QList<Output> list;
        for (int k = 0; k < outputs; ++k) {
            const Output o = synthOutput(g, firstCreatedAt + i);
            page << upsertChange(nextRev(), QStringLiteral("output"), o.toJson());
            list << o;
        }
        g.outputs = list;
        made << g;
    }
    apply(page);
    return made;
}

bool GalleryFixture::addGeneration(const Generation &generation)
{
    Generation bare = generation;
    bare.outputs.reset();
    QJsonArray page{upsertChange(nextRev(), QStringLiteral("generation"), bare.toJson())};
    for (const Output &o : generation.outputs.value_or(QList<Output>{}))
        page << upsertChange(nextRev(), QStringLiteral("output"), o.toJson());
    return apply(page);
}

client::ThumbnailFetchFunction PngServer::function()
{
    return [this](const QString &outputId, const QString &) {
        {
            QMutexLocker locker(&m_lock);
            m_calls << outputId;
        }
        while (!m_gateOpen.load())
            QThread::msleep(2);
        // A soft two-colour gradient whose hue comes from the id, so cards differ on screenshots.
        const int hue = int(qHash(outputId) % 360);
        QImage image(256, 256, QImage::Format_RGB32);
        QPainter painter(&image);
        QLinearGradient gradient(0, 0, 256, 256);
        gradient.setColorAt(0, QColor::fromHsv(hue, 160, 230));
        gradient.setColorAt(1, QColor::fromHsv((hue + 60) % 360, 200, 90));
        painter.fillRect(image.rect(), gradient);
        painter.setBrush(QColor::fromHsv((hue + 180) % 360, 120, 240));
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(QPoint(160, 90), 36, 36);
        painter.end();
        client::ThumbnailFetch fetch;
        QBuffer buffer(&fetch.bytes);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
        return fetch;
    };
}

QStringList PngServer::calls() const
{
    QMutexLocker locker(&m_lock);
    return m_calls;
}

void PngServer::openGate()
{
    m_gateOpen = true;
}

} // namespace vesper::test
