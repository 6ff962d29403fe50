#include "backend/http/idempotentcreate.h"
#include "backend/context/servercontext.h"
#include "backend/db/database.h"
#include "backend/db/transaction.h"
#include "backend/http/router.h"
#include "backend/repositories/idempotencystore.h"
#include "domain/domainerror.h"

#include <QCryptographicHash>
#include <QIODevice>

namespace vesper::backend {
namespace {
constexpr int kKeyMax = 200;

bool acceptableKey(const QByteArray &key)
{
    if (key.isEmpty() || key.size() > kKeyMax)
        return false;
    for (char c : key) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}
} // namespace

IdempotentCreate::IdempotentCreate(ServerContext &context, const RequestContext &rc)
    : m_context(context)
    , m_userId(rc.userId)
{
    const HttpRequest &request = rc.request;
    if (!request.headers.contains("idempotency-key"))
        return;
    const QByteArray key = request.header("idempotency-key").trimmed();
    if (!acceptableKey(key))
        throw DomainError::validation(QStringLiteral("Idempotency-Key must be 1 to %1 visible ASCII characters").arg(kKeyMax));
    m_key = QString::fromLatin1(key);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QByteArray line = request.method + ' ' + request.path.toUtf8() + '\n';
    hash.addData(line);
    if (request.bodyFile) { // a spooled upload: hashed from its file, then rewound for the handler
        hash.addData(request.bodyFile.get());
        request.bodyFile->seek(0);
    } else {
        hash.addData(request.body);
    }
    m_fingerprint = QString::fromLatin1(hash.result().toHex());
}

HttpResponse IdempotentCreate::answer(int status, const QByteArray &body) const
{
    HttpResponse response;
    response.status = status;
    response.body = body;
    response.setHeader("Idempotent-Replayed", "true");
    return response;
}

std::optional<HttpResponse> IdempotentCreate::replay()
{
    if (m_key.isEmpty())
        return std::nullopt;
    const auto stored = IdempotencyStore(m_context.db).find(m_context.db.connection(), m_userId, m_key);
    if (!stored)
        return std::nullopt;
    if (stored->fingerprint != m_fingerprint)
        throw DomainError::conflict(QStringLiteral("this Idempotency-Key was already used for a different request"));
    return answer(stored->status, stored->body);
}

HttpResponse IdempotentCreate::run(const std::function<HttpResponse()> &write, bool *ran)
{
    if (ran)
        *ran = true;
    if (m_key.isEmpty())
        return write();
    {
        QSqlDatabase db = m_context.db.connection();
        Transaction tx(m_context.db, db);
        IdempotencyStore store(m_context.db);
        if (store.claim(db, m_userId, m_key, m_fingerprint)) {
            HttpResponse response = write();
            store.save(db, m_userId, m_key, response.status, response.body);
            tx.commit();
            return response;
        }
    } // a twin committed first: this transaction rolls back, and the twin's answer is the answer
    if (ran)
        *ran = false;
    if (auto twin = replay())
        return *twin;
    throw DomainError::conflict(QStringLiteral("a request with this Idempotency-Key is still being answered; retry"));
}

} // namespace vesper::backend
