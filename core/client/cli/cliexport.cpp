// `export PROJECT DIR`: every image of a project as its original file plus a JSON sidecar (prompt,
// model, parameters, seed) — resumable: files already there with their sidecar are skipped, and
// each file is written under a temporary name and renamed, so an interrupted export leaves no
// half-written image behind.
#include "client/cache/cachestore.h"
#include "client/cli/clicontext.h"
#include "client/net/apiclient.h"
#include "client/workspace/workspace.h"
#include "domain/wiretime.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace vesper::client::cli {

namespace {

QString extensionFor(const QByteArray &contentType)
{
    if (contentType.contains("png"))
        return QStringLiteral("png");
    if (contentType.contains("jpeg"))
        return QStringLiteral("jpg");
    if (contentType.contains("webp"))
        return QStringLiteral("webp");
    return QStringLiteral("bin");
}

bool writeAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QJsonObject sidecarOf(const Output &output, const std::optional<Generation> &generation, const QString &file)
{
    QJsonObject sidecar{{QStringLiteral("outputId"), output.id}, {QStringLiteral("file"), file},
                        {QStringLiteral("createdAt"), timeValue(output.createdAt)}};
    if (output.width)
        sidecar.insert(QStringLiteral("width"), *output.width);
    if (output.height)
        sidecar.insert(QStringLiteral("height"), *output.height);
    if (generation) {
        sidecar.insert(QStringLiteral("generationId"), generation->id);
        sidecar.insert(QStringLiteral("prompt"), generation->prompt);
        sidecar.insert(QStringLiteral("negativePrompt"), generation->negativePrompt);
        sidecar.insert(QStringLiteral("modelId"), generation->modelId);
        sidecar.insert(QStringLiteral("parameters"), generation->parameters);
    }
    return sidecar;
}

} // namespace

int runExport(CliContext &c)
{
    if (c.options.offline)
        return c.fail(QStringLiteral("export downloads originals; drop --offline"), ExitCode::Usage);
    c.refresh();
    const QString projectId = c.resolveProject(c.options.args.at(0));
    if (projectId.isEmpty())
        return c.fail(QStringLiteral("no project \"%1\" in the cache").arg(c.options.args.at(0)), ExitCode::NotFound);
    const QString dir = c.options.args.at(1);
    if (!QDir().mkpath(dir))
        return c.fail(QStringLiteral("cannot create %1").arg(dir), ExitCode::Failed);

    QList<Output> images;
    QString cursor;
    do {
        const CachePage<Output> page = c.workspace.cache().images(projectId, 500, cursor);
        if (!page.ok())
            return c.fail(page.error, ExitCode::Failed);
        images += page.rows;
        cursor = page.nextCursor;
    } while (!cursor.isEmpty());

    int written = 0, skipped = 0;
    qint64 bytes = 0;
    QString error;
    for (qsizetype i = 0; i < images.size(); ++i) {
        const Output &output = images.at(i);
        c.out.progress(QStringLiteral("exporting"), i, images.size());
        const QString sidecarPath = QDir(dir).filePath(output.id + QStringLiteral(".json"));
        if (QFileInfo::exists(sidecarPath)) {
            // The sidecar is written after its image, so its presence means the pair is complete.
            ++skipped;
            continue;
        }
        const ApiResult<FileBytes> file = c.workspace.api().downloadFile(output.id, QStringLiteral("full"));
        if (!file.ok()) {
            c.out.progress(QStringLiteral("exporting"), images.size(), images.size());
            std::fprintf(stderr, "vesper-cli: stopped after %d files; run the same command again to resume\n", written);
            return c.fail(file.error);
        }
        const QString name = output.id + QLatin1Char('.') + extensionFor(file.value.contentType);
        const QJsonObject sidecar = sidecarOf(output, c.workspace.cache().generation(output.generationId), name);
        if (!writeAtomically(QDir(dir).filePath(name), file.value.bytes, &error)
            || !writeAtomically(sidecarPath, QJsonDocument(sidecar).toJson(), &error))
            return c.fail(error, ExitCode::Failed);
        ++written;
        bytes += file.value.bytes.size();
    }
    c.out.progress(QStringLiteral("exporting"), images.size(), images.size());
    c.out.line(QStringLiteral("%1 images written (%2 MB), %3 already there, in %4").arg(written).arg(double(bytes) / 1e6, 0, 'f', 1).arg(skipped).arg(dir));
    c.out.document(QJsonObject{{QStringLiteral("written"), written}, {QStringLiteral("skipped"), skipped},
                               {QStringLiteral("bytes"), bytes}, {QStringLiteral("directory"), dir}});
    return int(ExitCode::Done);
}

} // namespace vesper::client::cli
