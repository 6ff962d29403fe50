#include "ui/app/banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace vesper::ui {

namespace {

QStyle::StandardPixmap iconFor(UiContext::Severity severity)
{
    switch (severity) {
    case UiContext::Severity::Error:
        return QStyle::SP_MessageBoxCritical;
    case UiContext::Severity::Warning:
        return QStyle::SP_MessageBoxWarning;
    case UiContext::Severity::Info:
        break;
    }
    return QStyle::SP_MessageBoxInformation;
}

} // namespace

Banner::Banner(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("banner"));
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);
    m_icon = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_text->font();
    bold.setBold(true);
    m_text->setFont(bold);
    m_detail = new QLabel(this);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setForegroundRole(QPalette::PlaceholderText);
    m_action = new QPushButton(this);
    m_action->hide();
    m_close = new QToolButton(this);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss message"));

    auto *texts = new QVBoxLayout;
    texts->setSpacing(2);
    texts->addWidget(m_text);
    texts->addWidget(m_detail);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(10, 6, 6, 6);
    row->addWidget(m_icon, 0, Qt::AlignTop);
    row->addLayout(texts, 1);
    row->addWidget(m_action, 0, Qt::AlignVCenter);
    row->addWidget(m_close, 0, Qt::AlignTop);

    m_hide.setSingleShot(true);
    connect(&m_hide, &QTimer::timeout, this, &Banner::dismiss);
    connect(m_close, &QToolButton::clicked, this, &Banner::dismiss);
    connect(m_action, &QPushButton::clicked, this, [this] {
        const std::function<void()> callback = m_actionCallback;
        dismiss();
        if (callback)
            callback();
    });
    hide();
}

void Banner::attach(UiContext *context)
{
    connect(context, &UiContext::message, this, &Banner::showMessage);
    connect(context, &UiContext::actionMessage, this,
            [this](UiContext::Severity severity, const QString &text, const QString &actionText, const std::function<void()> &action) {
                showAction(severity, text, actionText, action);
            });
}

void Banner::showMessage(UiContext::Severity severity, const QString &text, const QString &detail)
{
    m_actionCallback = {};
    m_action->hide();
    present(severity, text, detail);
}

void Banner::showAction(UiContext::Severity severity, const QString &text, const QString &actionText, std::function<void()> action)
{
    m_actionCallback = std::move(action);
    m_action->setText(actionText);
    m_action->show();
    present(severity, text, {});
}

void Banner::present(UiContext::Severity severity, const QString &text, const QString &detail)
{
    m_severity = severity;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(iconFor(severity)).pixmap(QSize(size, size), devicePixelRatioF()));
    m_text->setText(text);
    m_detail->setText(detail);
    m_detail->setVisible(!detail.isEmpty());
    setAccessibleDescription(detail.isEmpty() ? text : text + QLatin1Char('\n') + detail);
    show();
    // Information passes; what went wrong (or can be undone) stays until read.
    if (severity == UiContext::Severity::Info || m_actionCallback)
        m_hide.start(m_actionCallback ? 2 * m_autoHideMs : m_autoHideMs);
    else
        m_hide.stop();
}

void Banner::dismiss()
{
    m_hide.stop();
    m_actionCallback = {};
    hide();
}

QString Banner::text() const
{
    return m_text->text();
}

QString Banner::detail() const
{
    return m_detail->text();
}

} // namespace vesper::ui
