#pragma once
// The one inline place for errors and notices (UI.md "Honest and calm"): a strip at the top of the
// central area with an icon for the severity, the text, an optional detail line (what was kept, what
// to do), an optional action (Undo) and a dismiss button. Information hides itself after a few
// seconds; warnings and errors stay until dismissed or replaced. Never a modal dialog.
#include "ui/app/uicontext.h"

#include <QTimer>
#include <QWidget>
#include <functional>

class QLabel;
class QToolButton;
class QPushButton;

namespace vesper::ui {

class Banner : public QWidget {
    Q_OBJECT
public:
    explicit Banner(QWidget *parent = nullptr);

    /// Follows context's message and actionMessage signals.
    void attach(UiContext *context);
    /// Shows a message; replaces the one shown. Info hides after autoHideMs.
    void showMessage(UiContext::Severity severity, const QString &text, const QString &detail = {});
    /// Shows a message with an action button; clicking runs action and hides the banner.
    void showAction(UiContext::Severity severity, const QString &text, const QString &actionText, std::function<void()> action);
    void dismiss();

    QString text() const;
    QString detail() const;
    UiContext::Severity severity() const { return m_severity; }
    void setAutoHideMs(int ms) { m_autoHideMs = ms; }

private:
    void present(UiContext::Severity severity, const QString &text, const QString &detail);
    QLabel *m_icon;
    QLabel *m_text;
    QLabel *m_detail;
    QPushButton *m_action;
    QToolButton *m_close;
    QTimer m_hide;
    std::function<void()> m_actionCallback;
    UiContext::Severity m_severity = UiContext::Severity::Info;
    int m_autoHideMs = 6000;
};

} // namespace vesper::ui
