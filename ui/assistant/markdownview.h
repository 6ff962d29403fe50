#pragma once
// One message of the assistant's conversation as Markdown, as tall as its text (the conversation
// scrolls, not each message). While a reply streams in, setMarkdownThrottled re-renders at most
// every 50 ms, so a fast stream does not re-layout the document on every delta.
#include <QTextBrowser>
#include <QTimer>

namespace vesper::ui {

class MarkdownView : public QTextBrowser {
    Q_OBJECT
public:
    explicit MarkdownView(QWidget *parent = nullptr);

    /// Renders markdown now.
    void setMarkdownNow(const QString &markdown);
    /// Renders markdown within the throttle interval; later calls before then only replace the text.
    void setMarkdownThrottled(const QString &markdown);
    /// The Markdown last given (rendered or about to be).
    QString markdown() const { return m_markdown; }

private:
    void render();
    /// Follows the document's height (it changes with the text and with the width).
    void fitHeight();
    QString m_markdown;
    QTimer m_throttle;
};

} // namespace vesper::ui
