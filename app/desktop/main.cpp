// vesper, the desktop app: reads the command line, says so in one line when there is no display,
// starts the local library's embedded backend (or attaches to the one another vesper process runs
// on the same folder) unless --server or --offline is given, and hands the UI a LocalLibrary value.
// The only place linking vesper_backend. On quit the window goes first, then the backend (≤ 2 s).
#include "backend/server/embeddedbackend.h"
#include "client/assistant/assistantconversation.h"
#include "client/models/generationlistmodel.h"
#include "client/models/projectlistmodel.h"
#include "client/thumbnails/thumbnailcache.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/studioviews.h"
#include "ui/app/uicontext.h"
#include "ui/assistant/assistantdock.h"
#include "ui/assistant/assistantdrawer.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/thumbnailbinder.h"
#include "ui/settings/providerkeystore.h"
#include "ui/viewer/imagecanvas.h"
#include "ui/viewer/viewerview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLoggingCategory>
#include <QPixmap>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>
#include <string>
#include <memory>

using namespace vesper;

namespace {
constexpr int kShowTries = 40; // --show waits up to 8 s for a fresh library's first sync

constexpr int kNoDisplayExit = 2;
constexpr int kScreenshotTimeoutMs = 10000;

void describeOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("Vesper Studio: image generation on a local library or a team server."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("The local library's folder (default: <data folder>/vesper)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("server"), QStringLiteral("Open a team server instead of the local library."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("screenshot"), QStringLiteral("Write a PNG of the window once the first gallery has painted, then exit."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("offline"), QStringLiteral("Open no connection: browse the last cache.")});
    parser.addOption({QStringLiteral("show"),
                      QStringLiteral("Open a place at start: projects, session, session:<id>, search:<text>, viewer, assistant or assistant:<question>."),
                      QStringLiteral("PLACE")});
}

/// Whether a window can be shown at all (Linux and other X11/Wayland systems).
bool hasDisplay()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
           || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

bool wantsTextOnly(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "--version" || arg == "-v" || arg == "--help-all")
            return true;
    }
    return false;
}

void setIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("vesper"));
    QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VESPER_VERSION));
}

QIcon appIcon()
{
    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/%1x%1/vesper.png").arg(size), QSize(size, size));
    return icon;
}

/// Whether the viewer shows its output's full image (not the thumbnail it starts with).
bool viewerShowsFullImage(const ui::ViewerView *viewer)
{
    const std::optional<Generation> generation = viewer->currentGeneration();
    if (!generation || !generation->outputs)
        return false;
    for (const Output &output : *generation->outputs) {
        if (output.id == viewer->currentOutputId())
            return output.width && viewer->canvas()->image().width() >= int(*output.width);
    }
    return false;
}

/// Whether the binder has bound the grid's cards on screen and every thumbnail they show is loaded.
bool allCached(const client::ThumbnailCache *cache, const ui::ThumbnailBinder *binder, int rows)
{
    if (rows > 0 && binder->firstVisibleRow() < 0)
        return false; // not bound yet
    for (const QString &id : binder->visibleOutputIds()) {
        if (!cache || cache->cached(id).isNull())
            return false;
    }
    return true;
}

/// Whether the page on show has its pictures: the visible thumbnails, or the viewer's full image.
bool picturesShown(const ui::MainWindow *window, const ui::StudioViews &views)
{
    if (views.assistant && views.assistant->isCreated() && views.assistant->drawer()->conversation()
        && views.assistant->drawer()->conversation()->isBusy())
        return false; // --show assistant:<question>: the reply is part of the picture
    switch (window->currentPage()) {
    case ui::MainWindow::Page::Viewer:
        return viewerShowsFullImage(views.viewer);
    case ui::MainWindow::Page::Session:
        return allCached(window->context()->thumbnails(), views.gallery->binder(),
                         views.gallery->model() ? views.gallery->model()->rowCount() : 0);
    case ui::MainWindow::Page::Projects:
        return allCached(window->context()->thumbnails(), views.projects->binder(),
                         views.projects->model() ? views.projects->model()->rowCount() : 0);
    }
    return true;
}

