#pragma once
// Writes rows of the cache inside a transaction CacheStore holds: feed changes (upserts by kind,
// tombstones that take their children along), polled generation states and rows made offline.
// Keeps its prepared statements for its own lifetime (one page) and records what it changed.
#include "client/cache/cachetypes.h"
#include "domain/generation.h"

#include <QHash>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <memory>
#include <optional>

namespace vesper::client {

class CacheRowWriter {
public:
    CacheRowWriter(QSqlDatabase db, CacheChanges *changed);

    /// Applies one change of the feed (index names it in errors). Unknown kinds and ops are skipped.
    bool applyChange(const QJsonObject &change, int index, QString *error);
    /// Upserts one row of kind from its API JSON. rev is null for rows made locally (pending).
    bool upsert(const QString &kind, const QJsonObject &data, const QString &changeId, const QString &projectHint,
                std::optional<qint64> rev, bool pending, QString *error);
    /// Deletes a row and its children; projectHint helps find a member row.
    bool remove(const QString &kind, const QString &id, const QString &projectHint, QString *error);
    /// Indexes the prompts of generation rows written so far; call once before the commit.
    bool finish(QString *error);
    /// Writes a polled state onto a generation the cache holds (skipped when it holds none).
    /// A pushed progress tick: progress and processing, unless finished or no further along.
    bool writeProgress(const QString &generationId, int progress, bool isEstimate, QString *error);
    bool writePolled(const Generation &polled, QString *error);

private:
    QSqlQuery &statement(const QString &sql);
    bool exec(QSqlQuery &q, QString *error);
    /// Runs a DELETE ... RETURNING id, adding the ids to removed.
    bool deleteReturning(const QString &sql, const QVariantList &binds, QSet<QString> *removed, QString *error);
    bool upsertProject(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error);
    bool upsertSession(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error);
    bool upsertGeneration(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error);
    bool upsertOutput(const QJsonObject &data, std::optional<qint64> rev, bool pending, QString *error);
    bool upsertMember(const QJsonObject &data, const QString &changeId, const QString &projectHint,
                      std::optional<qint64> rev, bool pending, QString *error);
    bool upsertProfile(const QJsonObject &data, QString *error);
    bool hasPendingGenerations();
    bool writeGeneration(const Generation &g, std::optional<qint64> rev, bool pending, QString *error);
    bool writeOutput(const Output &o, std::optional<qint64> rev, bool pending, QString *error);
    void noteRemoved(QSet<QString> &removed, QSet<QString> &upserted, const QSet<QString> &ids);

    QSqlDatabase m_db;
    CacheChanges *m_changed;
    bool m_generationsWritten = false;
    bool m_pendingKnown = false; // whether m_hasPending was read in this writer's transaction
    bool m_hasPending = true;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_statements;
};

} // namespace vesper::client
