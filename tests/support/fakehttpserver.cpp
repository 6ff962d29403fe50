#include "fakehttpserver.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QMetaObject>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <vector>

namespace vesper::test {
namespace {
QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    default: return "OTHER";
    }
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}
} // namespace

QJsonObject FakeRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

FakeResponse FakeResponse::json(int status, const QJsonObject &object)
{
    return bytes(status, QJsonDocument(object).toJson(QJsonDocument::Compact), "application/json");
}

FakeResponse FakeResponse::bytes(int status, const QByteArray &body, const QByteArray &contentType)
{
    FakeResponse r;
    r.status = status;
    r.body = body;
    r.contentType = contentType;
    return r;
}

FakeResponse FakeResponse::hang()
{
    FakeResponse r;
    r.action = Action::Hang;
    return r;
}

FakeResponse FakeResponse::drop()
{
    FakeResponse r;
    r.action = Action::Drop;
    return r;
}

FakeResponse FakeResponse::raw(const QByteArray &bytes)
{
    FakeResponse r;
    r.action = Action::Raw;
    r.body = bytes;
    return r;
}

FakeResponse &FakeResponse::header(const QByteArray &name, const QByteArray &value)
{
    headers.append({name, value});
    return *this;
}

FakeResponse &FakeResponse::delayed(int ms)
{
    delayMs = ms;
    return *this;
}

/// The QtHttpServer side, living on the fake's thread.
class FakeHttpBackend : public QAbstractHttpServer {
public:
    explicit FakeHttpBackend(FakeHttpServer *owner)
        : m_owner(owner)
    {
        QObject::connect(this, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
            while (hasPendingWebSocketConnections()) {
                QWebSocket *socket = nextPendingWebSocketConnection().release();
                socket->setParent(this);
                m_sockets.push_back(socket);
                QObject::connect(socket, &QWebSocket::disconnected, this, [this, socket] {
                    std::erase(m_sockets, socket);
                    socket->deleteLater();
                });
                std::function<QString(const QUrl &)> greeting;
                {
                    QMutexLocker lock(&m_owner->m_mutex);
                    greeting = m_owner->m_greeting;
                }
                if (greeting) {
                    const QString text = greeting(socket->requestUrl());
                    if (!text.isEmpty()) {
                        socket->sendTextMessage(text);
                        m_owner->m_greetings.fetchAndAddOrdered(1);
                    }
                }
            }
        });
    }

    std::vector<QWebSocket *> sockets(const QString &urlPart) const
    {
        std::vector<QWebSocket *> matching;
        for (QWebSocket *socket : m_sockets) {
            if (urlPart.isEmpty() || socket->requestUrl().toString().contains(urlPart))
                matching.push_back(socket);
        }
        return matching;
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        FakeRequest r;
        r.method = methodName(request.method());
        r.path = request.url().path();
        r.query = request.query();
        for (const auto &[name, value] : request.headers())
            r.headers.insert(name.toLower(), value);
        r.body = request.body();
        m_owner->record(r);
        // Qt 6.4 asks this handler before it upgrades a websocket: true (writing nothing) hands the
        // socket over; false makes it drop the connection, as a proxy without websockets would.
        if (r.headers.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
            return !m_owner->m_refuseWebSockets.loadAcquire();
        const FakeResponse response = m_owner->m_handler(r);
        switch (response.action) {
        case FakeResponse::Action::Hang:
            return true;
        case FakeResponse::Action::Drop:
            QMetaObject::invokeMethod(socket, [socket] { socket->abort(); }, Qt::QueuedConnection);
            return true;
        case FakeResponse::Action::Raw:
            socket->write(response.body);
            socket->flush();
            QMetaObject::invokeMethod(socket, [socket] { socket->disconnectFromHost(); }, Qt::QueuedConnection);
            return true;
        case FakeResponse::Action::Reply:
            break;
        }
        QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
        head += "Content-Type: " + response.contentType + "\r\n";
        head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
        for (const auto &[name, value] : response.headers)
            head += name + ": " + value + "\r\n";
        if (response.delayMs > 0) {
            // The socket is the timer's context: a client that went away cancels the answer.
            // Precise: a coarse timer may fire 5 % early, before the work the delay stands for is done.
            QTimer::singleShot(response.delayMs, Qt::PreciseTimer, socket, [socket, bytes = QByteArray(head + "\r\n" + response.body)] { socket->write(bytes); });
            return true;
        }
        socket->write(head + "\r\n" + response.body);
        return true;
    }

    void missingHandler(const QHttpServerRequest &, QTcpSocket *socket) override
    {
        socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }

private:
    FakeHttpServer *m_owner;
    std::vector<QWebSocket *> m_sockets;
};

