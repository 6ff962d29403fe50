#include "ui/app/studioviews.h"

#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/models/sessionlistmodel.h"
#include "client/workspace/workspace.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/uicontext.h"
#include "ui/assistant/assistantdock.h"
#include "ui/assistant/assistantdrawer.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/sessionpanel.h"
#include "ui/prompt/promptbar.h"
#include "ui/viewer/viewerview.h"

#include <QAction>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTimer>

namespace vesper::ui {

namespace {

/// Opens a project's session page on sessionId, or on its newest session when that is not one of its.
void openProject(MainWindow *window, const StudioViews &v, const QString &projectId, const QString &sessionId)
{
    v.projects->selectProject(projectId);
    v.sessions->setProject(projectId);
    client::SessionListModel *sessions = v.sessions->model();
    QString target = sessionId;
    if (sessions && (target.isEmpty() || sessions->rowOf(target) < 0))
        target = sessions->rowCount() > 0 ? sessions->data(sessions->index(sessions->rowCount() - 1, 0), client::SessionListModel::IdRole).toString()
                                          : QString();
    if (!target.isEmpty())
        v.sessions->selectSession(target);
    v.gallery->setSession(target);
    v.promptBar->setSession(target);
    window->rememberPlace(projectId, target);
}

/// Back to the remembered place once a workspace is open; the projects page when it is not there.
void restorePlace(MainWindow *window, const StudioViews &v)
{
    client::Workspace *workspace = window->context()->workspace();
    if (!workspace || !workspace->isOpen())
        return;
    const QString projectId = window->lastProjectId();
    if (projectId.isEmpty() || !workspace->cache().project(projectId)) {
        if (window->currentPage() != MainWindow::Page::Projects)
            window->showPage(MainWindow::Page::Projects);
        return;
    }
    openProject(window, v, projectId, window->lastSessionId());
}

} // namespace

StudioViews installStudioViews(MainWindow *window)
{
    UiContext *ctx = window->context();
    StudioViews v;
    v.projects = new ProjectGalleryView(ctx);
    v.sessions = new SessionPanel(ctx);
    v.gallery = new SessionGalleryView(ctx);
    v.promptBar = new PromptBar(ctx);
    v.viewer = new ViewerView(ctx);
    v.assistant = new AssistantDock(window, v.promptBar);

    MainWindowViews views;
    views.projects = v.projects;
    views.sessions = v.sessions;
    views.sessionGallery = v.gallery;
    views.promptBar = v.promptBar;
    views.viewer = v.viewer;
    views.projectActions = v.projects->actions();
    // Pictures of a team project kept on this disk for offline review (progress in the status bar).
    auto *offline = new QAction(QObject::tr("Make Available Offline"), window);
    offline->setToolTip(QObject::tr("Download the thumbnails of every image in this project so it can be browsed offline"));
    QObject::connect(offline, &QAction::triggered, window, [window, v] {
        const QString projectId = v.projects->currentProjectId();
        if (projectId.isEmpty())
            window->context()->reportInfo(QObject::tr("Select a project first."));
        else
            window->connections()->makeProjectAvailableOffline(projectId);
    });
    views.projectActions.append(offline);
    views.sessionActions = v.sessions->actions();
    views.extraActions = {v.promptBar->generateAction()};
    // The Image menu: the viewer's own actions (their keys work in the viewer; the menu names them).
    const auto viewerAction = [&v](const char *name) { return v.viewer->action(QLatin1String(name)); };
    views.imageActions = {viewerAction("previous"), viewerAction("next"), nullptr, viewerAction("fit"), viewerAction("actualSize"),
                          viewerAction("zoomIn"), viewerAction("zoomOut"), nullptr, viewerAction("star"), viewerAction("reusePrompt"),
                          viewerAction("reuseAll"), viewerAction("useAsReference"), nullptr, viewerAction("copy"),
                          viewerAction("saveAs"), nullptr, viewerAction("delete"), viewerAction("undo")};
    window->installViews(views);
    v.projects->useZoomActions(window->biggerThumbnailsAction(), window->smallerThumbnailsAction());
    v.gallery->useZoomActions(window->biggerThumbnailsAction(), window->smallerThumbnailsAction());

    v.projects->setThumbnailSize(window->thumbnailSize());
    v.gallery->setThumbnailSize(window->thumbnailSize());
    QObject::connect(window, &MainWindow::thumbnailSizeChanged, v.projects, &ProjectGalleryView::setThumbnailSize);
    QObject::connect(window, &MainWindow::thumbnailSizeChanged, v.gallery, &SessionGalleryView::setThumbnailSize);
    QObject::connect(v.gallery, &SessionGalleryView::thumbnailSizeChanged, window, &MainWindow::setThumbnailSize);
    QObject::connect(v.projects, &ProjectGalleryView::thumbnailSizeChanged, window, &MainWindow::setThumbnailSize);

    QObject::connect(v.projects, &ProjectGalleryView::projectActivated, window, [window, v](const QString &projectId) {
        openProject(window, v, projectId, projectId == window->lastProjectId() ? window->lastSessionId() : QString());
        window->showPage(MainWindow::Page::Session);
    });
    QObject::connect(v.sessions, &SessionPanel::sessionSelected, window, [window, v](const QString &sessionId) {
        if (sessionId.isEmpty())
            return;
        window->searchField()->clear();
        v.gallery->setSession(sessionId);
        v.promptBar->setSession(sessionId);
        window->rememberPlace(v.sessions->projectId(), sessionId);
    });
    QObject::connect(window, &MainWindow::searchRequested, window, [window, v](const QString &text) {
        v.gallery->showSearch(text);
        if (!text.isEmpty() && window->currentPage() != MainWindow::Page::Session)
            window->showPage(MainWindow::Page::Session);
    });
    QObject::connect(v.gallery, &SessionGalleryView::outputActivated, window,
                     [window, v](const QString &generationId, const QString &outputId) {
                         v.viewer->open(v.gallery->model(), generationId, outputId);
                         window->showPage(MainWindow::Page::Viewer);
                     });
    QObject::connect(v.viewer, &ViewerView::closed, window, [window, v] {
        const QString generationId = v.viewer->currentGenerationId();
        window->goBack();
        if (!generationId.isEmpty())
            v.gallery->selectGeneration(generationId); // the gallery shows where the review stopped
    });
    const auto backToPrompt = [window, v] {
        if (window->currentPage() == MainWindow::Page::Viewer)
            window->goBack();
        v.promptBar->focusPrompt();
    };
    QObject::connect(v.viewer, &ViewerView::reusePrompt, window, [v, backToPrompt](const Generation &g) {
        v.promptBar->setPrompt(g.prompt);
        backToPrompt();
    });
    QObject::connect(v.viewer, &ViewerView::reuseAll, window, [v, backToPrompt](const Generation &g) {
        v.promptBar->applySettings(g);
        backToPrompt();
    });
    QObject::connect(v.viewer, &ViewerView::useAsReference, window, [v](const QString &outputId) {
        v.promptBar->addReferenceOutput(outputId);
    });
    // A new generation shows at the top of the gallery: bring it into view if a search hid it.
    QObject::connect(v.promptBar, &PromptBar::generationQueued, window, [window, v] {
        if (!window->searchField()->text().isEmpty()) {
            window->searchField()->clear();
            v.gallery->setSession(v.promptBar->sessionId());
        }
    });
    // The views rebuild their models on workspaceChanged (connected first, in their constructors);
    // the remembered place is reopened after them.
    // A workspace over the same cache (the live one after the cached one, a reconnect) keeps the place.
    QObject::connect(ctx, &UiContext::workspaceChanged, window, [window, v, ctx] {
        if (!ctx->isSameCache())
            restorePlace(window, v);
    });
    return v;
}

bool showPlace(MainWindow *window, const StudioViews &v, const QString &place, QString *error)
{
    client::Workspace *workspace = window->context()->workspace();
    if (place == QLatin1String("projects")) {
        window->showPage(MainWindow::Page::Projects);
        return true;
    }
    if (!workspace || !workspace->isOpen()) {
        *error = QObject::tr("no library or server is open");
        return false;
    }
    if (place.startsWith(QLatin1String("session:"))) {
        const QString sessionId = place.mid(8);
        const std::optional<Session> session = workspace->cache().session(sessionId);
        if (!session) {
            *error = QObject::tr("no session %1 in the cache").arg(sessionId);
            return false;
        }
        openProject(window, v, session->projectId, sessionId);
        window->showPage(MainWindow::Page::Session);
        return true;
    }
    if (place == QLatin1String("session")) {
        QString projectId = window->lastProjectId();
        if (projectId.isEmpty() || !workspace->cache().project(projectId))
            projectId = workspace->cache().projects(1).rows.value(0).id; // nothing remembered: the newest project
        if (projectId.isEmpty()) {
            *error = QObject::tr("the cache holds no project yet");
            return false;
        }
        openProject(window, v, projectId, projectId == window->lastProjectId() ? window->lastSessionId() : QString());
        window->showPage(MainWindow::Page::Session);
        return true;
    }
    if (place == QLatin1String("assistant") || place.startsWith(QLatin1String("assistant:"))) {
        if (!showPlace(window, v, QStringLiteral("session"), error))
            return false;
        v.assistant->open();
        const QString question = place.mid(10);
        if (!question.isEmpty()) {
            // A question to ask about the newest prompt of the session (for screenshots and demos).
            client::GenerationListModel *model = v.gallery->model();
            if (v.promptBar->prompt().isEmpty() && model && model->rowCount() > 0)
                v.promptBar->setPrompt(model->data(model->index(0, 0), client::GenerationListModel::PromptRole).toString());
            v.assistant->drawer()->input()->setPlainText(question);
            v.assistant->drawer()->sendInput();
        }
        return true;
    }
    if (place.startsWith(QLatin1String("search:"))) {
        window->searchField()->setText(place.mid(7));
        v.gallery->showSearch(place.mid(7));
        window->showPage(MainWindow::Page::Session);
        return true;
    }
    if (place == QLatin1String("viewer")) {
        client::GenerationListModel *model = v.gallery->model();
        for (int row = 0; model && row < model->rowCount(); ++row) {
            const QString outputId = model->data(model->index(row, 0), client::GenerationListModel::FirstOutputIdRole).toString();
            if (!outputId.isEmpty()) {
                v.viewer->open(model, model->data(model->index(row, 0), client::GenerationListModel::IdRole).toString(), outputId);
                window->showPage(MainWindow::Page::Viewer);
                return true;
            }
        }
        *error = QObject::tr("the open session has no image to view");
        return false;
    }
    *error = QObject::tr("unknown place \"%1\" (projects, session, session:<id>, search:<text>, viewer, assistant, assistant:<question>)").arg(place);
    return false;
}

} // namespace vesper::ui
