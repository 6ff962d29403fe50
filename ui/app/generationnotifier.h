#pragma once
// Tells the user a long generation finished while they were elsewhere: the taskbar entry asks for
// attention (QApplication::alert) and, where a system tray exists, a short notification appears.
// Short generations and ones finishing while the window is active stay quiet.
#include <QObject>
#include <QPointer>

class QSystemTrayIcon;
class QWidget;

namespace vesper::ui {

class UiContext;

class GenerationNotifier : public QObject {
    Q_OBJECT
public:
    GenerationNotifier(UiContext *context, QWidget *window);
    /// Generations that ran at least this long are announced (default 10 s).
    void setMinimumSeconds(int seconds) { m_minimumSeconds = seconds; }
    /// How many notifications were given (tests).
    int notified() const { return m_notified; }

private:
    void rewire();
    void onFinished(const QString &generationId, const QString &status);
    UiContext *m_context;
    QPointer<QWidget> m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QMetaObject::Connection m_connection;
    int m_minimumSeconds = 10;
    int m_notified = 0;
};

} // namespace vesper::ui
