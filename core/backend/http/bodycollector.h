#pragma once
// Gathers one request body as it arrives: into memory, every byte of capacity drawn from the shared
// memory budget first, or (for uploads) into a temporary file drawn from the spool budget. What it
// took goes back when the collector is destroyed, also when the client vanished mid-body.
#include "backend/http/httpmessage.h"

#include <QString>
#include <memory>

class QTemporaryFile;

namespace vesper::backend {

class BodyBudget;

class BodyCollector {
public:
    enum class Outcome { Ok, OverBudget, Failed };

    BodyCollector() = default;
    ~BodyCollector();
    BodyCollector(const BodyCollector &) = delete;
    BodyCollector &operator=(const BodyCollector &) = delete;

    /// Prepares for a body of `declared` bytes (-1 when chunked): in memory from `memory`, or when
    /// `spoolDir` is set in a temporary file there from `spool`. A declared size is reserved whole.
    Outcome begin(qint64 declared, BodyBudget &memory, BodyBudget &spool, const QString &spoolDir);
    /// Adds a piece: to `memoryBody`, or to the file.
    Outcome append(const char *data, qint64 size, QByteArray &memoryBody);
    /// Hands a spooled body to the request (rewound); an in-memory one is already there.
    void finish(HttpRequest &request);
    /// Lets go of everything held (a refused body); later pieces are not kept.
    void drop(QByteArray &memoryBody);

    bool toFile() const { return !m_spoolDir.isEmpty(); }
    qint64 received() const { return m_received; }

private:
    bool cover(qint64 bytes);

    BodyBudget *m_budget = nullptr;
    QString m_spoolDir;
    qint64 m_reserved = 0;
    qint64 m_received = 0;
    qint64 m_declared = -1;
    bool m_dropped = false;
    std::shared_ptr<QTemporaryFile> m_file;
};

} // namespace vesper::backend
