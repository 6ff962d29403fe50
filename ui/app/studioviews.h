#pragma once
// Puts the real views into the main window and wires them to each other: a project opens its
// sessions, a session fills the gallery and the prompt bar, an output opens the viewer, the viewer's
// Reuse and Use as reference go back to the prompt bar, search fills the gallery, and the last place
// (project, session) comes back at start and after an account switch. MainWindow stays free of the
// view classes so the shell is testable alone; this is the one place that knows them all.
#include <QString>

namespace vesper::ui {

class AssistantDock;
class MainWindow;
class ProjectGalleryView;
class PromptBar;
class SessionGalleryView;
class SessionPanel;
class ViewerView;

/// The views installStudioViews made (owned by the window).
struct StudioViews {
    ProjectGalleryView *projects = nullptr;
    SessionPanel *sessions = nullptr;
    SessionGalleryView *gallery = nullptr;
    PromptBar *promptBar = nullptr;
    ViewerView *viewer = nullptr;
    AssistantDock *assistant = nullptr; // the Assistant dock's drawer, made on first use
};

/// Creates the views, installs them in window and connects them. Call once, before the first
/// workspace opens.
StudioViews installStudioViews(MainWindow *window);

/// Opens a place given on the command line (`--show`): "projects", "session" (the remembered one),
/// "session:<sessionId>", "search:<text>", "viewer" (the first image of the open session) or
/// "assistant" (the remembered session with the assistant drawer open) or "assistant:<question>"
/// (the same, asking question about the bar's prompt — the session's newest when the bar is empty). False
/// with *error when it names nothing the cache holds.
bool showPlace(MainWindow *window, const StudioViews &views, const QString &place, QString *error);

} // namespace vesper::ui
