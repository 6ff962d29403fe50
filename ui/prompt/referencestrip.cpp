#include "ui/prompt/referencestrip.h"

#include "client/net/apiclient.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QPointer>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {
constexpr int kChipPx = 44;

QImage chipImage(const QByteArray &bytes, qreal dpr)
{
    QImage image = QImage::fromData(bytes);
    if (image.isNull())
        return {};
    image = image.scaled(QSize(kChipPx, kChipPx) * dpr, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
    image.setDevicePixelRatio(dpr);
    return image;
}

/// Upload bytes as they are when the server takes their type, else re-encoded as PNG.
ReferenceUpload uploadBytes(client::ApiClient &api, QByteArray bytes, QByteArray type, qreal dpr,
                            const std::function<QString(const client::ApiError &)> &describe)
{
    ReferenceUpload result;
    result.thumbnail = chipImage(bytes, dpr);
    if (result.thumbnail.isNull()) {
        result.error = QObject::tr("This file is not an image Vesper can read.");
        return result;
    }
    if (type != "image/png" && type != "image/jpeg" && type != "image/webp") {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QImage::fromData(bytes).save(&buffer, "PNG");
        bytes = buffer.data();
        type = "image/png";
    }
    const client::ApiResult<QJsonObject> answer = api.upload(bytes, type);
    if (!answer.ok())
        result.error = describe(answer.error);
    else
        result.uploadId = answer.value.value(QStringLiteral("id")).toString();
    return result;
}

QByteArray contentTypeOf(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return "image/png";
    if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg"))
        return "image/jpeg";
    if (suffix == QLatin1String("webp"))
        return "image/webp";
    return "application/octet-stream";
}
} // namespace

ReferenceStrip::ReferenceStrip(UiContext *ctx, QWidget *parent) : QWidget(parent), m_ctx(ctx)
{
    m_layout = new QHBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(6);
    m_layout->addStretch(1);
    setVisible(false);
}

bool ReferenceStrip::isImageFile(const QString &path)
{
    const QByteArray suffix = QFileInfo(path).suffix().toLower().toLatin1();
    return QImageReader::supportedImageFormats().contains(suffix) || suffix == "jpg";
}

QString ReferenceStrip::describeError(const client::ApiError &error)
{
    using Kind = client::ApiError::Kind;
    if (error.kind == Kind::Offline || error.kind == Kind::Network || error.kind == Kind::Timeout)
        return tr("Reference images need the server to be reachable; try again when it is back.");
    return error.message;
}

int ReferenceStrip::addChip()
{
    Chip chip;
    chip.key = m_nextKey++;
    auto *frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(frame);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    chip.picture = new QLabel(frame);
    chip.picture->setFixedSize(kChipPx, kChipPx);
    chip.picture->setAlignment(Qt::AlignCenter);
    chip.picture->setText(QStringLiteral("…"));
    chip.picture->setToolTip(tr("Uploading…"));
    auto *remove = new QToolButton(frame);
    remove->setText(QStringLiteral("×"));
    remove->setAutoRaise(true);
    remove->setToolTip(tr("Remove this reference image"));
    layout->addWidget(chip.picture);
    layout->addWidget(remove, 0, Qt::AlignTop);
    chip.widget = frame;
    const int key = chip.key;
    connect(remove, &QToolButton::clicked, this, [this, key] { this->remove(key); });
    m_layout->insertWidget(m_layout->count() - 1, frame);
    m_chips.append(chip);
    setVisible(true);
    Q_EMIT changed();
    return key;
}

