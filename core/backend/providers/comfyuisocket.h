#pragma once
// ComfyUI's event channel (ws://host/ws?clientId=…) for a worker thread that has no running event
// loop: the socket lives on the calling thread and each pump() runs its events for one short slice,
// so the caller can check for a cancel between slices.
#include <QJsonObject>
#include <QList>
#include <QUrl>
#include <memory>

class QEventLoop;
class QWebSocket;

namespace vesper::backend {

class ProgressSink;

/// One websocket to ComfyUI, read in slices; text messages come out as JSON objects.
class ComfyUiSocket {
public:
    ComfyUiSocket();
    ~ComfyUiSocket();
    ComfyUiSocket(const ComfyUiSocket &) = delete;
    ComfyUiSocket &operator=(const ComfyUiSocket &) = delete;

    /// Connects, waiting at most waitMs (less if the sink says stop); false when it did not connect.
    bool open(const QUrl &url, int waitMs, ProgressSink &sink);
    /// Connected and not dropped since.
    bool isOpen() const { return m_open; }
    /// Runs the socket's events until a message arrives or sliceMs pass; the messages so far.
    QList<QJsonObject> pump(int sliceMs);

    /// http(s)://host[/base] → ws(s)://host[/base]/ws?clientId=id
    static QUrl eventUrl(const QString &baseUrl, const QString &clientId);

private:
    void runFor(int ms);

    std::unique_ptr<QWebSocket> m_socket;
    QEventLoop *m_loop = nullptr; // the slice running now, so a message can end it early
    QList<QJsonObject> m_messages;
    bool m_open = false;
};

} // namespace vesper::backend
