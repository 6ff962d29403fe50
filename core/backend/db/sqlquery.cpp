#include "backend/db/sqlquery.h"
#include "backend/db/dberror.h"
#include "common/logging.h"

#include <QSqlError>

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
} // namespace

SqlQuery::SqlQuery(const QSqlDatabase &db, const QString &sql)
    : m_query(db)
    , m_sql(sql)
{
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql)) {
        const QSqlError error = m_query.lastError();
        throw DbError(QStringLiteral("prepare failed: %1").arg(error.text()));
    }
}

SqlQuery &SqlQuery::bind(const QString &placeholder, const QVariant &value)
{
    // QtSql binds a null QString as SQL NULL; an empty string the caller meant is bound as ''.
    // A deliberate NULL is a null QVariant (QVariant(QMetaType(...))), which stays NULL.
    if (value.typeId() == QMetaType::QString && !value.isNull() && value.toString().isNull()) {
        m_query.bindValue(placeholder, QVariant(QStringLiteral("")));
        return *this;
    }
    m_query.bindValue(placeholder, value);
    return *this;
}

SqlQuery &SqlQuery::exec()
{
    if (!m_query.exec()) {
        const QSqlError error = m_query.lastError();
        const bool constraint = isConstraintError(error);
        if (!constraint)
            qCWarning(lcDb).noquote() << "query failed:" << error.text() << "in" << m_sql.left(200);
        throw DbError(error.text(), constraint);
    }
    return *this;
}

bool SqlQuery::boolean(int index) const
{
    const QVariant v = m_query.value(index);
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