void ReferenceStrip::run(int key, std::function<ReferenceUpload()> work)
{
    auto *watcher = new QFutureWatcher<ReferenceUpload>(this);
    connect(watcher, &QFutureWatcher<ReferenceUpload>::finished, this, [this, watcher, key] {
        watcher->deleteLater();
        finished(key, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

void ReferenceStrip::addFile(const QString &path)
{
    client::Workspace *ws = m_ctx->workspace();
    if (!ws || !ws->isOpen() || ws->options().offline)
        return m_ctx->reportError(tr("Reference images need the server to be reachable."),
                                  tr("Vesper is offline; add the image again when the server is back."));
    const int key = addChip();
    client::ApiClient *api = &ws->api();
    const qreal dpr = devicePixelRatioF();
    const auto describe = &ReferenceStrip::describeError;
    run(key, [api, path, dpr, describe] {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return ReferenceUpload{{}, {}, QObject::tr("%1 could not be read: %2").arg(QFileInfo(path).fileName(), file.errorString())};
        return uploadBytes(*api, file.readAll(), contentTypeOf(path), dpr, describe);
    });
}

void ReferenceStrip::addOutput(const QString &outputId)
{
    client::Workspace *ws = m_ctx->workspace();
    if (!ws || !ws->isOpen() || ws->options().offline)
        return m_ctx->reportError(tr("Reference images need the server to be reachable."));
    const int key = addChip();
    client::ApiClient *api = &ws->api();
    const qreal dpr = devicePixelRatioF();
    const auto describe = &ReferenceStrip::describeError;
    run(key, [api, outputId, dpr, describe] {
        const client::ApiResult<client::FileBytes> file = api->downloadFile(outputId, QStringLiteral("full"));
        if (!file.ok())
            return ReferenceUpload{{}, {}, describe(file.error)};
        return uploadBytes(*api, file.value.bytes, file.value.contentType, dpr, describe);
    });
}

void ReferenceStrip::addUploads(const QStringList &uploadIds)
{
    client::Workspace *ws = m_ctx->workspace();
    for (const QString &id : uploadIds) {
        const int key = addChip();
        m_chips[indexOf(key)].uploadId = id;
        if (!ws || !ws->isOpen()) {
            finished(key, ReferenceUpload{id, {}, {}});
            continue;
        }
        client::ApiClient *api = &ws->api();
        const qreal dpr = devicePixelRatioF();
        run(key, [api, id, dpr] {
            const client::ApiResult<client::FileBytes> file = api->downloadUpload(id, QStringLiteral("thumb"));
            return ReferenceUpload{id, file.ok() ? chipImage(file.value.bytes, dpr) : QImage(), {}};
        });
    }
}

void ReferenceStrip::finished(int key, const ReferenceUpload &result)
{
    const int index = indexOf(key);
    if (index < 0)
        return; // removed while uploading
    if (!result.error.isEmpty()) {
        m_ctx->reportError(tr("A reference image could not be added."), result.error);
        return remove(key);
    }
    Chip &chip = m_chips[index];
    chip.uploading = false;
    chip.uploadId = result.uploadId;
    if (!result.thumbnail.isNull())
        chip.picture->setPixmap(QPixmap::fromImage(result.thumbnail));
    else
        chip.picture->setText(tr("ref"));
    chip.picture->setToolTip(tr("Reference image"));
    Q_EMIT changed();
}

void ReferenceStrip::remove(int key)
{
    const int index = indexOf(key);
    if (index < 0)
        return;
    m_chips.at(index).widget->deleteLater();
    m_chips.removeAt(index);
    setVisible(!m_chips.isEmpty());
    Q_EMIT changed();
}

void ReferenceStrip::clear()
{
    while (!m_chips.isEmpty())
        remove(m_chips.first().key);
}

QStringList ReferenceStrip::uploadIds() const
{
    QStringList ids;
    for (const Chip &chip : m_chips) {
        if (!chip.uploading && !chip.uploadId.isEmpty())
            ids << chip.uploadId;
    }
    return ids;
}

int ReferenceStrip::uploadingCount() const
{
    return int(std::count_if(m_chips.cbegin(), m_chips.cend(), [](const Chip &c) { return c.uploading; }));
}

int ReferenceStrip::indexOf(int key) const
{
    for (int i = 0; i < m_chips.size(); ++i) {
        if (m_chips.at(i).key == key)
            return i;
    }
    return -1;
}

} // namespace vesper::ui
