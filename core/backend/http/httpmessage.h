#pragma once
// The request and response that cross the HTTP server module's boundary. Nothing above this line
// knows which server library parses the bytes.
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <memory>

class QIODevice;

namespace vesper::backend {

class ResponseStream;

struct HttpRequest {
    QByteArray method;
    QString path; // as sent, still percent-encoded: the router decodes each segment after splitting
    QHash<QString, QString> query; // decoded; the last of repeated keys wins
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    /// An upload's body, spooled to a temporary file as it arrived (body is then empty); rewound.
    std::shared_ptr<QIODevice> bodyFile;
    qint64 bodyFileSize = 0;
    QString remoteAddress; // the client: the socket's peer, or behind a trusted proxy the forwarded one
    QString verifiedUserId; // the token's user, once a preflight checked it (never from the wire)

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    QString queryValue(const QString &key) const { return query.value(key); }
    bool hasQuery(const QString &key) const { return query.contains(key); }
};

struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    /// When set, the body is this open file instead, sent in blocks as the client reads (images),
    /// never held in memory whole; fileSize is its length.
    std::shared_ptr<QIODevice> file;
    qint64 fileSize = 0;
    /// When set, the body is what is written to this stream while the connection stays open (SSE):
    /// chunked, of unknown length, each write sent as it comes; body and file are ignored.
    std::shared_ptr<ResponseStream> stream;
    QList<QPair<QByteArray, QByteArray>> headers;

    void setHeader(const QByteArray &name, const QByteArray &value) { headers.append({name, value}); }
    qint64 bodySize() const { return file ? fileSize : body.size(); }
};

} // namespace vesper::backend
