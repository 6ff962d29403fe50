#include "ui/viewer/outputfiles.h"

#include "client/net/apiclient.h"

#include <QDir>
#include <QSaveFile>

namespace vesper::ui::outputfiles {

QString saveFullImage(client::ApiClient &api, const QString &outputId, const QString &path)
{
    const client::ApiResult<client::FileBytes> file = api.downloadFile(outputId, QStringLiteral("full"));
    if (!file.ok())
        return QObject::tr("The image could not be downloaded: %1").arg(file.error.message);
    // QSaveFile writes beside the target under a temporary name and renames it on commit.
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return QObject::tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(path), out.errorString());
    if (out.write(file.value.bytes) != file.value.bytes.size() || !out.commit())
        return QObject::tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(path), out.errorString());
    return {};
}

QString extensionFor(const QByteArray &contentType)
{
    if (contentType.contains("jpeg"))
        return QStringLiteral("jpg");
    if (contentType.contains("webp"))
        return QStringLiteral("webp");
    return QStringLiteral("png");
}

QString writeDragFile(const QImage &image, const QString &dir, const QString &outputId)
{
    if (image.isNull() || dir.isEmpty())
        return {};
    const QString path = QDir(dir).filePath(QStringLiteral("vesper-%1.png").arg(outputId.left(8)));
    return image.save(path, "PNG") ? path : QString();
}

} // namespace vesper::ui::outputfiles
