#include "backend/db/sqlquery.h"
#include "backend/db/dberror.h"
#include "backend/db/statementcache.h"
#include "common/logging.h"

#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>

namespace vesper::backend {
namespace {
bool isConstraintError(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    const QString text = error.databaseText();
    // SQLite: 19 (SQLITE_CONSTRAINT) and its extended codes; PostgreSQL: class 23.
    return code == QLatin1String("19") || code.startsWith(QLatin1String("23"))
        || text.contains(QLatin1String("UNIQUE constraint"))
        || text.contains(QLatin1String("FOREIGN KEY constraint"));
}
thread_local SqlQuery::PlanRecorder t_planRecorder;
} // namespace

void SqlQuery::setPlanRecorder(PlanRecorder recorder)
{
    t_planRecorder = std::move(recorder);
}

void SqlQuery::explain()
{
    const QString head = m_sql.trimmed().left(6).toUpper();
    if (head != QLatin1String("SELECT") && !head.startsWith(QLatin1String("WITH")))
        return;
    // Inline the bound values as literals: PostgreSQL cannot prepare an EXPLAIN.
    const QSqlDriver *driver = m_q->driver();
    static const QRegularExpression placeholder(QStringLiteral("(?<!:):(\\w+)"));
    QString sql;
    qsizetype last = 0;
    auto it = placeholder.globalMatch(m_sql);
    while (it.hasNext()) {
        const auto match = it.next();
        const QString name = QLatin1Char(':') + match.captured(1);
        if (!m_bound.contains(name))
            continue;
        QSqlField field(QString(), m_bound.value(name).metaType());
        field.setValue(m_bound.value(name));
        sql += m_sql.mid(last, match.capturedStart() - last) + driver->formatValue(field);
        last = match.capturedEnd();
    }
    sql += m_sql.mid(last);
    const bool sqlite = driver->dbmsType() == QSqlDriver::SQLite;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    QStringList lines;
    if (q.exec((sqlite ? QStringLiteral("EXPLAIN QUERY PLAN ") : QStringLiteral("EXPLAIN ")) + sql)) {
        while (q.next())
            lines << q.value(sqlite ? 3 : 0).toString();
    } else {
        lines << QStringLiteral("EXPLAIN FAILED: ") + q.lastError().text();
    }
    t_planRecorder(m_sql, lines);
}

SqlQuery::SqlQuery(const QSqlDatabase &db, const QString &sql)
    : m_sql(sql)
    , m_connection(db.connectionName())
{
    // Preparing is a large share of a short query's cost: reuse this thread's statement.
    m_cached = acquireStatement(m_connection, sql);
    if (m_cached && m_cached->prepared) {
        m_q = &m_cached->query;
        return;
    }
    if (m_cached)
        m_q = &m_cached->query;
    else
        m_own = QSqlQuery(db);
    m_q->setForwardOnly(true);
    if (!m_q->prepare(sql)) {
        const QSqlError error = m_q->lastError();
        if (m_cached)
            releaseStatement(m_cached);
        m_cached.reset();
        throw DbError(QStringLiteral("prepare failed: %1").arg(error.text()));
    }
    if (m_cached)
        m_cached->prepared = true;
}

SqlQuery::~SqlQuery()
{
    if (m_cached) {
        m_cached->query.finish(); // resets the statement: no read lock or portal stays open
        releaseStatement(m_cached);
    }
}

SqlQuery &SqlQuery::bind(const QString &placeholder, const QVariant &value)
{
    // QtSql binds a null QString as SQL NULL; an empty string the caller meant is bound as ''.
    // A deliberate NULL is a null QVariant (QVariant(QMetaType(...))), which stays NULL.
    if (value.typeId() == QMetaType::QString && !value.isNull() && value.toString().isNull()) {
        m_q->bindValue(placeholder, QVariant(QStringLiteral("")));
        if (t_planRecorder)
            m_bound.insert(placeholder, QVariant(QStringLiteral("")));
        return *this;
    }
    m_q->bindValue(placeholder, value);
    if (t_planRecorder)
        m_bound.insert(placeholder, value);
    return *this;
}

SqlQuery &SqlQuery::exec()
{
    if (t_planRecorder)
        explain();
    if (!m_q->exec()) {
        const QSqlError error = m_q->lastError();
        const bool constraint = isConstraintError(error);
        if (!constraint)
            qCWarning(lcDb).noquote() << "query failed:" << error.text() << "in" << m_sql.left(200);
        throw DbError(error.text(), constraint);
    }
    return *this;
}

bool SqlQuery::boolean(int index) const
{
    const QVariant v = m_q->value(index);
    if (v.typeId() == QMetaType::QString)
        return v.toString() == QLatin1String("t") || v.toString() == QLatin1String("true") || v.toString() == QLatin1String("1");
    return v.toBool();
}

void SqlQuery::run(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        throw DbError(q.lastError().text(), isConstraintError(q.lastError()));
}

} // namespace vesper::backend
