#include "backend/http/bodycollector.h"
#include "backend/http/bodybudget.h"

#include <QTemporaryFile>
#include <algorithm>

namespace vesper::backend {

BodyCollector::~BodyCollector()
{
    if (m_budget && m_reserved > 0)
        m_budget->release(m_reserved);
}

bool BodyCollector::cover(qint64 bytes)
{
    if (bytes <= m_reserved)
        return true;
    if (!m_budget->reserve(bytes - m_reserved))
        return false;
    m_reserved = bytes;
    return true;
}

BodyCollector::Outcome BodyCollector::begin(qint64 declared, BodyBudget &memory, BodyBudget &spool, const QString &spoolDir)
{
    m_spoolDir = spoolDir;
    m_declared = declared;
    m_budget = toFile() ? &spool : &memory;
    if (declared > 0 && !cover(declared))
        return Outcome::OverBudget;
    if (toFile()) {
        m_file = std::make_shared<QTemporaryFile>(m_spoolDir + QStringLiteral("/body-XXXXXX"));
        if (!m_file->open())
            return Outcome::Failed;
    }
    return Outcome::Ok;
}

BodyCollector::Outcome BodyCollector::append(const char *data, qint64 size, QByteArray &memoryBody)
{
    m_received += size;
    if (m_dropped)
        return Outcome::Ok;
    if (toFile()) {
        if (!cover(m_received))
            return Outcome::OverBudget;
        return m_file->write(data, size) == size ? Outcome::Ok : Outcome::Failed;
    }
    // Memory: the budget covers the buffer's capacity, not just its length, so growth is counted;
    // the buffer grows here (never inside append) so nothing is allocated before it is covered.
    const qint64 length = memoryBody.size() + size;
    if (length > memoryBody.capacity()) {
        const qint64 capacity = m_declared >= length ? m_declared : std::max<qint64>({length, 2 * qint64(memoryBody.capacity()), 4096});
        if (!cover(capacity))
            return Outcome::OverBudget;
        memoryBody.reserve(qsizetype(capacity));
    }
    memoryBody.append(data, qsizetype(size));
    return Outcome::Ok;
}

void BodyCollector::finish(HttpRequest &request)
{
    if (!m_file || m_dropped)
        return;
    m_file->flush();
    m_file->seek(0);
    request.bodyFile = m_file;
    request.bodyFileSize = m_file->size();
}

void BodyCollector::drop(QByteArray &memoryBody)
{
    m_dropped = true;
    memoryBody.clear();
    memoryBody.squeeze();
    m_file.reset(); // the temporary file is removed
    if (m_budget && m_reserved > 0)
        m_budget->release(m_reserved);
    m_reserved = 0;
}

} // namespace vesper::backend