std::function<void(const QHash<QString, QString> &)> providerApplier(backend::EmbeddedBackend *embedded)
{
    return [embedded](const QHash<QString, QString> &values) {
        backend::ProviderSettings settings = embedded->providerSettings();
        const backend::ProviderSettings defaults;
        const auto pick = [&values](const char *key, const QString &fallback) {
            const QString value = values.value(QLatin1String(key)).trimmed();
            return value.isEmpty() ? fallback : value;
        };
        settings.a1111Url = pick("a1111Url", {});
        settings.comfyUiUrl = pick("comfyUiUrl", {});
        settings.geminiKey = pick("geminiKey", {});
        settings.geminiUrl = pick("geminiUrl", defaults.geminiUrl);
        settings.replicateToken = pick("replicateToken", {});
        settings.replicateUrl = pick("replicateUrl", defaults.replicateUrl);
        backend::AssistantSettings &assistant = settings.assistant;
        assistant.adapter = pick("assistantAdapter", defaults.assistant.adapter);
        if (!backend::AssistantSettings::knownAdapter(assistant.adapter))
            assistant.adapter = defaults.assistant.adapter;
        assistant.anthropicKey = pick("anthropicKey", {});
        assistant.anthropicModel = pick("anthropicModel", defaults.assistant.anthropicModel);
        assistant.anthropicUrl = pick("anthropicUrl", defaults.assistant.anthropicUrl);
        assistant.openaiKey = pick("openaiKey", {});
        assistant.openaiModel = pick("openaiModel", defaults.assistant.openaiModel);
        assistant.openaiUrl = pick("openaiUrl", defaults.assistant.openaiUrl);
        embedded->setProviderSettings(settings);
    };
}

} // namespace

