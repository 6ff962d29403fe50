#pragma once
// Small request and reply shapes of the API that have no domain type: a generate request and its
// reply, a keyset page, downloaded file bytes, and the write options an offline replay carries.
#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper::client {

/// POST /api/generate's body. clientId makes it idempotent (the outbox keeps it for replays).
struct GenerateParams {
    QString sessionId;
    QString modelId;
    QString prompt;
    QString negativePrompt;
    QString aspectRatio = QStringLiteral("1:1");
    QString resolution;          // as the model lists it, e.g. "512"
    int numOutputs = 1;
    std::optional<qint64> seed;
    QStringList referenceUploadIds;
    QString clientId;            // generated when empty

    QJsonObject toJson() const;
};

/// The generate reply: {id, clientId, status} plus, from servers that send them, cost and credits.
struct GenerateReply {
    QString id;
    QString clientId;
    QString status;
    std::optional<qint64> cost;
    std::optional<qint64> credits;
};

template <class T>
struct Page {
    QList<T> items;
    QString nextCursor; // empty at the end
    bool hasMore = false;
};

/// A file download: bytes with its ETag; notModified when the given If-None-Match still holds.
struct FileBytes {
    QByteArray bytes;
    QByteArray etag;
    QByteArray contentType;
    bool notModified = false;
};

/// Conflict and replay guards for a write: Idempotency-Key on creates, If-Match on updates/deletes.
struct WriteGuards {
    QString idempotencyKey;
    QString ifMatch; // the row's rev as last seen; empty: unconditional
};

} // namespace vesper::client
