#include "ui/assistant/assistantdock.h"

#include "ui/app/mainwindow.h"
#include "ui/assistant/assistantdrawer.h"
#include "ui/prompt/promptbar.h"

#include <QDockWidget>
#include <QTimer>

namespace vesper::ui {

AssistantDock::AssistantDock(MainWindow *window, PromptBar *bar)
    : QObject(window)
    , m_window(window)
    , m_bar(bar)
{
    QDockWidget *dock = window->assistantDock();
    connect(dock, &QDockWidget::visibilityChanged, this, [this, dock](bool visible) {
        if (!visible || isCreated())
            return;
        drawer();
        // Wider than the drawer's minimum the first time, once the window has laid the dock out.
        QTimer::singleShot(0, this, [this, dock] {
            if (dock->isVisible() && dock->width() < 420)
                m_window->resizeDocks({dock}, {420}, Qt::Horizontal);
        });
    });
    if (bar) {
        connect(bar, &PromptBar::assistantRequested, this, &AssistantDock::open);
        connect(bar, &PromptBar::enhanceRequested, this, &AssistantDock::enhance);
    }
}

AssistantDrawer *AssistantDock::drawer()
{
    if (!m_drawer) {
        QDockWidget *dock = m_window->assistantDock();
        m_drawer = new AssistantDrawer(m_window->context(), m_bar, dock);
        QWidget *placeholder = dock->widget();
        dock->setWidget(m_drawer);
        if (placeholder)
            placeholder->deleteLater();
        Q_EMIT created(m_drawer);
    }
    return m_drawer;
}

void AssistantDock::open()
{
    AssistantDrawer *made = drawer();
    QDockWidget *dock = m_window->assistantDock();
    dock->show();
    dock->raise();
    made->focusInput();
}

void AssistantDock::enhance()
{
    open();
    drawer()->enhance();
}

} // namespace vesper::ui