FakeHttpServer::FakeHttpServer(Handler handler)
    : m_handler(std::move(handler))
{
}

FakeHttpServer::~FakeHttpServer()
{
    if (m_context) {
        QMetaObject::invokeMethod(m_context, [this] {
            delete m_backend;
            m_backend = nullptr;
            delete m_context;
        }, Qt::BlockingQueuedConnection);
        m_context = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

bool FakeHttpServer::start(QString *error)
{
    m_thread.setObjectName(QStringLiteral("fake-provider"));
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_context, [this] {
        m_backend = new FakeHttpBackend(this);
        m_port = m_backend->listen(QHostAddress::LocalHost, 0);
    }, Qt::BlockingQueuedConnection);
    if (m_port == 0)
        *error = QStringLiteral("the fake provider could not listen on 127.0.0.1");
    return m_port != 0;
}

QString FakeHttpServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

void FakeHttpServer::record(const FakeRequest &request)
{
    QMutexLocker lock(&m_mutex);
    m_requests.append(request);
}

QList<FakeRequest> FakeHttpServer::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

int FakeHttpServer::count(const QByteArray &method, const QString &pathPrefix) const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (const FakeRequest &r : m_requests)
        n += r.method == method && r.path.startsWith(pathPrefix);
    return n;
}

void FakeHttpServer::clearRequests()
{
    QMutexLocker lock(&m_mutex);
    m_requests.clear();
}

void FakeHttpServer::onThread(const std::function<void()> &fn) const
{
    // Handlers and later() already run on the server's thread; a blocking hop there would deadlock.
    if (QThread::currentThread() == &m_thread)
        fn();
    else
        QMetaObject::invokeMethod(m_context, fn, Qt::BlockingQueuedConnection);
}

void FakeHttpServer::sendWebSocketText(const QString &urlPart, const QString &text)
{
    onThread([this, urlPart, text] {
        for (QWebSocket *socket : m_backend->sockets(urlPart))
            socket->sendTextMessage(text);
    });
}

void FakeHttpServer::sendWebSocketBinary(const QString &urlPart, const QByteArray &bytes)
{
    onThread([this, urlPart, bytes] {
        for (QWebSocket *socket : m_backend->sockets(urlPart))
            socket->sendBinaryMessage(bytes);
    });
}

void FakeHttpServer::closeWebSockets(const QString &urlPart)
{
    onThread([this, urlPart] {
        for (QWebSocket *socket : m_backend->sockets(urlPart))
            socket->abort();
    });
}

int FakeHttpServer::webSocketCount(const QString &urlPart) const
{
    int n = 0;
    onThread([this, urlPart, &n] { n = int(m_backend->sockets(urlPart).size()); });
    return n;
}

void FakeHttpServer::setWebSocketGreeting(std::function<QString(const QUrl &)> greeting)
{
    QMutexLocker lock(&m_mutex);
    m_greeting = std::move(greeting);
}

void FakeHttpServer::later(int delayMs, std::function<void()> fn)
{
    QMetaObject::invokeMethod(m_context, [this, delayMs, fn = std::move(fn)] { QTimer::singleShot(delayMs, m_context, fn); },
                              Qt::QueuedConnection);
}

} // namespace vesper::test
