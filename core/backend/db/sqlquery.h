#pragma once
// A thin QSqlQuery wrapper whose exec throws DbError, so repository code reads as straight-line SQL.
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QHash>
#include <QStringList>
#include <QVariant>
#include <functional>
#include <memory>

namespace vesper::backend {

struct CachedStatement;

class SqlQuery {
public:
    /// Prepares sql on db, reusing this thread's prepared statement for the same text when it is free.
    SqlQuery(const QSqlDatabase &db, const QString &sql);
    ~SqlQuery();
    SqlQuery(const SqlQuery &) = delete;
    SqlQuery &operator=(const SqlQuery &) = delete;

    /// Binds a value; a null QString binds as '' (use a null QVariant for SQL NULL).
    SqlQuery &bind(const QString &placeholder, const QVariant &value);
    /// Executes; throws DbError (isConstraint() for unique/foreign-key violations).
    SqlQuery &exec();
    bool next() { return m_q->next(); }
    QVariant value(int index) const { return m_q->value(index); }
    QVariant value(const QString &name) const { return m_q->value(name); }
    qint64 int64(int index) const { return m_q->value(index).toLongLong(); }
    QString text(int index) const { return m_q->value(index).toString(); }
    bool boolean(int index) const;
    int numRowsAffected() const { return m_q->numRowsAffected(); }
    QSqlQuery &raw() { return *m_q; }

    /// Runs a statement with no parameters (DDL, pragmas); throws DbError.
    static void run(const QSqlDatabase &db, const QString &sql);

    /// Tests only: while set on a thread, every SELECT executed on that thread is first explained
    /// (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) and its plan handed to the recorder.
    using PlanRecorder = std::function<void(const QString &sql, const QStringList &plan)>;
    static void setPlanRecorder(PlanRecorder recorder);

private:
    void explain();

    std::shared_ptr<CachedStatement> m_cached;
    QSqlQuery m_own;
    QSqlQuery *m_q = &m_own;
    QString m_sql;
    QString m_connection;
    QHash<QString, QVariant> m_bound;
};

} // namespace vesper::backend
