#pragma once
// The quiet "Deleted — Undo (Ctrl+Z)" strip over the viewer's picture: it says what just happened and
// offers the way back for as long as the undo lasts, then goes away by itself. Not a dialog: nothing
// waits for it.
#include <QFrame>

class QLabel;
class QTimer;
class QToolButton;

namespace vesper::ui {

class UndoToast : public QFrame {
    Q_OBJECT
public:
    explicit UndoToast(QWidget *parent);

    /// Shows text with an Undo button for ms milliseconds, at the bottom centre of the parent.
    void showMessage(const QString &text, int ms);
    QString text() const;

Q_SIGNALS:
    void undoClicked();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();
    QLabel *m_label;
    QToolButton *m_undo;
    QTimer *m_timer;
};

} // namespace vesper::ui
