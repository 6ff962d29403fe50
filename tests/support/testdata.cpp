#include "testdata.h"
#include "testserver.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QUrl>

namespace vesper::test {
namespace {
QAtomicInteger<int> g_connections;

QString sqlError(const QSqlQuery &query)
{
    return query.lastError().text() + QStringLiteral(" [") + query.lastQuery() + QLatin1Char(']');
}
} // namespace

TestData::TestData(const QString &dbUrl)
    : m_connection(QStringLiteral("vesper-testdata-%1").arg(g_connections.fetchAndAddRelaxed(1)))
{
    if (dbUrl.startsWith(QLatin1String("sqlite:"))) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        db.setDatabaseName(dbUrl.mid(7));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=20000"));
        m_open = db.open();
        if (m_open) {
            QSqlQuery(db).exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        } else {
            m_error = db.lastError().text();
        }
    } else {
        m_postgres = true;
        const QUrl url(dbUrl);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1));
        m_open = db.open();
        if (!m_open)
            m_error = db.lastError().text();
    }
}

TestData::~TestData()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

qint64 TestData::nowMicros()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000 + qint64(QRandomGenerator::global()->bounded(1000));
}

QString TestData::newId(qint64 micros)
{
    const quint64 ms = quint64((micros > 0 ? micros : nowMicros()) / 1000);
    auto *random = QRandomGenerator::global();
    quint8 bytes[16];
    for (int i = 0; i < 6; ++i)
        bytes[i] = quint8(ms >> (8 * (5 - i)));
    for (int i = 6; i < 16; ++i)
        bytes[i] = quint8(random->bounded(256));
    bytes[6] = quint8(0x70 | (bytes[6] & 0x0f));
    bytes[8] = quint8(0x80 | (bytes[8] & 0x3f));
    const QByteArray hex = QByteArray(reinterpret_cast<const char *>(bytes), 16).toHex();
    return QString::fromLatin1(hex.mid(0, 8) + '-' + hex.mid(8, 4) + '-' + hex.mid(12, 4) + '-' + hex.mid(16, 4) + '-'
                               + hex.mid(20, 12));
}

QString TestData::formatTime(qint64 micros)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(micros / 1000, QTimeZone::utc());
    return time.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('.')
        + QStringLiteral("%1").arg(micros % 1000000, 6, 10, QLatin1Char('0')) + QLatin1Char('Z');
}

qint64 TestData::parseTime(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}(?::?\\d{2})?)$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return -1;
    QString zone = match.captured(4);
    if (zone == QLatin1String("Z"))
        zone = QStringLiteral("+00:00");
    else if (zone.size() == 3)
        zone += QStringLiteral(":00");
    else if (!zone.contains(QLatin1Char(':')))
        zone.insert(3, QLatin1Char(':'));
    const QDateTime base = QDateTime::fromString(match.captured(1) + QLatin1Char('T') + match.captured(2) + zone, Qt::ISODate);
    if (!base.isValid())
        return -1;
    const QString fraction = QString(match.captured(3) + QStringLiteral("000000")).left(6);
    return base.toMSecsSinceEpoch() / 1000 * 1000000 + fraction.toLongLong();
}

QString TestData::timeLiteral(qint64 micros) const
{
    if (!m_postgres)
        return QString::number(micros);
    return QStringLiteral("(TIMESTAMPTZ 'epoch' + %1 * INTERVAL '1 microsecond')").arg(micros);
}

QString TestData::boolLiteral(bool value) const
{
    if (m_postgres)
        return value ? QStringLiteral("true") : QStringLiteral("false");
    return value ? QStringLiteral("1") : QStringLiteral("0");
}

bool TestData::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    if (!query.prepare(sql)) {
        m_error = sqlError(query);
        return false;
    }
    for (const QVariant &value : binds)
        query.addBindValue(value);
    if (!query.exec()) {
        m_error = sqlError(query);
        return false;
    }
    return true;
}

QVariant TestData::scalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    if (!query.prepare(sql)) {
        m_error = sqlError(query);
        return {};
    }
    for (const QVariant &value : binds)
        query.addBindValue(value);
    if (!query.exec()) {
        m_error = sqlError(query);
        return {};
    }
    if (!query.next())
        return {};
    return query.value(0);
}

bool TestData::reserveRevs(int count, qint64 *first)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    if (!query.exec(QStringLiteral("UPDATE rev_counter SET value = value + %1 WHERE id = 1 RETURNING value").arg(count))
        || !query.next()) {
        m_error = sqlError(query);
        return false;
    }
    *first = query.value(0).toLongLong() - count + 1;
    return true;
}

