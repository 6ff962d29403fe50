#pragma once
// Puts the assistant drawer into the main window's Assistant dock the first time it is wanted — the
// dock shown (Ctrl+Shift+A, View ▸ Assistant), the prompt bar's Assistant or Enhance button — so a
// user who never opens it pays nothing for it at start.
#include <QObject>
#include <QPointer>

namespace vesper::ui {

class AssistantDrawer;
class MainWindow;
class PromptBar;

class AssistantDock : public QObject {
    Q_OBJECT
public:
    AssistantDock(MainWindow *window, PromptBar *bar);

    /// The drawer, made now (and put into the dock) when it was not yet.
    AssistantDrawer *drawer();
    bool isCreated() const { return !m_drawer.isNull(); }
    /// Shows the dock with the drawer and puts the cursor in its input.
    void open();
    /// Opens the dock and asks for an enhanced version of the prompt in the bar.
    void enhance();

Q_SIGNALS:
    /// The drawer was made (once).
    void created(vesper::ui::AssistantDrawer *drawer);

private:
    MainWindow *m_window;
    QPointer<PromptBar> m_bar;
    QPointer<AssistantDrawer> m_drawer;
};

} // namespace vesper::ui
