#include "backend/tools/seedwriter.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "common/clock.h"

#include <cstdio>
#include <stdexcept>

namespace vesper::backend {
namespace {
struct TableSpec {
    const char *name;
    const char *columns;
    int count;
};

// Column order of each table's rows, as the seed generators write them.
const TableSpec kTables[SeedWriter::TableCount] = {
    {"profiles", "id, email, display_name, username, password_hash, credits, created_at, updated_at, rev", 9},
    {"credit_ledger", "user_id, amount, reason, created_at", 4},
    {"projects", "id, owner_id, name, description, is_shared, created_at, updated_at, rev, shared_rev", 9},
    {"project_members", "project_id, user_id, role, joined_at, rev", 5},
    {"sessions", "id, project_id, creator_id, name, type, is_private, created_at, updated_at, rev", 9},
    {"generations", "id, session_id, project_id, user_id, client_id, model_id, prompt, negative_prompt, parameters, "
                    "status, progress, progress_is_estimate, error_code, error_message, cost, created_at, started_at, "
                    "finished_at, rev", 19},
    {"outputs", "id, generation_id, session_id, project_id, file_type, storage_key, thumb_key, width, height, bytes, "
                "is_starred, created_at, rev", 13},
};

constexpr qint64 kRevBlock = 1024;

void appendHex(char *out, quint64 value, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = hex[value & 15];
        value >>= 4;
    }
}

void appendInt(QByteArray &out, qint64 value)
{
    char buf[24];
    int pos = sizeof buf;
    const bool negative = value < 0;
    quint64 v = negative ? quint64(-(value + 1)) + 1 : quint64(value);
    do {
        buf[--pos] = char('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative)
        buf[--pos] = '-';
    out.append(buf + pos, qsizetype(sizeof buf) - pos);
}

// An exact timestamptz literal ('2025-03-01T12:00:00.123456Z'), written without QDateTime because
// the seeder writes millions of them.
void appendPgTime(QByteArray &out, qint64 micros)
{
    char buffer[29];
    buffer[0] = '\'';
    formatTimeAscii(micros, buffer + 1);
    buffer[28] = '\'';
    out.append(buffer, 29);
}
} // namespace

SeedId SeedId::make(quint64 ms, quint64 counter, quint64 random)
{
    // RFC 9562 layout: 48-bit ms | ver 7 | 12-bit counter (rand_a) | variant 10 | 62 random bits.
    ms &= 0xffffffffffffULL;
    const quint64 randA = counter & 0xfff;
    const quint64 randB = random & 0x3fffffffffffffffULL;
    SeedId id;
    char *c = id.chars.data();
    appendHex(c, ms >> 16, 8);
    c[8] = '-';
    appendHex(c + 9, ms & 0xffff, 4);
    c[13] = '-';
    appendHex(c + 14, 0x7000 | randA, 4);
    c[18] = '-';
    appendHex(c + 19, 0x8000 | (randB >> 48), 4);
    c[23] = '-';
    appendHex(c + 24, randB & 0xffffffffffffULL, 12);
    return id;
}

SeedWriter::SeedWriter(Database &database, int rowsPerStatement, int rowsPerTransaction)
    : m_database(database)
    , m_db(database.connection())
    , m_sqlite(database.isSqlite())
    , m_rowsPerStatement(rowsPerStatement)
    , m_rowsPerTransaction(rowsPerTransaction)
{
    m_idStartMs = quint64(nowMicros() / 1000);
    for (QByteArray &buffer : m_buffers)
        buffer.reserve(rowsPerStatement * 512);
}

SeedWriter::~SeedWriter() = default;

const char *SeedWriter::tableName(Table table)
{
    return kTables[table].name;
}

qint64 SeedWriter::totalRows() const
{
    qint64 total = 0;
    for (qint64 n : m_rows)
        total += n;
    return total;
}

SeedId SeedWriter::nextId(quint64 random)
{
    const quint64 counter = m_idCounter++;
    return SeedId::make(m_idStartMs + (counter >> 12), counter, random);
}

qint64 SeedWriter::nextRev()
{
    if (!m_tx)
        m_tx.emplace(m_database, m_db);
    if (m_revNext == m_revEnd) {
        m_revNext = m_tx->allocateRevs(kRevBlock);
        m_revEnd = m_revNext + kRevBlock;
    }
    return m_revNext++;
}

SeedWriter &SeedWriter::row(Table table)
{
    closeRow();
    if (!m_tx)
        m_tx.emplace(m_database, m_db);
    if (m_buffered[table] == m_rowsPerStatement)
        flush(table);
    QByteArray &out = m_buffers[table];
    if (m_buffered[table] == 0) {
        out.append("INSERT INTO ").append(kTables[table].name).append(" (").append(kTables[table].columns).append(") VALUES (");
    } else {
        out.append(",(", 2);
    }
    m_current = table;
    m_values = 0;
    return *this;
}

void SeedWriter::separate()
{
    if (m_current < 0)
        throw std::logic_error("seed: value outside a row");
    if (m_values++ > 0)
        m_buffers[m_current].append(',');
}

SeedWriter &SeedWriter::text(QByteArrayView value)
{
    separate();
    QByteArray &out = m_buffers[m_current];
    out.append('\'');
    if (!value.contains('\'')) {
        out.append(value);
    } else {
        for (const char c : value) {
            if (c == '\'')
                out.append('\'');
            out.append(c);
        }
    }
    out.append('\'');
    return *this;
}

SeedWriter &SeedWriter::integer(qint64 value)
{
    separate();
    appendInt(m_buffers[m_current], value);
    return *this;
}

SeedWriter &SeedWriter::time(qint64 micros)
{
    separate();
    if (m_sqlite)
        appendInt(m_buffers[m_current], micros);
    else
        appendPgTime(m_buffers[m_current], micros);
    return *this;
}

SeedWriter &SeedWriter::boolean(bool value)
{
    separate();
    // TRUE/FALSE would work in both, but 0/1 is what SQLite stores and parses fastest.
    if (m_sqlite)
        m_buffers[m_current].append(value ? '1' : '0');
    else
        m_buffers[m_current].append(value ? "TRUE" : "FALSE");
    return *this;
}

SeedWriter &SeedWriter::null()
{
    separate();
    m_buffers[m_current].append("NULL", 4);
    return *this;
}

void SeedWriter::closeRow()
{
    if (m_current < 0)
        return;
    if (m_values != kTables[m_current].count)
        throw std::logic_error("seed: wrong number of values for a row");
    m_buffers[m_current].append(')');
    ++m_buffered[m_current];
    ++m_rows[m_current];
    ++m_rowsInTx;
    m_current = -1;
}

void SeedWriter::flush(int table)
{
    closeRow();
    // Parents first, so every foreign key finds its row already inserted.
    for (int parent = 0; parent <= table; ++parent) {
        if (m_buffered[parent] > 0)
            flushOne(parent);
    }
}

void SeedWriter::flushOne(int table)
{
    SqlQuery::run(m_db, QString::fromUtf8(m_buffers[table]));
    m_buffers[table].clear();
    m_buffered[table] = 0;
    ++m_statements;
}

void SeedWriter::commit()
{
    flush(TableCount - 1);
    if (m_tx) {
        m_tx->commit();
        m_tx.reset();
        ++m_transactions;
    }
    m_revNext = m_revEnd = 0;
    m_rowsInTx = 0;
    if (m_commitHook)
        m_commitHook();
}

void SeedWriter::checkpoint()
{
    closeRow();
    if (m_rowsInTx >= m_rowsPerTransaction)
        commit();
}

void SeedWriter::finish()
{
    closeRow();
    commit();
}

} // namespace vesper::backend
