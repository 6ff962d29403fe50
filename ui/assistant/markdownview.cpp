#include "ui/assistant/markdownview.h"

#include <QAbstractTextDocumentLayout>
#include <QTextDocument>
#include <cmath>

namespace vesper::ui {

namespace {
constexpr int kThrottleMs = 50;
}

MarkdownView::MarkdownView(QWidget *parent) : QTextBrowser(parent)
{
    setOpenExternalLinks(true);
    setFrameShape(QFrame::NoFrame);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    viewport()->setAutoFillBackground(false);
    setAutoFillBackground(false);
    document()->setDocumentMargin(2);
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(kThrottleMs);
    connect(&m_throttle, &QTimer::timeout, this, &MarkdownView::render);
    connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this, &MarkdownView::fitHeight);
}

void MarkdownView::setMarkdownNow(const QString &markdown)
{
    m_markdown = markdown;
    m_throttle.stop();
    render();
}

void MarkdownView::setMarkdownThrottled(const QString &markdown)
{
    m_markdown = markdown;
    if (!m_throttle.isActive())
        m_throttle.start();
}

void MarkdownView::render()
{
    setMarkdown(m_markdown);
    fitHeight();
}

void MarkdownView::fitHeight()
{
    const int height = int(std::ceil(document()->size().height())) + 2 * frameWidth();
    if (height != this->height())
        setFixedHeight(height);
}

} // namespace vesper::ui
