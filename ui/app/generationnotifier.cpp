#include "ui/app/generationnotifier.h"

#include "client/cache/cachestore.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/workspace.h"
#include "common/clock.h"
#include "ui/app/uicontext.h"

#include <QApplication>
#include <QSystemTrayIcon>
#include <QWidget>

namespace vesper::ui {

GenerationNotifier::GenerationNotifier(UiContext *context, QWidget *window)
    : QObject(window)
    , m_context(context)
    , m_window(window)
{
    connect(m_context, &UiContext::workspaceChanged, this, &GenerationNotifier::rewire);
    rewire();
}

void GenerationNotifier::rewire()
{
    disconnect(m_connection);
    client::Workspace *workspace = m_context->workspace();
    if (workspace && workspace->isOpen())
        m_connection = connect(&workspace->tracker(), &client::GenerationTracker::finished, this,
                               &GenerationNotifier::onFinished, Qt::QueuedConnection);
}

void GenerationNotifier::onFinished(const QString &generationId, const QString &status)
{
    if (!m_window || m_window->isActiveWindow() || !m_context->workspace())
        return;
    const auto generation = m_context->workspace()->cache().generation(generationId);
    if (!generation)
        return;
    const qint64 seconds = (nowMicros() - generation->createdAt) / 1000000;
    if (seconds < m_minimumSeconds)
        return;
    ++m_notified;
    QApplication::alert(m_window);
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->show();
    }
    const QString title = status == QLatin1String("completed") ? tr("Your pictures are ready") : tr("A generation ended: %1").arg(status);
    m_tray->showMessage(title, generation->prompt.left(120), QSystemTrayIcon::Information, 6000);
}

} // namespace vesper::ui
