#include "backend/providers/comfyuisocket.h"
#include "backend/providers/provider.h"
#include "common/logging.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

namespace vesper::backend {
namespace {
constexpr int kConnectSliceMs = 50;
constexpr qint64 kMaxMessageBytes = 1 << 20;  // an event is a few hundred bytes
constexpr quint64 kMaxFrameBytes = 16 << 20;   // previews (binary, ignored) must not kill the socket
}

ComfyUiSocket::ComfyUiSocket() = default;

ComfyUiSocket::~ComfyUiSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect();
    m_socket->abort();
    m_socket.reset();
    // The pool thread never runs an event loop of its own, so nothing else would delete what the
    // socket handed to deleteLater (its TCP socket, for one).
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

QUrl ComfyUiSocket::eventUrl(const QString &baseUrl, const QString &clientId)
{
    QUrl url(baseUrl);
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/ws"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("clientId"), clientId);
    url.setQuery(query);
    return url;
}

bool ComfyUiSocket::open(const QUrl &url, int waitMs, ProgressSink &sink)
{
    m_socket = std::make_unique<QWebSocket>();
    m_socket->setMaxAllowedIncomingMessageSize(kMaxFrameBytes);
    m_socket->setMaxAllowedIncomingFrameSize(kMaxFrameBytes); // else one frame may be ~2 GiB before the message check
    QObject::connect(m_socket.get(), &QWebSocket::connected, m_socket.get(), [this] {
        m_open = true;
        if (m_loop)
            m_loop->quit();
    });
    QObject::connect(m_socket.get(), &QWebSocket::disconnected, m_socket.get(), [this] {
        m_open = false;
        if (m_loop)
            m_loop->quit();
    });
    QObject::connect(m_socket.get(), &QWebSocket::textMessageReceived, m_socket.get(), [this](const QString &text) {
        if (text.size() > kMaxMessageBytes)
            return;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
        if (doc.isObject())
            m_messages.append(doc.object());
        if (m_loop)
            m_loop->quit();
    });
    // Binary frames are preview images: not needed, and not connected at all.

    m_socket->open(url);
    QElapsedTimer clock;
    clock.start();
    while (!m_open && clock.elapsed() < waitMs && !sink.cancelled()) {
        runFor(kConnectSliceMs);
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            break; // refused or dropped during the handshake
    }
    if (!m_open)
        qCInfo(lcProvider) << "ComfyUI websocket unavailable:" << m_socket->errorString();
    return m_open;
}

QList<QJsonObject> ComfyUiSocket::pump(int sliceMs)
{
    if (m_messages.isEmpty() && m_socket)
        runFor(sliceMs);
    return std::exchange(m_messages, {});
}

void ComfyUiSocket::runFor(int ms)
{
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(ms);
    m_loop = &loop;
    loop.exec();
    m_loop = nullptr;
}

} // namespace vesper::backend