bool TestData::insert(QList<GenerationRow> &generations)
{
    QList<OutputRow> none;
    return insert(generations, none);
}

bool TestData::insert(QList<GenerationRow> &generations, QList<OutputRow> &outputs)
{
    if (!m_open)
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    if (!db.transaction()) {
        m_error = db.lastError().text();
        return false;
    }
    auto fail = [&](const QString &message) {
        m_error = message;
        db.rollback();
        return false;
    };
    qint64 rev = 0;
    if (!reserveRevs(int(generations.size() + outputs.size()), &rev))
        return fail(m_error);

    for (GenerationRow &row : generations) {
        if (row.createdAt == 0)
            row.createdAt = nowMicros();
        if (row.id.isEmpty())
            row.id = newId(row.createdAt);
        row.rev = rev++;
        const bool finished = row.status == QLatin1String("completed") || row.status == QLatin1String("failed")
            || row.status == QLatin1String("cancelled");
        const QString sql = QStringLiteral(
            "INSERT INTO generations (id, session_id, project_id, user_id, model_id, prompt, negative_prompt, status, client_id, "
            "progress, progress_is_estimate, cost, created_at, started_at, finished_at, rev) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, %1, %2, 0, %3, %4, %5, %6)")
            .arg(finished ? 100 : 0)
            .arg(boolLiteral(false), timeLiteral(row.createdAt),
                 row.status == QLatin1String("queued") ? QStringLiteral("NULL") : timeLiteral(row.createdAt + 1000),
                 finished ? timeLiteral(row.createdAt + 2000000) : QStringLiteral("NULL"))
            .arg(row.rev);
        if (!exec(sql, QVariantList{row.id, row.sessionId, row.projectId, row.userId, row.modelId, row.prompt,
                                    row.negativePrompt.isNull() ? QStringLiteral("") : row.negativePrompt, row.status,
                                    row.clientId.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(row.clientId)}))
            return fail(m_error);
    }
    for (OutputRow &row : outputs) {
        if (row.createdAt == 0)
            row.createdAt = nowMicros();
        if (row.id.isEmpty())
            row.id = newId(row.createdAt);
        row.rev = rev++;
        const QString key = QStringLiteral("test/%1/%2").arg(row.generationId, row.id);
        const QString sql = QStringLiteral(
            "INSERT INTO outputs (id, generation_id, session_id, project_id, file_type, storage_key, thumb_key, width, "
            "height, bytes, is_starred, created_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, %1, %2, 1024, %3, %4, %5)")
            .arg(row.width)
            .arg(row.height)
            .arg(boolLiteral(row.starred), timeLiteral(row.createdAt))
            .arg(row.rev);
        if (!exec(sql, QVariantList{row.id, row.generationId, row.sessionId, row.projectId, row.fileType,
                                    QString(key + QStringLiteral(".png")), QString(key + QStringLiteral(".thumb.webp"))}))
            return fail(m_error);
    }
    if (!db.commit()) {
        m_error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

QPair<QString, QString> TestData::addImage(const QString &sessionId, const QString &projectId, const QString &userId,
                                           qint64 createdAt, const QString &prompt)
{
    QList<GenerationRow> generations(1);
    generations[0].sessionId = sessionId;
    generations[0].projectId = projectId;
    generations[0].userId = userId;
    generations[0].prompt = prompt;
    generations[0].createdAt = createdAt;
    if (generations[0].createdAt == 0)
        generations[0].createdAt = nowMicros();
    QList<OutputRow> outputs(1);
    outputs[0].sessionId = sessionId;
    outputs[0].projectId = projectId;
    outputs[0].generationId = generations[0].id = newId(generations[0].createdAt);
    outputs[0].createdAt = generations[0].createdAt + 2000000;
    if (!insert(generations, outputs))
        return {};
    return {generations[0].id, outputs[0].id};
}

bool TestData::setProjectsUpdatedAt(const QStringList &projectIds, qint64 micros)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    if (!db.transaction()) {
        m_error = db.lastError().text();
        return false;
    }
    for (const QString &id : projectIds) {
        if (!exec(QStringLiteral("UPDATE projects SET updated_at = %1 WHERE id = ?").arg(timeLiteral(micros)), QVariantList{id})) {
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        m_error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

bool repairStats(TestServer &server, QByteArray *output)
{
    QByteArray text;
    const int code = server.runCommand({QStringLiteral("repair-stats")}, &text);
    if (output)
        *output = text;
    return code == 0 || code == 3; // 3: drift was found and fixed, which is what inserting rows directly causes
}

} // namespace vesper::test
