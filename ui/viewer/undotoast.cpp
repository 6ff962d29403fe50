#include "ui/viewer/undotoast.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QToolButton>

namespace vesper::ui {

UndoToast::UndoToast(QWidget *parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::ToolTipBase);
    setForegroundRole(QPalette::ToolTipText);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 6, 6);
    m_label = new QLabel(this);
    m_label->setForegroundRole(QPalette::ToolTipText);
    m_undo = new QToolButton(this);
    m_undo->setText(tr("Undo"));
    m_undo->setToolTip(tr("Undo (Ctrl+Z)"));
    m_undo->setAutoRaise(true);
    layout->addWidget(m_label);
    layout->addWidget(m_undo);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &QWidget::hide);
    connect(m_undo, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT undoClicked();
    });
    parent->installEventFilter(this);
    hide();
}

void UndoToast::showMessage(const QString &text, int ms)
{
    m_label->setText(text);
    adjustSize();
    place();
    show();
    raise();
    m_timer->start(ms);
}

QString UndoToast::text() const
{
    return isVisible() ? m_label->text() : QString();
}

bool UndoToast::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent() && event->type() == QEvent::Resize)
        place();
    return QFrame::eventFilter(watched, event);
}

void UndoToast::place()
{
    const QWidget *p = parentWidget();
    move((p->width() - width()) / 2, p->height() - height() - 16);
}

} // namespace vesper::ui