int main(int argc, char **argv)
{
    if (wantsTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        QCommandLineParser parser;
        describeOptions(parser);
        parser.process(app); // prints and exits
        return 0;
    }
    if (!hasDisplay()) {
        // The command as the user typed it (./build/dev/app/desktop/vesper, or vesper from the PATH),
        // so the line can be copied as it stands.
        std::string self = argc > 0 && argv[0] && *argv[0] ? argv[0] : "vesper";
        if (self.find_first_of(" \t'\"") != std::string::npos)
            self = "'" + self + "'";
        std::fprintf(stderr, "vesper: no display found; run it under a virtual display: xvfb-run -a %s, or use vesper-server and vesper-cli\n",
                     self.c_str());
        return kNoDisplayExit;
    }

    QApplication app(argc, argv);
    setIdentity();
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Vesper Studio"));
    QGuiApplication::setDesktopFileName(QStringLiteral("vesper"));
    QApplication::setWindowIcon(appIcon());
    QLoggingCategory::setFilterRules(QStringLiteral("vesper.*.debug=false"));

    QCommandLineParser parser;
    describeOptions(parser);
    parser.process(app);
    const QString dataDir = parser.isSet(QStringLiteral("data-dir"))
        ? parser.value(QStringLiteral("data-dir"))
        : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/vesper");
    const QString serverUrl = parser.value(QStringLiteral("server"));
    const bool offline = parser.isSet(QStringLiteral("offline"));
    const QString screenshot = parser.value(QStringLiteral("screenshot"));

    std::unique_ptr<backend::EmbeddedBackend> embedded;
    std::optional<ui::LocalLibrary> local;
    QString backendError;
    if (serverUrl.isEmpty() && !offline) {
        if (const auto attached = backend::EmbeddedBackend::attach(dataDir, &backendError)) {
            // Another vesper serves this folder: use it (its provider settings stay its own).
            local = ui::LocalLibrary{attached->baseUrl, QString::fromLatin1(attached->accessToken), attached->localUserId, dataDir, {}};
        } else {
            backend::BackendSettings settings = backend::BackendSettings::forDataDir(dataDir);
            settings.accessLog = false;
            embedded = std::make_unique<backend::EmbeddedBackend>(settings);
            backendError.clear();
            if (embedded->start(&backendError)) {
                local = ui::LocalLibrary{embedded->baseUrl(), QString::fromLatin1(embedded->accessToken()), embedded->localUserId(),
                                         dataDir, providerApplier(embedded.get())};
            } else {
                std::fprintf(stderr, "vesper: the local library in %s cannot be opened: %s\n", qPrintable(dataDir), qPrintable(backendError));
                embedded.reset();
            }
        }
    }

    auto window = std::make_unique<ui::MainWindow>(local);
    const ui::StudioViews views = ui::installStudioViews(window.get());
    if (qEnvironmentVariableIsSet("VESPER_REPORT_FIRST_PAINT")) {
        // For bench_gallery: the moment the first gallery painted, as a line it waits for, with
        // which page painted and the session gallery's rows, so it can tell a real gallery from a
        // sign-in page or an empty grid.
        QObject::connect(window.get(), &ui::MainWindow::firstGalleryPainted, window.get(), [w = window.get(), views] {
            const bool session = w->currentPage() == ui::MainWindow::Page::Session;
            const int rows = views.gallery->model() ? views.gallery->model()->rowCount() : 0;
            std::fprintf(stderr, "first-gallery-painted page=%s rows=%d\n", session ? "session" : "projects", rows);
            std::fflush(stderr);
        });
    }
    window->connections()->setOffline(offline);
    if (local && local->applyProviderSettings)
        ui::ProviderKeyStore::loadAndApplyAsync(*local, window.get());
    if (!backendError.isEmpty() && !local)
        window->context()->reportError(QObject::tr("The local library in %1 cannot be opened.").arg(dataDir), backendError);

    QTimer *shotWhenShown = nullptr; // --screenshot: polls until the page's pictures are in
    auto showPending = std::make_shared<bool>(parser.isSet(QStringLiteral("show"))); // --show has not reached its page yet
    if (!screenshot.isEmpty()) {
        const auto writeShot = [w = window.get(), screenshot](int code) {
            const QPixmap shot = w->grab();
            if (!shot.save(screenshot, "PNG")) {
                std::fprintf(stderr, "vesper: the screenshot cannot be written to %s\n", qPrintable(screenshot));
                code = 1;
            }
            QCoreApplication::exit(code);
        };
        shotWhenShown = new QTimer(window.get());
        shotWhenShown->setInterval(100);
        QObject::connect(shotWhenShown, &QTimer::timeout, window.get(), [poll = shotWhenShown, w = window.get(), views, writeShot, showPending] {
            if (*showPending || !picturesShown(w, views))
                return;
            poll->stop();
            QTimer::singleShot(200, qApp, [writeShot] { writeShot(0); }); // the pictures' cells repaint first
        });
        QObject::connect(window.get(), &ui::MainWindow::firstGalleryPainted, shotWhenShown, qOverload<>(&QTimer::start));
        QTimer::singleShot(kScreenshotTimeoutMs, qApp, [writeShot] {
            std::fputs("vesper: the page and its pictures were not shown within 10 s; the screenshot shows the window as it is\n", stderr);
            writeShot(1);
        });
    }

    window->connections()->adoptOlderAppFolders();
    if (!serverUrl.isEmpty())
        window->connections()->openServer(serverUrl);
    else
        window->connections()->openLast();
    if (parser.isSet(QStringLiteral("show"))) {
        // A fresh library has nothing to show until its first sync lands: try again until then.
        const QString place = parser.value(QStringLiteral("show"));
        auto *retry = new QTimer(window.get());
        retry->setInterval(200);
        auto tries = std::make_shared<int>(0);
        const auto attempt = [w = window.get(), &views, place, retry, tries, shotWhenShown, showPending] {
            QString error;
            if (ui::showPlace(w, views, place, &error)) {
                retry->stop();
                *showPending = false;
                if (shotWhenShown && w->currentPage() == ui::MainWindow::Page::Viewer)
                    shotWhenShown->start(); // the viewer is no gallery: firstGalleryPainted does not come
                return;
            }
            if (++*tries >= kShowTries) {
                retry->stop();
                *showPending = false;
                w->context()->reportError(QObject::tr("--show: %1").arg(error));
            } else if (!retry->isActive()) {
                retry->start();
            }
        };
        QObject::connect(retry, &QTimer::timeout, window.get(), attempt);
        attempt();
    }
    window->show();

    const int code = app.exec();
    window.reset(); // the workspace (sync, tracker) stops before the backend it talks to
    if (embedded)
        embedded->stop(); // running jobs go back to the queue; the next start finishes them
    return code;
}
