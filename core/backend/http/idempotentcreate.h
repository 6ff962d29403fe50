#pragma once
// The Idempotency-Key header of creates (POST /api/projects, /api/sessions, /api/uploads,
// /api/projects/{id}/members): per user, the first answer is kept (at least 24 h) and a replay gets it
// back, same status and body, changing nothing. The answer is stored in the transaction that makes
// the row, and a concurrent twin waits for that transaction, so one key never creates twice. The
// same key on a different request (method, path or body) is refused with 409 CONFLICT.
#include "backend/http/httpmessage.h"

#include <functional>
#include <optional>

namespace vesper::backend {

struct RequestContext;
struct ServerContext;

class IdempotentCreate {
public:
    /// Reads the header; 400 when it is not 1 to 200 visible ASCII characters.
    IdempotentCreate(ServerContext &context, const RequestContext &rc);

    bool hasKey() const { return !m_key.isEmpty(); }
    /// The answer kept for this key (marked with "Idempotent-Replayed: true"); 409 when it was given
    /// to a different request; nullopt when there is no key or no answer yet.
    std::optional<HttpResponse> replay();
    /// Runs `write` (whose own transactions become savepoints) in one transaction that also keeps its
    /// answer under the key. When a twin committed first, answers with the twin's answer instead and
    /// sets *ran to false. Without a key it just runs `write`.
    HttpResponse run(const std::function<HttpResponse()> &write, bool *ran = nullptr);

private:
    HttpResponse answer(int status, const QByteArray &body) const;

    ServerContext &m_context;
    QString m_userId;
    QString m_key;
    QString m_fingerprint;
};

} // namespace vesper::backend
