#pragma once
// The bulk writer behind `vesper-server seed`: rows become multi-row INSERT statements built as
// text (values escaped here), a few hundred rows per statement and tens of thousands per
// transaction, each transaction taking its revs from the global counter in blocks.
#include "backend/db/transaction.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QSqlDatabase>
#include <QString>
#include <array>
#include <functional>
#include <optional>

namespace vesper::backend {

class Database;

/// A 36-character UUID kept inline, so millions of ids cost no allocations.
struct SeedId {
    std::array<char, 36> chars{};

    QByteArrayView view() const { return QByteArrayView(chars.data(), 36); }
    QString toString() const { return QString::fromLatin1(chars.data(), 36); }
    /// A UUIDv7 from a millisecond time, a 12-bit counter and 62 random bits.
    static SeedId make(quint64 ms, quint64 counter, quint64 random);
};

/// Buffers rows per table and writes them as multi-row INSERTs in parent-before-child order.
class SeedWriter {
public:
    // In dependency order: a table's rows may reference only tables before it.
    enum Table { Profiles, CreditLedger, Projects, ProjectMembers, Sessions, Generations, Outputs, TableCount };

    SeedWriter(Database &database, int rowsPerStatement, int rowsPerTransaction);
    ~SeedWriter();
    SeedWriter(const SeedWriter &) = delete;
    SeedWriter &operator=(const SeedWriter &) = delete;

    /// The next rev of the open transaction (opening one if needed).
    qint64 nextRev();
    /// A new id. Like newUuidV7(), time and counter advance with every id, so ids arrive in
    /// ascending order and every primary-key insert appends to its index instead of landing on a
    /// random page (which made seeding several times slower).
    SeedId nextId(quint64 random);
    /// Starts a row; follow with one value call per column in columns(table) order.
    SeedWriter &row(Table table);
    SeedWriter &text(QByteArrayView value);
    SeedWriter &text(const SeedId &id) { return text(id.view()); }
    SeedWriter &integer(qint64 value);
    SeedWriter &time(qint64 micros);
    SeedWriter &boolean(bool value);
    SeedWriter &null();

    /// Commits if the open transaction holds enough rows. Call only where a reader may see the
    /// data cut off (e.g. after a whole session), never between a generation and its outputs.
    void checkpoint();
    /// Writes everything still buffered and commits.
    void finish();
    /// Called after every commit, for progress lines.
    void setCommitHook(std::function<void()> hook) { m_commitHook = std::move(hook); }

    qint64 rows(Table table) const { return m_rows[table]; }
    qint64 totalRows() const;
    qint64 statements() const { return m_statements; }
    qint64 transactions() const { return m_transactions; }
    static const char *tableName(Table table);

private:
    void closeRow();
    void separate();
    void flush(int table);
    void flushOne(int table);
    void commit();

    Database &m_database;
    QSqlDatabase m_db;
    const bool m_sqlite;
    const int m_rowsPerStatement;
    const int m_rowsPerTransaction;
    std::optional<Transaction> m_tx;
    qint64 m_revNext = 0;
    quint64 m_idStartMs = 0;
    quint64 m_idCounter = 0;
    qint64 m_revEnd = 0;
    std::array<QByteArray, TableCount> m_buffers;
    std::array<int, TableCount> m_buffered{};
    std::array<qint64, TableCount> m_rows{};
    int m_current = -1;
    int m_values = 0;
    qint64 m_rowsInTx = 0;
    qint64 m_statements = 0;
    qint64 m_transactions = 0;
    std::function<void()> m_commitHook;
};

} // namespace vesper::backend
