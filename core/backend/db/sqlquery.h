#pragma once
// A thin QSqlQuery wrapper whose exec throws DbError, so repository code reads as straight-line SQL.
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

namespace vesper::backend {

class SqlQuery {
public:
    SqlQuery(const QSqlDatabase &db, const QString &sql);

    /// Binds a value; a null QString binds as '' (use a null QVariant for SQL NULL).
    SqlQuery &bind(const QString &placeholder, const QVariant &value);
    /// Executes; throws DbError (isConstraint() for unique/foreign-key violations).
    SqlQuery &exec();
    bool next() { return m_query.next(); }
    QVariant value(int index) const { return m_query.value(index); }
    QVariant value(const QString &name) const { return m_query.value(name); }
    qint64 int64(int index) const { return m_query.value(index).toLongLong(); }
    QString text(int index) const { return m_query.value(index).toString(); }
    bool boolean(int index) const;
    int numRowsAffected() const { return m_query.numRowsAffected(); }
    QSqlQuery &raw() { return m_query; }

    /// Runs a statement with no parameters (DDL, pragmas); throws DbError.
    static void run(const QSqlDatabase &db, const QString &sql);

private:
    QSqlQuery m_query;
    QString m_sql;
};

} // namespace vesper::backend
