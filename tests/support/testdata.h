#pragma once
// Rows the API cannot create yet (generations and outputs), written straight into a test server's
// database, SQLite or PostgreSQL, with fresh values from the global rev counter. Also the few direct
// edits the pagination tests need (identical updated_at on many projects) and time helpers.
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace vesper::test {

class TestServer;

struct GenerationRow {
    QString id;                 // filled in by insert() when empty
    QString sessionId;
    QString projectId;          // denormalised from the session
    QString userId;
    QString modelId = QStringLiteral("sketch");
    QString prompt = QStringLiteral("a lighthouse at dusk");
    QString negativePrompt;
    QString status = QStringLiteral("completed");
    QString clientId;           // the creator's idempotency key; empty means NULL
    qint64 createdAt = 0;       // microseconds since the epoch; 0 means now
    qint64 rev = 0;             // filled in by insert()
};

struct OutputRow {
    QString id;                 // filled in by insert() when empty
    QString generationId;
    QString sessionId;
    QString projectId;
    QString fileType = QStringLiteral("image");
    int width = 512;
    int height = 512;
    bool starred = false;
    qint64 createdAt = 0;       // 0 means now
    qint64 rev = 0;
};

class TestData {
public:
    /// Opens the database behind a TestServer::dbUrl() ("sqlite:PATH" or a postgres:// URL).
    explicit TestData(const QString &dbUrl);
    ~TestData();
    TestData(const TestData &) = delete;
    TestData &operator=(const TestData &) = delete;

    bool isOpen() const { return m_open; }
    bool isPostgres() const { return m_postgres; }
    QString lastError() const { return m_error; }

    /// Inserts generations, then outputs, in one transaction; every row gets its own new rev and,
    /// when empty, a new UUIDv7 id (written back into the rows). False with lastError() on failure.
    bool insert(QList<GenerationRow> &generations, QList<OutputRow> &outputs);
    bool insert(QList<GenerationRow> &generations);
    /// One completed generation with one image output; returns {generationId, outputId} or empties.
    QPair<QString, QString> addImage(const QString &sessionId, const QString &projectId, const QString &userId,
                                     qint64 createdAt, const QString &prompt = QStringLiteral("a lighthouse at dusk"));

    /// Sets projects.updated_at of the given projects to the same instant.
    bool setProjectsUpdatedAt(const QStringList &projectIds, qint64 micros);
    /// Executes one statement; false with lastError() on failure.
    bool exec(const QString &sql, const QVariantList &binds = {});
    /// The first column of the first row of a query, or an invalid QVariant.
    QVariant scalar(const QString &sql, const QVariantList &binds = {});

    /// A dialect SQL literal for a time in microseconds (integer on SQLite, timestamptz on Postgres).
    QString timeLiteral(qint64 micros) const;
    /// A dialect SQL literal for a boolean.
    QString boolLiteral(bool value) const;

    /// A new lowercase UUIDv7 whose time part is micros/1000 (now when 0).
    static QString newId(qint64 micros = 0);
    static qint64 nowMicros();
    /// "2026-11-18T11:06:40.123456Z".
    static QString formatTime(qint64 micros);
    /// Parses ISO 8601 with up to 6 fractional digits and Z or an offset; -1 on failure.
    static qint64 parseTime(const QString &text);

private:
    bool reserveRevs(int count, qint64 *first);

    QString m_connection;
    bool m_open = false;
    bool m_postgres = false;
    QString m_error;
};

/// Runs `vesper-server repair-stats` on the server's database so project_stats picks up rows
/// inserted directly. True when it ran (exit 0: no drift, 3: drift found and fixed); its output goes to *output.
bool repairStats(TestServer &server, QByteArray *output = nullptr);

} // namespace vesper::test
